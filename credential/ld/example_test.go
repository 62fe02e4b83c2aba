package ld_test

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/cityid/cityid/credential/ld"
)

func ExampleCanonicalize() {
	var doc map[string]any
	_ = json.Unmarshal([]byte(`{
		"@context": ["https://www.w3.org/ns/credentials/v2", "https://cityid.dev/ns/v1"],
		"type": ["VerifiableCredential", "AgeOverCredential"],
		"issuer": "did:web:cityid.dev",
		"credentialSubject": {"id": "did:example:resident", "ageOver18": true}
	}`), &doc)
	nquads, err := ld.Canonicalize(doc)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(string(nquads))
	// Output:
	// <did:example:resident> <https://cityid.dev/ns#ageOver18> "true"^^<http://www.w3.org/2001/XMLSchema#boolean> .
	// _:c14n0 <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://cityid.dev/ns#AgeOverCredential> .
	// _:c14n0 <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://www.w3.org/2018/credentials#VerifiableCredential> .
	// _:c14n0 <https://www.w3.org/2018/credentials#credentialSubject> <did:example:resident> .
	// _:c14n0 <https://www.w3.org/2018/credentials#issuer> <did:web:cityid.dev> .
}

// An undefined term would be dropped by JSON-LD, shown to the holder and yet
// not signed: Canonicalize refuses it and names it.
func ExampleCanonicalize_undefinedTerm() {
	var doc map[string]any
	_ = json.Unmarshal([]byte(`{
		"@context": ["https://www.w3.org/ns/credentials/v2", "https://cityid.dev/ns/v1"],
		"type": ["VerifiableCredential", "CityIDCredential"],
		"issuer": "did:web:cityid.dev",
		"credentialSubject": {"givenName": "Ana", "isMayor": true}
	}`), &doc)
	_, err := ld.Canonicalize(doc)
	var te *ld.TermError
	fmt.Println(errors.As(err, &te), te.Term)
	fmt.Println(err)
	// Output:
	// true isMayor
	// undefined JSON-LD property term "isMayor": the document's @context does not define it, so it would not be signed
}
