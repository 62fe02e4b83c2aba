package aries

import (
	"crypto/ed25519"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hyperledger/aries-framework-go/component/models/signature/verifier"
	"github.com/hyperledger/aries-framework-go/component/models/verifiable"
	"github.com/mr-tron/base58"
	"github.com/multiformats/go-multibase"
)

var created = time.Date(2025, 1, 1, 12, 30, 45, 999, time.UTC)

func signed(t testing.TB, k testKey, issuer string) []byte {
	t.Helper()
	out, err := SignEd25519Signature2020(vcWithIssuer(t, issuer), k.priv, k.vm, created)
	if err != nil {
		t.Fatalf("SignEd25519Signature2020: %v", err)
	}
	return out
}

func TestSignVerifyRoundTrip(t *testing.T) {
	city := newTestKey(1)
	vc := signed(t, city, city.did)
	res, err := VerifyLDProof(vc, city.pub)
	if err != nil {
		t.Fatalf("VerifyLDProof: %v", err)
	}
	want := LDResult{
		VerificationMethod: city.vm,
		Issuer:             city.did,
		Created:            created.Truncate(time.Second),
		ProofPurpose:       "assertionMethod",
	}
	if *res != want {
		t.Fatalf("result = %+v, want %+v", *res, want)
	}
	// The proof is one object, not aries' one-element array.
	var m map[string]any
	edit(t, vc, func(d map[string]any) { m = d })
	if _, ok := m["proof"].(map[string]any); !ok {
		t.Errorf("proof is %T, want a single object", m["proof"])
	}

	other := newTestKey(2)
	if _, err := VerifyLDProof(vc, other.pub); !errors.Is(err, ErrSignature) {
		t.Errorf("wrong key: %v, want ErrSignature", err)
	}
	tampered := map[string]func(m map[string]any){
		"claim":      func(m map[string]any) { m["credentialSubject"].(map[string]any)["givenName"] = "Eve" },
		"issuer":     func(m map[string]any) { m["issuer"] = other.did },
		"expiration": func(m map[string]any) { m["expirationDate"] = "2099-01-01T00:00:00Z" },
		"created":    func(m map[string]any) { m["proof"].(map[string]any)["created"] = "2025-01-02T00:00:00Z" },
		"vm":         func(m map[string]any) { m["proof"].(map[string]any)["verificationMethod"] = other.vm },
		"drop claim": func(m map[string]any) { delete(m["credentialSubject"].(map[string]any), "residentOf") },
		"subject id": func(m map[string]any) { m["credentialSubject"].(map[string]any)["id"] = "did:example:x" },
		"redefine term": func(m map[string]any) {
			m["@context"].([]any)[2].(map[string]any)["givenName"] = "https://evil.example/ns#givenName"
		},
	}
	for name, f := range tampered {
		if _, err := VerifyLDProof(edit(t, vc, f), city.pub); err == nil {
			t.Errorf("tampered %s: verified", name)
		}
	}
}

// TestAriesDoesNotCheckIssuerBinding documents the trap: a credential whose
// issuer is the city (DID A) but whose proof was made by an attacker's key B,
// with verificationMethod = B's did:key, PASSES VerifyLDProof given B's key.
// aries checks the signature, never that the key belongs to the issuer; the
// caller must (take the key from its trust bundle for the issuer, and check
// the verification method's controller).
func TestAriesDoesNotCheckIssuerBinding(t *testing.T) {
	city := newTestKey(1)     // A: the real issuer
	attacker := newTestKey(6) // B
	forged := signed(t, attacker, city.did)

	res, err := VerifyLDProof(forged, attacker.pub)
	if err != nil {
		t.Fatalf("the forged credential did not pass aries (the trap is gone?): %v", err)
	}
	if res.Issuer != city.did || !strings.HasPrefix(res.VerificationMethod, attacker.did+"#") {
		t.Fatalf("result = %+v", res)
	}
	// What the caller's binding check sees: the method is not the issuer's.
	if strings.HasPrefix(res.VerificationMethod, res.Issuer+"#") {
		t.Fatal("binding check would pass; the test no longer shows the trap")
	}
	// With the issuer's key (what a caller with a trust bundle passes) it fails.
	if _, err := VerifyLDProof(forged, city.pub); !errors.Is(err, ErrSignature) {
		t.Fatalf("forged credential with the issuer's key: %v, want ErrSignature", err)
	}
}

