package ld

import (
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	jsonld "github.com/piprate/json-gold/ld"
)

// Context processing is most of the cost of expanding a credential: besides
// the document's own @context, JSON-LD 1.1 applies a scoped context at every
// typed node (VerifiableCredential, DataIntegrityProof, each status entry...)
// and at every property with one, and reverts type-scoped contexts at every
// nested node, each time copying the active context. json-gold redoes all of
// it for every node of every document.
//
// Here an active context is "frozen" when it is reached from the empty
// context only through embedded contexts: the document-level @context (or a
// nested one) made of embedded URLs, and the scoped contexts of the term
// definitions those contexts define. Such a context depends only on that path,
// never on the document, so each step from a frozen context (a transition:
// apply this term's scoped context, apply these embedded URLs, revert the
// type-scoped context) is computed once by json-gold's own context processing
// and remembered. Frozen contexts are never written to after they are
// published; the expansion below only reads them.
//
// A context written inline in a document is never frozen, and neither is
// anything derived from it: it is processed on every call, exactly as
// json-gold does, so hostile input can only add transitions between embedded
// contexts, and at most maxFrozen of those. A frozen context takes about
// 10 KB; the documents cityid issues need a few dozen. Once the cache is full,
// further transitions are computed each time, as json-gold would.
var maxFrozen int32 = 1024

// transitionKind names the context processing step; each is a distinct call
// of json-gold's context processing (see the call sites in expand.go).
type transitionKind uint8

const (
	// typeScoped: a type's scoped context (propagate false).
	typeScoped transitionKind = iota + 1
	// propertyScoped: a property's scoped context (override protected).
	propertyScoped
	// indexScoped: a type's scoped context in an @type map (plain Parse).
	indexScoped
	// embedded: a @context of embedded URLs (plain Parse), keyed by the list.
	embedded
	// revert: back to the context before the type-scoped one.
	revert
)

type transition struct {
	from *jsonld.Context
	td   *jsonld.TermDefinition // scoped transitions
	urls string                 // embedded transitions: contextKey
	kind transitionKind
}

var (
	transitions sync.Map // transition -> *jsonld.Context
	frozenSet   sync.Map // *jsonld.Context -> struct{}
	frozenCount atomic.Int32

	// emptyContext is where expansion of every document starts.
	emptyContext = freezeRoot(jsonld.NewContext(nil, safeOptions))
)

func freezeRoot(c *jsonld.Context) *jsonld.Context {
	frozenSet.Store(c, struct{}{})
	frozenCount.Add(1)
	return c
}

func isFrozen(c *jsonld.Context) bool {
	_, ok := frozenSet.Load(c)
	return ok
}

// step returns the remembered result of transition t, computing it with
// compute when t starts from a frozen context and the cache has room. A
// result not remembered is exactly what compute returns.
func step(t transition, compute func() (*jsonld.Context, error)) (*jsonld.Context, error) {
	if v, ok := transitions.Load(t); ok {
		return v.(*jsonld.Context), nil
	}
	if !isFrozen(t.from) || frozenCount.Load() >= maxFrozen {
		return compute()
	}
	c, err := compute()
	if err != nil {
		return nil, err // an error is the document's; not remembered
	}
	// Publish c as frozen before the transition that leads to it: a
	// goroutine that finds the transition must also find c frozen. (c may
	// already be frozen: processing an empty context returns its input.)
	_, wasFrozen := frozenSet.LoadOrStore(c, struct{}{})
	if !wasFrozen {
		frozenCount.Add(1)
	}
	v, loaded := transitions.LoadOrStore(t, c)
	if winner := v.(*jsonld.Context); loaded && winner != c {
		// Another goroutine remembered the same transition first; the c
		// computed here is reachable from nowhere else.
		if !wasFrozen {
			frozenSet.Delete(c)
			frozenCount.Add(-1)
		}
		return winner, nil
	}
	return c, nil
}

