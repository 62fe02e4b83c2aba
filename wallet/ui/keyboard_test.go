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
