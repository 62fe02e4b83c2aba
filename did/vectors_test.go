package did

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"
	"github.com/mr-tron/base58"
)

// vectorKey is a key pair entry of the CCG did:key vectors.
type vectorKey struct {
	ID              string          `json:"id"`
	Type            string          `json:"type"`
	PublicKeyBase58 string          `json:"publicKeyBase58"`
	PublicKeyJwk    json.RawMessage `json:"publicKeyJwk"`
}

type vectorEntry struct {
	VerificationKeyPair *vectorKey `json:"verificationKeyPair"`
	VerificationMethod  *vectorKey `json:"verificationMethod"`
	KeyAgreementKeyPair *vectorKey `json:"keyAgreementKeyPair"`
	DIDDocument         struct {
		ID                   string   `json:"id"`
		Authentication       []string `json:"authentication"`
		AssertionMethod      []string `json:"assertionMethod"`
		CapabilityInvocation []string `json:"capabilityInvocation"`
		CapabilityDelegation []string `json:"capabilityDelegation"`
	} `json:"didDocument"`
}

// vectorCase is one DID from the vector files with the key the vectors give
// for it.
type vectorCase struct {
	did   string
	key   *vectorKey
	entry *vectorEntry // nil for key-agreement keys
}

func loadVectors(t *testing.T) []vectorCase {
	t.Helper()
	var cases []vectorCase
	for _, f := range []string{"ed25519-x25519.json", "nist-curves.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", "did-key", f))
		if err != nil {
			t.Fatal(err)
		}
		var entries map[string]*vectorEntry
		if err := json.Unmarshal(data, &entries); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for d, e := range entries {
			k := e.VerificationKeyPair
			if k == nil {
				k = e.VerificationMethod
			}
			if k == nil {
				t.Fatalf("%s: %s has no key", f, d)
			}
			cases = append(cases, vectorCase{did: d, key: k, entry: e})
			if ka := e.KeyAgreementKeyPair; ka != nil {
				_, frag, ok := strings.Cut(ka.ID, "#")
				if !ok {
					t.Fatalf("%s: key agreement id %q has no fragment", f, ka.ID)
				}
				cases = append(cases, vectorCase{did: "did:key:" + frag, key: ka})
			}
		}
	}
	return cases
}

// vectorPublicKey decodes the key a vector states, independently of the
// code under test: base58 with mr-tron/base58, JWKs with go-jose.
func vectorPublicKey(t *testing.T, k *vectorKey, want string) crypto.PublicKey {
	t.Helper()
	switch {
	case k.PublicKeyBase58 != "":
		raw, err := base58.Decode(k.PublicKeyBase58)
		if err != nil {
			t.Fatal(err)
		}
		if want == "Ed25519" {
			return ed25519.PublicKey(raw)
		}
		pub, err := decompressP256(raw) // 33-byte compressed point
		if err != nil {
			t.Fatal(err)
		}
		return pub
	case k.PublicKeyJwk != nil:
		var jwk jose.JSONWebKey
		if err := jwk.UnmarshalJSON(k.PublicKeyJwk); err != nil {
			t.Fatal(err)
		}
		return jwk.Key
	}
	t.Fatalf("vector key %s states no public key", k.ID)
	return nil
}

func TestKeyVectors(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "did-key", "expect.json"))
	if err != nil {
		t.Fatal(err)
	}
	var expect map[string]string
	if err := json.Unmarshal(data, &expect); err != nil {
		t.Fatal(err)
	}
	cases := loadVectors(t)
	if len(cases) != len(expect) {
		t.Errorf("vectors hold %d DIDs, expect.json has %d expectations", len(cases), len(expect))
	}
	for _, c := range cases {
		want, ok := expect[c.did]
		if !ok {
			t.Errorf("%s: no expectation in expect.json", c.did)
			continue
		}
		t.Run(c.did[:20], func(t *testing.T) {
			t.Parallel()
			verdict, detail, _ := strings.Cut(want, ": ")
			switch verdict {
			case "ok":
				checkSupportedVector(t, c, detail)
			case "unsupported":
				checkUnsupportedVector(t, c)
			default:
				t.Fatalf("bad expectation %q", want)
			}
		})
	}
}

func checkSupportedVector(t *testing.T, c vectorCase, keyType string) {
	pub, err := ParseKeyDID(c.did)
	if err != nil {
		t.Fatalf("ParseKeyDID: %v", err)
	}
	switch pub.(type) {
	case ed25519.PublicKey:
		if keyType != "Ed25519" {
			t.Fatalf("decoded an Ed25519 key, want %s", keyType)
		}
	case *ecdsa.PublicKey:
		if keyType != "P-256" {
			t.Fatalf("decoded a P-256 key, want %s", keyType)
		}
	default:
		t.Fatalf("decoded %T", pub)
	}
	want := vectorPublicKey(t, c.key, keyType)
	if !pub.(interface{ Equal(crypto.PublicKey) bool }).Equal(want) {
		t.Fatalf("decoded key differs from the vector's key")
	}
	got, err := KeyDID(want)
	if err != nil || got != c.did {
		t.Fatalf("KeyDID(vector key) = %q, %v; want %q", got, err, c.did)
	}
	// JWK-carrying vector methods go through VerificationMethod.PublicKey.
	if c.key.PublicKeyJwk != nil {
		vm := VerificationMethod{ID: c.key.ID, Type: c.key.Type, Controller: c.did, PublicKeyJwk: c.key.PublicKeyJwk}
		k, err := vm.PublicKey()
		if err != nil || !pub.(interface{ Equal(crypto.PublicKey) bool }).Equal(k) {
			t.Fatalf("VerificationMethod.PublicKey(vector JWK) = %v, %v", k, err)
		}
	}
	doc, err := ResolveKeyDID(c.did)
	if err != nil {
		t.Fatal(err)
	}
	vd := c.entry.DIDDocument
	if doc.ID != vd.ID {
		t.Errorf("document id %q, vector %q", doc.ID, vd.ID)
	}
	vmID := doc.VerificationMethod[0].ID
	for name, list := range map[string][]string{
		"authentication": vd.Authentication, "assertionMethod": vd.AssertionMethod,
		"capabilityInvocation": vd.CapabilityInvocation, "capabilityDelegation": vd.CapabilityDelegation,
	} {
		if !slices.Contains(list, vmID) {
			t.Errorf("vector %s does not list our method id %q", name, vmID)
		}
		if !doc.lists(Relationship(name), vmID) {
			t.Errorf("our %s does not list %q", name, vmID)
		}
	}
}

func checkUnsupportedVector(t *testing.T, c vectorCase) {
	_, err := ParseKeyDID(c.did)
	if !errors.Is(err, ErrUnsupportedKeyType) {
		t.Fatalf("ParseKeyDID error = %v, want ErrUnsupportedKeyType", err)
	}
	if !strings.Contains(err.Error(), "unsupported key type") {
		t.Errorf("error %q does not say \"unsupported key type\"", err)
	}
	if _, err := ResolveKeyDID(c.did); !errors.Is(err, ErrUnsupportedKeyType) {
		t.Errorf("ResolveKeyDID error = %v, want ErrUnsupportedKeyType", err)
	}
	if c.key.PublicKeyJwk != nil {
		vm := VerificationMethod{ID: c.key.ID, Type: c.key.Type, Controller: c.did, PublicKeyJwk: c.key.PublicKeyJwk}
		if _, err := vm.PublicKey(); !errors.Is(err, ErrUnsupportedKeyType) {
			t.Errorf("VerificationMethod.PublicKey(vector JWK) error = %v, want ErrUnsupportedKeyType", err)
		}
	}
}
