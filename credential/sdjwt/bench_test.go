package sdjwt

import (
	"crypto/ed25519"
	"strings"
	"testing"
)

// Benchmarks. The floor is one raw Ed25519 verification over an input the
// size of the issuer JWT's signing input; a key-bound presentation needs two
// such verifications (issuer and holder).

var benchDisclose = []string{"given_name", "address.locality", "nationalities.1"}

func BenchmarkIssue(b *testing.B) {
	opts := issueOpts(holderKey.Public())
	claims := sampleClaims()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Issue(claims, issuerKey, opts); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPresent(b *testing.B) {
	sd := mustIssue(b, issuerKey, issueOpts(holderKey.Public()))
	kb := KeyBindingOptions{Audience: verifier, Nonce: nonce, IssuedAt: tPres}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Present(sd, benchDisclose, holderKey, kb); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerify: EdDSA issuer, EdDSA key binding, three disclosures.
func BenchmarkVerify(b *testing.B) {
	sd := mustIssue(b, issuerKey, issueOpts(holderKey.Public()))
	pres := mustPresent(b, sd, benchDisclose, holderKey)
	opts := kbPolicy()
	b.SetBytes(int64(len(pres)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Verify(pres, cityKeys, opts); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyNoKB: the same three disclosures without key binding.
func BenchmarkVerifyNoKB(b *testing.B) {
	sd := mustIssue(b, issuerKey, issueOpts(holderKey.Public()))
	pres, err := Present(sd, benchDisclose, nil, KeyBindingOptions{})
	if err != nil {
		b.Fatal(err)
	}
	opts := VerifyOptions{Algorithms: []string{AlgEdDSA}, Now: tNow}
	b.SetBytes(int64(len(pres)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Verify(pres, cityKeys, opts); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEd25519Verify is the floor: one ed25519.Verify over the issuer
// JWT's signing input.
func BenchmarkEd25519Verify(b *testing.B) {
	sd := mustIssue(b, issuerKey, issueOpts(holderKey.Public()))
	jwt := sd[:strings.IndexByte(sd, '~')]
	input := []byte(jwt[:strings.LastIndexByte(jwt, '.')])
	sig := ed25519.Sign(issuerKey, input)
	pub := issuerKey.Public().(ed25519.PublicKey)
	b.ReportAllocs()
	for b.Loop() {
		if !ed25519.Verify(pub, input, sig) {
			b.Fatal("verify failed")
		}
	}
}