// scoped applies the scoped context of td (a term definition found in the
// context tdFrom) to c, as json-gold's expansion does at the call site kind.
func scoped(c *jsonld.Context, td *jsonld.TermDefinition, tdFrom *jsonld.Context, kind transitionKind) (*jsonld.Context, error) {
	compute := func() (*jsonld.Context, error) {
		switch kind {
		case typeScoped:
			return contextParse(c, td.Context, nil, false, false, false, false)
		case propertyScoped:
			return contextParse(c, td.Context, nil, false, true, false, true)
		default:
			return c.Parse(td.Context)
		}
	}
	if tdFrom != c && !isFrozen(tdFrom) {
		// td may come from a document's inline context: never remembered.
		return compute()
	}
	return step(transition{from: c, td: td, kind: kind}, compute)
}

// parseLocal processes a @context found in the document.
func parseLocal(c *jsonld.Context, local any) (*jsonld.Context, error) {
	if key, ok := contextKey(local); ok {
		return step(transition{from: c, urls: key, kind: embedded}, func() (*jsonld.Context, error) {
			return c.Parse(local)
		})
	}
	if list, ok := local.([]any); ok {
		if n := embeddedPrefix(list); n > 0 {
			// Embedded URLs, then context objects: the URLs as above, the
			// rest on top, every time. json-gold processes a list item by
			// item, each on the result of those before, so this is the same
			// where nothing else carries over from one item to the next:
			// no URL after the objects (each URL is checked against those
			// before it), no @propagate in the first object (it sets
			// propagation for the whole list), the same processing mode.
			prefixCtx, err := parseLocal(c, list[:n])
			if err != nil {
				return nil, err
			}
			rest := list[n:]
			first, _ := rest[0].(map[string]any)
			_, propagate := first["@propagate"]
			if !propagate && !slices.ContainsFunc(rest, isString) && processingMode(c, 1.1) && processingMode(prefixCtx, 1.1) {
				return prefixCtx.Parse(rest)
			}
		}
	}
	return c.Parse(local)
}

// embeddedPrefix returns how many of the leading items of list are embedded
// context URLs, if at least one item follows them.
func embeddedPrefix(list []any) int {
	n := 0
	for n < len(list)-1 {
		s, ok := list[n].(string)
		if !ok {
			break
		}
		if _, err := embeddedContext(s); err != nil {
			break
		}
		n++
	}
	return n
}

func isString(v any) bool {
	_, ok := v.(string)
	return ok
}

// revertContext is json-gold's RevertToPreviousContext.
func revertContext(c *jsonld.Context) *jsonld.Context {
	if previousContext(c) == nil {
		return c
	}
	r, _ := step(transition{from: c, kind: revert}, func() (*jsonld.Context, error) {
		return c.RevertToPreviousContext(), nil
	})
	return r
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

// The expansion in expand.go is json-gold's, and needs three things
// json-gold does not export: context processing with its propagate and
// override-protected flags, the processing mode test, and whether a context
// has a previous (pre-type-scoped) context. The signatures are pinned by
// TestJSONGoldInternals against the json-gold source go.sum names.

//go:linkname contextParse github.com/piprate/json-gold/ld.(*Context).parse
func contextParse(c *jsonld.Context, localContext any, remoteContexts []string, parsingARemoteContext, propagate, protected, overrideProtected bool) (*jsonld.Context, error)

//go:linkname processingMode github.com/piprate/json-gold/ld.(*Context).processingMode
func processingMode(c *jsonld.Context, version float64) bool

// previousContextOffset is the offset of Context.previousContext.
var previousContextOffset = func() uintptr {
	f, ok := reflect.TypeFor[jsonld.Context]().FieldByName("previousContext")
	if !ok || f.Type != reflect.TypeFor[*jsonld.Context]() {
		panic("credential/ld: json-gold's Context has no previousContext *Context field")
	}
	return f.Offset
}()

func previousContext(c *jsonld.Context) *jsonld.Context {
	return *(**jsonld.Context)(unsafe.Add(unsafe.Pointer(c), previousContextOffset))
}