// TestAriesAcceptsNoProof documents a second trap: aries' ParseCredential
// accepts a credential without any proof. VerifyLDProof does not.
func TestAriesAcceptsNoProof(t *testing.T) {
	city := newTestKey(1)
	unsigned := vcWithIssuer(t, city.did)
	l, err := DocumentLoader()
	if err != nil {
		t.Fatal(err)
	}
	_, err = verifiable.ParseCredential(unsigned,
		verifiable.WithJSONLDDocumentLoader(l),
		verifiable.WithNoCustomSchemaCheck(),
		verifiable.WithStrictValidation(),
		verifiable.WithPublicKeyFetcher(func(_, _ string) (*verifier.PublicKey, error) {
			return &verifier.PublicKey{Type: "Ed25519VerificationKey2020", Value: city.pub}, nil
		}))
	if err != nil {
		t.Fatalf("aries now rejects a proof-less credential (%v): revisit this adapter's precheck", err)
	}
	if _, err := VerifyLDProof(unsigned, city.pub); !errors.Is(err, ErrProofMissing) {
		t.Fatalf("VerifyLDProof(no proof) = %v, want ErrProofMissing", err)
	}
}

func TestVerifyRejects(t *testing.T) {
	city := newTestKey(1)
	vc := signed(t, city, city.did)
	proofEdit := func(f func(p map[string]any)) []byte {
		return edit(t, vc, func(m map[string]any) { f(m["proof"].(map[string]any)) })
	}
	// The same signature as multibase base64url: aries decodes any
	// multibase, the suite requires base58btc.
	var sig []byte
	edit(t, vc, func(m map[string]any) {
		_, sig, _ = multibase.Decode(m["proof"].(map[string]any)["proofValue"].(string))
	})
	b64sig, _ := multibase.Encode(multibase.Base64url, sig)

	for _, tc := range []struct {
		name string
		doc  []byte
		want error
	}{
		{"no proof", edit(t, vc, func(m map[string]any) { delete(m, "proof") }), ErrProofMissing},
		{"null proof", edit(t, vc, func(m map[string]any) { m["proof"] = nil }), ErrProofMissing},
		{"two proofs", edit(t, vc, func(m map[string]any) { m["proof"] = []any{m["proof"], m["proof"]} }), ErrProofUnsupported},
		{"empty proof set", edit(t, vc, func(m map[string]any) { m["proof"] = []any{} }), ErrProofUnsupported},
		{"proof is a string", edit(t, vc, func(m map[string]any) { m["proof"] = "x" }), ErrProofUnsupported},
		{"Ed25519Signature2018", proofEdit(func(p map[string]any) { p["type"] = "Ed25519Signature2018" }), ErrProofUnsupported},
		{"DataIntegrityProof", proofEdit(func(p map[string]any) { p["type"] = "DataIntegrityProof" }), ErrProofUnsupported},
		{"authentication purpose", proofEdit(func(p map[string]any) { p["proofPurpose"] = "authentication" }), ErrProofUnsupported},
		{"no purpose", proofEdit(func(p map[string]any) { delete(p, "proofPurpose") }), ErrProofUnsupported},
		{"vm without fragment", proofEdit(func(p map[string]any) { p["verificationMethod"] = city.did }), ErrProofUnsupported},
		{"vm not a DID", proofEdit(func(p map[string]any) { p["verificationMethod"] = "https://city.example/keys#1" }), ErrProofUnsupported},
		{"vm two fragments", proofEdit(func(p map[string]any) { p["verificationMethod"] = city.vm + "#x" }), ErrProofUnsupported},
		{"vm object", proofEdit(func(p map[string]any) { p["verificationMethod"] = map[string]any{"id": city.vm} }), ErrProofUnsupported},
		{"created not RFC 3339", proofEdit(func(p map[string]any) { p["created"] = "2025-01-01" }), ErrProofUnsupported},
		{"no created", proofEdit(func(p map[string]any) { delete(p, "created") }), ErrProofUnsupported},
		{"proofValue base64url", proofEdit(func(p map[string]any) { p["proofValue"] = b64sig }), ErrProofUnsupported},
		{"proofValue not multibase", proofEdit(func(p map[string]any) { p["proofValue"] = base58.Encode(sig) }), ErrProofUnsupported},
		{"jws and proofValue", proofEdit(func(p map[string]any) { p["jws"] = "e30..x" }), ErrProofUnsupported},
		{"no issuer", edit(t, vc, func(m map[string]any) { delete(m, "issuer") }), ErrInvalidCredential},
		{"issuer object without id", edit(t, vc, func(m map[string]any) { m["issuer"] = map[string]any{"name": "x"} }), ErrInvalidCredential},
		// An undefined term is dropped from the signed data, so the
		// signature still verifies: only strict validation catches it.
		{"undefined term added", edit(t, vc, func(m map[string]any) { m["favouriteColour"] = "red" }), ErrInvalidCredential},
		{"undefined subject claim", edit(t, vc, func(m map[string]any) {
			m["credentialSubject"].(map[string]any)["isAdmin"] = true
		}), ErrInvalidCredential},
		{"JWT", []byte(`"eyJhbGciOiJFZERTQSJ9.e30.c2ln"`), ErrInvalidInput},
		{"JSON array", []byte(`[` + string(vc) + `]`), ErrInvalidInput},
		{"null", []byte(`null`), ErrInvalidInput},
		{"not JSON", []byte(`{`), ErrInvalidInput},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := VerifyLDProof(tc.doc, city.pub)
			if !errors.Is(err, tc.want) {
				t.Fatalf("VerifyLDProof = %+v, %v; want %v", res, err, tc.want)
			}
		})
	}
	for _, key := range []ed25519.PublicKey{nil, city.pub[:31], append(city.pub, 0)} {
		if _, err := VerifyLDProof(vc, key); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("key of %d bytes: %v, want ErrInvalidKey", len(key), err)
		}
	}
}

