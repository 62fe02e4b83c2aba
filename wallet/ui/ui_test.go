package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/cityid/cityid/credential/qrcode"
)

var start = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

// fits fails when the screen needs more width than the window has: on a
// phone nothing may be cut off or scroll sideways.
func fits(t *testing.T, u *UI, screen string) {
	t.Helper()
	if min, have := u.win.Content().MinSize().Width, u.win.Canvas().Size().Width; min > have {
		t.Errorf("%s: the screen needs %.0f units of width, the window has %.0f", screen, min, have)
	}
	// The test window grows to fit content wider than it: that is cut off
	// on a phone too.
	if want, ok := windowSizes.Load(u); ok && u.win.Canvas().Size().Width > want.(fyne.Size).Width {
		t.Errorf("%s: the window grew to %.0f units of width to fit the screen, from %.0f", screen, u.win.Canvas().Size().Width, want.(fyne.Size).Width)
	}
}

// TestResidentFlow taps through the whole app, on a phone and on a desktop:
// create a profile, lock, a wrong PIN, unlock, the list, a credential's
// details, the claim picker, the QR code (read back from the screen and
// checked as a kiosk would), the history and clearing it.
func TestResidentFlow(t *testing.T) {
	for _, tc := range []struct {
		name string
		size fyne.Size
	}{{"phone", phoneSize}, {"desktop", desktopSize}} {
		t.Run(tc.name, func(t *testing.T) { residentFlow(t, tc.size) })
	}
}

