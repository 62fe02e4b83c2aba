package aries

import (
	"crypto/ed25519"
	"encoding/json"
	"testing"

	"github.com/hyperledger/aries-framework-go/component/kmscrypto/doc/util/fingerprint"
)

// A typical VC 1.1 credential: the v1 and ed25519-2020 contexts (embedded)
// and an inline context for the subject's claims.
const unsignedVC11 = `{
  "@context": [
    "https://www.w3.org/2018/credentials/v1",
    "https://w3id.org/security/suites/ed25519-2020/v1",
    {"@protected": true, "ResidencyCredential": "https://cityid.dev/ns#ResidencyCredential",
     "givenName": "https://cityid.dev/ns#givenName", "familyName": "https://cityid.dev/ns#familyName",
     "residentOf": "https://cityid.dev/ns#residentOf"}
  ],
  "id": "urn:uuid:3978344f-8596-4c3a-a978-8fcaba3903c5",
  "type": ["VerifiableCredential", "ResidencyCredential"],
  "issuer": "ISSUER",
  "issuanceDate": "2025-01-01T00:00:00Z",
  "expirationDate": "2030-01-01T00:00:00Z",
  "credentialSubject": {
    "id": "did:example:resident-42",
    "givenName": "Ada",
    "familyName": "Lovelace",
    "residentOf": "Springfield"
  }
}`

// testKey is a deterministic Ed25519 key and its did:key identifiers.
type testKey struct {
	priv ed25519.PrivateKey
	pub  ed25519.PublicKey
	did  string // did:key:z6Mk...
	vm   string // did:key:z6Mk...#z6Mk...
}

func newTestKey(seed byte) testKey {
	s := make([]byte, ed25519.SeedSize)
	for i := range s {
		s[i] = seed
	}
	priv := ed25519.NewKeyFromSeed(s)
	pub := priv.Public().(ed25519.PublicKey)
	did, vm := fingerprint.CreateDIDKey(pub)
	return testKey{priv: priv, pub: pub, did: did, vm: vm}
}

// vcWithIssuer returns the unsigned credential issued by issuer.
func vcWithIssuer(t testing.TB, issuer string) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(unsignedVC11), &m); err != nil {
		t.Fatal(err)
	}
	m["issuer"] = issuer
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// edit decodes doc, applies f, and re-encodes it.
func edit(t testing.TB, doc []byte, f func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(doc, &m); err != nil {
		t.Fatal(err)
	}
	f(m)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// cityContextURL is the city's context (schemas.CityContextURL), written
// out so these tests also build before schemas defines the constant.
const cityContextURL = "https://cityid.dev/ns/v1"
