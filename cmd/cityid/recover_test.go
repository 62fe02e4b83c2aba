package main

import (
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

	"github.com/cityid/cityid/credential/oid4vci"
	"github.com/cityid/cityid/issuer"
)

// TestRecoverLostPhoneEndToEnd is issue #6's counter recovery through the
// running service: a wallet collects a city ID over OpenID4VCI; the phone is
// lost; `cityid issuer recover` (a second process's view of the data
// directory) revokes it and prints a new offer; a new wallet, with a new key,
// collects the replacement over OpenID4VCI. With the bundle the service
// publishes, the verifier refuses the old credential as revoked and accepts
// the new one, which keeps the old one's validity.
func TestRecoverLostPhoneEndToEnd(t *testing.T) {
	svc, srv, dir := serveForCLI(t, "recover-test-passphrase")
	cli := func(wantCode int, args ...string) string {
		t.Helper()
		stdout, _ := runCLI(t, wantCode, "", args...)
		return stdout
	}
	tmp := t.TempDir()
	write := func(name string, data []byte) string {
		t.Helper()
		p := filepath.Join(tmp, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	receive := func(lines []string) []byte {
		t.Helper()
		if len(lines) != 2 {
			t.Fatalf("offer printed %q", lines)
		}
		offer, err := oid4vci.ParseOfferURI(lines[0])
		if err != nil {
			t.Fatal(err)
		}
		_, holder, _ := ed25519.GenerateKey(rand.Reader)
		client := &oid4vci.Client{HTTP: srv.Client()}
		cred, err := client.Receive(context.Background(), offer, lines[1], holder, issuer.ConfigurationID("CityIDCredential", issuer.FormatLDP))
		if err != nil {
			t.Fatal(err)
		}
		return cred
	}
	verify := func(wantCode int, cred string) string {
		t.Helper()
		resp, err := srv.Client().Get(srv.URL + "/bundle")
		if err != nil {
			t.Fatal(err)
		}
		served, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return cli(wantCode, "verify", "--trust", write("bundle.json", served), "--trust-root", svc.RootDID(), cred)
	}

	resident := strings.TrimSpace(cli(0, "issuer", "enrol", "--data", dir, "--name", "Ana Silva"))
	claims := write("claims.json", []byte(`{"givenName":"Ana","familyName":"Silva","birthDate":"1990-04-30","residentOf":"Springfield"}`))
	oldCred := receive(strings.Fields(cli(0, "issuer", "offer", "--data", dir, "--type", "CityIDCredential", "--claims", claims, "--resident", resident)))
	oldFile := write("old.json", oldCred)
	if out := verify(0, oldFile); !strings.Contains(out, `"verified": true`) {
		t.Fatalf("old credential before the loss:\n%s", out)
	}

	time.Sleep(1100 * time.Millisecond) // so that a fresh validity would differ from the old one

	lines := strings.Fields(cli(0, "issuer", "recover", "--data", dir, "--resident", resident, "--evidence", "photo_id", "--document-kind", "driving_licence"))
	out := verify(1, oldFile)
	if !strings.Contains(out, `"reason": "revoked"`) {
		t.Fatalf("old credential after the recovery:\n%s", out)
	}
	newCred := receive(lines)
	newFile := write("new.json", newCred)
	out = verify(0, newFile)
	if !strings.Contains(out, `"verified": true`) || !strings.Contains(out, `"givenName": "Ana"`) {
		t.Fatalf("replacement:\n%s", out)
	}
	var oldVC, newVC map[string]any
	if json.Unmarshal(oldCred, &oldVC) != nil || json.Unmarshal(newCred, &newVC) != nil {
		t.Fatal("the credentials are not JSON")
	}
	if oldVC["id"] == newVC["id"] || oldVC["validFrom"] != newVC["validFrom"] || oldVC["validUntil"] != newVC["validUntil"] {
		t.Fatalf("old %v %v..%v, new %v %v..%v", oldVC["id"], oldVC["validFrom"], oldVC["validUntil"], newVC["id"], newVC["validFrom"], newVC["validUntil"])
	}
	oldProof, newProof := oldVC["proof"].(map[string]any), newVC["proof"].(map[string]any)
	if oldProof["created"] == newProof["created"] {
		t.Fatalf("both proofs made at %v: the test cannot tell kept validity from fresh", oldProof["created"])
	}
	oldSubject := oldVC["credentialSubject"].(map[string]any)["id"]
	if newVC["credentialSubject"].(map[string]any)["id"] == oldSubject {
		t.Fatal("the replacement is bound to the lost wallet's key")
	}
	if out := cli(0, "issuer", "audit", "verify", "--data", dir); !strings.Contains(out, "audit log intact") {
		t.Fatalf("audit: %s", out)
	}
}