func residentFlow(t *testing.T, size fyne.Size) {
	clock := &fakeClock{t: start}
	root := t.TempDir()
	u := newTestUI(t, root, size, clock)

	// No profile yet: the new-profile screen.
	wantText(t, u, "Create a new profile")
	fits(t, u, "create")
	test.Type(entry(t, u, "Your name or a nickname"), "ana")
	entry(t, u, "PIN").SetText("123456")
	enter(entry(t, u, "PIN again"), "123456")
	wantText(t, u, "Choose another PIN")
	entry(t, u, "PIN").SetText(testPIN)
	enter(entry(t, u, "PIN again"), "482917")
	wantText(t, u, "The two PINs are not the same.")
	enter(entry(t, u, "PIN again"), testPIN)
	if u.Wallet() == nil {
		t.Fatalf("no wallet after creating the profile; texts: %q", texts(u))
	}
	if _, err := os.Stat(filepath.Join(root, "ana", "wallet.db")); err != nil {
		t.Fatal(err)
	}
	wantText(t, u, "Your credentials (ana)")
	wantText(t, u, "No credentials yet")
	fits(t, u, "empty list")

	// Lock, then a wrong PIN says how long to wait, and the wait holds.
	test.Tap(button(t, u, "Lock"))
	if u.Wallet() != nil {
		t.Fatal("the wallet is still open after Lock")
	}
	wantText(t, u, "Profile: ana")
	fits(t, u, "unlock")
	enter(entry(t, u, "PIN"), "999999")
	wantText(t, u, "Wrong PIN. You can try again in 1 s.")
	if u.Wallet() != nil {
		t.Fatal("a wrong PIN opened the wallet")
	}
	enter(entry(t, u, "PIN"), testPIN)
	wantText(t, u, "Too many wrong PINs. Try again in 1 s.")
	clock.Advance(2 * time.Second)
	entry(t, u, "PIN").SetText(testPIN)
	test.Tap(button(t, u, "Unlock"))
	if u.Wallet() == nil {
		t.Fatalf("the right PIN did not open the wallet; texts: %q", texts(u))
	}

	// A credential arrives (in the core, as a receive would store it).
	iss := newTestIssuer(t)
	iss.give(t, u.Wallet(), "AgeOverCredential", map[string]any{"ageOver18": true, "ageOver21": true}, clock.Now())
	u.ShowList()
	wantText(t, u, "Age over")
	// Imported, not received: the issuer gave no name; the end of its DID.
	wantText(t, u, "Issued by an issuer without a name (…"+iss.did[len(iss.did)-8:]+")")
	wantText(t, u, "Valid until 2027-11-22")
	noText(t, u, "EXPIRED")
	fits(t, u, "list")

	test.Tap(button(t, u, "Open"))
	wantText(t, u, "Over 18")
	wantText(t, u, "Over 21")
	wantText(t, u, "Yes")
	wantText(t, u, "Issuer's identifier: "+iss.did)
	fits(t, u, "detail")

	test.Tap(button(t, u, "Show as QR code"))
	fits(t, u, "picker")
	test.Tap(button(t, u, "Show QR"))
	wantText(t, u, "Tick at least one claim to show.")
	test.Tap(check(t, u, "Over 18"))
	entry(t, u, "e.g. Library, 2nd floor").SetText("Library kiosk 3")
	clock.Advance(time.Minute)
	enter(entry(t, u, "e.g. K7Q2XA"), "k7q2xa")

	// The QR screen: the code fills the window and reads back as a
	// presentation of the ticked claim only, for the kiosk's challenge.
	wantText(t, u, "Shown: Over 18")
	var view *canvas.Raster
	for _, o := range objects(u) {
		if r, ok := o.(*canvas.Raster); ok {
			view = r
		}
	}
	if view == nil {
		t.Fatal("no QR code on the screen")
	}
	if s, c := view.Size(), u.win.Canvas().Size(); min(s.Width, s.Height) < 0.8*min(c.Width, c.Height) {
		t.Errorf("the QR code is %v in a window of %v: not at maximum size", s, c)
	}
	text, err := qrcode.DecodeImage(u.win.Canvas().Capture())
	if err != nil {
		t.Fatalf("the code on the screen does not read: %v", err)
	}
	v := iss.verify(t, text, "K7Q2XA", clock.Now())
	if !slices.Equal(v.Disclosed, []string{"ageOver18"}) {
		t.Fatalf("the code discloses %v", v.Disclosed)
	}
	test.Tap(button(t, u, "Done"))
	wantText(t, u, "Over 21") // back on the details

	// The history shows it, and clearing asks first.
	u.ShowList()
	test.Tap(button(t, u, "History"))
	fits(t, u, "history")
	wantText(t, u, "Age over: Over 18")
	wantText(t, u, "To: Library kiosk 3")
	wantText(t, u, "Form: QR code")
	wantText(t, u, "2026-11-22")
	test.Tap(button(t, u, "Clear history"))
	wantText(t, u, "Clear all 1 entries?")
	test.Tap(button(t, u, "Cancel"))
	if h, _ := u.Wallet().History(); len(h) != 1 {
		t.Fatalf("Cancel cleared the history: %v", h)
	}
	test.Tap(button(t, u, "Clear history"))
	test.Tap(button(t, u, "Yes, clear the history"))
	wantText(t, u, "Nothing shown yet.")
	if h, err := u.Wallet().History(); err != nil || len(h) != 0 {
		t.Fatalf("history after clearing: %v %v", h, err)
	}

	// A year later the credential is marked expired, in words.
	clock.Advance(366 * 24 * time.Hour)
	u.ShowList()
	wantText(t, u, "EXPIRED")
}

