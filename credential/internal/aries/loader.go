package aries

import (
	"bytes"
	"errors"
	"fmt"
	"sync"

	"github.com/piprate/json-gold/ld"

	"github.com/cityid/cityid/schemas"
)

// ErrUnknownContext reports a JSON-LD context URL that package schemas does
// not embed. Nothing is downloaded in its place.
var ErrUnknownContext = errors.New("JSON-LD context is not embedded in the project")

// offlineLoader serves the contexts embedded in package schemas and refuses
// every other URL. It is safe for concurrent use.
type offlineLoader struct {
	docs map[string]any // context URL -> parsed JSON document (never handed out)
}

// LoadDocument implements ld.DocumentLoader.
//
// Each call returns a fresh deep copy: json-gold merges an "@import"ed
// context into the loaded document's map, so a shared document could be
// modified by one credential's inline context and poison every later one.
func (l *offlineLoader) LoadDocument(u string) (*ld.RemoteDocument, error) {
	doc, ok := l.docs[u]
	if !ok {
		return nil, fmt.Errorf("%w: %q (contexts are never downloaded)", ErrUnknownContext, u)
	}
	return &ld.RemoteDocument{DocumentURL: u, Document: deepCopy(doc)}, nil
}

var (
	loaderOnce sync.Once
	loader     *offlineLoader
	loaderErr  error
)

// DocumentLoader returns the offline JSON-LD document loader built from the
// contexts embedded in package schemas (schemas.ContextURLs). It never uses
// the network: any other URL fails with an error wrapping ErrUnknownContext.
// The loader is built once and shared; it is safe for concurrent use.
func DocumentLoader() (ld.DocumentLoader, error) {
	loaderOnce.Do(func() {
		loader, loaderErr = newOfflineLoader()
	})
	if loaderErr != nil {
		return nil, loaderErr
	}
	return loader, nil
}

func newOfflineLoader() (*offlineLoader, error) {
	urls := schemas.ContextURLs()
	l := &offlineLoader{docs: make(map[string]any, len(urls))}
	for _, u := range urls {
		b, ok := schemas.Context(u)
		if !ok {
			return nil, fmt.Errorf("aries: schemas lists context %q but does not embed it", u)
		}
		doc, err := ld.DocumentFromReader(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("aries: embedded context %q is not valid JSON: %w", u, err)
		}
		if _, ok := doc.(map[string]any); !ok {
			return nil, fmt.Errorf("aries: embedded context %q is not a JSON object", u)
		}
		l.docs[u] = doc
	}
	return l, nil
}

// deepCopy copies a value decoded by encoding/json.
func deepCopy(v any) any {
	switch t := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, e := range t {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		s := make([]any, len(t))
		for i, e := range t {
			s[i] = deepCopy(e)
		}
		return s
	default:
		return v // string, float64, bool, nil: immutable
	}
}
