package kioskui

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/cityid/cityid/credential/qrcode"
	"github.com/cityid/cityid/verifier/kiosk"
)

const (
	examples    = "../../examples"
	exampleRoot = "did:key:z6Mkon3Necd6NkkyfoGoHxid2znGc59LU3K7mubaRcFbLfLX"
)

var start = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

// clock is a fake clock the tests move.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// stream is a deterministic "random" source, so challenges (and so the
// captured images) are the same on every run.
type stream struct{ state [32]byte }

func (s *stream) Read(p []byte) (int, error) {
	for i := range p {
		if i%32 == 0 {
			s.state = sha256.Sum256(s.state[:])
		}
		p[i] = s.state[i%32]
	}
	return len(p), nil
}

func newUI(t *testing.T) (*UI, *clock) {
	t.Helper()
	c := &clock{t: start}
	k, err := kiosk.New(kiosk.Config{
		TrustBundlePath: filepath.Join(examples, "city-bundle.json"),
		PinnedRoot:      exampleRoot,
		Clock:           c.now,
		Rand:            &stream{},
	})
	if err != nil {
		t.Fatal(err)
	}
	a := test.NewTempApp(t)
	a.Settings().SetTheme(Theme()) // as cmd/cityid-kiosk does
	u := New(context.Background(), a, k)
	t.Cleanup(u.Window().Close)
	return u, c
}

func example(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(examples, name))
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasSuffix(name, ".json") { // one line, as a scanner types it
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			t.Fatal(err)
		}
		data, _ = json.Marshal(v)
	}
	return strings.TrimSpace(string(data))
}

// scan types a code into the focused entry and presses Enter, as a
// keyboard-wedge scanner does.
func scan(t *testing.T, u *UI, code string) {
	t.Helper()
	focused, ok := u.Window().Canvas().Focused().(*widget.Entry)
	if !ok || focused != u.entry {
		t.Fatal("the scanner entry does not have the focus")
	}
	test.Type(focused, code)
	focused.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
}

func claimTexts(u *UI) []string {
	var out []string
	for _, o := range u.claims.Objects {
		out = append(out, o.(*widget.Label).Text)
	}
	return out
}

func TestReadyScreen(t *testing.T) {
	u, _ := newUI(t)
	if u.headline.Text != HeadlineReady || u.banner.FillColor != colorReady {
		t.Errorf("headline %q", u.headline.Text)
	}
	if len(u.challenge.Text) != kiosk.ChallengeLength || u.challenge.Text != u.k.Challenge() {
		t.Errorf("challenge on screen %q, kiosk's %q", u.challenge.Text, u.k.Challenge())
	}
	if u.Window().Canvas().Focused() != u.entry {
		t.Error("the scanner entry does not have the focus at start")
	}
}

func TestScanAcceptedThenReplayRefused(t *testing.T) {
	u, _ := newUI(t)
	before := u.challenge.Text
	scan(t, u, example(t, "age-over.sd-jwt"))
	if u.headline.Text != "ACCEPTED" || u.banner.FillColor != colorAccepted || u.icon.Resource != iconAccepted {
		t.Fatalf("headline %q, reason %q", u.headline.Text, u.reason.Text)
	}
	if got := claimTexts(u); strings.Join(got, "|") != "Over 18|Yes|Over 21|Yes" {
		t.Errorf("claims on screen %q", got)
	}
	if u.subtitle.Text != "Age over from Springfield Residents Office (example)" {
		t.Errorf("subtitle %q", u.subtitle.Text)
	}
	if u.entry.Text != "" || u.Window().Canvas().Focused() != u.entry {
		t.Errorf("after a scan the entry holds %q or lost the focus", u.entry.Text)
	}
	if u.challenge.Text == before || u.challenge.Text != u.k.Challenge() {
		t.Errorf("challenge after an accepted scan: %q (was %q)", u.challenge.Text, before)
	}
	test.AssertImageMatches(t, "accepted.png", u.Window().Canvas().Capture())

	scan(t, u, example(t, "age-over.sd-jwt"))
	if u.headline.Text != "REFUSED" || u.banner.FillColor != colorRefused || u.icon.Resource != iconRefused {
		t.Fatalf("replay: headline %q", u.headline.Text)
	}
	if u.reason.Text != "Reason: This code was already shown at 12:00." || !strings.Contains(u.advice.Text, "new code") {
		t.Errorf("replay reason %q, advice %q", u.reason.Text, u.advice.Text)
	}
	if len(u.claims.Objects) != 0 || !strings.Contains(u.note.Text, "Code: replayed.") {
		t.Errorf("refusal shows claims %q, note %q", claimTexts(u), u.note.Text)
	}
	test.AssertImageMatches(t, "refused.png", u.Window().Canvas().Capture())
}

