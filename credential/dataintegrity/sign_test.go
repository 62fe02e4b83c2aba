package dataintegrity

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"io"
	"reflect"
	"testing"
	"time"

	"github.com/cityid/cityid/credential/ld"
)

func TestSignErrors(t *testing.T) {
	key := testKey(1)
	issuer, vm := didKey(t, key.Public().(ed25519.PublicKey))
	doc := interopCredential(t, "city", issuer)
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	signed, err := Sign(doc, key, SignOptions{Cryptosuite: EdDSARDFC2022, VerificationMethod: vm})
	if err != nil {
		t.Fatal(err)
	}
	undefined := cloneDoc(doc)
	undefined["credentialSubject"].(map[string]any)["isMayor"] = true

	cases := []struct {
		name   string
		doc    map[string]any
		signer crypto.Signer
		opts   SignOptions
		want   error
	}{
		{"unknown cryptosuite", doc, key, SignOptions{Cryptosuite: "eddsa-2022", VerificationMethod: vm}, ErrUnsupportedCryptosuite},
		{"no cryptosuite", doc, key, SignOptions{VerificationMethod: vm}, ErrUnsupportedCryptosuite},
		{"P-256 signer", doc, ec, SignOptions{Cryptosuite: EdDSARDFC2022, VerificationMethod: vm}, ErrOptions},
		{"nil signer", doc, nil, SignOptions{Cryptosuite: EdDSARDFC2022, VerificationMethod: vm}, ErrOptions},
		{"relative verification method", doc, key, SignOptions{Cryptosuite: EdDSARDFC2022, VerificationMethod: "#key-1"}, ErrOptions},
		{"already signed", signed, key, SignOptions{Cryptosuite: EdDSARDFC2022, VerificationMethod: vm}, ErrOptions},
		{"nil document", nil, key, SignOptions{Cryptosuite: EdDSARDFC2022, VerificationMethod: vm}, ErrOptions},
		{"undefined term", undefined, key, SignOptions{Cryptosuite: EdDSARDFC2022, VerificationMethod: vm}, ld.ErrUndefinedTerm},
		{"faulty signer", doc, faultySigner{key}, SignOptions{Cryptosuite: EdDSARDFC2022, VerificationMethod: vm}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := Sign(c.doc, c.signer, c.opts)
			if err == nil || out != nil {
				t.Fatalf("Sign succeeded: %v", out)
			}
			if c.want != nil && !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
		})
	}
}

// faultySigner returns a signature over different data.
type faultySigner struct{ ed25519.PrivateKey }

func (f faultySigner) Sign(_ io.Reader, msg []byte, _ crypto.SignerOpts) ([]byte, error) {
	return ed25519.Sign(f.PrivateKey, append(msg, 0)), nil
}

// TestSignProof: the proof Sign writes, for each suite, with defaults and
// options, leaves the input untouched and verifies.
func TestSignProof(t *testing.T) {
	key := testKey(3)
	issuer, vm := didKey(t, key.Public().(ed25519.PublicKey))
	for _, suite := range Supported() {
		doc := interopCredential(t, "escapes", issuer)
		before := cloneDoc(doc)
		start := time.Now().Add(-time.Second)
		signed, err := Sign(doc, key, SignOptions{Cryptosuite: suite, VerificationMethod: vm, ProofPurpose: "authentication",
			Challenge: "nonce-1", Domain: "kiosk.cityid.dev"})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(doc, before) {
			t.Fatalf("%s: Sign modified its input", suite)
		}
		proof := proofOf(signed)
		if _, has := proof["@context"]; has != (suite == EdDSAJCS2022) {
			t.Errorf("%s: proof @context present = %v", suite, has)
		}
		if proof["challenge"] != "nonce-1" || proof["domain"] != "kiosk.cityid.dev" || proof["proofPurpose"] != "authentication" {
			t.Errorf("%s: proof %v", suite, proof)
		}
		p, err := Verify(signed, resolveDIDKey, VerifyOptions{Cryptosuites: []string{suite}, ProofPurpose: "authentication",
			Challenge: "nonce-1", Domain: "kiosk.cityid.dev"})
		if err != nil {
			t.Fatalf("%s: %v", suite, err)
		}
		if p.Created.Before(start.Truncate(time.Second)) || p.Created.After(time.Now()) {
			t.Errorf("%s: created %v is not now", suite, p.Created)
		}
		// The proof survives a JSON round trip.
		if _, err := Verify(roundTrip(t, signed), resolveDIDKey, VerifyOptions{Cryptosuites: []string{suite}, ProofPurpose: "authentication"}); err != nil {
			t.Errorf("%s after a JSON round trip: %v", suite, err)
		}
	}
}
