package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cityid/cityid/credential/oid4vci"
	"github.com/cityid/cityid/issuer"
)

// TestReceiveOverOpenID4VCIThenVerify is issue #3's promise end to end: the
// service runs; `cityid issuer offer` (a second process's view of the same
// data directory) makes an offer; a wallet receives the credential over
// OpenID4VCI on loopback, bound to its own key; `cityid verify --trust` with
// the published bundle accepts it, and refuses it after `cityid issuer revoke`.
func TestReceiveOverOpenID4VCIThenVerify(t *testing.T) {
	svc, srv, dir := serveForCLI(t, "receive-test-passphrase")
	url := srv.URL
	cli := func(wantCode int, args ...string) string {
		t.Helper()
		stdout, _ := runCLI(t, wantCode, "", args...)
		return stdout
	}
	tmp := t.TempDir()
	claims := filepath.Join(tmp, "claims.json")
	if err := os.WriteFile(claims, []byte(`{"givenName":"Ana","familyName":"Silva","birthDate":"1990-04-30","residentOf":"Springfield"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	lines := strings.Fields(cli(0, "issuer", "offer", "--data", dir, "--type", "CityIDCredential", "--claims", claims))
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
	credFile := filepath.Join(tmp, "cred.json")
	if err := os.WriteFile(credFile, cred, 0o600); err != nil {
		t.Fatal(err)
	}
	bundle := filepath.Join(tmp, "bundle.json")
	cli(0, "issuer", "bundle", "--data", dir, "--out", bundle)
	out := cli(0, "verify", "--trust", bundle, "--trust-root", svc.RootDID(), credFile)
	if !strings.Contains(out, `"verified": true`) || !strings.Contains(out, `"givenName": "Ana"`) {
		t.Fatalf("verify:\n%s", out)
	}

	recs, err := svc.Search(context.Background(), issuer.Query{Type: "CityIDCredential"})
	if err != nil || len(recs) != 1 {
		t.Fatalf("search: %v %d", err, len(recs))
	}
	cli(0, "issuer", "revoke", "--data", dir, recs[0].ID)
	cli(0, "issuer", "bundle", "--data", dir, "--out", bundle)
	out = cli(1, "verify", "--trust", bundle, "--trust-root", svc.RootDID(), credFile)
	if !strings.Contains(out, `"reason": "revoked"`) {
		t.Fatalf("revoked credential:\n%s", out)
	}
	// The running service serves the same bundle.
	resp, err := srv.Client().Get(url + "/bundle")
	if err != nil {
		t.Fatal(err)
	}
	served, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err := os.WriteFile(bundle, served, 0o600); err != nil {
		t.Fatal(err)
	}
	cli(1, "verify", "--trust", bundle, "--trust-root", svc.RootDID(), credFile)
}
