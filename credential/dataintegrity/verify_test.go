package dataintegrity

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cityid/cityid/credential/ld"
)

// signedCity returns a city credential signed with suite by testKey(1) and
// its verification method.
func signedCity(t testing.TB, suite string) (map[string]any, string) {
	t.Helper()
	key := testKey(1)
	issuer, vm := didKey(t, key.Public().(ed25519.PublicKey))
	doc := interopCredential(t, "city", issuer)
	signed, err := Sign(doc, key, SignOptions{Cryptosuite: suite, VerificationMethod: vm,
		Created: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC), Challenge: "c-123", Domain: "verifier.example"})
	if err != nil {
		t.Fatal(err)
	}
	return signed, vm
}

func proofOf(doc map[string]any) map[string]any { return doc["proof"].(map[string]any) }

// TestVerifyAdversarial: each mutation of a valid signed credential is
// refused with the error that names it, for both cryptosuites.
func TestVerifyAdversarial(t *testing.T) {
	other := testKey(2)
	otherIssuer, otherVM := didKey(t, other.Public().(ed25519.PublicKey))
	cases := []struct {
		name   string
		mutate func(doc map[string]any)
		keys   KeyFunc // nil: resolveDIDKey
		opts   func(o *VerifyOptions)
		want   error
		// wantJCS, when set, is the error for eddsa-jcs-2022, which signs
		// the @context as bytes and repeats it in the proof.
		wantJCS error
	}{
		{name: "tampered claim", want: ErrBadSignature, mutate: func(d map[string]any) {
			d["credentialSubject"].(map[string]any)["givenName"] = "Eve"
		}},
		{name: "added claim", want: ErrBadSignature, mutate: func(d map[string]any) {
			d["validUntil"] = "2099-01-01T00:00:00Z"
		}},
		{name: "tampered issuer", want: ErrBadSignature, mutate: func(d map[string]any) { d["issuer"] = otherIssuer }},
		{name: "tampered created", want: ErrBadSignature, mutate: func(d map[string]any) {
			proofOf(d)["created"] = "2025-01-02T03:04:06Z"
		}},
		{name: "verification method swapped to another key", want: ErrBadSignature, mutate: func(d map[string]any) {
			proofOf(d)["verificationMethod"] = otherVM
		}},
		{name: "verification method unresolvable", want: ErrKeyResolution, mutate: func(d map[string]any) {
			proofOf(d)["verificationMethod"] = "did:web:unknown.example#key-1"
		}},
		{name: "signed by another key", want: ErrBadSignature, keys: func(string) (crypto.PublicKey, error) {
			return other.Public(), nil
		}},
		{name: "key of the wrong type", want: ErrKeyResolution, keys: func(string) (crypto.PublicKey, error) {
			k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
			return k.Public(), nil
		}},
		{name: "removed proof", want: ErrNoProof, mutate: func(d map[string]any) { delete(d, "proof") }},
		{name: "empty proof list", want: ErrNoProof, mutate: func(d map[string]any) { d["proof"] = []any{} }},
		{name: "two proofs", want: ErrMalformedProof, mutate: func(d map[string]any) {
			d["proof"] = []any{proofOf(d), cloneJSON(proofOf(d))}
		}},
		{name: "proof not an object", want: ErrMalformedProof, mutate: func(d map[string]any) { d["proof"] = "z123" }},
		{name: "context swapped for one defining every term", want: ErrBadSignature, wantJCS: ErrContextMismatch, mutate: func(d map[string]any) {
			d["@context"] = []any{"https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"}
		}},
		{name: "context swapped for one leaving terms undefined", want: ErrInvalidDocument, wantJCS: ErrContextMismatch, mutate: func(d map[string]any) {
			d["@context"] = []any{"https://www.w3.org/ns/credentials/v2"}
		}},
		{name: "proof context differs", want: ErrContextMismatch, mutate: func(d map[string]any) {
			proofOf(d)["@context"] = []any{"https://www.w3.org/ns/credentials/v2"}
		}},
		{name: "unknown context", want: ErrUnknownContext, wantJCS: ErrContextMismatch, mutate: func(d map[string]any) {
			d["@context"] = []any{"https://www.w3.org/ns/credentials/v2", "https://evil.example/v1"}
		}},
		{name: "truncated proofValue", want: ErrMalformedProof, mutate: func(d map[string]any) {
			v := proofOf(d)["proofValue"].(string)
			proofOf(d)["proofValue"] = v[:len(v)-4]
		}},
		{name: "proofValue not base58btc", want: ErrMalformedProof, mutate: func(d map[string]any) {
			proofOf(d)["proofValue"] = "u" + strings.Repeat("A", 86)
		}},
		{name: "proofValue with a non-base58 character", want: ErrMalformedProof, mutate: func(d map[string]any) {
			v := proofOf(d)["proofValue"].(string)
			proofOf(d)["proofValue"] = v[:10] + "0" + v[11:]
		}},
		{name: "proofValue not a string", want: ErrMalformedProof, mutate: func(d map[string]any) { proofOf(d)["proofValue"] = 5.0 }},
		{name: "proofValue missing", want: ErrMalformedProof, mutate: func(d map[string]any) { delete(proofOf(d), "proofValue") }},
		{name: "proofValue too long", want: ErrMalformedProof, mutate: func(d map[string]any) {
			proofOf(d)["proofValue"] = "z" + strings.Repeat("2", 5000)
		}},
		{name: "wrong proof type", want: ErrMalformedProof, mutate: func(d map[string]any) { proofOf(d)["type"] = "Ed25519Signature2020" }},
		{name: "cryptosuite not in the allow-list", want: ErrUnsupportedCryptosuite, mutate: func(d map[string]any) {
			proofOf(d)["cryptosuite"] = "ecdsa-rdfc-2019"
		}},
		{name: "cryptosuite missing", want: ErrMalformedProof, mutate: func(d map[string]any) { delete(proofOf(d), "cryptosuite") }},
		{name: "wrong purpose", want: ErrWrongPurpose, mutate: func(d map[string]any) { proofOf(d)["proofPurpose"] = "authentication" }},
		{name: "expected another purpose", want: ErrWrongPurpose, opts: func(o *VerifyOptions) { o.ProofPurpose = "authentication" }},
		{name: "created malformed", want: ErrMalformedProof, mutate: func(d map[string]any) { proofOf(d)["created"] = "2025-01-02 03:04:05" }},
		{name: "created without zone", want: ErrMalformedProof, mutate: func(d map[string]any) { proofOf(d)["created"] = "2025-01-02T03:04:05" }},
		{name: "created impossible date", want: ErrMalformedProof, mutate: func(d map[string]any) { proofOf(d)["created"] = "2025-02-30T03:04:05Z" }},
		{name: "expires malformed", want: ErrMalformedProof, mutate: func(d map[string]any) { proofOf(d)["expires"] = 12.0 }},
		{name: "expired", want: ErrProofExpired, mutate: func(d map[string]any) { proofOf(d)["expires"] = "2020-01-01T00:00:00Z" }},
		{name: "challenge mismatch", want: ErrChallengeMismatch, opts: func(o *VerifyOptions) { o.Challenge = "c-999" }},
		{name: "domain mismatch", want: ErrDomainMismatch, opts: func(o *VerifyOptions) { o.Domain = "other.example" }},
		{name: "previousProof", want: ErrMalformedProof, mutate: func(d map[string]any) { proofOf(d)["previousProof"] = "urn:p:1" }},
		{name: "verificationMethod not an IRI", want: ErrMalformedProof, mutate: func(d map[string]any) { proofOf(d)["verificationMethod"] = "key-1" }},
		{name: "too many proof fields", want: ErrMalformedProof, mutate: func(d map[string]any) {
			for i := range 20 {
				proofOf(d)[strings.Repeat("x", i+1)] = "y"
			}
		}},
	}
	for _, suite := range Supported() {
		for _, c := range cases {
			t.Run(suite+"/"+c.name, func(t *testing.T) {
				signed, _ := signedCity(t, suite)
				doc := cloneDoc(signed)
				if c.mutate != nil {
					c.mutate(doc)
				}
				keys := KeyFunc(resolveDIDKey)
				if c.keys != nil {
					keys = c.keys
				}
				opts := VerifyOptions{Cryptosuites: []string{suite}, Challenge: "c-123", Domain: "verifier.example"}
				if c.opts != nil {
					c.opts(&opts)
				}
				p, err := Verify(doc, keys, opts)
				want := c.want
				if suite == EdDSAJCS2022 && c.wantJCS != nil {
					want = c.wantJCS
				}
				if !errors.Is(err, want) {
					t.Fatalf("got (%v, %v), want %v", p, err, want)
				}
				if p != nil {
					t.Fatal("a refused proof was returned")
				}
			})
		}
	}
}

