package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
)

// reachable fails unless Tab reaches every enabled control on the screen:
// each action must work from the keyboard.
func reachable(t *testing.T, u *UI, screen string) {
	t.Helper()
	want := map[fyne.Focusable]bool{}
	for _, o := range objects(u) {
		f, ok := o.(fyne.Focusable)
		if !ok {
			continue
		}
		if d, ok := o.(fyne.Disableable); ok && d.Disabled() {
			continue
		}
		want[f] = true
	}
	if len(want) == 0 {
		t.Fatalf("%s: nothing can take the keyboard focus", screen)
	}
	c := u.win.Canvas()
	for range 3 * len(want) {
		test.FocusNext(c)
		delete(want, c.Focused())
	}
	for f := range want {
		t.Errorf("%s: Tab never reaches %T", screen, f)
	}
}

// TestKeyboard: Tab reaches every control of every screen, Ctrl+H, Ctrl+R
// and Ctrl+L open the history, receive and lock, Escape goes back.
func TestKeyboard(t *testing.T) {
	clock := &fakeClock{t: start}
	u := newTestUI(t, t.TempDir(), desktopSize, clock)
	reachable(t, u, "create")
	test.Type(entry(t, u, "Your name or a nickname"), "ana")
	entry(t, u, "PIN").SetText(testPIN)
	enter(entry(t, u, "PIN again"), testPIN)
	iss := newTestIssuer(t)
	iss.give(t, u.Wallet(), "AgeOverCredential", map[string]any{"ageOver18": true}, clock.Now())
	u.ShowList()
	reachable(t, u, "list")
	test.Tap(button(t, u, "Open"))
	reachable(t, u, "detail")
	test.Tap(button(t, u, "Show as QR code"))
	reachable(t, u, "picker")
	test.Tap(check(t, u, "Over 18"))
	test.Tap(button(t, u, "Show QR"))
	reachable(t, u, "QR")
	if _, ok := u.win.Canvas().Focused().(fyne.Tappable); !ok {
		t.Error("the QR screen does not focus its Done button")
	}

	press := func(k fyne.KeyName) {
		u.win.Canvas().Unfocus()
		u.win.Canvas().(fyne.Shortcutable).TypedShortcut(&desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierShortcutDefault})
	}
	press(fyne.KeyH)
	wantText(t, u, "Every time you showed a credential")
	reachable(t, u, "history")
	test.Tap(button(t, u, "Clear history"))
	reachable(t, u, "confirm")
	u.win.Canvas().Unfocus()
	u.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	wantText(t, u, "Every time you showed a credential")
	noText(t, u, "Clear all")
	press(fyne.KeyR)
	wantText(t, u, "At the counter")
	reachable(t, u, "receive")
	u.win.Canvas().Unfocus()
	u.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	wantText(t, u, "Your credentials (ana)")
	press(fyne.KeyL)
	if u.Wallet() != nil {
		t.Fatal("Ctrl+L did not lock the wallet")
	}
	reachable(t, u, "unlock")
	press(fyne.KeyH) // locked: the shortcuts do nothing
	wantText(t, u, "Enter your PIN")
}

// pressSpace delivers one press of Space as a real window does: the key,
// then the character, each to whatever has the focus at that moment.
func pressSpace(u *UI) {
	c := u.win.Canvas()
	if f := c.Focused(); f != nil {
		f.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	}
	if f := c.Focused(); f != nil {
		f.TypedRune(' ')
	}
}

// TestSpaceDoesNotReachTheNextScreen: Space on "Show as QR code" opens the
// claim picker with nothing ticked (the resident ticks what to show), and
// Space on a claim ticks it once.
func TestSpaceDoesNotReachTheNextScreen(t *testing.T) {
	clock := &fakeClock{t: start}
	u := newTestUI(t, t.TempDir(), desktopSize, clock)
	test.Type(entry(t, u, "Your name or a nickname"), "ana")
	entry(t, u, "PIN").SetText(testPIN)
	enter(entry(t, u, "PIN again"), testPIN)
	iss := newTestIssuer(t)
	iss.give(t, u.Wallet(), "AgeOverCredential", map[string]any{"ageOver18": true, "ageOver21": true}, clock.Now())
	u.ShowList()
	focusButton(t, u, "Open")
	pressSpace(u)
	focusButton(t, u, "Show as QR code")
	pressSpace(u)
	wantText(t, u, "Choose what to show")
	over18 := check(t, u, "Over 18")
	if over18.Checked {
		t.Fatal("Space on \"Show as QR code\" also ticked the picker's first claim")
	}
	if u.win.Canvas().Focused() != fyne.Focusable(over18) {
		t.Fatalf("the picker focuses %T, not its first claim", u.win.Canvas().Focused())
	}
	pressSpace(u)
	if !over18.Checked {
		t.Fatal("Space on a claim did not tick it")
	}
	if check(t, u, "Over 21").Checked {
		t.Fatal("Space ticked a claim that was not focused")
	}
}

// focusButton gives the keyboard focus to the button labelled text.
func focusButton(t *testing.T, u *UI, text string) {
	t.Helper()
	for _, o := range objects(u) {
		if b, ok := o.(*spaceButton); ok && b.Text == text {
			u.win.Canvas().Focus(b)
			return
		}
	}
	t.Fatalf("no button %q on the screen; texts: %q", text, texts(u))
}
