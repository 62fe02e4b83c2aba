package ld

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	jsonld "github.com/piprate/json-gold/ld"
)

func addSeedDocs(f *testing.F) {
	paths, _ := filepath.Glob("testdata/docs/*.json")
	paths = append(paths, "testdata/vc-di-eddsa/unsigned.json", "testdata/vc-di-eddsa/proofConfigDataInt.json")
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{` + vc2 + `, "credentialSubject": {"givenName": "Ana", "favoriteColor": "blue"}}`))
	f.Add([]byte(`{"@context": {"@vocab": "urn:v:", "l": {"@container": "@list"}}, "@id": "_:a", "l": [[1], {"@id": "_:a"}], "@reverse": {"urn:r": {"@id": "urn:x"}}}`))
	f.Add([]byte(`{"@context": {"@vocab": "urn:v:"}, "@graph": [{"@id": "_:g", "@graph": {"@id": "_:n", "p": {"@value": "x", "@language": "en"}}}]}`))
}

// FuzzCanonicalize: any JSON object either canonicalizes or fails with one
// of the package's errors; never panics. A result is deterministic, sorted,
// and a fixed point of canonicalization (its own canonical form).
func FuzzCanonicalize(f *testing.F) {
	addSeedDocs(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		var doc map[string]any
		if json.Unmarshal(data, &doc) != nil {
			return
		}
		out, err := Canonicalize(doc)
		if err != nil {
			for _, s := range []error{ErrUnknownContext, ErrUndefinedTerm, ErrDroppedValue, ErrInvalidJSONLD, ErrLimit} {
				if errors.Is(err, s) {
					return
				}
			}
			t.Fatalf("error matches no sentinel: %v", err)
		}
		again, err := Canonicalize(doc)
		if err != nil || string(again) != string(out) {
			t.Fatalf("second run differs: %v\n%s\n%s", err, out, again)
		}
		lines := strings.SplitAfter(string(out), "\n")
		lines = lines[:len(lines)-1]
		if !slices.IsSorted(lines) {
			t.Fatalf("output not sorted:\n%s", out)
		}
		ds, err := jsonld.ParseNQuads(string(out))
		if err != nil {
			t.Fatalf("output is not N-Quads: %v\n%s", err, out)
		}
		fixed, err := canonicalNQuads(quadsFromDataset(ds))
		if err != nil || string(fixed) != string(out) {
			t.Fatalf("output is not its own canonical form (%v):\n%s\n%s", err, out, fixed)
		}
	})
}

// FuzzRDFC: canonicalizing any N-Quads dataset json-gold parses never
// panics, and the result does not depend on blank node labels.
func FuzzRDFC(f *testing.F) {
	inputs, _ := filepath.Glob("testdata/rdfc/*-in.nq")
	for _, in := range inputs {
		b, err := os.ReadFile(in)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Fuzz(func(t *testing.T, nquads string) {
		ds, err := jsonld.ParseNQuads(nquads)
		if err != nil {
			return
		}
		quads := quadsFromDataset(ds)
		out, err := canonicalNQuads(quads)
		if err != nil {
			if !errors.Is(err, ErrLimit) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		for i := range quads {
			for _, term := range []*rdfTerm{&quads[i].s, &quads[i].o, &quads[i].g} {
				if term.kind == kindBlank {
					term.value = "renamed-" + term.value
				}
			}
		}
		slices.Reverse(quads)
		relabeled, err := canonicalNQuads(quads)
		if err != nil || string(relabeled) != string(out) {
			t.Fatalf("relabeled dataset canonicalizes differently (%v):\n%s\n%s", err, out, relabeled)
		}
	})
}
