package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"
)

// TestDetailLabels: an object claim (a residency's address) is shown with
// the schema's labels in the schema's order, and the picker offers it as
// one claim, its value cut short under the box.
func TestDetailLabels(t *testing.T) {
	clock := &fakeClock{t: start}
	u := newTestUI(t, t.TempDir(), phoneSize, clock)
	test.Type(entry(t, u, "Your name or a nickname"), "ana")
	entry(t, u, "PIN").SetText(testPIN)
	enter(entry(t, u, "PIN again"), testPIN)
	iss := newTestIssuer(t)
	iss.give(t, u.Wallet(), "ResidencyCredential", map[string]any{
		"residentOf":    "Springfield",
		"housingStatus": "housed",
		"address": map[string]any{
			"streetAddress":   "742 Evergreen Terrace",
			"postalCode":      "49007",
			"addressLocality": "Springfield",
		},
	}, clock.Now())
	u.ShowList()
	wantText(t, u, "Residency")
	test.Tap(button(t, u, "Open"))
	wantText(t, u, "Resident of")
	wantText(t, u, "Housing status")
	wantText(t, u, "Housed") // the value's title, not "housed"
	wantText(t, u, "Street address: 742 Evergreen Terrace\nPostal code: 49007\nCity or town: Springfield")
	fits(t, u, "detail")
	test.Tap(button(t, u, "Show as QR code"))
	check(t, u, "Address")
	wantText(t, u, "742 Evergreen Terrace, 49007, Spr") // cut short
	fits(t, u, "picker")
}
