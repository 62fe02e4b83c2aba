package ui

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/cityid/cityid/credential/compact"
	"github.com/cityid/cityid/credential/dataintegrity"
	"github.com/cityid/cityid/credential/status"
	"github.com/cityid/cityid/did"
	"github.com/cityid/cityid/schemas"
	"github.com/cityid/cityid/wallet"
)

const testPIN = "482916"

var (
	phoneSize   = fyne.NewSize(390, 844)
	desktopSize = fyne.NewSize(1024, 768)
)

// fakeClock is the time the wallet and the UI see.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// windowSizes holds the size each test window was made with (see fits).
var windowSizes sync.Map

// newTestUI builds the UI on profiles under root in a window of size,
// running slow work in place so that each tap finishes before it returns.
func newTestUI(t *testing.T, root string, size fyne.Size, clock *fakeClock) *UI {
	t.Helper()
	a := test.NewTempApp(t)
	a.Settings().SetTheme(Theme()) // as the app entries do
	win := a.NewWindow("")
	win.Resize(size)
	t.Cleanup(win.Close)
	wo := wallet.Options{Clock: clock.Now, Sleep: func(time.Duration) {}}
	u := New(a, win, Options{
		Root:   root,
		Clock:  clock.Now,
		Open:   func(dir, pin string) (*wallet.Wallet, error) { return wallet.Open(dir, pin, wo) },
		Create: func(dir, pin string) (*wallet.Wallet, error) { return wallet.Create(dir, pin, wo) },
	})
	u.async = func(f func()) { f() }
	windowSizes.Store(u, size)
	t.Cleanup(func() { windowSizes.Delete(u) })
	t.Cleanup(func() {
		if u.w != nil {
			u.w.Close()
		}
	})
	return u
}

// objects lists every object shown in the window, depth first.
func objects(u *UI) []fyne.CanvasObject {
	var out []fyne.CanvasObject
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		out = append(out, o)
		switch o := o.(type) {
		case *fyne.Container:
			for _, c := range o.Objects {
				walk(c)
			}
		case *container.Scroll:
			walk(o.Content)
		}
	}
	walk(u.win.Content())
	return out
}

func button(t *testing.T, u *UI, text string) *widget.Button {
	t.Helper()
	for _, o := range objects(u) {
		if b, ok := o.(*spaceButton); ok && b.Text == text {
			return &b.Button
		}
	}
	t.Fatalf("no button %q on the screen; texts: %q", text, texts(u))
	return nil
}

func entry(t *testing.T, u *UI, placeholder string) *widget.Entry {
	t.Helper()
	for _, o := range objects(u) {
		if e, ok := o.(*widget.Entry); ok && e.PlaceHolder == placeholder {
			return e
		}
	}
	t.Fatalf("no entry %q on the screen; texts: %q", placeholder, texts(u))
	return nil
}

func check(t *testing.T, u *UI, prefix string) *widget.Check {
	t.Helper()
	for _, o := range objects(u) {
		if c, ok := o.(*widget.Check); ok && strings.HasPrefix(c.Text, prefix) {
			return c
		}
	}
	t.Fatalf("no checkbox %q on the screen; texts: %q", prefix, texts(u))
	return nil
}

// texts returns the text of every visible label.
func texts(u *UI) []string {
	var out []string
	for _, o := range objects(u) {
		if l, ok := o.(*widget.Label); ok {
			out = append(out, l.Text)
		}
	}
	return out
}

// wantText fails unless a visible label contains sub.
func wantText(t *testing.T, u *UI, sub string) {
	t.Helper()
	for _, s := range texts(u) {
		if strings.Contains(s, sub) {
			return
		}
	}
	t.Fatalf("no text %q on the screen; texts: %q", sub, texts(u))
}

func noText(t *testing.T, u *UI, sub string) {
	t.Helper()
	for _, s := range texts(u) {
		if strings.Contains(s, sub) {
			t.Fatalf("text %q should not be on the screen; texts: %q", sub, texts(u))
		}
	}
}

// enter types s into e and presses Enter.
func enter(e *widget.Entry, s string) {
	e.SetText("")
	test.Type(e, s)
	e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
}

// testIssuer signs city credentials locally, the way the issuer service
// does (as wallet's own tests do).
type testIssuer struct {
	signer crypto.Signer
	did    string
	vm     string
}

func newTestIssuer(t *testing.T) *testIssuer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	d, err := did.KeyDID(priv.Public())
	if err != nil {
		t.Fatal(err)
	}
	vm, _ := did.KeyVerificationMethod(priv.Public())
	return &testIssuer{signer: priv, did: d, vm: vm}
}

const statusList = "https://id.springfield.example/status/revocation-0"

func testStatus() []any {
	return []any{status.Entry{Purpose: status.PurposeRevocation, Index: 7, ListCredential: statusList}.Map()}
}

func (ti *testIssuer) vc(holder, typ string, claims map[string]any, now time.Time) map[string]any {
	subject := map[string]any{"id": holder}
	for k, v := range claims {
		subject[k] = v
	}
	return map[string]any{
		"@context":          []any{schemas.CredentialsV2URL, schemas.CityContextURL},
		"type":              []any{"VerifiableCredential", typ},
		"issuer":            ti.did,
		"validFrom":         now.UTC().Format(time.RFC3339),
		"validUntil":        now.AddDate(1, 0, 0).UTC().Format(time.RFC3339),
		"credentialSubject": subject,
		"credentialStatus":  testStatus(),
	}
}

// give imports a W3C credential and its QR form into w.
func (ti *testIssuer) give(t *testing.T, w *wallet.Wallet, typ string, claims map[string]any, now time.Time) wallet.Credential {
	t.Helper()
	doc := ti.vc(w.DID(), typ, claims, now)
	doc["id"] = "urn:uuid:6f1c0a52-2a43-4bb0-9d0e-3f0b1e2a7c11"
	signed, err := dataintegrity.Sign(doc, ti.signer, dataintegrity.SignOptions{
		Cryptosuite: dataintegrity.EdDSARDFC2022, VerificationMethod: ti.vm, Created: now,
	})
	if err != nil {
		t.Fatal(err)
	}
	ldp, err := json.Marshal(signed)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Import(ldp); err != nil {
		t.Fatal(err)
	}
	qr, err := compact.Issue(ti.vc(w.DID(), typ, claims, now), ti.signer, compact.IssueOptions{KeyID: ti.vm, HolderKey: w.Signer().Public()})
	if err != nil {
		t.Fatal(err)
	}
	c, err := w.Import([]byte(qr))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// verify checks QR text as a kiosk trusting ti would.
func (ti *testIssuer) verify(t *testing.T, text, challenge string, now time.Time) *compact.Verified {
	t.Helper()
	keys, err := compact.Keys(compact.IssuerKey{Issuer: ti.did, VerificationMethod: ti.vm, PublicKey: ti.signer.Public()})
	if err != nil {
		t.Fatal(err)
	}
	lists, err := compact.StatusLists(compact.StatusList{URL: statusList, Purpose: status.PurposeRevocation})
	if err != nil {
		t.Fatal(err)
	}
	v, err := compact.Verify(text, keys, compact.VerifyOptions{Now: now, Challenge: challenge, RequireHolder: true, StatusLists: lists})
	if err != nil {
		t.Fatalf("the kiosk refuses the code: %v", err)
	}
	return v
}
