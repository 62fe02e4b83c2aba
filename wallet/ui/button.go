package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// spaceButton is a button that Space presses on the key's character, not
// on the key-down event as widget.Button does.
//
// One press of Space reaches a Fyne window twice: as a key (KeySpace) and
// then as a character (' '). widget.Button acts on the key; the screen it
// opens focuses its first control, which then receives the character:
// "Show as QR code" pressed with Space used to tick the picker's first
// claim by itself. Acting on the character, the last event of the press,
// leaves nothing for the next screen.
type spaceButton struct {
	widget.Button
}

// newButton is widget.NewButton with spaceButton's keyboard handling; every
// button of the wallet is made with it.
func newButton(label string, tapped func()) *spaceButton {
	b := &spaceButton{}
	b.Text = label
	b.OnTapped = tapped
	b.ExtendBaseWidget(b)
	return b
}

// TypedKey ignores Space (TypedRune handles it) and passes other keys on.
func (b *spaceButton) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeySpace {
		return
	}
	b.Button.TypedKey(ev)
}

// TypedRune presses the button on the space character.
func (b *spaceButton) TypedRune(r rune) {
	if r == ' ' {
		b.Button.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	}
}
