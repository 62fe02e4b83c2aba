package verifier_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cityid/cityid/credential/legacy"
	"github.com/cityid/cityid/schemas"
	"github.com/cityid/cityid/verifier"
	"github.com/cityid/cityid/verifier/legacyproofs"
)

func (w *world) legacyVC(t *testing.T, signer party, issuer string) []byte {
	t.Helper()
	doc, _ := json.Marshal(map[string]any{
		"@context":          []any{schemas.CredentialsV1URL, schemas.Ed25519Suite2020URL, schemas.CityContextURL},
		"type":              []any{"VerifiableCredential", schemas.AgeOverCredential},
		"issuer":            issuer,
		"issuanceDate":      now.Add(-time.Hour).Format(time.RFC3339),
		"credentialSubject": map[string]any{"id": w.holder.did, "ageOver18": true},
	})
	signed, err := legacy.Sign(doc, signer.key, signer.vm, now.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	return signed
}

// VC 1.1 with Ed25519Signature2020 is accepted only when the policy opts in,
// and issuer binding is enforced even though aries-framework-go does not.
func TestLegacyProofs(t *testing.T) {
	w := newWorld(t)
	strict := w.verifier(t)
	lenient := w.verifier(t, func(p *verifier.Policy) {
		p.Cryptosuites = append(p.Cryptosuites, verifier.LegacyProofType)
		p.LegacyProofs = legacyproofs.Verifier{}
	})
	// Accepting the proof type without something to check it is refused.
	p := verifier.DefaultPolicy(nil)
	p.TrustedIssuers = []verifier.TrustedIssuer{{DID: w.issuer.did}}
	p.Cryptosuites = append(p.Cryptosuites, verifier.LegacyProofType)
	if _, err := verifier.New(p); !errors.Is(err, verifier.ErrPolicy) || !strings.Contains(err.Error(), "LegacyProofs") {
		t.Fatalf("a policy accepting %s without LegacyProofs: %v", verifier.LegacyProofType, err)
	}
	good := w.legacyVC(t, w.issuer, w.issuer.did)
	checkResult(t, strict.Verify(context.Background(), good), expect{check: "proof", reason: verifier.ReasonUnsupportedAlg})
	checkResult(t, lenient.Verify(context.Background(), good), expect{verified: true})
	forged := w.legacyVC(t, w.attacker, w.issuer.did)
	checkResult(t, lenient.Verify(context.Background(), forged), expect{check: "issuer_binding", reason: verifier.ReasonIssuerMismatch})
}
