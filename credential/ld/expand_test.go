package ld

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	jsonld "github.com/piprate/json-gold/ld"
)

// referenceExpand is json-gold's own expansion, context processing and all,
// with nothing remembered between calls: what Canonicalize did before
// expand.go.
func referenceExpand(doc map[string]any) ([]any, error) {
	return processor.Expand(doc, safeOptions)
}

// outcome is what one path made of a document: its expansion and its
// canonical form, or the error (or panic) it stopped with.
type outcome struct {
	expanded  []any
	expandErr string
	canonical string
	err       string
}

func run(t testing.TB, doc map[string]any, expand func(map[string]any) ([]any, error)) outcome {
	t.Helper()
	var o outcome
	func() {
		defer func() {
			if r := recover(); r != nil {
				o.expandErr = fmt.Sprint("panic: ", r)
			}
		}()
		var err error
		o.expanded, err = expand(jsonCopy(t, doc))
		if err != nil {
			o.expandErr = err.Error()
		}
	}()
	in := jsonCopy(t, doc)
	out, err := canonicalize(in, expand)
	if err != nil {
		o.err = err.Error()
	}
	o.canonical = string(out)
	if !reflect.DeepEqual(in, jsonCopy(t, doc)) {
		t.Errorf("the document was modified")
	}
	return o
}

// sameAsReference checks that Canonicalize (expand.go, remembered context
// processing) and the reference path agree on doc: the same expansion, or
// the same expansion error; the same canonical N-Quads, byte for byte, or
// both an error.
func sameAsReference(t testing.TB, name string, doc map[string]any) outcome {
	t.Helper()
	want := run(t, doc, referenceExpand)
	got := run(t, doc, expandDocument)
	if d := differ(doc, got, want); d != "" {
		t.Fatalf("%s: %s\n got: %q %q\n%s\nwant: %q %q\n%s\n got expansion: %s\nwant expansion: %s\ndocument: %s", name, d,
			got.expandErr, got.err, got.canonical, want.expandErr, want.err, want.canonical,
			mustMarshal(got.expanded), mustMarshal(want.expanded), mustMarshal(doc))
	}
	return got
}

// differ says how got differs from want, or returns "".
//
// json-gold's messages are not always the same for the same document: when
// an inline context has several invalid entries, which one it reports
// depends on Go's map iteration order, and so does the error of the
// conversion to RDF (toRDF walks the node map) when a document has several
// faults. Both paths share that code (json-gold's context processing, then
// toRDF), so error messages are compared where they are deterministic: an
// expansion error of a document without inline contexts. (The input check
// before expansion also reports the first fault it meets in map order.)
func differ(doc map[string]any, got, want outcome) string {
	if (got.expandErr == "") != (want.expandErr == "") {
		return "one expansion failed, the other did not"
	}
	if want.expandErr == "" && !reflect.DeepEqual(got.expanded, want.expanded) {
		return "the expansions differ"
	}
	exact := want.expandErr != "" && !hasInlineContext(doc)
	if exact && got.expandErr != want.expandErr {
		return "the expansion errors differ"
	}
	if _, err := checkInput(doc); err != nil {
		exact = false // the input check walks maps too
	}
	if (got.err == "") != (want.err == "") {
		return "one canonicalization failed, the other did not"
	}
	if got.canonical != want.canonical {
		return "the canonical forms differ"
	}
	if exact && got.err != want.err {
		return "the errors differ"
	}
	return ""
}

// hasInlineContext reports whether a @context anywhere in v holds a context
// object.
func hasInlineContext(v any) bool {
	switch t := v.(type) {
	case map[string]any:
		for k, item := range t {
			if k == "@context" {
				for _, c := range jsonld.Arrayify(item) {
					if _, isMap := c.(map[string]any); isMap {
						return true
					}
				}
			}
			if hasInlineContext(item) {
				return true
			}
		}
	case []any:
		for _, item := range t {
			if hasInlineContext(item) {
				return true
			}
		}
	}
	return false
}

func mustMarshal(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		return []byte(fmt.Sprintf("%#v", v))
	}
	return b
}

// variations returns n mutated copies of the corpus, the same for a seed.
func variations(t testing.TB, corpus []corpusDoc, seed uint64, n int) []corpusDoc {
	t.Helper()
	m := &mutator{r: rand.New(rand.NewPCG(seed, 7)), terms: terms(t)}
	for _, c := range corpus {
		m.donors = append(m.donors, c.doc)
	}
	out := make([]corpusDoc, 0, n)
	for i := range n {
		c := corpus[i%len(corpus)]
		out = append(out, corpusDoc{fmt.Sprintf("%s (variation %d/%d)", c.name, seed, i), m.mutate(jsonCopy(t, c.doc), 0).(map[string]any)})
	}
	return out
}

