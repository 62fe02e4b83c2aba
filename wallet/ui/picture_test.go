package ui

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/cityid/cityid/credential/compact"
	"github.com/cityid/cityid/credential/dataintegrity"
	"github.com/cityid/cityid/credential/qrcode"
	"github.com/cityid/cityid/issuer"
	"github.com/cityid/cityid/issuer/server/servertest"
	"github.com/cityid/cityid/wallet"
)

// picture is a PNG of text as a QR code, as a phone's photo picker hands it.
func picture(t *testing.T, text string, level qrcode.Level) func() (io.ReadCloser, error) {
	t.Helper()
	c, err := qrcode.Encode(text, level)
	if err != nil {
		t.Fatal(err)
	}
	img, err := c.PNG(4 * (17 + 4*c.Version() + 2*qrcode.QuietZone))
	if err != nil {
		t.Fatal(err)
	}
	return func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(img)), nil }
}

// TestReceiveFromPicture: the offer is read from a picture of the clerk's
// screen; a picture of something else is explained in words.
func TestReceiveFromPicture(t *testing.T) {
	svc, _ := servertest.Start(t, servertest.Options{})
	o, err := svc.CreateOffer(context.Background(), issuer.Actor{Kind: "cli", Name: "test"}, "AgeOverCredential", map[string]any{"ageOver18": true}, 0)
	if err != nil {
		t.Fatal(err)
	}
	u := newTestUI(t, t.TempDir(), phoneSize, &fakeClock{t: time.Now()})
	createProfile(t, u, "ana")
	test.Tap(button(t, u, "Receive a credential"))

	u.opts.OpenPicture = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader([]byte("not a picture"))), nil }
	test.Tap(button(t, u, "Read a picture of the code…"))
	wantText(t, u, "No QR code could be read from this picture")
	u.opts.OpenPicture = picture(t, "https://example.org/menu", qrcode.Medium)
	test.Tap(button(t, u, "Read a picture of the code…"))
	wantText(t, u, "not a credential offer or a credential")

	u.opts.OpenPicture = picture(t, o.URI, qrcode.Medium)
	test.Tap(button(t, u, "Read a picture of the code…"))
	wantText(t, u, "The offer is read from the picture")
	noText(t, u, "No QR code")
	if got := entry(t, u, "openid-credential-offer://…").Text; got != o.URI {
		t.Fatalf("the offer field holds %q", got)
	}
	if u.win.Canvas().Focused() != entry(t, u, "e.g. 493021") {
		t.Error("after the picture, the focus is not on the clerk's PIN")
	}
	enter(entry(t, u, "e.g. 493021"), o.TxCode)
	wantText(t, u, "Received: Age over")
}

// TestPaperFromPicture: a resident who had a paper credential reads a
// picture of its code; the wallet keeps it, marks it as paper, and shows
// the same code full screen, recorded in the history.
func TestPaperFromPicture(t *testing.T) {
	clock := &fakeClock{t: start}
	u := newTestUI(t, t.TempDir(), phoneSize, clock)
	createProfile(t, u, "ana")
	iss := newTestIssuer(t)
	// The wallet knows the issuer from a credential it holds (an app with
	// the city's trust bundle knows it from there).
	iss.give(t, u.Wallet(), "AgeOverCredential", map[string]any{"ageOver18": true}, clock.Now())
	vc := iss.vc("", "ResidencyCredential", map[string]any{"residentOf": "Springfield", "housingStatus": "noFixedAddress"}, clock.Now())
	delete(vc["credentialSubject"].(map[string]any), "id")
	code, err := compact.IssuePaper(vc, iss.signer, compact.IssueOptions{KeyID: iss.vm})
	if err != nil {
		t.Fatal(err)
	}
	u.ShowList()
	test.Tap(button(t, u, "Receive a credential"))
	u.opts.OpenPicture = picture(t, code, qrcode.Quartile)
	test.Tap(button(t, u, "Read a picture of the code…"))
	wantText(t, u, "Added: Residency")
	list, err := u.Wallet().List()
	if err != nil || len(list) != 2 {
		t.Fatalf("list %v %v", list, err)
	}
	var paper wallet.Credential
	for _, c := range list {
		if c.Type == "ResidencyCredential" {
			paper = c
		}
	}
	if len(paper.Forms) != 1 || paper.Forms[0] != wallet.FormatPaper {
		t.Fatalf("the paper entry holds %v", paper.Forms)
	}
	u.ShowDetail(paper.ID)
	wantText(t, u, "This is the code of your paper credential")
	test.Tap(button(t, u, "Show as QR code"))
	text, err := qrcode.DecodeImage(u.win.Canvas().Capture())
	if err != nil || text != code {
		t.Fatalf("the screen shows %q (%v), not the paper's code", text, err)
	}
	test.Tap(button(t, u, "Done"))
	if h, err := u.Wallet().History(); err != nil || len(h) != 1 || h[0].Form != wallet.FormatPaper {
		t.Fatalf("history %+v %v", h, err)
	}

	// Pasted rather than photographed: the same entry, nothing new.
	u.ShowList()
	test.Tap(button(t, u, "Receive a credential"))
	entry(t, u, "openid-credential-offer://…").SetText(code)
	test.Tap(button(t, u, "Receive"))
	wantText(t, u, "Added: Residency")
	if list, _ := u.Wallet().List(); len(list) != 2 {
		t.Fatalf("pasting the same code again made %d entries", len(list))
	}
}

