package ui

import (
	"context"
	"testing"
	"time"

	"github.com/cityid/cityid/issuer/server/servertest"

	"fyne.io/fyne/v2/test"

	"github.com/cityid/cityid/issuer"
)

// TestReceiveFromIssuer: the resident pastes the clerk's offer and types
// the clerk's PIN; a wrong PIN is refused in words, the right one stores
// the credential, which the list then shows.
func TestReceiveFromIssuer(t *testing.T) {
	svc, _ := servertest.Start(t, servertest.Options{})
	o, err := svc.CreateOffer(context.Background(), issuer.Actor{Kind: "cli", Name: "test"}, "AgeOverCredential", map[string]any{"ageOver18": true}, 0)
	if err != nil {
		t.Fatal(err)
	}
	clock := &fakeClock{t: time.Now()}
	u := newTestUI(t, t.TempDir(), phoneSize, clock)
	test.Type(entry(t, u, "Your name or a nickname"), "ana")
	entry(t, u, "PIN").SetText(testPIN)
	enter(entry(t, u, "PIN again"), testPIN)
	test.Tap(button(t, u, "Receive a credential"))

	entry(t, u, "openid-credential-offer://…").SetText(o.URI)
	wrong := "000000"
	if o.TxCode == wrong {
		wrong = "111111"
	}
	enter(entry(t, u, "e.g. 493021"), wrong)
	wantText(t, u, "The offer was not accepted")
	wantText(t, u, "tries left")
	if list, _ := u.Wallet().List(); len(list) != 0 {
		t.Fatalf("stored %v", list)
	}
	enter(entry(t, u, "e.g. 493021"), o.TxCode)
	wantText(t, u, "Received: Age over")
	wantText(t, u, "Valid until")
	wantText(t, u, "Issued by "+svc.CityName()) // the name in the issuer's metadata
	fits(t, u, "list after receiving")
	list, err := u.Wallet().List()
	if err != nil || len(list) != 1 || list[0].Type != "AgeOverCredential" {
		t.Fatalf("list %+v %v", list, err)
	}
	test.Tap(button(t, u, "Open"))
	if button(t, u, "Show as QR code").Disabled() {
		t.Fatal("a received credential cannot be shown as a QR code")
	}
}