// TestProfilePicker: with several profiles the resident picks one, and the
// PIN opens only that one.
func TestProfilePicker(t *testing.T) {
	clock := &fakeClock{t: start}
	root := t.TempDir()
	u := newTestUI(t, root, phoneSize, clock)
	for _, name := range []string{"bea", "ana"} {
		if u.Wallet() != nil {
			u.Lock()
			test.Tap(button(t, u, "Create a new profile"))
		}
		test.Type(entry(t, u, "Your name or a nickname"), name)
		entry(t, u, "PIN").SetText(testPIN + name)
		enter(entry(t, u, "PIN again"), testPIN+name)
		wantText(t, u, "Your credentials ("+name+")")
	}
	u.Lock()
	wantText(t, u, "Whose wallet is it?")
	var pick *widget.Select
	for _, o := range objects(u) {
		if s, ok := o.(*widget.Select); ok {
			pick = s
		}
	}
	if pick == nil || !slices.Equal(pick.Options, []string{"ana", "bea"}) {
		t.Fatalf("profile picker %+v", pick)
	}
	pick.SetSelected("bea")
	enter(entry(t, u, "PIN"), testPIN+"ana")
	wantText(t, u, "Wrong PIN")
	clock.Advance(time.Minute)
	enter(entry(t, u, "PIN"), testPIN+"bea")
	wantText(t, u, "Your credentials (bea)")
	if !strings.HasSuffix(u.Wallet().Dir(), "bea") {
		t.Fatalf("opened %s", u.Wallet().Dir())
	}
	// A name taken already is refused.
	u.Lock()
	test.Tap(button(t, u, "Create a new profile"))
	test.Type(entry(t, u, "Your name or a nickname"), "ana")
	entry(t, u, "PIN").SetText("739164")
	enter(entry(t, u, "PIN again"), "739164")
	wantText(t, u, "A profile with this name already exists.")
	test.Type(entry(t, u, "Your name or a nickname"), "/x")
	enter(entry(t, u, "PIN again"), "739164")
	wantText(t, u, "Choose a name without")
}

// TestReceiveErrors: an offer that is not one is refused in plain words
// and nothing is stored.
func TestReceiveErrors(t *testing.T) {
	clock := &fakeClock{t: start}
	u := newTestUI(t, t.TempDir(), desktopSize, clock)
	test.Type(entry(t, u, "Your name or a nickname"), "ana")
	entry(t, u, "PIN").SetText(testPIN)
	enter(entry(t, u, "PIN again"), testPIN)
	test.Tap(button(t, u, "Receive a credential"))
	fits(t, u, "receive")
	test.Tap(button(t, u, "Receive"))
	wantText(t, u, "Paste or type the offer")
	entry(t, u, "openid-credential-offer://…").SetText("hello, this is not an offer")
	enter(entry(t, u, "e.g. 493021"), "493021")
	wantText(t, u, "This is not a valid offer.")
	if list, err := u.Wallet().List(); err != nil || len(list) != 0 {
		t.Fatalf("list %v %v", list, err)
	}
	test.Tap(button(t, u, "Back"))
	wantText(t, u, "No credentials yet")
}

// TestLongList: with more credentials than a page, the list shows a page,
// "Show more" adds the next, and the search narrows them by claim value.
func TestLongList(t *testing.T) {
	clock := &fakeClock{t: start}
	u := newTestUI(t, t.TempDir(), phoneSize, clock)
	test.Type(entry(t, u, "Your name or a nickname"), "ana")
	entry(t, u, "PIN").SetText(testPIN)
	enter(entry(t, u, "PIN again"), testPIN)
	iss := newTestIssuer(t)
	for i := range 45 {
		program := fmt.Sprintf("Program %02d", i)
		iss.give(t, u.Wallet(), "ServiceEligibilityCredential", map[string]any{
			"program": fmt.Sprintf("p%02d", i), "programName": program,
			"eligibleFrom": "2026-11-01", "eligibleUntil": "2027-10-31",
		}, clock.Now())
	}
	u.ShowList()
	count := func() int {
		n := 0
		for _, o := range objects(u) {
			if b, ok := o.(*spaceButton); ok && b.Text == "Open" {
				n++
			}
		}
		return n
	}
	if n := count(); n != listPage {
		t.Fatalf("the first page shows %d credentials, want %d", n, listPage)
	}
	test.Tap(button(t, u, "Show more (25 more)"))
	if n := count(); n != 2*listPage {
		t.Fatalf("after Show more: %d credentials, want %d", n, 2*listPage)
	}
	test.Tap(button(t, u, "Show more (5 more)"))
	if n := count(); n != 45 {
		t.Fatalf("after Show more twice: %d credentials, want 45", n)
	}
	noText(t, u, "Show more")
	reachable(t, u, "long list")
	enter(entry(t, u, "Search your credentials"), "program 07")
	wantText(t, u, "1 of 45 credentials match “program 07”.")
	if n := count(); n != 1 {
		t.Fatalf("the search shows %d credentials, want 1", n)
	}
	test.Tap(button(t, u, "Open"))
	wantText(t, u, "Program 07")
}
