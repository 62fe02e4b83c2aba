package ld_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/cityid/cityid/credential/internal/aries"
	"github.com/cityid/cityid/credential/ld"
	"github.com/cityid/cityid/schemas"
)

// TestAgreesWithAries checks this package's canonicalization against the
// reference: aries-framework-go's own (json-gold URDNA2015) on the W3C vector
// document and on a credential of every city type.
func TestAgreesWithAries(t *testing.T) {
	docs := map[string][]byte{}
	vector, err := os.ReadFile(filepath.Join("testdata", "vc-di-eddsa", "unsigned.json"))
	if err != nil {
		t.Fatal(err)
	}
	docs["w3c unsigned vector"] = vector
	subjects := map[string]map[string]any{
		schemas.ResidencyCredential: {"residentOf": "Springfield", "housingStatus": "housed",
			"address":       map[string]any{"streetAddress": "12 Elm St", "unit": "4B", "postalCode": "12345", "addressLocality": "Springfield"},
			"residentSince": "2019-06-01"},
		schemas.AgeOverCredential:            {"ageOver18": true, "ageOver21": false},
		schemas.ServiceEligibilityCredential: {"program": "transit-discount", "programName": "Reduced fare", "eligibleFrom": "2026-01-01", "eligibleUntil": "2026-12-31"},
		schemas.CityIDCredential:             {"givenName": "Ana María", "familyName": "Silva \"Ortega\"", "birthDate": "1990-04-30", "photoDigest": schemas.PhotoDigest([]byte("photo"))},
	}
	for typ, subject := range subjects {
		subject["id"] = "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
		doc, _ := json.Marshal(map[string]any{
			"@context":          []any{schemas.CredentialsV2URL, schemas.CityContextURL},
			"id":                "urn:uuid:1b0e4a55-77a2-4c4e-8a64-0f5b7f0c9e11",
			"type":              []any{"VerifiableCredential", typ},
			"issuer":            map[string]any{"id": "did:web:id.springfield.example", "name": "Springfield"},
			"validFrom":         "2026-11-01T00:00:00Z",
			"credentialSubject": subject,
			"credentialStatus": map[string]any{"id": "https://id.springfield.example/status/1#9", "type": "BitstringStatusListEntry",
				"statusPurpose": "revocation", "statusListIndex": "9", "statusListCredential": "https://id.springfield.example/status/1"},
		})
		docs[typ] = doc
	}
	for name, data := range docs {
		t.Run(name, func(t *testing.T) {
			var doc map[string]any
			if err := json.Unmarshal(data, &doc); err != nil {
				t.Fatal(err)
			}
			ours, err := ld.Canonicalize(doc)
			if err != nil {
				t.Fatal(err)
			}
			ref, err := aries.Canonicalize(data)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(bytes.TrimSpace(ours), bytes.TrimSpace(ref)) {
				t.Fatalf("canonical forms differ\nours:\n%s\naries:\n%s", ours, ref)
			}
		})
	}
}
