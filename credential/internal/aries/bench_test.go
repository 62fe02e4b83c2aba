package aries

import (
	"testing"

	"github.com/cityid/cityid/schemas"
)

// typicalVC is a signed VC 1.1 credential of the city's shape: the v1,
// ed25519-2020 and city contexts when the city context is embedded, an
// inline context otherwise.
func typicalVC(b *testing.B) ([]byte, testKey) {
	k := newTestKey(9)
	doc := vcWithIssuer(b, k.did)
	if _, ok := schemas.Context(cityContextURL); ok {
		doc = edit(b, doc, func(m map[string]any) {
			ctx := m["@context"].([]any)
			m["@context"] = []any{ctx[0], ctx[1], cityContextURL}
		})
	}
	vc, err := SignEd25519Signature2020(doc, k.priv, k.vm, created)
	if err != nil {
		b.Fatal(err)
	}
	return vc, k
}

// BenchmarkAriesVerifyLD: aries' Ed25519Signature2020 verification of a
// typical credential, through VerifyLDProof (proof check + strict
// validation). To be read beside the project's own verifier benchmarks.
func BenchmarkAriesVerifyLD(b *testing.B) {
	vc, k := typicalVC(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := VerifyLDProof(vc, k.pub); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAriesCanonicalize: aries' URDNA2015 of the same credential.
func BenchmarkAriesCanonicalize(b *testing.B) {
	vc, _ := typicalVC(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Canonicalize(vc); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAriesSign: SignEd25519Signature2020 (includes its checks).
func BenchmarkAriesSign(b *testing.B) {
	k := newTestKey(9)
	doc := vcWithIssuer(b, k.did)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := SignEd25519Signature2020(doc, k.priv, k.vm, created); err != nil {
			b.Fatal(err)
		}
	}
}
