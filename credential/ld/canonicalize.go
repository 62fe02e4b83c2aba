package ld

import (
	"errors"
	"fmt"

	jsonld "github.com/piprate/json-gold/ld"
)

// Limits on the documents Canonicalize accepts.
const (
	// MaxDepth is the deepest nesting of objects and arrays accepted.
	MaxDepth = 48
	// MaxValues is the largest number of JSON values (objects, arrays and
	// scalars together, contexts excluded) accepted in one document.
	MaxValues = 50000
)

// options returns the json-gold options every call uses: JSON-LD 1.1, safe
// mode (a property that does not expand is an error, not a silent drop), no
// base IRI, and the embedded loader (json-gold's default loader would use
// the network).
func options() *jsonld.JsonLdOptions {
	o := jsonld.NewJsonLdOptions("")
	o.ProcessingMode = jsonld.JsonLd_1_1
	o.DocumentLoader = EmbeddedLoader{}
	o.SafeMode = true
	return o
}

var (
	safeOptions = options()
	processor   = jsonld.NewJsonLdProcessor()
	api         = jsonld.NewJsonLdApi()
)

// Canonicalize returns the RDFC-1.0 canonical N-Quads of the JSON-LD
// document doc (RDF Dataset Canonicalization, W3C Recommendation, with
// SHA-256), as used by the eddsa-rdfc-2022 cryptosuite.
//
// doc is read, never modified. Values should be what encoding/json produces
// (map[string]any, []any, string, float64 or json.Number, bool); other Go
// types are converted through encoding/json first.
//
// The errors match ErrUnknownContext, ErrUndefinedTerm, ErrDroppedValue,
// ErrInvalidJSONLD or ErrLimit.
func Canonicalize(doc map[string]any) ([]byte, error) {
	return canonicalize(doc, expandDocument)
}

// canonicalize is Canonicalize with the JSON-LD expansion step as a
// parameter: the tests run it with json-gold's own Expand as the reference.
func canonicalize(doc map[string]any, expand func(map[string]any) ([]any, error)) (out []byte, err error) {
	if doc == nil {
		return nil, fmt.Errorf("%w: the document is empty", ErrInvalidJSONLD)
	}
	doc, err = checkInput(doc)
	if err != nil {
		return nil, err
	}
	defer func() {
		// json-gold asserts types in places; malformed input must come back
		// as an error, never crash a verifier.
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("%w: JSON-LD processing failed: %v", ErrInvalidJSONLD, r)
		}
	}()

	expanded, err := expand(doc)
	if err != nil {
		return nil, convertError(err, doc)
	}
	quads, err := toRDF(expanded)
	if err != nil {
		return nil, err
	}
	return canonicalNQuads(quads)
}

// convertError maps a json-gold error to this package's errors.
func convertError(err error, doc map[string]any) error {
	var uc *UnknownContextError
	if errors.As(err, &uc) {
		return uc
	}
	var le *jsonld.JsonLdError
	if errors.As(err, &le) && le.Code == jsonld.InvalidProperty {
		return &TermError{Term: droppedTerm(doc), Kind: "property"}
	}
	return fmt.Errorf("%w: %v", ErrInvalidJSONLD, err)
}

// expandDocument is json-gold's JsonLdProcessor.Expand of a document (a JSON
// object, no base IRI, no expandContext), with expand.go's expansion, which
// remembers the context processing json-gold repeats for every node.
func expandDocument(doc map[string]any) ([]any, error) {
	expanded, err := expandElement(emptyContext, "", doc, false, nil)
	if err != nil {
		return nil, err
	}
	// The final steps of json-gold's expand.
	expandedMap, isMap := expanded.(map[string]any)
	if isMap && len(expandedMap) == 0 {
		expanded = nil
	}
	graph, hasGraph := expandedMap["@graph"]
	if isMap && hasGraph && len(expandedMap) == 1 {
		expanded = graph
	} else if expanded == nil {
		expanded = make([]any, 0)
	}
	if expandedList, isList := expanded.([]any); isList {
		return expandedList, nil
	}
	return []any{expanded}, nil
}
