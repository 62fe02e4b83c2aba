package dataintegrity_test

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"errors"
	"fmt"
	"time"

	"github.com/multiformats/go-multibase"

	"github.com/cityid/cityid/credential/dataintegrity"
)

// issuerKey returns a fixed Ed25519 key and its did:key DID and verification
// method (did:key:z6Mk...#z6Mk...).
func issuerKey() (ed25519.PrivateKey, string, string) {
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{42}, ed25519.SeedSize))
	mb, _ := multibase.Encode(multibase.Base58BTC, append([]byte{0xed, 0x01}, key.Public().(ed25519.PublicKey)...))
	return key, "did:key:" + mb, "did:key:" + mb + "#" + mb
}

func credential(issuer string) map[string]any {
	return map[string]any{
		"@context":          []any{"https://www.w3.org/ns/credentials/v2", "https://cityid.dev/ns/v1"},
		"type":              []any{"VerifiableCredential", "AgeOverCredential"},
		"issuer":            issuer,
		"validFrom":         "2025-01-01T00:00:00Z",
		"credentialSubject": map[string]any{"id": "did:example:resident", "ageOver18": true},
	}
}

func ExampleSign() {
	key, issuer, vm := issuerKey()
	signed, err := dataintegrity.Sign(credential(issuer), key, dataintegrity.SignOptions{
		Cryptosuite:        dataintegrity.EdDSARDFC2022,
		VerificationMethod: vm,
		Created:            time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	proof := signed["proof"].(map[string]any)
	fmt.Println(proof["type"], proof["cryptosuite"], proof["proofPurpose"], proof["created"])
	fmt.Println(proof["proofValue"].(string)[:1], len(proof["proofValue"].(string)) > 80)
	// Output:
	// DataIntegrityProof eddsa-rdfc-2022 assertionMethod 2025-01-02T03:04:05Z
	// z true
}

func ExampleVerify() {
	key, issuer, vm := issuerKey()
	signed, _ := dataintegrity.Sign(credential(issuer), key, dataintegrity.SignOptions{
		Cryptosuite: dataintegrity.EdDSARDFC2022, VerificationMethod: vm,
	})

	// The caller resolves verification methods and decides which may sign
	// for this issuer; here, only the issuer's own key.
	keys := func(method string) (crypto.PublicKey, error) {
		if method != vm {
			return nil, fmt.Errorf("%s is not a key of %s", method, issuer)
		}
		return key.Public(), nil
	}
	opts := dataintegrity.VerifyOptions{Cryptosuites: []string{dataintegrity.EdDSARDFC2022}}

	proof, err := dataintegrity.Verify(signed, keys, opts)
	fmt.Println(err == nil, proof.Cryptosuite, proof.ProofPurpose)

	signed["credentialSubject"].(map[string]any)["ageOver18"] = false
	_, err = dataintegrity.Verify(signed, keys, opts)
	fmt.Println(errors.Is(err, dataintegrity.ErrBadSignature))
	// Output:
	// true eddsa-rdfc-2022 assertionMethod
	// true
}
