package legacyproofs_test

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/cityid/cityid/credential/legacy"
	"github.com/cityid/cityid/did"
	"github.com/cityid/cityid/schemas"
	"github.com/cityid/cityid/verifier"
	"github.com/cityid/cityid/verifier/legacyproofs"
)

// A verifier that also accepts VC 1.1 credentials.
func Example() {
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	issuer, _ := did.KeyDID(priv.Public())
	vm, _ := did.KeyVerificationMethod(priv.Public())
	signed, issuedAt := ageOver(priv, issuer, vm)

	p := verifier.DefaultPolicy(nil)
	p.TrustedIssuers = []verifier.TrustedIssuer{{DID: issuer}}
	p.Cryptosuites = append(p.Cryptosuites, verifier.LegacyProofType)
	p.LegacyProofs = legacyproofs.Verifier{}
	p.Clock = func() time.Time { return issuedAt.Add(time.Hour) }
	v, err := verifier.New(p)
	if err != nil {
		panic(err)
	}
	res := v.Verify(context.Background(), signed)
	fmt.Println(res.Verified, res.Checks.Proof, res.Checks.IssuerBinding)
	// Output: true ok ok
}

func ageOver(priv ed25519.PrivateKey, issuer, vm string) ([]byte, time.Time) {
	issuedAt := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	doc, _ := json.Marshal(map[string]any{
		"@context":          []any{schemas.CredentialsV1URL, schemas.Ed25519Suite2020URL, schemas.CityContextURL},
		"type":              []any{"VerifiableCredential", schemas.AgeOverCredential},
		"issuer":            issuer,
		"issuanceDate":      issuedAt.Format(time.RFC3339),
		"credentialSubject": map[string]any{"ageOver18": true},
	})
	signed, err := legacy.Sign(doc, priv, vm, issuedAt)
	if err != nil {
		panic(err)
	}
	return signed, issuedAt
}

// TestFailuresNameReasons: a changed credential fails with a reason.
func TestFailuresNameReasons(t *testing.T) {
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	issuer, _ := did.KeyDID(priv.Public())
	vm, _ := did.KeyVerificationMethod(priv.Public())
	signed, _ := ageOver(priv, issuer, vm)
	changed := strings.Replace(string(signed), `"ageOver18":true`, `"ageOver18":false`, 1)
	if changed == string(signed) {
		t.Fatal("the test did not change the credential")
	}
	_, reason, err := legacyproofs.Verifier{}.VerifyLegacyProof([]byte(changed), func(string) (pub crypto.PublicKey, err error) { return priv.Public(), nil })
	if err == nil || reason != verifier.ReasonBadSignature {
		t.Fatalf("a changed credential: %q %v", reason, err)
	}
}

// TestAppsCarryNoAries: the wallet and kiosk apps do not link
// aries-framework-go; only verifiers that import this package do.
func TestAppsCarryNoAries(t *testing.T) {
	for _, pkg := range []string{"../../cmd/cityid-wallet", "../../cmd/cityid-kiosk", "../../mobile", "../../wallet/..."} {
		out, err := exec.Command("go", "list", "-deps", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list %s: %v\n%s", pkg, err, out)
		}
		if strings.Contains(string(out), "aries-framework-go") {
			t.Errorf("%s depends on aries-framework-go", pkg)
		}
	}
}