// TestExpandMatchesJSONGold runs the corpus and variations of it through
// both paths, from an empty cache, then again in the opposite order, so that
// every document also meets contexts remembered while processing others.
func TestExpandMatchesJSONGold(t *testing.T) {
	resetContextCache()
	corpus := buildCorpus(t)
	n := 400
	if testing.Short() || raceEnabled {
		n = 150
	}
	docs := append(corpus, variations(t, corpus, 1, n)...)
	var failed, succeeded int
	for _, d := range docs {
		if sameAsReference(t, d.name, d.doc).err != "" {
			failed++
		} else {
			succeeded++
		}
	}
	slices.Reverse(docs)
	for _, d := range docs {
		sameAsReference(t, d.name+" (again)", d.doc)
	}
	// The comparison means little unless both outcomes are well represented.
	if failed < len(docs)/10 || succeeded < len(docs)/10 {
		t.Errorf("corpus too one-sided: %d canonicalized, %d refused", succeeded, failed)
	}
	t.Logf("%d documents: %d canonicalized, %d refused; %d contexts remembered", len(docs), succeeded, failed, frozenCount.Load())
	if frozenCount.Load() < 10 {
		t.Errorf("only %d contexts remembered: the corpus misses the cache", frozenCount.Load())
	}
}

// TestFrozenContextsUnchanged: processing documents, good and bad, never
// changes a remembered context: each remembered transition still gives what
// json-gold computes from its starting context now, and the empty context is
// still empty, so every frozen context is what json-gold would make.
func TestFrozenContextsUnchanged(t *testing.T) {
	resetContextCache()
	corpus := buildCorpus(t)
	for _, d := range corpus {
		_, _ = Canonicalize(d.doc)
	}
	before := fingerprints()
	for _, d := range append(corpus, variations(t, corpus, 2, 400)...) {
		_, _ = Canonicalize(d.doc)
	}
	after := fingerprints()
	for c, fp := range before {
		if after[c] != fp {
			t.Fatalf("a remembered context changed:\nbefore: %s\n after: %s", fp, after[c])
		}
	}
	if got, want := fingerprint(emptyContext, 0), fingerprint(jsonld.NewContext(nil, safeOptions), 0); got != want {
		t.Fatalf("the empty context changed:\n%s", got)
	}
	n := 0
	transitions.Range(func(k, v any) bool {
		n++
		tr, remembered := k.(transition), v.(*jsonld.Context)
		var fresh *jsonld.Context
		var err error
		switch tr.kind {
		case typeScoped:
			fresh, err = contextParse(tr.from, tr.td.Context, nil, false, false, false, false)
		case propertyScoped:
			fresh, err = contextParse(tr.from, tr.td.Context, nil, false, true, false, true)
		case indexScoped:
			fresh, err = tr.from.Parse(tr.td.Context)
		case embedded:
			var local any = tr.urls
			if urls, isList := strings.CutSuffix(tr.urls, "\n"); isList {
				local = anySlice(strings.Split(urls, "\n"))
			}
			fresh, err = tr.from.Parse(local)
		case revert:
			fresh = tr.from.RevertToPreviousContext()
		}
		if err != nil {
			t.Fatalf("recomputing a transition: %v", err)
		}
		if got, want := fingerprint(remembered, 0), fingerprint(fresh, 0); got != want {
			t.Fatalf("a remembered context is not what json-gold computes:\nremembered: %s\n     fresh: %s", got, want)
		}
		return true
	})
	if n < 10 {
		t.Errorf("only %d transitions remembered", n)
	}
}

func anySlice(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// fingerprints describes every frozen context by value.
func fingerprints() map[*jsonld.Context]string {
	out := map[*jsonld.Context]string{}
	frozenSet.Range(func(k, _ any) bool {
		c := k.(*jsonld.Context)
		out[c] = fingerprint(c, 0)
		return true
	})
	return out
}

func fingerprint(c *jsonld.Context, depth int) string {
	if c == nil || depth > 8 {
		return "nil"
	}
	var b strings.Builder
	v := c.Values
	fmt.Fprintf(&b, "base=%q dir=%q lang=%q/%v mode=%v vocab=%s version=%s\n", v.Base, v.Direction, v.Language, v.HasLanguage,
		processingMode(c, 1.1), deref(v.Vocab), deref(v.Version))
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range c.TermDefinitions {
			if !yield(k) {
				return
			}
		}
	})
	for _, k := range keys {
		td := c.TermDefinitions[k]
		if td == nil {
			fmt.Fprintf(&b, "%s: nil\n", k)
			continue
		}
		fmt.Fprintf(&b, "%s: %q rev=%v cont=%v type=%q nest=%q ctx=%s/%v prefix=%s idx=%q prot=%v dir=%s/%v lang=%s/%v protected=%v\n",
			k, td.ID, td.Reverse, td.Container, td.Type, td.Nest, mustMarshal(td.Context), td.HasContext, deref(td.Prefix), td.Index,
			td.Protected, deref(td.Direction), td.HasDirection, deref(td.Language), td.HasLanguage, c.Protected[k])
	}
	fmt.Fprintf(&b, "previous: %s", fingerprint(previousContext(c), depth+1))
	return b.String()
}

