package legacy_test

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/cityid/cityid/credential/legacy"
	"github.com/cityid/cityid/did"
	"github.com/cityid/cityid/schemas"
)

func key(seed byte) (ed25519.PrivateKey, string, string) {
	k := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, 32))
	id, _ := did.KeyDID(k.Public())
	vm, _ := did.KeyVerificationMethod(k.Public())
	return k, id, vm
}

func vc11(issuer string) []byte {
	b, _ := json.Marshal(map[string]any{
		"@context":          []any{schemas.CredentialsV1URL, schemas.Ed25519Suite2020URL, schemas.CityContextURL},
		"type":              []any{"VerifiableCredential", schemas.AgeOverCredential},
		"issuer":            issuer,
		"issuanceDate":      "2026-01-01T00:00:00Z",
		"credentialSubject": map[string]any{"id": "did:example:holder", "ageOver18": true},
	})
	return b
}

func TestSignVerify(t *testing.T) {
	k, id, vm := key(1)
	signed, err := legacy.Sign(vc11(id), k, vm, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	keys := func(got string) (crypto.PublicKey, error) {
		if got != vm {
			return nil, errors.New("unknown method")
		}
		return k.Public(), nil
	}
	p, err := legacy.Verify(signed, keys)
	if err != nil || p.VerificationMethod != vm {
		t.Fatalf("verify: %v %+v", err, p)
	}
	tampered := bytes.Replace(signed, []byte(`"ageOver18":true`), []byte(`"ageOver18":false`), 1)
	if bytes.Equal(tampered, signed) {
		t.Fatal("tamper did not apply")
	}
	if _, err := legacy.Verify(tampered, keys); !errors.Is(err, legacy.ErrBadSignature) {
		t.Fatalf("tampered: %v", err)
	}
	if _, err := legacy.Verify(vc11(id), keys); !errors.Is(err, legacy.ErrNoProof) {
		t.Fatalf("no proof: %v", err)
	}
	other, _, _ := key(2)
	wrongKey := func(string) (crypto.PublicKey, error) { return other.Public(), nil }
	if _, err := legacy.Verify(signed, wrongKey); !errors.Is(err, legacy.ErrBadSignature) {
		t.Fatalf("wrong key: %v", err)
	}
}
