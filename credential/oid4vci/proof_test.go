package oid4vci

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/cityid/cityid/did"
)

const testAud = "https://city.example/issuer"

var testNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func edKey(t testing.TB) ed25519.PrivateKey {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return priv
}

func p256Key(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func kidOf(t testing.TB, s crypto.Signer) string {
	t.Helper()
	kid, err := did.KeyVerificationMethod(s.Public())
	if err != nil {
		t.Fatal(err)
	}
	return kid
}

// rawJWT signs arbitrary header and claims with s (alg from the header),
// for proofs NewProofJWT would refuse to make.
func rawJWT(t testing.TB, s crypto.Signer, header, claims map[string]any) string {
	t.Helper()
	h, err := json.Marshal(header)
	if err != nil {
		t.Fatal(err)
	}
	c, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	input := b64.EncodeToString(h) + "." + b64.EncodeToString(c)
	alg, _ := algFor(s.Public())
	sig, err := signJWS(s, alg, []byte(input))
	if err != nil {
		t.Fatal(err)
	}
	return input + "." + b64.EncodeToString(sig)
}

func baseHeader(t testing.TB, s crypto.Signer) map[string]any {
	alg, _ := algFor(s.Public())
	return map[string]any{"alg": alg, "typ": ProofJWTType, "kid": kidOf(t, s)}
}

func baseClaims() map[string]any {
	return map[string]any{"aud": testAud, "iat": testNow.Unix(), "nonce": "n-1"}
}

func TestProofRoundTrip(t *testing.T) {
	for name, key := range map[string]crypto.Signer{"Ed25519": edKey(t), "P-256": p256Key(t)} {
		t.Run(name, func(t *testing.T) {
			kid := kidOf(t, key)
			jwt, err := NewProofJWT(key, kid, testAud, "n-1", testNow)
			if err != nil {
				t.Fatal(err)
			}
			holder, pub, nonce, err := VerifyProofJWT(jwt, testAud, testNow.Add(time.Minute), 5*time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			wantDID, _, _ := strings.Cut(kid, "#")
			if holder != wantDID || nonce != "n-1" || !sameKey(pub, key.Public()) {
				t.Fatalf("got holder %s nonce %q; want %s n-1 and the signer's key", holder, nonce, wantDID)
			}
			// The header is exactly what the specification asks for.
			hdr, err := decodeSegment(strings.Split(jwt, ".")[0], "header")
			if err != nil {
				t.Fatal(err)
			}
			if hdr["typ"] != ProofJWTType || hdr["kid"] != kid || len(hdr) != 3 {
				t.Fatalf("header %v", hdr)
			}
			// go-jose, independently, accepts the signature.
			jws, err := jose.ParseSignedCompact(jwt, proofAlgs)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := jws.Verify(key.Public()); err != nil {
				t.Fatalf("go-jose rejects our signature: %v", err)
			}
		})
	}
}

func TestProofWithoutNonce(t *testing.T) {
	key := edKey(t)
	jwt, err := NewProofJWT(key, kidOf(t, key), testAud, "", testNow)
	if err != nil {
		t.Fatal(err)
	}
	_, _, nonce, err := VerifyProofJWT(jwt, testAud, testNow, time.Minute)
	if err != nil || nonce != "" {
		t.Fatalf("nonce %q err %v; want empty nonce, no error", nonce, err)
	}
}

func TestProofEmbeddedJWK(t *testing.T) {
	for name, key := range map[string]crypto.Signer{"Ed25519": edKey(t), "P-256": p256Key(t)} {
		t.Run(name, func(t *testing.T) {
			jwkJSON, err := jose.JSONWebKey{Key: key.Public()}.MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			var jwk map[string]any
			json.Unmarshal(jwkJSON, &jwk)
			h := baseHeader(t, key)
			delete(h, "kid")
			h["jwk"] = jwk
			holder, pub, _, err := VerifyProofJWT(rawJWT(t, key, h, baseClaims()), testAud, testNow, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := did.KeyDID(key.Public())
			if holder != want || !sameKey(pub, key.Public()) {
				t.Fatalf("holder %s, want %s", holder, want)
			}
		})
	}
}

func TestVerifyProofRejects(t *testing.T) {
	key, other := edKey(t), edKey(t)
	p256 := p256Key(t)
	with := func(mod func(h, c map[string]any)) string {
		h, c := baseHeader(t, key), baseClaims()
		mod(h, c)
		return rawJWT(t, key, h, c)
	}
	privJWK, _ := jose.JSONWebKey{Key: key}.MarshalJSON()
	var privMap map[string]any
	json.Unmarshal(privJWK, &privMap)
	good := with(func(h, c map[string]any) {})
	parts := strings.Split(good, ".")

	cases := []struct {
		name string
		jwt  string
		want error
	}{
		{"alg none", unsignedJWT(map[string]any{"alg": "none", "typ": ProofJWTType, "kid": kidOf(t, key)}, baseClaims()), ErrProofAlgorithm},
		{"alg HS256", hmacJWT(t, map[string]any{"alg": "HS256", "typ": ProofJWTType, "kid": kidOf(t, key)}, baseClaims()), ErrProofAlgorithm},
		{"alg RS256", unsignedJWT(map[string]any{"alg": "RS256", "typ": ProofJWTType, "kid": kidOf(t, key)}, baseClaims()) + "c2ln", ErrProofAlgorithm},
		{"ES256 header on an Ed25519 key", with(func(h, c map[string]any) { h["alg"] = "ES256" }), ErrInvalidProof},
		{"wrong typ", with(func(h, c map[string]any) { h["typ"] = "JWT" }), ErrProofType},
		{"no typ", with(func(h, c map[string]any) { delete(h, "typ") }), ErrProofType},
		{"kid of another key", with(func(h, c map[string]any) { h["kid"] = kidOf(t, other) }), ErrProofSignature},
		{"kid of a P-256 key", with(func(h, c map[string]any) { h["kid"] = kidOf(t, p256) }), ErrProofAlgorithm},
		{"kid is did:web", with(func(h, c map[string]any) { h["kid"] = "did:web:evil.example#key-1" }), ErrProofKey},
		{"kid is a bare DID", with(func(h, c map[string]any) { h["kid"], _ = did.KeyDID(key.Public()) }), ErrProofKey},
		{"kid with another fragment", with(func(h, c map[string]any) { d, _ := did.KeyDID(key.Public()); h["kid"] = d + "#key-1" }), ErrProofKey},
		{"kid not a DID", with(func(h, c map[string]any) { h["kid"] = "key-1" }), ErrProofKey},
		{"kid not a string", with(func(h, c map[string]any) { h["kid"] = 7 }), ErrInvalidProof},
		{"no key", with(func(h, c map[string]any) { delete(h, "kid") }), ErrProofKey},
		{"kid and jwk", with(func(h, c map[string]any) {
			h["jwk"] = map[string]any{"kty": "OKP", "crv": "Ed25519", "x": b64.EncodeToString(key.Public().(ed25519.PublicKey))}
		}), ErrProofKey},
		{"private jwk", with(func(h, c map[string]any) { delete(h, "kid"); h["jwk"] = privMap }), ErrInvalidProof},
		{"x5c", with(func(h, c map[string]any) { h["x5c"] = []string{"MII"} }), ErrInvalidProof},
		{"key_attestation", with(func(h, c map[string]any) { h["key_attestation"] = "x.y.z" }), ErrProofKey},
		{"crit", with(func(h, c map[string]any) { h["crit"] = []string{"exp"}; h["exp"] = 1 }), ErrInvalidProof},
		{"wrong aud", with(func(h, c map[string]any) { c["aud"] = "https://evil.example" }), ErrProofAudience},
		{"aud array", with(func(h, c map[string]any) { c["aud"] = []string{testAud} }), ErrProofAudience},
		{"no aud", with(func(h, c map[string]any) { delete(c, "aud") }), ErrProofAudience},
		{"stale iat", with(func(h, c map[string]any) { c["iat"] = testNow.Add(-6 * time.Minute).Unix() }), ErrProofTime},
		{"future iat", with(func(h, c map[string]any) { c["iat"] = testNow.Add(2 * time.Minute).Unix() }), ErrProofTime},
		{"no iat", with(func(h, c map[string]any) { delete(c, "iat") }), ErrProofMalformed},
		{"iat string", with(func(h, c map[string]any) { c["iat"] = "now" }), ErrProofMalformed},
		{"expired", with(func(h, c map[string]any) { c["exp"] = testNow.Add(-time.Second).Unix() }), ErrProofTime},
		{"not yet valid", with(func(h, c map[string]any) { c["nbf"] = testNow.Add(time.Hour).Unix() }), ErrProofTime},
		{"nonce number", with(func(h, c map[string]any) { c["nonce"] = 5 }), ErrProofMalformed},
		{"iss number", with(func(h, c map[string]any) { c["iss"] = 5 }), ErrProofMalformed},
		{"tampered claims", parts[0] + "." + b64.EncodeToString([]byte(`{"aud":"`+testAud+`","iat":`+jsonInt(testNow.Unix())+`,"nonce":"n-2"}`)) + "." + parts[2], ErrProofSignature},
		{"duplicate header member", dupHeaderJWT(t, key), ErrInvalidProof},
		{"two parts", parts[0] + "." + parts[1], ErrProofMalformed},
		{"JSON serialization", `{"payload":"` + parts[1] + `"}`, ErrProofMalformed},
		{"padding", parts[0] + "=." + parts[1] + "." + parts[2], ErrInvalidProof},
		{"too long", strings.Repeat("a", MaxProofLength+1), ErrProofMalformed},
		{"empty", "", ErrProofMalformed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			holder, pub, nonce, err := VerifyProofJWT(tc.jwt, testAud, testNow, 5*time.Minute)
			if err == nil {
				t.Fatalf("accepted: holder %s", holder)
			}
			if !errors.Is(err, ErrInvalidProof) || !errors.Is(err, tc.want) {
				t.Fatalf("error %v; want %v wrapped with ErrInvalidProof", err, tc.want)
			}
			if holder != "" || pub != nil || nonce != "" {
				t.Fatal("a failed verification returned values")
			}
		})
	}
	// The unmodified proof passes, so each case fails for its own reason.
	if _, _, _, err := VerifyProofJWT(good, testAud, testNow, 5*time.Minute); err != nil {
		t.Fatal(err)
	}
}

func TestVerifyProofArguments(t *testing.T) {
	key := edKey(t)
	jwt, _ := NewProofJWT(key, kidOf(t, key), testAud, "n", testNow)
	if _, _, _, err := VerifyProofJWT(jwt, testAud, testNow, 0); err == nil || errors.Is(err, ErrInvalidProof) {
		t.Fatalf("maxAge 0: %v; want a usage error", err)
	}
	if _, _, _, err := VerifyProofJWT(jwt, "", testNow, time.Minute); err == nil {
		t.Fatal("empty audience accepted")
	}
}

func TestNewProofJWTRefuses(t *testing.T) {
	key, other := edKey(t), edKey(t)
	if _, err := NewProofJWT(key, kidOf(t, other), testAud, "n", testNow); err == nil {
		t.Fatal("kid of another key accepted")
	}
	if _, err := NewProofJWT(key, "did:web:city.example#k", testAud, "n", testNow); err == nil {
		t.Fatal("did:web kid accepted")
	}
	if _, err := NewProofJWT(key, kidOf(t, key), "", "n", testNow); err == nil {
		t.Fatal("empty audience accepted")
	}
	if _, err := NewProofJWT(nil, kidOf(t, key), testAud, "n", testNow); err == nil {
		t.Fatal("nil signer accepted")
	}
	rsaLike := p384Signer(t)
	if _, err := NewProofJWT(rsaLike, kidOf(t, key), testAud, "n", testNow); err == nil {
		t.Fatal("P-384 key accepted")
	}
}

func p384Signer(t *testing.T) crypto.Signer {
	k, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func unsignedJWT(header, claims map[string]any) string {
	h, _ := json.Marshal(header)
	c, _ := json.Marshal(claims)
	return b64.EncodeToString(h) + "." + b64.EncodeToString(c) + "."
}

func hmacJWT(t *testing.T, header, claims map[string]any) string {
	input := strings.TrimSuffix(unsignedJWT(header, claims), ".")
	m := hmac.New(sha256.New, []byte("a shared secret an attacker picked"))
	m.Write([]byte(input))
	return input + "." + b64.EncodeToString(m.Sum(nil))
}

func dupHeaderJWT(t *testing.T, key crypto.Signer) string {
	h := `{"alg":"EdDSA","typ":"` + ProofJWTType + `","kid":"` + kidOf(t, key) + `","typ":"JWT"}`
	c, _ := json.Marshal(baseClaims())
	input := b64.EncodeToString([]byte(h)) + "." + b64.EncodeToString(c)
	sig, err := signJWS(key, AlgEdDSA, []byte(input))
	if err != nil {
		t.Fatal(err)
	}
	return input + "." + b64.EncodeToString(sig)
}

func jsonInt(n int64) string { b, _ := json.Marshal(n); return string(b) }

func BenchmarkVerifyProofJWT(b *testing.B) {
	for name, key := range map[string]crypto.Signer{"Ed25519": edKey(b), "P-256": p256Key(b)} {
		jwt, err := NewProofJWT(key, kidOf(b, key), testAud, "nonce", testNow)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, _, _, err := VerifyProofJWT(jwt, testAud, testNow, time.Minute); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
