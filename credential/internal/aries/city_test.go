package aries

import (
	"testing"

	"github.com/cityid/cityid/schemas"
)

// TestCityContextVC11 signs and verifies a VC 1.1 credential that uses the
// city context, as the legacy path will.
func TestCityContextVC11(t *testing.T) {
	if _, ok := schemas.Context(cityContextURL); !ok {
		t.Skip("schemas does not embed the city context yet")
	}
	k := newTestKey(4)
	doc := edit(t, vcWithIssuer(t, k.did), func(m map[string]any) {
		ctx := m["@context"].([]any)
		m["@context"] = []any{ctx[0], ctx[1], cityContextURL}
		m["credentialSubject"].(map[string]any)["address"] = map[string]any{
			"streetAddress": "742 Evergreen Terrace", "postalCode": "49007",
		}
	})
	vc, err := SignEd25519Signature2020(doc, k.priv, k.vm, created)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := VerifyLDProof(vc, k.pub); err != nil {
		t.Fatal(err)
	}
	tampered := edit(t, vc, func(m map[string]any) {
		m["credentialSubject"].(map[string]any)["address"].(map[string]any)["postalCode"] = "00000"
	})
	if _, err := VerifyLDProof(tampered, k.pub); err == nil {
		t.Fatal("tampered nested claim verified")
	}
}
