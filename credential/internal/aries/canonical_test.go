package aries

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
)

// TestCanonicalizeVectors checks aries' URDNA2015 against the W3C
// vc-di-eddsa eddsa-rdfc-2022 vectors (canonical document, canonical proof
// configuration).
func TestCanonicalizeVectors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"unsigned.json", "canonDocDataInt.txt"},
		{"proofConfigDataInt.json", "proofCanonDataInt.txt"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			in, err := os.ReadFile("testdata/" + tc.in)
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile("testdata/" + tc.want)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Canonicalize(in)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("Canonicalize(%s):\n%s\nwant:\n%s", tc.in, got, want)
			}
		})
	}
}

func TestCanonicalizeRejects(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		want      error
	}{
		{"not JSON", `{`, ErrInvalidInput},
		{"array", `[]`, ErrInvalidInput},
		// A blank-node predicate is generalized RDF, not RDF.
		{"relative type IRI", `{"@context": {"p": "urn:p"}, "@id": "urn:x", "@type": "Relative"}`, ErrInvalidRDF},
		{"invalid N-Quads from aries", `{"@context": {"@vocab": "urn:v:"}, "@id": "urn:x", "@type": "not an iri"}`, ErrInvalidRDF},
	} {
		if _, err := Canonicalize([]byte(tc.doc)); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
	if _, err := Canonicalize([]byte(`{"@context": "https://unknown.example/ctx", "@id": "urn:x"}`)); err == nil ||
		!strings.Contains(err.Error(), ErrUnknownContext.Error()) {
		t.Errorf("unknown context: %v", err)
	}
}

// FuzzCanonicalize: no panic escapes; the output is N-Quads, one statement
// per line, sorted and without duplicates (URDNA2015's serialization), and
// the same on a second run.
func FuzzCanonicalize(f *testing.F) {
	for _, name := range []string{"unsigned.json", "proofConfigDataInt.json"} {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(unsignedVC11))
	f.Add([]byte(`{"@context": {"@vocab": "urn:v:"}, "a": {"b": [1, 2.5, true, null]}, "c": {"@list": ["x"]}}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		out, err := Canonicalize(doc)
		if err != nil {
			return
		}
		lines := strings.SplitAfter(string(out), "\n")
		if last := lines[len(lines)-1]; last != "" {
			t.Fatalf("output does not end with a newline: %q", last)
		}
		lines = lines[:len(lines)-1]
		for i, l := range lines {
			if !strings.HasSuffix(l, " .\n") {
				t.Fatalf("line %d is not an N-Quads statement: %q", i, l)
			}
			if i > 0 && lines[i-1] >= l {
				t.Fatalf("lines %d and %d are not sorted and distinct", i-1, i)
			}
		}
		again, err := Canonicalize(doc)
		if err != nil || !bytes.Equal(out, again) {
			t.Fatalf("second run differs: %v", err)
		}
	})
}
