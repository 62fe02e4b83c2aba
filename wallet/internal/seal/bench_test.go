package seal

import "testing"

// BenchmarkDeriveKeyDefault is the cost of one PIN check (Open) with the
// default parameters.
func BenchmarkDeriveKeyDefault(b *testing.B) {
	p, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := DeriveKey([]byte("482916"), p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSeal1KiB(b *testing.B) {
	key, _ := NewKey()
	msg := make([]byte, 1024)
	b.SetBytes(1024)
	for b.Loop() {
		if _, err := Seal(key, "credential:x", msg); err != nil {
			b.Fatal(err)
		}
	}
}
