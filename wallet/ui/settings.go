package ui

import (
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/cityid/cityid/wallet"
)

// ShowSettings shows the PIN change (current PIN, new PIN twice), the
// holder's DID with a Copy button, a note on languages and Lock now.
func (u *UI) ShowSettings() {
	if u.w == nil {
		u.ShowUnlock()
		return
	}
	w := u.w
	old := widget.NewPasswordEntry()
	old.SetPlaceHolder(lang.L("Current PIN"))
	pin := widget.NewPasswordEntry()
	pin.SetPlaceHolder(lang.L("New PIN"))
	again := widget.NewPasswordEntry()
	again.SetPlaceHolder(lang.L("PIN again"))
	msg := message(widget.DangerImportance)
	done := message(widget.SuccessImportance)
	change := newButton(lang.L("Change PIN"), nil)
	change.Importance = widget.HighImportance
	submit := func() {
		say(done, "")
		if pin.Text != again.Text {
			say(msg, lang.L("The two PINs are not the same."))
			again.SetText("")
			u.win.Canvas().Focus(again)
			return
		}
		if err := wallet.CheckPIN(pin.Text); err != nil {
			say(msg, lang.L("Choose another PIN: at least 6 characters, not one repeated digit or a run like 123456."))
			u.win.Canvas().Focus(pin)
			return
		}
		say(msg, lang.L("Checking the PIN…"))
		change.Disable()
		o, p := old.Text, pin.Text
		u.async(func() {
			err := w.ChangePIN(o, p)
			fyne.Do(func() {
				change.Enable()
				var pe *wallet.PINError
				switch {
				case errors.As(err, &pe):
					old.SetText("")
					say(msg, lang.L("Wrong PIN. You can try again in {{.Wait}}.", map[string]any{"Wait": formatWait(pe.Wait)}))
					u.win.Canvas().Focus(old)
				case err != nil:
					say(msg, lang.L("The PIN could not be changed: {{.Error}}", map[string]any{"Error": err.Error()}))
				default:
					old.SetText("")
					pin.SetText("")
					again.SetText("")
					say(msg, "")
					say(done, lang.L("The PIN is changed. Use the new PIN from now on."))
				}
			})
		})
	}
	change.OnTapped = submit
	old.OnSubmitted = func(string) { u.win.Canvas().Focus(pin) }
	pin.OnSubmitted = func(string) { u.win.Canvas().Focus(again) }
	again.OnSubmitted = func(string) { submit() }

	did := wrapped(w.DID())
	did.Wrapping = fyne.TextWrapBreak
	did.Selectable = true
	copied := message(widget.SuccessImportance)
	copyDID := newButton(lang.L("Copy"), func() {
		u.app.Clipboard().SetContent(w.DID())
		say(copied, lang.L("Copied."))
	})
	heading := func(s string) *widget.Label {
		l := widget.NewLabel(s)
		l.TextStyle = fyne.TextStyle{Bold: true}
		l.Wrapping = fyne.TextWrapWord
		return l
	}
	back := newButton(lang.L("Back"), u.ShowList)
	lock := newButton(lang.L("Lock now"), u.Lock)
	body := container.NewVBox(
		heading(lang.L("Change the PIN")),
		widget.NewLabel(lang.L("Current PIN")), old,
		widget.NewLabel(lang.L("New PIN (at least 6 characters)")), pin,
		widget.NewLabel(lang.L("Confirm the PIN")), again,
		msg, done, change,
		widget.NewSeparator(),
		heading(lang.L("Your wallet's identifier (DID)")),
		wrapped(lang.L("Credentials are issued to this identifier. A clerk may ask for it.")),
		did, container.NewHBox(copyDID), copied,
		widget.NewSeparator(),
		heading(lang.L("Language")),
		wrapped(lang.L("The app follows your system's language. English and Spanish are included; other languages show in English.")),
		widget.NewSeparator(),
		container.NewHBox(lock, back),
	)
	u.show(lang.L("Settings"), body, old, u.ShowList)
}
