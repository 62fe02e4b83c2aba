package dataintegrity

import (
	"crypto/ed25519"
	"path/filepath"
	"testing"
	"time"

	"github.com/cityid/cityid/credential/ld"
)

// The benchmarks use the W3C vector credential, the one the aries-framework-go
// comparison (about 6.5 ms per LD proof verify) was measured with.

func BenchmarkSignRDFC(b *testing.B) {
	_, priv := vectorKey(b)
	doc := readJSON(b, filepath.Join(vectorDir, "unsigned.json"))
	opts := SignOptions{Cryptosuite: EdDSARDFC2022, VerificationMethod: "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2", Created: time.Unix(1e9, 0)}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Sign(doc, priv, opts); err != nil {
			b.Fatal(err)
		}
	}
}

func benchmarkVerify(b *testing.B, dir, suffix, suite string) {
	pub, _ := vectorKey(b)
	signed := readJSON(b, filepath.Join(vectorDir, dir, "signed"+suffix+".json"))
	vm := proofOf(signed)["verificationMethod"].(string)
	keys := didKeyFunc(vm, pub)
	opts := VerifyOptions{Cryptosuites: []string{suite}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Verify(signed, keys, opts); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyRDFC(b *testing.B) {
	benchmarkVerify(b, "eddsa-rdfc-2022", "DataInt", EdDSARDFC2022)
}
func BenchmarkVerifyJCS(b *testing.B) { benchmarkVerify(b, "eddsa-jcs-2022", "JCS", EdDSAJCS2022) }

// BenchmarkCanonicalize is the RDFC-1.0 step alone (document and proof
// configuration are each one of these per verify).
func BenchmarkCanonicalize(b *testing.B) {
	doc := readJSON(b, filepath.Join(vectorDir, "unsigned.json"))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ld.Canonicalize(doc); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEd25519Verify is the floor: the signature check alone.
func BenchmarkEd25519Verify(b *testing.B) {
	pub, priv := vectorKey(b)
	msg := make([]byte, 64)
	sig := ed25519.Sign(priv, msg)
	b.ReportAllocs()
	for b.Loop() {
		if !ed25519.Verify(pub, msg, sig) {
			b.Fatal("bad signature")
		}
	}
}
