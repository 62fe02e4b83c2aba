package ld

import (
	"testing"

	"github.com/cityid/cityid/schemas"
)

func BenchmarkCanonicalize(b *testing.B) {
	docs := map[string]map[string]any{}
	for _, path := range []string{"testdata/vc-di-eddsa/unsigned.json", "testdata/docs/city.json", "testdata/docs/values.json"} {
		docs[path[len("testdata/"):]] = readDoc(b, path)
	}
	// What the issuer signs: a city ID with its two status entries.
	docs["issued-city-id"] = cityCredential(schemas.CityIDCredential, map[string]any{"givenName": "Ana María",
		"familyName": "Silva", "birthDate": "1990-04-30", "photoDigest": "uEiDZ7zRUPXw4jxg3Pl7m0wnK_9TOxGgU1rQD3kMu3mD1cQ"}, false)
	for _, name := range []string{"vc-di-eddsa/unsigned.json", "docs/city.json", "docs/values.json", "issued-city-id"} {
		doc := docs[name]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Canonicalize(doc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