func TestSignRejects(t *testing.T) {
	k := newTestKey(1)
	doc := vcWithIssuer(t, k.did)
	withProof := signed(t, k, k.did)
	for _, tc := range []struct {
		name    string
		doc     []byte
		priv    ed25519.PrivateKey
		vm      string
		created time.Time
		want    error
	}{
		{"short key", doc, k.priv[:32], k.vm, created, ErrInvalidKey},
		{"vm without fragment", doc, k.priv, k.did, created, ErrInvalidInput},
		{"zero created", doc, k.priv, k.vm, time.Time{}, ErrInvalidInput},
		{"already signed", withProof, k.priv, k.vm, created, ErrInvalidInput},
		{"not an object", []byte(`[]`), k.priv, k.vm, created, ErrInvalidInput},
		{"undefined term", edit(t, doc, func(m map[string]any) { m["nickname"] = "x" }), k.priv, k.vm, created, ErrInvalidCredential},
		{"undefined type", edit(t, doc, func(m map[string]any) {
			m["type"] = []any{"VerifiableCredential", "UndefinedType"}
		}), k.priv, k.vm, created, ErrInvalidCredential},
		{"unknown context", edit(t, doc, func(m map[string]any) {
			m["@context"] = append(m["@context"].([]any), "https://schema.org/")
		}), k.priv, k.vm, created, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := SignEd25519Signature2020(tc.doc, tc.priv, tc.vm, tc.created)
			if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) {
				t.Fatalf("Sign = %.60s..., %v; want error %v", out, err, tc.want)
			}
		})
	}
}

// TestVerifyConcurrent verifies from many goroutines at once (run with
// -race): the shared loader must not be mutated.
func TestVerifyConcurrent(t *testing.T) {
	k := newTestKey(3)
	vc := signed(t, k, k.did)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 3 {
				if _, err := VerifyLDProof(vc, k.pub); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
}
