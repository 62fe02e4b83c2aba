package verifier_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/cityid/cityid/did"
	"github.com/cityid/cityid/verifier"
)

// A did:web issuer outside the bundle is verified from a pinned document:
// never from the network, and an unpinned did:web cannot be resolved.
func TestDIDWebIssuerFromPinnedDocument(t *testing.T) {
	w := newWorld(t)
	const web = "did:web:agency.example"
	mk, _ := did.EncodeMultikey(w.issuer.key.Public())
	doc := fmt.Sprintf(`{"@context":["https://www.w3.org/ns/did/v1","https://w3id.org/security/multikey/v1"],
		"id":%q,"verificationMethod":[{"id":%q,"type":"Multikey","controller":%q,"publicKeyMultibase":%q}],
		"assertionMethod":[%q]}`, web, web+"#key-1", web, mk, web+"#key-1")
	pins := did.NewPinnedWeb()
	if err := pins.Add(web, []byte(doc)); err != nil {
		t.Fatal(err)
	}
	vc := mustJSON(t, signWith(t, w.issuer.key, web+"#key-1", w.residency(web, -1)))

	pinned := w.verifier(t, func(p *verifier.Policy) {
		p.Trust = nil
		p.TrustedIssuers = []verifier.TrustedIssuer{{DID: web}}
		p.PinnedWeb = pins
	})
	checkResult(t, pinned.Verify(context.Background(), vc), expect{verified: true})

	unpinned := w.verifier(t, func(p *verifier.Policy) {
		p.Trust = nil
		p.TrustedIssuers = []verifier.TrustedIssuer{{DID: web}}
	})
	checkResult(t, unpinned.Verify(context.Background(), vc), expect{check: "proof", reason: verifier.ReasonKeyUnresolvable})
}
