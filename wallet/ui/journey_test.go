package ui

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/cityid/cityid/issuer"
	"github.com/cityid/cityid/issuer/server/servertest"
	"github.com/cityid/cityid/wallet"
)

// TestResidentJourney is the wallet's whole promise in one run, through
// its screens (Fyne's test driver, phone size) against the real issuer
// service on loopback: a resident creates a profile; receives a clerk's
// offer; shows the credential as a QR code, whose picture `cityid verify`
// accepts with the city's published trust bundle and nothing else; finds
// that presentation in the history; backs up; and restores the backup as
// a fresh profile with the same DID and credential.
func TestResidentJourney(t *testing.T) {
	ctx := context.Background()
	svc, _ := servertest.Start(t, servertest.Options{})
	tmp := t.TempDir()
	cityid := buildCityid(t, tmp)

	// 1. A profile.
	clock := &fakeClock{t: time.Now().UTC()}
	root := filepath.Join(tmp, "profiles")
	u := newTestUI(t, root, phoneSize, clock)
	out := &saved{files: map[string]*bytes.Buffer{}}
	u.opts.SaveBackup = out.save
	createProfile(t, u, "maria")
	holder := u.Wallet().DID()

	// 2. The clerk's offer, received over loopback with the clerk's PIN.
	claims := map[string]any{"givenName": "María", "familyName": "Quispe", "birthDate": "1961-02-03", "residentOf": "Springfield"}
	o, err := svc.CreateOffer(ctx, issuer.Actor{Kind: "cli", Name: "clerk"}, "CityIDCredential", claims, 0)
	if err != nil {
		t.Fatal(err)
	}
	test.Tap(button(t, u, "Receive a credential"))
	entry(t, u, "openid-credential-offer://…").SetText(o.URI)
	enter(entry(t, u, "e.g. 493021"), o.TxCode)
	wantText(t, u, "Received: City ID")
	wantText(t, u, "Issued by "+svc.CityName())
	// The trust bundle the city publishes (keys and status lists), which
	// the kiosk loaded earlier: verification uses nothing else.
	bundle, err := svc.Bundle(ctx)
	if err != nil {
		t.Fatal(err)
	}
	bundlePath := filepath.Join(tmp, "bundle.json")
	if err := os.WriteFile(bundlePath, bundle, 0o600); err != nil {
		t.Fatal(err)
	}

	// 3. Shown as a QR code: given name and city only, for the kiosk's
	// challenge; the picture on the screen is what `cityid verify` reads.
	test.Tap(button(t, u, "Open"))
	test.Tap(button(t, u, "Show as QR code"))
	test.Tap(check(t, u, "Given name"))
	test.Tap(check(t, u, "Resident of"))
	entry(t, u, "e.g. Library, 2nd floor").SetText("Food bank, Elm St")
	enter(entry(t, u, "e.g. K7Q2XA"), "h4pz9q")
	wantText(t, u, "Shown: Given name, Resident of")
	shot := filepath.Join(tmp, "qr.png")
	var img bytes.Buffer
	if err := png.Encode(&img, u.win.Canvas().Capture()); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(shot, img.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	verify := exec.Command(cityid, "verify", "--trust", bundlePath, "--challenge", "H4PZ9Q", shot)
	verify.Env = append(os.Environ(), "HTTP_PROXY=http://127.0.0.1:9", "HTTPS_PROXY=http://127.0.0.1:9") // no network to lean on
	res, err := verify.Output()
	if err != nil {
		t.Fatalf("cityid verify refuses the code on the screen: %v\n%s", err, res)
	}
	for _, want := range []string{`"verified": true`, `"givenName": "María"`, `"residentOf": "Springfield"`} {
		if !strings.Contains(string(res), want) {
			t.Errorf("cityid verify's result lacks %s:\n%s", want, res)
		}
	}
	for _, hidden := range []string{"Quispe", "1961-02-03"} {
		if strings.Contains(string(res), hidden) {
			t.Errorf("an undisclosed claim (%s) reached the verifier:\n%s", hidden, res)
		}
	}
	test.Tap(button(t, u, "Done"))

	// 4. The history shows who saw what.
	u.ShowList()
	test.Tap(button(t, u, "History"))
	wantText(t, u, "City ID: Given name, Resident of")
	wantText(t, u, "To: Food bank, Elm St")

	// 5. A backup, restored as a fresh profile: same DID, same credential.
	u.ShowList()
	test.Tap(button(t, u, "Back up"))
	pass := passphraseOnScreen(t, u)
	test.Tap(button(t, u, "Save the backup file…"))
	wantText(t, u, "The backup is saved.")
	backup := out.files[backupFileName]
	if backup == nil || !wallet.IsBackup(backup.Bytes()) {
		t.Fatal("no backup was written")
	}
	test.Tap(button(t, u, "Back"))
	test.Tap(button(t, u, "Lock"))
	test.Tap(button(t, u, "Restore from a backup"))
	u.opts.OpenBackup = opening(backup.Bytes())
	test.Tap(button(t, u, "Choose the backup file…"))
	entry(t, u, "The six words of the backup").SetText(pass)
	entry(t, u, "Your name or a nickname").SetText("maria-new-phone")
	entry(t, u, "PIN").SetText("730415")
	enter(entry(t, u, "PIN again"), "730415")
	wantText(t, u, "Your credentials (maria-new-phone)")
	if got := u.Wallet().DID(); got != holder {
		t.Fatalf("the restored profile has the DID %s, want %s", got, holder)
	}
	list, err := u.Wallet().List()
	if err != nil || len(list) != 1 || list[0].Type != "CityIDCredential" || list[0].Claims["familyName"] != "Quispe" {
		t.Fatalf("the restored profile holds %+v (%v)", list, err)
	}
	// The restored credential still presents, from the new profile.
	if _, err := u.Wallet().PresentQR(list[0].ID, []string{"residentOf"}, wallet.PresentOptions{}); err != nil {
		t.Fatalf("the restored credential cannot be shown: %v", err)
	}
}

// buildCityid builds the cityid command into dir (the Go build cache makes
// it quick after the first time).
func buildCityid(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "cityid")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	cmd := exec.Command("go", "build", "-o", bin, "github.com/cityid/cityid/cmd/cityid")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building cityid: %v\n%s", err, out)
	}
	return bin
}