func deref[T any](p *T) string {
	if p == nil {
		return "nil"
	}
	return fmt.Sprint(*p)
}

// TestContextCacheConcurrent: goroutines racing to fill an empty cache, on
// different documents, each get the reference result (run with -race).
func TestContextCacheConcurrent(t *testing.T) {
	corpus := buildCorpus(t)
	docs := append(corpus, variations(t, corpus, 3, 150)...)
	want := make([]outcome, len(docs))
	for i, d := range docs {
		want[i] = run(t, d.doc, referenceExpand)
	}
	for round := range 2 {
		resetContextCache()
		var wg sync.WaitGroup
		errs := make(chan string, 4)
		for g := range 4 {
			wg.Go(func() {
				for i := range docs {
					j := (i*7 + g*13 + round) % len(docs) // each goroutine in its own order
					out, err := Canonicalize(docs[j].doc)
					got := outcome{expanded: want[j].expanded, expandErr: want[j].expandErr, canonical: string(out)}
					if err != nil {
						got.err = err.Error()
					}
					if d := differ(docs[j].doc, got, want[j]); d != "" {
						errs <- fmt.Sprintf("%s: %s: got %q %s, want %q %s", docs[j].name, d, got.err, got.canonical, want[j].err, want[j].canonical)
						return
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for e := range errs {
			t.Error(e)
		}
	}
}

// TestContextCacheLimit: with the cache full, nothing more is remembered
// and results do not change.
func TestContextCacheLimit(t *testing.T) {
	defer func(n int32) { maxFrozen = n; resetContextCache() }(maxFrozen)
	resetContextCache()
	maxFrozen = 4
	corpus := buildCorpus(t)
	for _, d := range append(corpus, variations(t, corpus, 4, 200)...) {
		sameAsReference(t, d.name, d.doc)
	}
	if n := frozenCount.Load(); n != maxFrozen {
		t.Errorf("%d contexts remembered, want the limit, %d", n, maxFrozen)
	}
}

func resetContextCache() {
	transitions.Clear()
	frozenSet.Clear()
	frozenCount.Store(0)
	freezeRoot(emptyContext)
}

// TestJSONGoldInternals pins the json-gold internals contexts.go links to:
// a change of their signatures would otherwise go unnoticed by the compiler.
func TestJSONGoldInternals(t *testing.T) {
	dir, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/piprate/json-gold").Output()
	if err != nil {
		t.Fatalf("locating json-gold's source: %v", err)
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, filepath.Join(strings.TrimSpace(string(dir)), "ld", "context.go"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"parse":          "(interface{}, []string, bool, bool, bool, bool) (*Context, error)",
		"processingMode": "(float64) (bool)",
	}
	found := map[string]string{}
	for _, decl := range f.Decls {
		fn, ok := decl.(*ast.FuncDecl)
		if !ok || fn.Recv == nil || want[fn.Name.Name] == "" || types.ExprString(fn.Recv.List[0].Type) != "*Context" {
			continue
		}
		found[fn.Name.Name] = "(" + fieldTypes(fn.Type.Params) + ") (" + fieldTypes(fn.Type.Results) + ")"
	}
	for name, sig := range want {
		if found[name] != sig {
			t.Errorf("json-gold's (*Context).%s is %q, contexts.go links to %q", name, found[name], sig)
		}
	}
}

func fieldTypes(fl *ast.FieldList) string {
	var out []string
	for _, field := range fl.List {
		n := max(len(field.Names), 1)
		for range n {
			out = append(out, types.ExprString(field.Type))
		}
	}
	return strings.Join(out, ", ")
}

// FuzzExpandMatchesJSONGold: on any JSON object, and on variations of it,
// Canonicalize and its expansion are json-gold's.
func FuzzExpandMatchesJSONGold(f *testing.F) {
	for i, d := range buildCorpus(f) {
		f.Add(mustMarshal(d.doc), uint64(i%3))
	}
	corpus := buildCorpus(f)
	termList := terms(f)
	f.Fuzz(func(t *testing.T, data []byte, seed uint64) {
		var doc map[string]any
		if json.Unmarshal(data, &doc) != nil || doc == nil {
			return
		}
		sameAsReference(t, "fuzzed", doc)
		if seed != 0 {
			m := &mutator{r: rand.New(rand.NewPCG(seed, 11)), terms: termList}
			for _, c := range corpus {
				m.donors = append(m.donors, c.doc)
			}
			sameAsReference(t, "fuzzed variation", m.mutate(doc, 0).(map[string]any))
		}
	})
}

// TestInlineContextsNotRemembered: documents with contexts of their own add
// nothing to the cache, however many there are.
func TestInlineContextsNotRemembered(t *testing.T) {
	resetContextCache()
	for _, d := range buildCorpus(t) {
		if !hasInlineContext(d.doc) {
			_, _ = Canonicalize(d.doc)
		}
	}
	before := frozenCount.Load()
	var n int
	transitions.Range(func(_, _ any) bool { n++; return true })
	for i := range 50 {
		doc := mustJSON(t, fmt.Sprintf(`{"@context": ["https://www.w3.org/ns/credentials/v2", "https://cityid.dev/ns/v1",
			{"T%[1]d": {"@id": "urn:t:%[1]d", "@context": {"p": {"@id": "urn:p:%[1]d", "@context": {"q": "urn:q:%[1]d"}}}}}],
			"type": ["VerifiableCredential", "T%[1]d"], "issuer": "did:example:i", "p": {"q": 1, "address": {"unit": "1"}},
			"credentialSubject": {"@context": "https://www.w3.org/ns/credentials/examples/v2", "x": %[1]d}}`, i))
		if _, err := Canonicalize(doc); err != nil {
			t.Fatal(err)
		}
	}
	var after int
	transitions.Range(func(_, _ any) bool { after++; return true })
	if frozenCount.Load() != before || after != n {
		t.Errorf("inline contexts were remembered: %d contexts and %d transitions before, %d and %d after",
			before, n, frozenCount.Load(), after)
	}
}

// TestExpandIriMatchesJSONGold: expandIri is Context.ExpandIri, on every
// remembered context and on terms, compact IRIs, keywords and near-keywords.
func TestExpandIriMatchesJSONGold(t *testing.T) {
	resetContextCache()
	for _, d := range buildCorpus(t) {
		_, _ = Canonicalize(d.doc)
	}
	values := append(terms(t), "", "@", "@a", "@Abc", "@abc1", "@ab-c", "@id", "@type", "@none", "@vocab", "@a\n", "@é",
		"_:b0", "_:", "did:key:z6Mk", "urn:uuid:1", "https://example.com/a#b", "http:/x", "cred:x", "schema:name",
		"sec:proof", "xsd:date", "rdf:type", "a:b", ":x", "x:", "rel/path", "?q", "#frag", "ex://host", "VerifiableCredential:x")
	var contexts []*jsonld.Context
	frozenSet.Range(func(k, _ any) bool { contexts = append(contexts, k.(*jsonld.Context)); return true })
	if len(contexts) < 10 {
		t.Fatalf("only %d contexts", len(contexts))
	}
	for _, local := range []string{`{"n": null, "a": {"@id": "urn:p:", "@prefix": true}, "b": "urn:b/", "@vocab": "urn:v:"}`,
		`{"@vocab": null, "x": {"@id": null}, "did": "urn:did:", "y": "@type"}`} {
		c, err := emptyContext.Parse(mustJSON(t, local))
		if err != nil {
			t.Fatal(err)
		}
		contexts = append(contexts, c)
		values = append(values, "n", "n:x", "a:x", "b:x", "x", "x:y", "y", "did:x")
	}
	call := func(f func() (string, error)) (s string) {
		defer func() {
			if r := recover(); r != nil {
				s = fmt.Sprint("panic: ", r)
			}
		}()
		v, err := f()
		return fmt.Sprint(v, err)
	}
	for _, c := range contexts {
		for _, v := range values {
			for _, flags := range [][2]bool{{false, false}, {false, true}, {true, false}, {true, true}} {
				want := call(func() (string, error) { return c.ExpandIri(v, flags[0], flags[1], nil, nil) })
				got := call(func() (string, error) { return expandIri(c, v, flags[0], flags[1]) })
				if got != want {
					t.Fatalf("expandIri(%q, %v) = %q, json-gold: %q", v, flags, got, want)
				}
			}
		}
	}
}
