package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cityid/cityid/issuer/server/servertest"

	"github.com/cityid/cityid/credential/compact"
	"github.com/cityid/cityid/credential/dataintegrity"
	"github.com/cityid/cityid/credential/qrcode"
	"github.com/cityid/cityid/credential/status"
	"github.com/cityid/cityid/did"
	"github.com/cityid/cityid/issuer"
	"github.com/cityid/cityid/schemas"
)

// TestWalletReceivePresentVerify is the wallet's CLI end to end: the issuer
// service runs on loopback; `cityid wallet receive` redeems a clerk's offer;
// `cityid wallet list` shows one entry in every form; `cityid wallet
// present` makes a presentation that `cityid verify` accepts with the
// published bundle and no network, showing only the chosen claim.
func TestWalletReceivePresentVerify(t *testing.T) {
	t.Setenv("CITYID_PIN", "482916")
	svc, srv := servertest.Start(t, servertest.Options{})

	cli := func(wantCode int, args ...string) string {
		t.Helper()
		stdout, stderr := runCLI(t, wantCode, "", args...)
		return stdout + stderr
	}
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "wallet")
	cli(0, "wallet", "init", "--dir", dir)

	claims := map[string]any{"givenName": "Ana", "familyName": "Silva", "birthDate": "1990-04-30", "residentOf": "Springfield"}
	offer, err := svc.CreateOffer(context.Background(), issuer.Actor{Kind: "cli", Name: "test"}, "CityIDCredential", claims, 0)
	if err != nil {
		t.Fatal(err)
	}
	wrong := "000000"
	if offer.TxCode == wrong {
		wrong = "111111"
	}
	if out := cli(1, "wallet", "receive", "--dir", dir, offer.URI, "--tx-code", wrong); !strings.Contains(out, "tries left") {
		t.Fatalf("wrong transaction code:\n%s", out)
	}
	cli(0, "wallet", "receive", "--dir", dir, offer.URI, "--tx-code", offer.TxCode)
	var list []struct {
		ID     string         `json:"id"`
		Forms  []string       `json:"forms"`
		Claims map[string]any `json:"claims"`
	}
	if err := json.Unmarshal([]byte(cli(0, "wallet", "list", "--dir", dir)), &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || strings.Join(list[0].Forms, " ") != "ldp_vc dc+sd-jwt cityid-qr" || list[0].Claims["familyName"] != "Silva" {
		t.Fatalf("list: %+v", list)
	}
	png := filepath.Join(tmp, "code.png")
	qr := strings.TrimSpace(cli(0, "wallet", "present", "--dir", dir, "--credential", list[0].ID, "--disclose", "residentOf,birthDate",
		"--challenge", "K7Q2", "--verifier", "Town hall", "--png", png))

	pres := strings.TrimSpace(cli(0, "wallet", "present", "--dir", dir, "--credential", list[0].ID, "--disclose", "residentOf",
		"--form", "sd-jwt", "--audience", "https://counter.example", "--challenge", "c-81"))
	presFile := filepath.Join(tmp, "pres.txt")
	bundle := filepath.Join(tmp, "bundle.json")
	resp, err := srv.Client().Get(srv.URL + "/bundle")
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	os.WriteFile(presFile, []byte(pres), 0o600)
	os.WriteFile(bundle, data, 0o600)
	srv.Close() // verification needs no network
	out := cli(0, "verify", "--trust", bundle, "--trust-root", svc.RootDID(), "--require-holder",
		"--challenge", "c-81", "--audience", "https://counter.example", presFile)
	if !strings.Contains(out, `"residentOf": "Springfield"`) || strings.Contains(out, "Silva") {
		t.Fatalf("verify shows:\n%s", out)
	}
	// The QR code, read from the PNG image and as text: only the two claims.
	qrFile := filepath.Join(tmp, "code.txt")
	os.WriteFile(qrFile, []byte(qr), 0o600)
	for _, f := range []string{png, qrFile} {
		out = cli(0, "verify", "--trust", bundle, "--trust-root", svc.RootDID(), "--require-holder", "--challenge", "K7Q2", f)
		if !strings.Contains(out, `"residentOf": "Springfield"`) || !strings.Contains(out, `"birthDate": "1990-04-30"`) || strings.Contains(out, "Silva") {
			t.Fatalf("verify %s shows:\n%s", filepath.Base(f), out)
		}
	}
	out = cli(1, "verify", "--trust", bundle, "--trust-root", svc.RootDID(), "--require-holder", "--challenge", "OTHER", png)
	if !strings.Contains(out, "challenge_mismatch") {
		t.Fatalf("another kiosk's challenge:\n%s", out)
	}
	// The counter kiosk, offline, with a code made without a challenge (a
	// resident who cannot scan the kiosk's): accepted from the image, the
	// chosen claims only; the same code scanned again is a replay.
	plain := filepath.Join(tmp, "plain.png")
	plainText := strings.TrimSpace(cli(0, "wallet", "present", "--dir", dir, "--credential", list[0].ID, "--disclose", "residentOf", "--png", plain))
	out = cli(0, "kiosk", "--trust", bundle, "--trust-root", svc.RootDID(), plain)
	if !strings.Contains(out, "Resident of  Springfield") || strings.Contains(out, "1990") {
		t.Fatalf("kiosk image:\n%s", out)
	}
	var kout, kerr bytes.Buffer
	run([]string{"kiosk", "--trust", bundle, "--trust-root", svc.RootDID()}, strings.NewReader(plainText+"\n"+plainText+"\n"), &kout, &kerr)
	if !strings.Contains(kout.String(), "Resident of  Springfield") || !strings.Contains(kout.String(), "already shown") {
		t.Fatalf("kiosk scanner replay:\n%s%s", kout.String(), kerr.String())
	}
	hist := cli(0, "wallet", "history", "--dir", dir)
	if !strings.Contains(hist, `"verifier": "https://counter.example"`) || !strings.Contains(hist, `"verifier": "Town hall"`) {
		t.Fatalf("history:\n%s", hist)
	}
}