// TestVerifyOK: the unmodified credential verifies with every option set
// the proof satisfies, and Proof reports its fields.
func TestVerifyOK(t *testing.T) {
	for _, suite := range Supported() {
		signed, vm := signedCity(t, suite)
		before := cloneDoc(signed)
		p, err := Verify(signed, resolveDIDKey, VerifyOptions{Cryptosuites: Supported(), Challenge: "c-123", Domain: "verifier.example",
			Now: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Fatalf("%s: %v", suite, err)
		}
		if p.Cryptosuite != suite || p.VerificationMethod != vm || p.ProofPurpose != DefaultProofPurpose ||
			p.Challenge != "c-123" || len(p.Domain) != 1 || p.Domain[0] != "verifier.example" ||
			!p.Created.Equal(time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)) {
			t.Errorf("%s: proof %+v", suite, p)
		}
		if !reflect.DeepEqual(before, signed) {
			t.Errorf("%s: Verify modified the document", suite)
		}
	}
}

func TestVerifyOptions(t *testing.T) {
	signed, _ := signedCity(t, EdDSARDFC2022)
	if _, err := Verify(signed, resolveDIDKey, VerifyOptions{}); !errors.Is(err, ErrOptions) {
		t.Errorf("empty allow-list: %v, want ErrOptions", err)
	}
	if _, err := Verify(signed, resolveDIDKey, VerifyOptions{Cryptosuites: []string{"bbs-2023"}}); !errors.Is(err, ErrUnsupportedCryptosuite) {
		t.Errorf("unsupported suite in allow-list: %v, want ErrUnsupportedCryptosuite", err)
	}
	if _, err := Verify(signed, nil, VerifyOptions{Cryptosuites: Supported()}); !errors.Is(err, ErrOptions) {
		t.Errorf("nil KeyFunc: %v, want ErrOptions", err)
	}
	if _, err := Verify(nil, resolveDIDKey, VerifyOptions{Cryptosuites: Supported()}); !errors.Is(err, ErrNoProof) {
		t.Errorf("nil document: %v, want ErrNoProof", err)
	}
}

