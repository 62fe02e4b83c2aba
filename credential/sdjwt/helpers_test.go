package sdjwt

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

const (
	cityDID  = "did:web:city.example"
	cityKID  = cityDID + "#key-1"
	cityVCT  = "https://city.example/credentials/resident"
	verifier = "https://verifier.example"
	nonce    = "n-0S6_WzA2Mj"
)

// Fixed test clock: issuance, presentation and verification happen within
// a few seconds of each other.
var (
	t0    = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	tPres = t0.Add(time.Hour)
	tNow  = tPres.Add(5 * time.Second)
)

func seedKey(b byte) ed25519.PrivateKey {
	seed := make([]byte, ed25519.SeedSize)
	for i := range seed {
		seed[i] = b
	}
	return ed25519.NewKeyFromSeed(seed)
}

var (
	issuerKey   = seedKey(1)
	holderKey   = seedKey(2)
	attackerKey = seedKey(3)
)

func p256(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func sampleClaims() map[string]any {
	return map[string]any{
		"given_name":  "Ada",
		"family_name": "Lovelace",
		"birthdate":   "1815-12-10",
		"resident":    true,
		"address": map[string]any{
			"street_address": "12 Analytical Row",
			"locality":       "Springfield",
			"postal_code":    "12345",
		},
		"nationalities": []any{"GB", "FR"},
	}
}

var sampleDisclosable = []string{
	"given_name", "family_name", "birthdate",
	"address", "address.locality", "address.postal_code",
	"nationalities.0", "nationalities.1",
}

func issueOpts(holder crypto.PublicKey) IssueOptions {
	return IssueOptions{
		Issuer:      cityDID,
		KeyID:       cityKID,
		VCT:         cityVCT,
		IssuedAt:    t0,
		Expiry:      t0.Add(365 * 24 * time.Hour),
		HolderKey:   holder,
		Disclosable: sampleDisclosable,
		Decoys:      2,
	}
}

func mustIssue(t testing.TB, signer crypto.Signer, opts IssueOptions) string {
	t.Helper()
	s, err := Issue(sampleClaims(), signer, opts)
	if err != nil {
		t.Fatalf("Issue: %v", err)
	}
	return s
}

func mustPresent(t testing.TB, sd string, disclose []string, holder crypto.Signer) string {
	t.Helper()
	s, err := Present(sd, disclose, holder, KeyBindingOptions{Audience: verifier, Nonce: nonce, IssuedAt: tPres})
	if err != nil {
		t.Fatalf("Present: %v", err)
	}
	return s
}

// keysFor is a KeyFunc knowing exactly one issuer key.
func keysFor(iss, kid string, pub crypto.PublicKey) KeyFunc {
	return func(gotIss, gotKID string) (crypto.PublicKey, error) {
		if gotIss != iss || gotKID != kid {
			return nil, fmt.Errorf("unknown key %q of %q", gotKID, gotIss)
		}
		return pub, nil
	}
}

var cityKeys = keysFor(cityDID, cityKID, issuerKey.Public())

func kbPolicy() VerifyOptions {
	return VerifyOptions{
		Algorithms:        []string{AlgEdDSA, AlgES256},
		Now:               tNow,
		RequireKeyBinding: true,
		Audience:          verifier,
		Nonce:             nonce,
	}
}

func wantErr(t *testing.T, err, want error) {
	t.Helper()
	if err == nil {
		t.Fatalf("got success, want %v", want)
	}
	if !errors.Is(err, want) {
		t.Fatalf("got %v, want %v", err, want)
	}
	t.Logf("rejected: %v", err)
}

// signRaw signs an arbitrary payload as the issuer would, for crafting
// tokens Issue refuses to produce.
func signRaw(t testing.TB, signer crypto.Signer, typ, kid string, payload map[string]any) string {
	t.Helper()
	body, err := json.Marshal(payload)
	if err != nil {
		t.Fatal(err)
	}
	jwt, err := signJWS(signer, typ, kid, body)
	if err != nil {
		t.Fatal(err)
	}
	return jwt
}

// disclosure encodes a disclosure with a fixed salt.
func disclosure(elems ...any) (raw, digest string) {
	js, _ := json.Marshal(append([]any{"c2FsdHNhbHRzYWx0c2FsdA"}, elems...))
	raw = base64.RawURLEncoding.EncodeToString(js)
	return raw, digestOf(raw)
}

// basePayload is a valid SD-JWT VC payload without disclosures.
func basePayload() map[string]any {
	return map[string]any{
		"iss": cityDID, "vct": cityVCT, "iat": t0.Unix(), "_sd_alg": HashSHA256,
	}
}

// rawJWT assembles a compact JWS from header and payload JSON and a
// signature, without any checks.
func rawJWT(header, payload string, sig []byte) string {
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(header)) + "." + enc.EncodeToString([]byte(payload)) + "." + enc.EncodeToString(sig)
}

func splitTilde(s string) []string { return strings.Split(s, "~") }