// TestWalletPresentQRPNG: `cityid wallet present --png` writes a PNG whose
// QR code holds exactly the printed text, and that text is a holder-bound
// presentation of the chosen claims only. The credential is signed here,
// in W3C and QR form, the way the issuer signs it.
func TestWalletPresentQRPNG(t *testing.T) {
	t.Setenv("CITYID_PIN", "482916")
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "wallet")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"wallet", "init", "--dir", dir, "--json"}, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("init: %d %s", code, stderr.String())
	}
	var init struct{ DID string }
	if err := json.Unmarshal(stdout.Bytes(), &init); err != nil {
		t.Fatal(err)
	}
	holder, err := did.ParseKeyDID(init.DID)
	if err != nil {
		t.Fatal(err)
	}

	_, issuerKey, _ := ed25519.GenerateKey(rand.Reader)
	issuerDID, _ := did.KeyDID(issuerKey.Public())
	vm, _ := did.KeyVerificationMethod(issuerKey.Public())
	list := "https://id.springfield.example/status/revocation-0"
	now := time.Now().UTC().Truncate(time.Second)
	vc := func() map[string]any {
		return map[string]any{
			"@context":   []any{schemas.CredentialsV2URL, schemas.CityContextURL},
			"type":       []any{"VerifiableCredential", "CityIDCredential"},
			"issuer":     issuerDID,
			"validFrom":  now.Format(time.RFC3339),
			"validUntil": now.AddDate(5, 0, 0).Format(time.RFC3339),
			"credentialSubject": map[string]any{"id": init.DID, "givenName": "Ana", "familyName": "Silva",
				"birthDate": "1990-04-30", "residentOf": "Springfield"},
			"credentialStatus": []any{status.Entry{Purpose: "revocation", Index: 3, ListCredential: list}.Map()},
		}
	}
	signed, err := dataintegrity.Sign(vc(), issuerKey, dataintegrity.SignOptions{Cryptosuite: dataintegrity.EdDSARDFC2022, VerificationMethod: vm})
	if err != nil {
		t.Fatal(err)
	}
	ldp, _ := json.Marshal(signed)
	stored, err := compact.Issue(vc(), issuerKey, compact.IssueOptions{KeyID: vm, HolderKey: holder})
	if err != nil {
		t.Fatal(err)
	}
	ldpFile, qrFile := filepath.Join(tmp, "cred.json"), filepath.Join(tmp, "cred.qr")
	os.WriteFile(ldpFile, ldp, 0o600)
	os.WriteFile(qrFile, []byte(stored), 0o600)
	var entry struct {
		ID    string   `json:"id"`
		Forms []string `json:"forms"`
	}
	for _, f := range []string{ldpFile, qrFile} {
		stdout.Reset()
		if code := run([]string{"wallet", "import", "--dir", dir, f}, nil, &stdout, &stderr); code != 0 {
			t.Fatalf("import %s: %d %s", f, code, stderr.String())
		}
		if err := json.Unmarshal(stdout.Bytes(), &entry); err != nil {
			t.Fatal(err)
		}
	}
	if len(entry.Forms) != 2 {
		t.Fatalf("entry %+v: want the W3C and QR forms together", entry)
	}

	png := filepath.Join(tmp, "code.png")
	stdout.Reset()
	if code := run([]string{"wallet", "present", "--dir", dir, "--credential", entry.ID, "--disclose", "residentOf,givenName",
		"--challenge", "K7Q2", "--verifier", "Town hall", "--png", png}, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("present: %d %s", code, stderr.String())
	}
	text := strings.TrimSpace(stdout.String())
	decoded, err := qrcode.DecodeFile(png)
	if err != nil {
		t.Fatal(err)
	}
	if decoded != text {
		t.Fatalf("the PNG holds %q, the command printed %q", decoded, text)
	}
	keys, _ := compact.Keys(compact.IssuerKey{Issuer: issuerDID, VerificationMethod: vm, PublicKey: issuerKey.Public()})
	lists, _ := compact.StatusLists(compact.StatusList{URL: list, Purpose: "revocation"})
	v, err := compact.Verify(decoded, keys, compact.VerifyOptions{Challenge: "K7Q2", RequireHolder: true, StatusLists: lists})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(v.Disclosed, ",") != "givenName,residentOf" {
		t.Fatalf("the code shows %v", v.Disclosed)
	}
}
