package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/cityid/cityid/credential/compact"
	"github.com/cityid/cityid/credential/oid4vci"
	"github.com/cityid/cityid/issuer"
	"github.com/cityid/cityid/schemas"
)

// TestAttestedOfferQRThenVerifyAndKiosk: assisted enrolment end to end over
// the real service: `cityid issuer attester add`, an offer made with
// --attested-by, a wallet collecting the QR form over OpenID4VCI on loopback
// and presenting it, then `cityid verify` reporting the evidence in its JSON
// and `cityid kiosk` saying who vouched for the resident.
func TestAttestedOfferQRThenVerifyAndKiosk(t *testing.T) {
	svc, srv, dir := serveForCLI(t, "attested-test-passphrase")
	cli := func(wantCode int, stdin string, args ...string) string {
		t.Helper()
		stdout, _ := runCLI(t, wantCode, stdin, args...)
		return stdout
	}
	tmp := t.TempDir()
	claims := filepath.Join(tmp, "claims.json")
	if err := os.WriteFile(claims, []byte(`{"residentOf":"Springfield","housingStatus":"shelter","shelterName":"Downtown Shelter"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	cli(0, "", "issuer", "attester", "add", "--data", dir, "--name", "Downtown Shelter", "--kind", "shelter")
	lines := strings.Fields(cli(0, "", "issuer", "offer", "--data", dir, "--type", "ResidencyCredential", "--claims", claims,
		"--attested-by", "Downtown Shelter"))
	if len(lines) != 2 {
		t.Fatalf("offer printed %q", lines)
	}
	offer, err := oid4vci.ParseOfferURI(lines[0])
	if err != nil {
		t.Fatal(err)
	}
	_, holder, _ := ed25519.GenerateKey(rand.Reader)
	client := &oid4vci.Client{HTTP: srv.Client()}
	stored, err := client.Receive(context.Background(), offer, lines[1], holder, issuer.ConfigurationID("ResidencyCredential", issuer.FormatQR))
	if err != nil {
		t.Fatal(err)
	}
	shown, err := compact.Present(string(stored), []string{"residentOf"}, holder, compact.PresentOptions{})
	if err != nil {
		t.Fatal(err)
	}
	code := filepath.Join(tmp, "code.txt")
	if err := os.WriteFile(code, []byte(shown+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	bundle := filepath.Join(tmp, "bundle.json")
	cli(0, "", "issuer", "bundle", "--data", dir, "--out", bundle)

	var res struct {
		Verified bool               `json:"verified"`
		Format   string             `json:"format"`
		Evidence []schemas.Evidence `json:"evidence"`
	}
	out := cli(0, "", "verify", "--trust", bundle, "--trust-root", svc.RootDID(), code)
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("verify printed %v:\n%s", err, out)
	}
	want := []schemas.Evidence{{Kind: schemas.EvidenceShelter, Attester: "Downtown Shelter"}}
	if !res.Verified || res.Format != "cityid-qr" || !reflect.DeepEqual(res.Evidence, want) {
		t.Fatalf("verify:\n%s", out)
	}
	screen := cli(0, shown+"\n", "kiosk", "--trust", bundle, "--trust-root", svc.RootDID())
	if !strings.Contains(screen, "Identity attested by a shelter (Downtown Shelter).") || !strings.Contains(screen, "Resident of") {
		t.Fatalf("kiosk:\n%s", screen)
	}
}
