package schemas

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// testNow is the clock of every test: the latest date on Earth is then
// 2025-06-16 (UTC+14).
var testNow = time.Date(2025, 6, 15, 12, 0, 0, 0, time.UTC)

func TestMain(m *testing.M) {
	now = func() time.Time { return testNow }
	os.Exit(m.Run())
}

type validateCase struct {
	Type   string         `json:"type"`
	Name   string         `json:"name"`
	Claims map[string]any `json:"claims"`
	Errors []string       `json:"errors"`
}

func loadCases(t testing.TB) []validateCase {
	b, err := os.ReadFile("testdata/cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct{ Cases []validateCase }
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	return f.Cases
}

func fieldStrings(err error) []string {
	var ve *ValidationError
	if !errors.As(err, &ve) {
		return nil
	}
	var out []string
	for _, f := range ve.Fields {
		out = append(out, f.String())
	}
	return out
}

func TestValidateCases(t *testing.T) {
	cases := loadCases(t)
	valid := map[string]int{}
	for _, c := range cases {
		t.Run(c.Type+"/"+c.Name, func(t *testing.T) {
			if c.Errors == nil {
				t.Fatal("case has no errors list")
			}
			err := Validate(c.Type, c.Claims)
			if len(c.Errors) == 0 {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				valid[c.Type]++
				return
			}
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("want *ValidationError, got %T %v", err, err)
			}
			if ve.Type != c.Type || !errors.Is(err, ErrInvalidClaims) {
				t.Errorf("Type = %q, errors.Is(ErrInvalidClaims) = %v", ve.Type, errors.Is(err, ErrInvalidClaims))
			}
			got := fieldStrings(err)
			want := slices.Clone(c.Errors)
			if !slices.Equal(got, want) {
				t.Errorf("errors:\n got  %q\n want %q", got, want)
			}
		})
	}
	for _, typ := range Types() {
		if valid[typ.Name] == 0 {
			t.Errorf("no valid case for %s", typ.Name)
		}
	}
}

// Every errorMessage written in a schema must be produced by some case:
// a message that no case reaches is dead or mis-addressed.
func TestEveryErrorMessageIsReached(t *testing.T) {
	reached := map[string]bool{}
	for _, c := range loadCases(t) {
		for _, e := range c.Errors {
			_, msg, _ := strings.Cut(e, ": ")
			reached[msg] = true
		}
	}
	for _, typ := range Types() {
		raw, _ := Schema(typ.Name)
		var doc any
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatal(err)
		}
		var walk func(v any)
		walk = func(v any) {
			switch v := v.(type) {
			case map[string]any:
				switch m := v["errorMessage"].(type) {
				case string:
					if !reached[m] {
						t.Errorf("%s: errorMessage %q is never produced", typ.Name, m)
					}
				case map[string]any:
					for kw, s := range m {
						if !reached[s.(string)] {
							t.Errorf("%s: errorMessage for %s %q is never produced", typ.Name, kw, s)
						}
					}
				}
				for _, x := range v {
					walk(x)
				}
			case []any:
				for _, x := range v {
					walk(x)
				}
			}
		}
		walk(doc)
	}
	if !strings.Contains(mustSchema(t, CityIDCredential), photoDigestMessage) {
		t.Error("the schema's photoDigest errorMessage differs from photoDigestMessage: a bad digest would be reported twice")
	}
}

func mustSchema(t *testing.T, name string) string {
	b, ok := Schema(name)
	if !ok {
		t.Fatalf("Schema(%s) missing", name)
	}
	return string(b)
}

func TestValidateUnknownType(t *testing.T) {
	for _, name := range []string{"", "VerifiableCredential", "residencycredential", "ResidencyCredential.json"} {
		err := Validate(name, map[string]any{})
		if !errors.Is(err, ErrUnknownType) || errors.Is(err, ErrInvalidClaims) {
			t.Errorf("Validate(%q) = %v, want ErrUnknownType", name, err)
		}
		if !strings.Contains(err.Error(), "ResidencyCredential") {
			t.Errorf("error should list the known types: %v", err)
		}
	}
}

// Claims built in Go (ints, structs, time.Time, nil map) are validated as
// they would be serialized.
func TestValidateGoValues(t *testing.T) {
	type addr struct {
		StreetAddress   string `json:"streetAddress"`
		PostalCode      string `json:"postalCode"`
		AddressLocality string `json:"addressLocality"`
	}
	err := Validate(ResidencyCredential, map[string]any{
		"residentOf": "Springfield", "housingStatus": "housed",
		"address": addr{"1 Main St", "49007", "Springfield"},
	})
	if err != nil {
		t.Errorf("struct address: %v", err)
	}
	err = Validate(ServiceEligibilityCredential, map[string]any{
		"program": "food", "programName": "Food", "eligibleFrom": time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), "eligibleUntil": "2025-02-01",
	})
	if got := fieldStrings(err); !slices.Equal(got, []string{"eligibleFrom: must be a date like 1990-04-30"}) {
		t.Errorf("time.Time date: %q", got)
	}
	err = Validate(AgeOverCredential, map[string]any{"ageOver18": 1})
	if got := fieldStrings(err); !slices.Equal(got, []string{"ageOver18: must be true or false"}) {
		t.Errorf("int age: %q", got)
	}
	err = Validate(AgeOverCredential, map[string]any{"ageOver18": true, "id": "did:web:" + strings.Repeat("a", 2041)})
	if got := fieldStrings(err); !slices.Equal(got, []string{"id: must be at most 2048 characters long"}) {
		t.Errorf("long DID: %q", got)
	}
	err = Validate(AgeOverCredential, nil)
	if got := fieldStrings(err); !slices.Equal(got, []string{"credentialSubject: must include at least one of ageOver18, ageOver21, ageOver65"}) {
		t.Errorf("nil claims: %q", got)
	}
	err = Validate(AgeOverCredential, map[string]any{"ageOver18": make(chan int)})
	got := fieldStrings(err)
	if len(got) != 1 || !strings.HasPrefix(got[0], "credentialSubject: cannot be encoded as JSON") {
		t.Errorf("channel: %q", got)
	}
}

