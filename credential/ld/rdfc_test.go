package ld

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	jsonld "github.com/piprate/json-gold/ld"
)

// termFromNode converts a json-gold RDF node.
func termFromNode(n jsonld.Node) rdfTerm {
	switch v := n.(type) {
	case jsonld.IRI:
		return rdfTerm{kind: kindIRI, value: v.Value}
	case jsonld.BlankNode:
		return rdfTerm{kind: kindBlank, value: strings.TrimPrefix(v.Attribute, blankPrefix)}
	case jsonld.Literal:
		t := rdfTerm{kind: kindLiteral, value: v.Value, datatype: v.Datatype, language: v.Language}
		if t.datatype == "" {
			t.datatype = xsdString
		}
		if t.language != "" {
			t.datatype = rdfLangStr
		}
		return t
	}
	return rdfTerm{}
}

// quadsFromDataset flattens a json-gold dataset into quads.
func quadsFromDataset(ds *jsonld.RDFDataset) []rdfQuad {
	n := 0
	for _, triples := range ds.Graphs {
		n += len(triples)
	}
	quads := make([]rdfQuad, 0, n)
	for name, triples := range ds.Graphs {
		var g rdfTerm
		switch {
		case name == "@default" || name == "":
		case strings.HasPrefix(name, blankPrefix):
			g = rdfTerm{kind: kindBlank, value: name[len(blankPrefix):]}
		default:
			g = rdfTerm{kind: kindIRI, value: name}
		}
		for _, t := range triples {
			quads = append(quads, rdfQuad{
				s: termFromNode(t.Subject),
				p: termFromNode(t.Predicate),
				o: termFromNode(t.Object),
				g: g,
			})
		}
	}
	return quads
}

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

// TestRDFCPoison: a dataset built so that every blank node looks like every
// other (a complete directed graph) would need factorial work; it is refused
// quickly with ErrLimit instead.
func TestRDFCPoison(t *testing.T) {
	var b strings.Builder
	const n = 12
	for i := range n {
		for j := range n {
			if i != j {
				fmt.Fprintf(&b, "_:n%d <urn:ex:p> _:n%d .\n", i, j)
			}
		}
	}
	ds, err := jsonld.ParseNQuads(b.String())
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = canonicalNQuads(quadsFromDataset(ds))
	if !errors.Is(err, ErrLimit) {
		t.Fatalf("got %v, want ErrLimit", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("refusing took %v", d)
	}
}

// TestRDFCRelabel: the canonical form does not depend on the blank node
// labels or the order of the input quads.
func TestRDFCRelabel(t *testing.T) {
	inputs, _ := filepath.Glob("testdata/rdfc/*-in.nq")
	for _, in := range inputs {
		raw, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		want := canonicalString(t, string(raw))
		lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
		slices.Reverse(lines)
		relabeled := strings.ReplaceAll(strings.Join(lines, "\n")+"\n", "_:", "_:x")
		if got := canonicalString(t, relabeled); got != want {
			t.Errorf("%s: relabeled and reordered input canonicalizes differently", in)
		}
	}
}

func canonicalString(t testing.TB, nquads string) string {
	t.Helper()
	ds, err := jsonld.ParseNQuads(nquads)
	if err != nil {
		t.Fatal(err)
	}
	out, err := canonicalNQuads(quadsFromDataset(ds))
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestPermute(t *testing.T) {
	seen := map[string]bool{}
	err := permute([]string{"a", "b", "c", "d"}, func(p []string) error {
		seen[strings.Join(p, "")] = true
		return nil
	})
	if err != nil || len(seen) != 24 {
		t.Fatalf("got %d distinct permutations (%v), want 24", len(seen), err)
	}
}
