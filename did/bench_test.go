package did

import (
	"os"
	"testing"
)

func BenchmarkDecodeMultikey(b *testing.B) {
	for _, mk := range []string{
		"z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp",
		"zDnaerx9CtbPJ1q36T5Ln5wYt3MQYeGRG5ehnPAmxcf5mDZpv",
	} {
		b.Run(mk[:4], func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := DecodeMultikey(mk); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkResolveVerificationMethod(b *testing.B) {
	web := NewPinnedWeb()
	data, err := os.ReadFile("testdata/web/city.json")
	if err != nil {
		b.Fatal(err)
	}
	if err := web.Add("did:web:city.example", data); err != nil {
		b.Fatal(err)
	}
	r := NewResolver(web)
	for name, vm := range map[string]string{
		"did:key": "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp#z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp",
		"did:web": "did:web:city.example#issuer-1",
	} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := ResolveVerificationMethod(r, vm, AssertionMethod); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