// TestEvidenceShown: a credential issued on a shelter's word says so on its
// details, and the claim picker warns that every code shows it.
func TestEvidenceShown(t *testing.T) {
	ctx := context.Background()
	svc, _ := servertest.Start(t, servertest.Options{})
	actor := issuer.Actor{Kind: "cli", Name: "test"}
	if _, err := svc.AddAttester(ctx, actor, "Eastside Night Shelter", issuer.AttesterShelter); err != nil {
		t.Fatal(err)
	}
	o, err := svc.CreateOfferFor(ctx, actor, issuer.OfferRequest{Type: "AgeOverCredential",
		Claims: map[string]any{"ageOver18": true}, AttestedBy: "Eastside Night Shelter"})
	if err != nil {
		t.Fatal(err)
	}
	u := newTestUI(t, t.TempDir(), phoneSize, &fakeClock{t: time.Now()})
	createProfile(t, u, "ana")
	test.Tap(button(t, u, "Receive a credential"))
	entry(t, u, "openid-credential-offer://…").SetText(o.URI)
	enter(entry(t, u, "e.g. 493021"), o.TxCode)
	test.Tap(button(t, u, "Open"))
	wantText(t, u, "How the city knows who you are: issued on the word of a shelter (Eastside Night Shelter)")
	fits(t, u, "detail with evidence")
	test.Tap(button(t, u, "Show as QR code"))
	wantText(t, u, "Always shown with this credential: issued on the word of a shelter (Eastside Night Shelter).")
}

// TestPasteCredentialFile: the content of a credential file pasted into the
// offer field is kept like an imported file.
func TestPasteCredentialFile(t *testing.T) {
	clock := &fakeClock{t: start}
	u := newTestUI(t, t.TempDir(), phoneSize, clock)
	createProfile(t, u, "ana")
	iss := newTestIssuer(t)
	doc := iss.vc(u.Wallet().DID(), "AgeOverCredential", map[string]any{"ageOver18": true}, clock.Now())
	signed, err := dataintegrity.Sign(doc, iss.signer, dataintegrity.SignOptions{
		Cryptosuite: dataintegrity.EdDSARDFC2022, VerificationMethod: iss.vm, Created: clock.Now(),
	})
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.MarshalIndent(signed, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	test.Tap(button(t, u, "Receive a credential"))
	entry(t, u, "openid-credential-offer://…").SetText("\n" + string(data) + "\n")
	test.Tap(button(t, u, "Receive"))
	wantText(t, u, "Added: Age over")
	if list, _ := u.Wallet().List(); len(list) != 1 || list[0].Forms[0] != wallet.FormatLDP {
		t.Fatalf("list %+v", list)
	}
	// Someone else's credential is refused in words, and nothing is kept.
	other := iss.vc("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", "AgeOverCredential", map[string]any{"ageOver21": true}, clock.Now())
	signed, _ = dataintegrity.Sign(other, iss.signer, dataintegrity.SignOptions{Cryptosuite: dataintegrity.EdDSARDFC2022, VerificationMethod: iss.vm, Created: clock.Now()})
	data, _ = json.Marshal(signed)
	test.Tap(button(t, u, "Receive a credential"))
	entry(t, u, "openid-credential-offer://…").SetText(string(data))
	test.Tap(button(t, u, "Receive"))
	wantText(t, u, "The credential was refused and not stored")
	if list, _ := u.Wallet().List(); len(list) != 1 {
		t.Fatalf("a refused credential was kept: %+v", list)
	}
}
