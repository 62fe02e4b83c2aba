package ld

import (
	"encoding/json"
	"fmt"
	"sync"

	jsonld "github.com/piprate/json-gold/ld"

	"github.com/cityid/cityid/schemas"
)

// EmbeddedLoader is a json-gold DocumentLoader that serves only the contexts
// embedded by package schemas. Each context is parsed once per process; any
// other URL is an *UnknownContextError. It never touches the network.
type EmbeddedLoader struct{}

var _ jsonld.DocumentLoader = EmbeddedLoader{}

// LoadDocument returns the parsed embedded context published at url.
func (EmbeddedLoader) LoadDocument(url string) (*jsonld.RemoteDocument, error) {
	doc, err := embeddedContext(url)
	if err != nil {
		return nil, err
	}
	// json-gold may write into a loaded context (it merges @import entries
	// into it), so every caller gets its own copy of the cached parse.
	return &jsonld.RemoteDocument{DocumentURL: url, Document: jsonld.CloneDocument(doc)}, nil
}

type parsedContext struct {
	once sync.Once
	doc  any
	err  error
}

// contextCache holds one entry per URL schemas knows; entries are parsed
// lazily, at most once. A URL schemas does not know is never cached, so the
// map cannot grow with hostile input.
var contextCache sync.Map // string -> *parsedContext

func embeddedContext(url string) (any, error) {
	if v, ok := contextCache.Load(url); ok {
		return v.(*parsedContext).get(url)
	}
	if _, ok := schemas.Context(url); !ok {
		return nil, &UnknownContextError{URL: url}
	}
	v, _ := contextCache.LoadOrStore(url, new(parsedContext))
	return v.(*parsedContext).get(url)
}

func (p *parsedContext) get(url string) (any, error) {
	p.once.Do(func() {
		raw, ok := schemas.Context(url)
		if !ok {
			p.err = &UnknownContextError{URL: url}
			return
		}
		if err := json.Unmarshal(raw, &p.doc); err != nil {
			p.err = fmt.Errorf("embedded JSON-LD context %q is not valid JSON: %w", url, err)
		}
	})
	return p.doc, p.err
}
