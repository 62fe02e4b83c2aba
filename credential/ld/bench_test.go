package ld

import "testing"

func BenchmarkCanonicalize(b *testing.B) {
	for _, path := range []string{"testdata/vc-di-eddsa/unsigned.json", "testdata/docs/city.json", "testdata/docs/values.json"} {
		doc := readDoc(b, path)
		b.Run(path[len("testdata/"):], func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Canonicalize(doc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
