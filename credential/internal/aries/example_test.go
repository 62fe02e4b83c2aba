package aries_test

import (
	"crypto/ed25519"
	"fmt"
	"strings"
	"time"

	"github.com/cityid/cityid/credential/internal/aries"
)

// The caller enforces issuer binding: aries checks only the signature.
func ExampleVerifyLDProof() {
	seed := make([]byte, ed25519.SeedSize)
	priv := ed25519.NewKeyFromSeed(seed)
	pub := priv.Public().(ed25519.PublicKey)
	const issuer = "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"
	vm := issuer + "#z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"

	vc := []byte(`{
	  "@context": ["https://www.w3.org/2018/credentials/v1",
	               "https://w3id.org/security/suites/ed25519-2020/v1",
	               {"ageOver18": "https://cityid.dev/ns#ageOver18"}],
	  "type": ["VerifiableCredential"],
	  "issuer": "` + issuer + `",
	  "issuanceDate": "2025-01-01T00:00:00Z",
	  "credentialSubject": {"id": "did:example:resident", "ageOver18": true}
	}`)
	signed, err := aries.SignEd25519Signature2020(vc, priv, vm, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		panic(err)
	}

	// pub comes from the caller's trust bundle entry for the issuer.
	res, err := aries.VerifyLDProof(signed, pub)
	if err != nil {
		panic(err)
	}
	bound := res.Issuer == issuer && strings.HasPrefix(res.VerificationMethod, res.Issuer+"#")
	fmt.Println("signature ok; issuer bound:", bound, "created:", res.Created.Format(time.RFC3339))
	// Output: signature ok; issuer bound: true created: 2025-01-01T00:00:00Z
}

func ExampleCanonicalize() {
	nq, err := aries.Canonicalize([]byte(`{
	  "@context": {"name": "https://schema.org/name"},
	  "@id": "urn:example:city", "name": "Springfield"}`))
	if err != nil {
		panic(err)
	}
	fmt.Print(string(nq))
	// Output: <urn:example:city> <https://schema.org/name> "Springfield" .
}