func TestValidateQuotesOddNames(t *testing.T) {
	long := strings.Repeat("x", 100)
	err := Validate(AgeOverCredential, map[string]any{"ageOver18": true, "a.b": 1, "\x1b[31m": 2, long: 3})
	want := []string{`"\x1b[31m": is not allowed`, `"a.b": is not allowed`, `"` + long[:64] + `"...: is not allowed`}
	if got := fieldStrings(err); !slices.Equal(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

func TestValidateDeterministic(t *testing.T) {
	claims := map[string]any{"residentOf": "", "housingStatus": "noFixedAddress", "a": 1, "b": 2, "c": 3, "shelterName": 4,
		"address": map[string]any{"x": 1, "y": 2, "postalCode": "!"}}
	first := Validate(ResidencyCredential, claims).Error()
	for i := 0; i < 20; i++ {
		if again := Validate(ResidencyCredential, claims).Error(); again != first {
			t.Fatalf("run %d differs:\n%s\n%s", i, first, again)
		}
	}
}

func TestToday(t *testing.T) {
	for _, c := range []struct {
		at   time.Time
		want string
	}{
		{time.Date(2025, 6, 15, 9, 59, 0, 0, time.UTC), "2025-06-15"},
		{time.Date(2025, 6, 15, 10, 0, 0, 0, time.UTC), "2025-06-16"},
		{time.Date(2025, 6, 15, 10, 0, 0, 0, time.FixedZone("X", -10*3600)), "2025-06-16"},
	} {
		if got := today(c.at); got != c.want {
			t.Errorf("today(%v) = %s, want %s", c.at, got, c.want)
		}
	}
}

// The schema loader serves only the embedded schemas: a $ref elsewhere fails
// to compile and nothing is fetched, even from a live server.
func TestLoaderNeverFetches(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write([]byte(`{"type":"string"}`))
	}))
	defer srv.Close()
	load()
	loader := embeddedLoader{}
	for _, ti := range loaded {
		loader[ti.typ.SchemaID] = ti.doc
	}
	c := jsonschema.NewCompiler()
	c.UseLoader(loader)
	if err := c.AddResource("https://cityid.dev/schemas/evil.json", map[string]any{
		"$schema":    "https://json-schema.org/draft/2020-12/schema",
		"properties": map[string]any{"x": map[string]any{"$ref": srv.URL + "/s.json"}},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Compile("https://cityid.dev/schemas/evil.json"); err == nil || !strings.Contains(err.Error(), "never downloaded") {
		t.Errorf("compile with remote $ref: %v", err)
	}
	// A reference between embedded schemas resolves.
	if err := c.AddResource("https://cityid.dev/schemas/ok.json", map[string]any{
		"$ref": SchemaBaseURL + "AgeOverCredential.json",
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Compile("https://cityid.dev/schemas/ok.json"); err != nil {
		t.Errorf("compile with embedded $ref: %v", err)
	}
	if hits.Load() != 0 {
		t.Errorf("the server was contacted %d times", hits.Load())
	}
}

func TestSchemasStructure(t *testing.T) {
	idRE := regexp.MustCompile(`^https://cityid\.dev/schemas/[A-Za-z]+\.json$`)
	for _, typ := range Types() {
		var s map[string]any
		if err := json.Unmarshal([]byte(mustSchema(t, typ.Name)), &s); err != nil {
			t.Fatal(err)
		}
		if s["$schema"] != "https://json-schema.org/draft/2020-12/schema" || !idRE.MatchString(s["$id"].(string)) {
			t.Errorf("%s: $schema %v, $id %v", typ.Name, s["$schema"], s["$id"])
		}
		if s["additionalProperties"] != false {
			t.Errorf("%s: additionalProperties must be false", typ.Name)
		}
		props := s["properties"].(map[string]any)
		if _, ok := props["id"]; !ok {
			t.Errorf("%s: id (the holder) must be allowed", typ.Name)
		}
	}
}

func BenchmarkValidate(b *testing.B) {
	claims := map[string]any{
		"id": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", "residentOf": "Springfield", "housingStatus": "housed",
		"address":       map[string]any{"streetAddress": "742 Evergreen Terrace", "postalCode": "49007", "addressLocality": "Springfield"},
		"residentSince": "2010-09-01",
	}
	if err := Validate(ResidencyCredential, claims); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := Validate(ResidencyCredential, claims); err != nil {
			b.Fatal(err)
		}
	}
}