func TestRefusalsNameTheirReason(t *testing.T) {
	u, _ := newUI(t)
	scan(t, u, "HELLO FROM A SCANNER")
	if u.headline.Text != "REFUSED" || !strings.Contains(u.reason.Text, "not a credential") || !strings.Contains(u.note.Text, "unsupported_format") {
		t.Errorf("garbage: %q / %q / %q", u.headline.Text, u.reason.Text, u.note.Text)
	}
	scan(t, u, example(t, "residency-revoked.json"))
	if u.headline.Text != "REFUSED" || u.reason.Text != "Reason: The issuer has revoked this credential." {
		t.Errorf("revoked: %q / %q", u.headline.Text, u.reason.Text)
	}
	// An empty Enter changes nothing.
	u.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if !strings.Contains(u.reason.Text, "revoked") {
		t.Errorf("an empty line replaced the outcome: %q", u.reason.Text)
	}
}

func TestStrayKeysReachTheEntry(t *testing.T) {
	u, _ := newUI(t)
	c := u.Window().Canvas()
	c.Unfocus()
	test.TypeOnCanvas(c, "ABC")
	if c.Focused() != u.entry || u.entry.Text != "ABC" {
		t.Fatalf("keys typed with no focus: entry %q, focused %v", u.entry.Text, c.Focused())
	}
}

func TestTickClearsAndRotates(t *testing.T) {
	u, c := newUI(t)
	scan(t, u, example(t, "residency.json"))
	if u.headline.Text != "ACCEPTED" {
		t.Fatalf("%q: %s", u.headline.Text, u.reason.Text)
	}
	u.Tick()
	if u.headline.Text != "ACCEPTED" {
		t.Fatal("Tick cleared a fresh outcome")
	}
	c.add(kiosk.DefaultClearAfter)
	u.Tick()
	if u.headline.Text != HeadlineReady || len(u.claims.Objects) != 0 {
		t.Fatalf("after ClearAfter: %q with %d claim widgets", u.headline.Text, len(u.claims.Objects))
	}
	if _, ok := u.Shown(); ok {
		t.Error("Shown reports an outcome on the ready screen")
	}
	old := u.challenge.Text
	c.add(kiosk.DefaultChallengeRotation)
	u.Tick()
	if u.challenge.Text == old || u.challenge.Text != u.k.Challenge() {
		t.Errorf("challenge after rotation: %q (was %q)", u.challenge.Text, old)
	}
}

func TestOpenImage(t *testing.T) {
	u, _ := newUI(t)
	test.Tap(u.open)
	if u.Window().Canvas().Overlays().Top() == nil {
		t.Fatal("Open image… shows no dialog")
	}
	u.Window().Canvas().Overlays().Top().Hide()
	u.Window().Canvas().Overlays().Remove(u.Window().Canvas().Overlays().Top())

	code, err := qrcode.Encode(example(t, "age-over.sd-jwt"), qrcode.Medium)
	if err != nil {
		t.Fatal(err)
	}
	png, err := code.PNG(600)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "code.png")
	if err := os.WriteFile(path, png, 0o600); err != nil {
		t.Fatal(err)
	}
	u.CheckImageURI(storage.NewFileURI(path))
	if u.headline.Text != "ACCEPTED" || !strings.Contains(strings.Join(claimTexts(u), "|"), "Over 18|Yes") {
		t.Fatalf("QR image: %q %q", u.headline.Text, u.reason.Text)
	}
	u.CheckImageURI(storage.NewFileURI(filepath.Join(t.TempDir(), "missing.png")))
	if u.headline.Text != "REFUSED" || !strings.Contains(u.note.Text, "image_unreadable") {
		t.Fatalf("missing image: %q %q", u.headline.Text, u.note.Text)
	}
	if u.Window().Canvas().Focused() != u.entry {
		t.Error("the entry lost the focus")
	}
}

// TestEvidenceShown: an accepted credential issued on an attestation says
// who vouched for the resident, above what was checked.
func TestEvidenceShown(t *testing.T) {
	u, _ := newUI(t)
	u.Show(kiosk.Outcome{Pass: true, Headline: kiosk.HeadlineAccepted, Reason: "Signed by a trusted issuer, within its dates.",
		Evidence: []string{"Identity attested by a shelter (Downtown Shelter)."}})
	if u.reason.Text != "Identity attested by a shelter (Downtown Shelter).\nSigned by a trusted issuer, within its dates." {
		t.Errorf("reason on screen %q", u.reason.Text)
	}
}
