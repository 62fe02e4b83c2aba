package aries

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/hyperledger/aries-framework-go/component/models/ld/processor"
	"github.com/piprate/json-gold/ld"
)

// ErrInvalidRDF reports a canonical form that is not valid RDF: aries asks
// json-gold for generalized RDF, which can hold relative IRIs (from an
// undefined @type value, say) or blank-node predicates that a conforming
// RDFC-1.0 implementation never outputs.
var ErrInvalidRDF = errors.New("canonical form is not valid RDF")

// Canonicalize returns the RDF Dataset Canonicalization (URDNA2015, the
// algorithm RDFC-1.0 standardizes) of the JSON-LD document doc as N-Quads,
// computed by aries-framework-go's own processor with the offline document
// loader. It is the REFERENCE the project's own canonicalization is tested
// against, not a fast path.
//
// As the algorithm says, properties no context defines are dropped from the
// dataset (not an error). Output that is not valid RDF fails with
// ErrInvalidRDF instead of being returned; unknown contexts fail with
// ErrUnknownContext in the message.
func Canonicalize(doc []byte) ([]byte, error) {
	obj, err := decodeObject(doc)
	if err != nil {
		return nil, err
	}
	l, err := DocumentLoader()
	if err != nil {
		return nil, err
	}
	var out []byte
	err = guard(func() error {
		var e error
		out, e = processor.NewProcessor("URDNA2015").GetCanonicalDocument(obj,
			processor.WithDocumentLoader(l), processor.WithValidateRDF())
		return e
	})
	if errors.Is(err, processor.ErrInvalidRDFFound) {
		return nil, fmt.Errorf("aries: canonicalize: %w: %w", ErrInvalidRDF, err)
	}
	if err != nil {
		return nil, fmt.Errorf("aries: canonicalize: %w", err)
	}
	if err := checkRDF(out); err != nil {
		return nil, fmt.Errorf("aries: canonicalize: %w", err)
	}
	return out, nil
}

// checkRDF parses the N-Quads and requires every IRI (and literal datatype)
// to be absolute and every predicate to be an IRI.
func checkRDF(nq []byte) error {
	ds, err := ld.ParseNQuads(string(nq))
	if err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidRDF, err)
	}
	for _, quads := range ds.Graphs {
		for _, q := range quads {
			if !ld.IsIRI(q.Predicate) {
				return fmt.Errorf("%w: predicate %q is not an IRI", ErrInvalidRDF, q.Predicate.GetValue())
			}
			for _, n := range []ld.Node{q.Subject, q.Predicate, q.Object, q.Graph} {
				var iri string
				switch v := n.(type) {
				case ld.IRI:
					iri = v.Value
				case ld.Literal:
					iri = v.Datatype
				default:
					continue
				}
				if !absoluteIRI(iri) {
					return fmt.Errorf("%w: IRI %q is not absolute", ErrInvalidRDF, iri)
				}
			}
		}
	}
	return nil
}

func absoluteIRI(s string) bool {
	if strings.HasPrefix(s, "_:") {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && u.Scheme != ""
}
