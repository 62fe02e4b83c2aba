package ld

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	jsonld "github.com/piprate/json-gold/ld"
)

// TestRDFCSuite runs the RDF Dataset Canonicalization test suite's
// evaluation tests (testdata/rdfc, see testdata/SOURCES.md): each input
// dataset must canonicalize to the expected N-Quads byte for byte.
func TestRDFCSuite(t *testing.T) {
	inputs, err := filepath.Glob("testdata/rdfc/*-in.nq")
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no test inputs: %v", err)
	}
	for _, in := range inputs {
		name := strings.TrimSuffix(filepath.Base(in), "-in.nq")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			input, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(filepath.Join("testdata/rdfc", name+"-rdfc10.nq"))
			if err != nil {
				t.Fatal(err)
			}
			ds, err := jsonld.ParseNQuads(string(input))
			if err != nil {
				t.Fatalf("parse input: %v", err)
			}
			got, err := canonicalNQuads(quadsFromDataset(ds))
			if err != nil {
				t.Fatalf("canonicalize: %v", err)
			}
			if string(got) != string(want) {
				t.Errorf("canonical form differs\n got:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}
