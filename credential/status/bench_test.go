package status

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkDecodeGet decodes a 131,072-entry list with about 1% of entries
// set and reads one entry: what a verifier does per status check without a
// cache.
func BenchmarkDecodeGet(b *testing.B) {
	l := New()
	r := rand.New(rand.NewPCG(7, 7))
	for range MinLength / 100 {
		l.Set(r.IntN(MinLength), true)
	}
	enc, err := l.Encode()
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(MinLength / 8))
	b.ReportAllocs()
	for b.Loop() {
		d, err := Decode(enc)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := d.Get(94567); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncode compresses a 131,072-entry list with about 1% set.
func BenchmarkEncode(b *testing.B) {
	l := New()
	r := rand.New(rand.NewPCG(7, 7))
	for range MinLength / 100 {
		l.Set(r.IntN(MinLength), true)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := l.Encode(); err != nil {
			b.Fatal(err)
		}
	}
}