// TestVerifyFieldError: a malformed proof names the field.
func TestVerifyFieldError(t *testing.T) {
	signed, _ := signedCity(t, EdDSARDFC2022)
	proofOf(signed)["created"] = "yesterday"
	_, err := Verify(signed, resolveDIDKey, VerifyOptions{Cryptosuites: Supported()})
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != "created" {
		t.Fatalf("got %v, want a FieldError for created", err)
	}
}

// TestVerifyUndefinedTermInProof: an extra proof option that the contexts do
// not define would not be signed by RDFC; it is refused by name.
func TestVerifyUndefinedTermInProof(t *testing.T) {
	signed, _ := signedCity(t, EdDSARDFC2022)
	proofOf(signed)["note"] = "trust me"
	_, err := Verify(signed, resolveDIDKey, VerifyOptions{Cryptosuites: Supported()})
	if !errors.Is(err, ErrInvalidDocument) || !errors.Is(err, ld.ErrUndefinedTerm) || !strings.Contains(err.Error(), `"note"`) {
		t.Fatalf("got %v, want ErrInvalidDocument naming the term note", err)
	}
}

// TestVerifySignedVectorIssuerIsURL: the W3C vector's issuer is a URL while
// its key is a did:key. Verify checks only the proof, so it accepts; issuer
// binding is the caller's (see the package documentation).
func TestVerifySignedVectorIssuerIsURL(t *testing.T) {
	signed := readJSON(t, filepath.Join(vectorDir, "eddsa-rdfc-2022", "signedDataInt.json"))
	p, err := Verify(signed, resolveDIDKey, VerifyOptions{Cryptosuites: []string{EdDSARDFC2022}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(p.VerificationMethod, "did:key:") || signed["issuer"] != "https://vc.example/issuers/5678" {
		t.Fatalf("unexpected vector: %+v", p)
	}
}
