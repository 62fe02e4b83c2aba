package ld

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
)

func readDoc(t testing.TB, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return parseDoc(t, string(b))
}

func parseDoc(t testing.TB, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("test document is not JSON: %v\n%s", err, s)
	}
	return m
}

// TestCanonicalizeGolden canonicalizes documents whose expected output comes
// from elsewhere: the W3C vc-di-eddsa vectors, and (testdata/docs) Digital
// Bazaar's eddsa-rdfc-2022 canonize (jsonld.js + rdf-canonize).
func TestCanonicalizeGolden(t *testing.T) {
	cases := [][2]string{
		{"testdata/vc-di-eddsa/unsigned.json", "testdata/vc-di-eddsa/canonDocDataInt.txt"},
		{"testdata/vc-di-eddsa/proofConfigDataInt.json", "testdata/vc-di-eddsa/proofCanonDataInt.txt"},
	}
	docs, _ := filepath.Glob("testdata/docs/*.json")
	for _, d := range docs {
		cases = append(cases, [2]string{d, strings.TrimSuffix(d, ".json") + ".nq"})
	}
	for _, c := range cases {
		t.Run(filepath.Base(c[0]), func(t *testing.T) {
			want, err := os.ReadFile(c[1])
			if err != nil {
				t.Fatal(err)
			}
			got, err := Canonicalize(readDoc(t, c[0]))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != string(want) {
				t.Errorf("canonical N-Quads differ\n got:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

// TestLiteralEscaping pins the RDFC-1.0 canonical N-Quads escaping of each
// character class (the json-gold URDNA2015 serializer differs for BS, FF and
// the other C0 controls).
func TestLiteralEscaping(t *testing.T) {
	cases := []struct{ value, want string }{
		{"plain", `plain`},
		{"a\tb", `a\tb`},
		{"a\nb", `a\nb`},
		{"a\rb", `a\rb`},
		{`say "hi"`, `say \"hi\"`},
		{`back\slash`, `back\\slash`},
		{"a\bb", `a\bb`},
		{"a\fb", `a\fb`},
		{"a\x00b", `a\u0000b`},
		{"a\x01b", `a\u0001b`},
		{"a\x0bb", `a\u000Bb`},
		{"a\x1bb", `a\u001Bb`},
		{"a\x7fb", `a\u007Fb`},
		{"café 中文 😀", "café 中文 😀"},
		{"a\u2028b\u00a0c\ufeff", "a\u2028b\u00a0c\ufeff"},
		{`\u0041 \n`, `\\u0041 \\n`},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%q", c.value), func(t *testing.T) {
			doc := map[string]any{
				"@context": "https://www.w3.org/ns/credentials/examples/v2",
				"@id":      "urn:ex:s",
				"claim":    c.value,
			}
			got, err := Canonicalize(doc)
			if err != nil {
				t.Fatal(err)
			}
			want := `<urn:ex:s> <https://www.w3.org/ns/credentials/examples#claim> "` + c.want + "\" .\n"
			if string(got) != want {
				t.Errorf("got  %q\nwant %q", got, want)
			}
		})
	}
}

const vc2 = `"@context": ["https://www.w3.org/ns/credentials/v2", "https://cityid.dev/ns/v1"], "type": ["VerifiableCredential", "CityIDCredential"], "issuer": "did:web:cityid.dev"`
const examples = `"@context": "https://www.w3.org/ns/credentials/examples/v2", "@id": "urn:ex:s"`

// TestCanonicalizeStrict: documents that would lose data on the way to RDF
// (and so sign less than they display) or that JSON-LD processors read
// differently are refused, with an error naming the reason.
func TestCanonicalizeStrict(t *testing.T) {
	cases := []struct {
		name, doc string
		want      error
		mention   string
	}{
		{"undefined claim", `{` + vc2 + `, "credentialSubject": {"givenName": "Ana", "favoriteColor": "blue"}}`, ErrUndefinedTerm, `"favoriteColor"`},
		{"undefined top-level property", `{` + vc2 + `, "nickname": "x", "credentialSubject": {"givenName": "Ana"}}`, ErrUndefinedTerm, `"nickname"`},
		{"undefined nested claim", `{` + vc2 + `, "credentialSubject": {"address": {"streetAddress": "1 Main", "floor": 3}}}`, ErrUndefinedTerm, `"floor"`},
		{"claim in a subject reference", `{` + vc2 + `, "credentialSubject": {"id": "did:example:a", "favoriteColor": "blue"}}`, ErrUndefinedTerm, `"favoriteColor"`},
		{"undefined type", `{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential", "MagicCredential"], "issuer": "did:example:i"}`, ErrUndefinedTerm, `"MagicCredential"`},
		{"unknown keyword", `{` + vc2 + `, "@foo": "x"}`, ErrUndefinedTerm, `"@foo"`},
		{"relative subject id", `{` + vc2 + `, "credentialSubject": {"id": "alice", "givenName": "Ana"}}`, ErrDroppedValue, `"alice"`},
		{"relative issuer", `{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": "VerifiableCredential", "issuer": "city-hall"}`, ErrDroppedValue, `"city-hall"`},
		{"IRI with a space", `{` + examples + `, "link": {"@id": "https://example.com/a b"}}`, ErrDroppedValue, `a b`},
		{"null claim", `{` + vc2 + `, "credentialSubject": {"givenName": null}}`, ErrDroppedValue, `/credentialSubject/givenName`},
		{"null value object", `{` + examples + `, "claim": {"@value": null}}`, ErrDroppedValue, `null`},
		{"bad language tag", `{` + examples + `, "claim": {"@value": "x", "@language": "not a tag"}}`, ErrDroppedValue, `not a tag`},
		{"blank node predicate", `{` + examples + `, "_:p": "x"}`, ErrDroppedValue, `blank node`},
		{"double as string", `{` + examples + `, "claim": {"@value": "1.5", "@type": "http://www.w3.org/2001/XMLSchema#double"}}`, ErrDroppedValue, `xsd:double`},
		{"tiny number", `{` + examples + `, "claim": 1e-7}`, ErrDroppedValue, `1e-6`},
		{"noncharacter", `{` + examples + `, "claim": "a\uFFFEb"}`, ErrDroppedValue, `U+FFFE`},
		{"unknown context", `{"@context": ["https://www.w3.org/ns/credentials/v2", "https://evil.example/ctx"], "type": "VerifiableCredential"}`, ErrUnknownContext, `unknown JSON-LD context "https://evil.example/ctx": cityid never downloads contexts`},
		{"unknown imported context", `{"@context": [{"@import": "https://evil.example/ctx"}], "@id": "urn:ex:s"}`, ErrUnknownContext, `https://evil.example/ctx`},
		{"unknown scoped context", `{"@context": {"x": {"@id": "https://example.org/x", "@context": "https://evil.example/scoped"}}, "@id": "urn:ex:s", "x": {"@id": "urn:ex:o"}}`, ErrUnknownContext, `https://evil.example/scoped`},
		{"protected term redefined", `{"@context": ["https://www.w3.org/ns/credentials/v2", {"name": "https://evil.example/name"}], "name": "x"}`, ErrInvalidJSONLD, `protected term`},
		{"id not a string", `{` + examples + `, "claim": {"@id": 5}}`, ErrInvalidJSONLD, `@id`},
		{"too deep", `{` + examples + `, "claim": ` + strings.Repeat(`[`, MaxDepth+1) + strings.Repeat(`]`, MaxDepth+1) + `}`, ErrLimit, `depth`},
		{"too many values", `{` + examples + `, "claim": [` + strings.Repeat(`1,`, MaxValues) + `1]}`, ErrLimit, `number of JSON values`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := Canonicalize(parseDoc(t, c.doc))
			if !errors.Is(err, c.want) {
				t.Fatalf("got %v (output %q), want %v", err, out, c.want)
			}
			if !strings.Contains(err.Error(), c.mention) {
				t.Errorf("error %q does not mention %q", err, c.mention)
			}
		})
	}
}

func TestTermErrorNamesTerm(t *testing.T) {
	_, err := Canonicalize(parseDoc(t, `{`+vc2+`, "credentialSubject": {"givenName": "Ana", "favoriteColor": "blue"}}`))
	var te *TermError
	if !errors.As(err, &te) || te.Term != "favoriteColor" || te.Kind != "property" {
		t.Fatalf("got %#v, want a TermError for property favoriteColor", err)
	}
}

func TestCanonicalizeInvalidUTF8(t *testing.T) {
	doc := map[string]any{"@context": "https://www.w3.org/ns/credentials/examples/v2", "@id": "urn:ex:s", "claim": "a\xffb"}
	if _, err := Canonicalize(doc); !errors.Is(err, ErrDroppedValue) {
		t.Fatalf("got %v, want ErrDroppedValue", err)
	}
	if _, err := Canonicalize(nil); !errors.Is(err, ErrInvalidJSONLD) {
		t.Fatalf("Canonicalize(nil): %v, want ErrInvalidJSONLD", err)
	}
}

// TestCanonicalizeGoTypes: a document built in Go with []string, int and
// map[string]string canonicalizes like its JSON decoding.
func TestCanonicalizeGoTypes(t *testing.T) {
	built := map[string]any{
		"@context":          []string{"https://www.w3.org/ns/credentials/v2", "https://cityid.dev/ns/v1"},
		"type":              []string{"VerifiableCredential", "CityIDCredential"},
		"issuer":            "did:web:cityid.dev",
		"credentialSubject": map[string]any{"givenName": "Ana", "address": map[string]string{"unit": "4B"}, "ageOver18": true},
		"count":             nil,
	}
	delete(built, "count")
	decoded := parseDoc(t, `{`+vc2+`, "credentialSubject": {"givenName": "Ana", "address": {"unit": "4B"}, "ageOver18": true}}`)
	a, err := Canonicalize(built)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Canonicalize(decoded)
	if err != nil {
		t.Fatal(err)
	}
	if string(a) != string(b) {
		t.Errorf("Go-built document:\n%s\nJSON-decoded document:\n%s", a, b)
	}
}

// TestCanonicalizeConcurrent canonicalizes the same documents from many
// goroutines (run with -race): the shared context cache must not be written,
// the input not modified, and every result identical.
func TestCanonicalizeConcurrent(t *testing.T) {
	docs, _ := filepath.Glob("testdata/docs/*.json")
	docs = append(docs, "testdata/vc-di-eddsa/unsigned.json")
	for _, path := range docs {
		doc := readDoc(t, path)
		pristine := readDoc(t, path)
		want, err := Canonicalize(doc)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got, err := Canonicalize(doc)
				if err == nil && string(got) != string(want) {
					err = fmt.Errorf("%s: result differs between runs", path)
				}
				if err != nil {
					errs <- err
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		if !reflect.DeepEqual(doc, pristine) {
			t.Errorf("%s: Canonicalize modified its input", path)
		}
	}
}

// TestManyIdenticalBlankNodes: identical anonymous objects (indistinguishable
// blank nodes) are common in credentials and must stay cheap.
func TestManyIdenticalBlankNodes(t *testing.T) {
	items := strings.TrimSuffix(strings.Repeat(`{"role": "guardian"},`, 40), ",")
	doc := parseDoc(t, `{`+examples+`, "parents": [`+items+`]}`)
	out, err := Canonicalize(doc)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(out), "\n"); n != 80 {
		t.Errorf("%d quads, want 80", n)
	}
}
