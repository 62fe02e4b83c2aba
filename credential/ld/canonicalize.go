package ld

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

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
func Canonicalize(doc map[string]any) (out []byte, err error) {
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

	input := doc
	if ctxValue, ok := doc["@context"]; ok {
		ctx, cached, err := activeContext(ctxValue)
		if err != nil {
			return nil, convertError(err, doc)
		}
		if cached {
			input = make(map[string]any, len(doc))
			for k, v := range doc {
				input[k] = v
			}
			input["@context"] = ctx
		}
	}
	expanded, err := processor.Expand(input, safeOptions)
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

// Processed contexts are cached when a document's @context is one embedded
// URL or a list of them: processing the VC 2.0 context on every call would
// cost more than the rest of canonicalization. Inline contexts are processed
// every time and never cached, so hostile input cannot grow the cache.
const maxCachedContexts = 64

type contextEntry struct {
	once sync.Once
	ctx  *jsonld.Context
	err  error
}

var (
	contextEntries    sync.Map // key -> *contextEntry
	contextEntryCount atomic.Int32
)

// activeContext returns the processed context for the document-level
// @context value v. cached reports whether ctx is a processed context; when
// false the caller lets json-gold process v itself.
func activeContext(v any) (ctx *jsonld.Context, cached bool, err error) {
	key, ok := contextKey(v)
	if !ok {
		return nil, false, nil
	}
	e, found := contextEntries.Load(key)
	if !found {
		if contextEntryCount.Load() >= maxCachedContexts {
			return nil, false, nil
		}
		var loaded bool
		e, loaded = contextEntries.LoadOrStore(key, new(contextEntry))
		if !loaded {
			contextEntryCount.Add(1)
		}
	}
	entry := e.(*contextEntry)
	entry.once.Do(func() {
		entry.ctx, entry.err = jsonld.NewContext(nil, safeOptions).Parse(v)
	})
	if entry.err != nil {
		return nil, false, entry.err
	}
	// json-gold writes the processing mode into a context handed to it as
	// an active context, so each call gets a shallow copy with its own
	// Values; the term definitions are shared and only read.
	c := *entry.ctx
	values := *entry.ctx.Values
	c.Values = &values
	return &c, true, nil
}

// contextKey returns a cache key for a @context made of embedded URLs only.
func contextKey(v any) (string, bool) {
	switch t := v.(type) {
	case string:
		if _, err := embeddedContext(t); err == nil {
			return t, true
		}
	case []any:
		if len(t) == 0 || len(t) > 8 {
			return "", false
		}
		var b strings.Builder
		for _, item := range t {
			s, ok := item.(string)
			if !ok {
				return "", false
			}
			if _, err := embeddedContext(s); err != nil {
				return "", false
			}
			b.WriteString(s)
			b.WriteByte('\n')
		}
		return b.String(), true
	}
	return "", false
}
