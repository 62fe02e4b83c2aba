package credential_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/cityid/cityid/credential"
)

func TestDetect(t *testing.T) {
	cases := map[string]credential.Format{
		`{"type":["VerifiableCredential"]}`:           credential.FormatLDP,
		` {"type":"VerifiablePresentation"}`:          credential.FormatLDPPresentation,
		`{"type":["VerifiablePresentation","Other"]}`: credential.FormatLDPPresentation,
		`{broken`: credential.FormatLDP,
		`eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJ4In0.c2ln~`:         credential.FormatSDJWT,
		`eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJ4In0.c2ln~WyJ4In0~`: credential.FormatSDJWT,
		`eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJ4In0.c2ln`:          credential.FormatUnknown,
		``:       credential.FormatUnknown,
		`hello`:  credential.FormatUnknown,
		`[1,2]`:  credential.FormatUnknown,
		`~a.b.c`: credential.FormatUnknown,
	}
	for in, want := range cases {
		if got := credential.Detect([]byte(in)); got != want {
			t.Errorf("Detect(%q) = %q, want %q", in, got, want)
		}
	}
}

const v2 = `"@context":["https://www.w3.org/ns/credentials/v2","https://cityid.dev/ns/v1"]`

func TestParse(t *testing.T) {
	c, err := credential.Parse([]byte(`{` + v2 + `,"id":"urn:uuid:1","type":["VerifiableCredential","AgeOverCredential"],
		"issuer":{"id":"did:key:z6Mk","name":"City"},"validFrom":"2026-01-01T00:00:00Z","validUntil":"2027-01-01T00:00:00+01:00",
		"credentialSubject":{"id":"did:key:zHolder","ageOver18":true},
		"credentialStatus":[{"type":"BitstringStatusListEntry"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if !c.IsV2() || c.Issuer != "did:key:z6Mk" || c.CityType() != "AgeOverCredential" || c.SubjectID() != "did:key:zHolder" ||
		c.ValidFrom == nil || c.ValidUntil == nil || c.ValidUntil.UTC().Hour() != 23 || len(c.Status) != 1 {
		t.Fatalf("unexpected %+v", c)
	}
}

func TestParseRejects(t *testing.T) {
	cases := map[string]string{
		"not JSON":               `{`,
		"array":                  `[]`,
		"trailing data":          `{` + v2 + `} {}`,
		"duplicate member":       `{` + v2 + `,"issuer":"did:a:b","issuer":"did:a:c"}`,
		"nested duplicate":       `{"credentialSubject":{"a":1,"b":{"c":1,"c":2}}}`,
		"no context":             `{"type":["VerifiableCredential"],"issuer":"did:a:b","credentialSubject":{}}`,
		"foreign first context":  `{"@context":["https://example.com/ctx"],"type":["VerifiableCredential"],"issuer":"did:a:b","credentialSubject":{}}`,
		"inline context":         `{"@context":["https://www.w3.org/ns/credentials/v2",{"x":"y"}],"type":["VerifiableCredential"],"issuer":"did:a:b","credentialSubject":{}}`,
		"no VC type":             `{` + v2 + `,"type":["Other"],"issuer":"did:a:b","credentialSubject":{}}`,
		"no issuer":              `{` + v2 + `,"type":["VerifiableCredential"],"credentialSubject":{}}`,
		"issuer not a URL":       `{` + v2 + `,"type":["VerifiableCredential"],"issuer":"city","credentialSubject":{}}`,
		"bad validFrom":          `{` + v2 + `,"type":["VerifiableCredential"],"issuer":"did:a:b","validFrom":"yesterday","credentialSubject":{}}`,
		"validFrom without zone": `{` + v2 + `,"type":["VerifiableCredential"],"issuer":"did:a:b","validFrom":"2026-01-01T00:00:00","credentialSubject":{}}`,
		"no subject":             `{` + v2 + `,"type":["VerifiableCredential"],"issuer":"did:a:b"}`,
		"empty subject list":     `{` + v2 + `,"type":["VerifiableCredential"],"issuer":"did:a:b","credentialSubject":[]}`,
		"bad status":             `{` + v2 + `,"type":["VerifiableCredential"],"issuer":"did:a:b","credentialSubject":{},"credentialStatus":"x"}`,
		"too deep":               strings.Repeat(`{"a":`, 40) + `1` + strings.Repeat(`}`, 40),
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := credential.Parse([]byte(in))
			if !errors.Is(err, credential.ErrMalformed) {
				t.Fatalf("got %v, want ErrMalformed", err)
			}
		})
	}
	if _, err := credential.Parse(make([]byte, credential.MaxSize+1)); !errors.Is(err, credential.ErrTooLarge) {
		t.Fatalf("oversize: %v", err)
	}
}

func TestVCT(t *testing.T) {
	if name, ok := credential.TypeFromVCT(credential.VCT("ResidencyCredential")); !ok || name != "ResidencyCredential" {
		t.Fatal("round trip")
	}
	for _, bad := range []string{"", "https://other.example/ResidencyCredential", credential.VCTBase, credential.VCTBase + "a/b"} {
		if _, ok := credential.TypeFromVCT(bad); ok {
			t.Errorf("TypeFromVCT(%q) accepted", bad)
		}
	}
}

// FuzzParse: arbitrary bytes never panic; whatever parses keeps its
// invariants (a VC type, an issuer URL, a subject).
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{` + v2 + `,"type":["VerifiableCredential"],"issuer":"did:a:b","credentialSubject":{"id":"did:x:y"}}`))
	f.Add([]byte(`{"a":{"a":{"a":[1,2,{"b":null}]}}}`))
	f.Add([]byte(`{"a":1,"a":2}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := credential.Parse(data)
		if err != nil {
			if !errors.Is(err, credential.ErrMalformed) && !errors.Is(err, credential.ErrTooLarge) {
				t.Fatalf("unnamed error %v", err)
			}
			return
		}
		if c.Issuer == "" || c.Subject == nil || len(c.Contexts) == 0 || c.CityType() == "VerifiableCredential" {
			t.Fatalf("parsed credential breaks invariants: %+v", c)
		}
	})
}
