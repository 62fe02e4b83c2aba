package ld

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cityid/cityid/schemas"
)

// The corpus of the differential tests (expand_test.go): the documents
// cityid signs and verifies, the W3C and Digital Bazaar vectors, and
// documents written to reach every context processing step (type- and
// property-scoped contexts, nested and inline contexts, @import, @propagate,
// protected terms, containers), some of them invalid on purpose.

const (
	holderDID = "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
	issuerDID = "did:key:z6Mko9hTggMwjSTEaJaPUfE6tqcy2xvU6BnNq3e3o8qVBiyH"
)

type corpusDoc struct {
	name string
	doc  map[string]any
}

func mustJSON(t testing.TB, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("corpus document is not JSON: %v\n%s", err, s)
	}
	return m
}

// jsonCopy returns v as encoding/json would decode it again: a deep copy.
func jsonCopy(t testing.TB, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return mustJSON(t, string(b))
}

func statusEntries(index int) []any {
	var out []any
	for _, purpose := range []string{"revocation", "suspension"} {
		list := "https://id.springfield.example/status/" + purpose
		out = append(out, map[string]any{"id": list + "#" + string(rune('0'+index%10)), "type": "BitstringStatusListEntry",
			"statusPurpose": purpose, "statusListIndex": "42", "statusListCredential": list})
	}
	return out
}

func cityCredential(typ string, claims map[string]any, withProof bool) map[string]any {
	subject := map[string]any{"id": holderDID}
	for k, v := range claims {
		subject[k] = v
	}
	doc := map[string]any{
		"@context":          []any{schemas.CredentialsV2URL, schemas.CityContextURL},
		"id":                "urn:uuid:1b0e4a55-77a2-4c4e-8a64-0f5b7f0c9e11",
		"type":              []any{"VerifiableCredential", typ},
		"issuer":            issuerDID,
		"validFrom":         "2026-11-01T00:00:00Z",
		"validUntil":        "2031-11-01T00:00:00Z",
		"credentialSubject": subject,
		"credentialStatus":  statusEntries(len(claims)),
	}
	if withProof {
		doc["proof"] = proofObject()
	}
	return doc
}

func proofObject() map[string]any {
	return map[string]any{"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "created": "2026-11-01T00:00:00Z",
		"verificationMethod": issuerDID + "#" + issuerDID[len("did:key:"):], "proofPurpose": "assertionMethod",
		"proofValue": "z5ZsPQiKwiazta2oaAFmPrM6WDj5ZQHDQC9KJmvnNbKexPRQRy2jWDFVRiHEnoz4kyuene4aGGex9D9X3bxbXoqAf"}
}

// buildCorpus returns the differential corpus; every document is fresh.
func buildCorpus(t testing.TB) []corpusDoc {
	t.Helper()
	var out []corpusDoc
	add := func(name string, doc map[string]any) { out = append(out, corpusDoc{name, doc}) }

	// Vectors and examples on disk.
	var paths []string
	for _, pattern := range []string{"testdata/docs/*.json", "testdata/vc-di-eddsa/*.json",
		"../dataintegrity/testdata/vc-di-eddsa/*/*.json", "../../examples/*.json"} {
		p, _ := filepath.Glob(pattern)
		paths = append(paths, p...)
	}
	if len(paths) < 8 {
		t.Fatalf("corpus files missing: found %v", paths)
	}
	for _, p := range paths {
		add(p, readDoc(t, p))
	}

	// A credential of every city type, from every schema validation case
	// (valid and invalid claims alike), with and without a proof, and the
	// proof configuration document eddsa-rdfc-2022 hashes beside it.
	var cases struct {
		Cases []struct {
			Type, Name string
			Claims     map[string]any
		}
	}
	b, err := os.ReadFile("../../schemas/testdata/cases.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	for i, c := range cases.Cases {
		add("case "+c.Type+" "+c.Name, cityCredential(c.Type, c.Claims, i%2 == 0))
	}
	for _, typ := range []string{schemas.CityIDCredential, schemas.ResidencyCredential, schemas.AgeOverCredential, schemas.ServiceEligibilityCredential} {
		add("signed "+typ, cityCredential(typ, map[string]any{}, true))
	}
	proofConfig := proofObject()
	delete(proofConfig, "proofValue")
	proofConfig["@context"] = []any{schemas.CredentialsV2URL, schemas.CityContextURL}
	add("proof config", proofConfig)

	// Status list credentials.
	add("status list", mustJSON(t, `{"@context": ["https://www.w3.org/ns/credentials/v2"],
		"id": "https://id.springfield.example/status/revocation", "type": ["VerifiableCredential", "BitstringStatusListCredential"],
		"issuer": "`+issuerDID+`", "validFrom": "2026-11-01T00:00:00Z",
		"credentialSubject": {"id": "https://id.springfield.example/status/revocation#list", "type": "BitstringStatusList",
			"statusPurpose": ["revocation", "suspension"], "encodedList": "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA", "ttl": 300000}}`))
	add("status entry with messages", mustJSON(t, `{"@context": ["https://www.w3.org/ns/credentials/v2", "https://cityid.dev/ns/v1"],
		"type": "VerifiableCredential", "issuer": "`+issuerDID+`", "credentialSubject": {"residentOf": "Springfield"},
		"credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "message", "statusListIndex": "7", "statusSize": 2,
			"statusListCredential": "https://id.springfield.example/status/m", "statusReference": "https://id.springfield.example/codes",
			"statusMessage": [{"status": "0x0", "message": "valid"}, {"status": "0x1", "message": "pending"},
				{"status": "0x2", "message": "suspended"}, {"status": "0x3", "message": "revoked"}]}}`))

	// Presentations with embedded credentials (VC 2.0 and VC 1.1).
	vp := map[string]any{
		"@context": []any{schemas.CredentialsV2URL}, "type": "VerifiablePresentation", "holder": holderDID,
		"verifiableCredential": []any{
			cityCredential(schemas.ResidencyCredential, map[string]any{"residentOf": "Springfield", "housingStatus": "housed",
				"address": map[string]any{"streetAddress": "742 Evergreen Terrace", "unit": "2B"}}, true),
			cityCredential(schemas.AgeOverCredential, map[string]any{"ageOver18": true}, true),
		},
		"proof": map[string]any{"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "proofPurpose": "authentication",
			"challenge": "c0ffee", "domain": "https://counter.springfield.example", "verificationMethod": holderDID + "#key",
			"proofValue": "z3"},
	}
	add("presentation", vp)
	add("presentation with a city context", func() map[string]any {
		d := jsonCopy(t, vp)
		d["@context"] = []any{schemas.CredentialsV2URL, schemas.CityContextURL}
		return d
	}())
	add("VC 1.1 with Ed25519Signature2020", mustJSON(t, `{"@context": ["https://www.w3.org/2018/credentials/v1", "https://w3id.org/security/suites/ed25519-2020/v1", "https://cityid.dev/ns/v1"],
		"id": "urn:uuid:1", "type": ["VerifiableCredential", "CityIDCredential"], "issuer": "`+issuerDID+`", "issuanceDate": "2026-11-01T00:00:00Z",
		"credentialSubject": {"id": "`+holderDID+`", "givenName": "Ana"},
		"proof": {"type": "Ed25519Signature2020", "created": "2026-11-01T00:00:00Z", "proofPurpose": "assertionMethod",
			"verificationMethod": "`+issuerDID+`#k", "proofValue": "z4"}}`))
	add("VC 1.1 presentation", mustJSON(t, `{"@context": ["https://www.w3.org/2018/credentials/v1"], "type": "VerifiablePresentation",
		"holder": "`+holderDID+`", "verifiableCredential": {"@context": ["https://www.w3.org/2018/credentials/v1", "https://w3id.org/security/suites/ed25519-2020/v1"],
			"type": "VerifiableCredential", "issuer": "`+issuerDID+`", "issuanceDate": "2026-11-01T00:00:00Z", "credentialSubject": {"id": "`+holderDID+`"},
			"proof": {"type": "Ed25519Signature2020", "proofPurpose": "assertionMethod", "verificationMethod": "`+issuerDID+`#k", "proofValue": "z4"}}}`))

	// Context processing corners.
	for i, s := range scopedDocs {
		add("scoped "+string(rune('a'+i)), mustJSON(t, s))
	}
	return out
}

const vc2City = `"@context": ["https://www.w3.org/ns/credentials/v2", "https://cityid.dev/ns/v1"]`

var scopedDocs = []string{
	// A nested @context of embedded URLs, below a type-scoped context.
	`{` + vc2City + `, "type": ["VerifiableCredential", "CityIDCredential"], "issuer": "did:example:i",
		"credentialSubject": {"@context": "https://www.w3.org/ns/credentials/examples/v2", "id": "did:example:s", "anything": 1,
			"address": {"streetAddress": "1 Main", "unit": "2"}}}`,
	`{"@context": "https://www.w3.org/ns/credentials/v2", "type": "VerifiableCredential", "issuer": "did:example:i",
		"credentialSubject": {"@context": ["https://cityid.dev/ns/v1"], "givenName": "Ana", "address": {"@context": "https://www.w3.org/ns/credentials/examples/v2", "floor": 3}}}`,
	// The property-scoped context of address, applied at several depths.
	`{` + vc2City + `, "type": "VerifiableCredential", "issuer": "did:example:i",
		"credentialSubject": [{"address": [{"streetAddress": "a"}, {"unit": "b", "address": {"postalCode": "c"}}]}, {"residentOf": "x"}]}`,
	// Outside the address scope, its terms are undefined.
	`{` + vc2City + `, "type": "VerifiableCredential", "issuer": "did:example:i", "credentialSubject": {"streetAddress": "a"}}`,
	// Type-scoped terms used where their type is not.
	`{` + vc2City + `, "type": "VerifiableCredential", "issuer": "did:example:i", "credentialSubject": {"statusPurpose": "revocation"}}`,
	`{` + vc2City + `, "type": "VerifiableCredential", "issuer": "did:example:i",
		"credentialSubject": {"type": "BitstringStatusList", "statusPurpose": "revocation", "encodedList": "u", "nested": {"statusPurpose": "x"}}}`,
	// Inline type-scoped and property-scoped contexts, @propagate false.
	`{"@context": ["https://www.w3.org/ns/credentials/v2", {"Widget": {"@id": "urn:t:Widget", "@context": {"size": "urn:p:size", "part": {"@id": "urn:p:part", "@context": {"bolt": "urn:p:bolt"}}}},
		"Local": {"@id": "urn:t:Local", "@context": {"@propagate": false, "here": "urn:p:here"}}}],
		"type": ["VerifiableCredential", "Widget"], "issuer": "did:example:i", "size": 3, "part": {"bolt": "m4", "type": "Local", "here": 1, "inner": {"here": 2}},
		"credentialSubject": {"type": "Widget", "size": 1}}`,
	// @import of an embedded context, and a protected term redefined.
	`{"@context": [{"@import": "https://cityid.dev/ns/v1", "extra": "urn:p:extra"}], "givenName": "Ana", "extra": true, "address": {"unit": "1"}}`,
	`{"@context": ["https://cityid.dev/ns/v1", {"givenName": "urn:p:other"}], "givenName": "Ana"}`,
	`{"@context": ["https://cityid.dev/ns/v1", {"givenName": "https://cityid.dev/ns#givenName"}], "givenName": "Ana"}`,
	`{"@context": ["https://www.w3.org/ns/credentials/v2", null], "type": "VerifiableCredential"}`,
	`{"@context": ["https://www.w3.org/ns/credentials/v2", {"x": {"@id": "urn:p:x", "@context": null}}], "x": {"@id": "urn:n"}}`,
	// Unknown and malformed contexts.
	`{"@context": ["https://www.w3.org/ns/credentials/v2", "https://example.com/unknown"], "type": "VerifiableCredential"}`,
	`{"@context": 5, "a": 1}`,
	`{"@context": ["https://cityid.dev/ns/v1", "https://cityid.dev/ns/v1"], "givenName": "twice"}`,
	// Embedded URLs followed by context objects.
	`{"@context": ["https://www.w3.org/ns/credentials/v2", {"@propagate": false, "x": "urn:p:x"}], "type": "VerifiableCredential",
		"issuer": "did:example:i", "x": 1, "credentialSubject": {"x": 2}}`,
	`{"@context": ["https://www.w3.org/ns/credentials/v2", {"x": "urn:p:x"}, "https://cityid.dev/ns/v1"], "type": "VerifiableCredential",
		"issuer": "did:example:i", "x": 1, "credentialSubject": {"x": 2, "givenName": "Ana"}}`,
	`{"@context": ["https://www.w3.org/ns/credentials/v2", {"x": "urn:p:x"}, "https://www.w3.org/ns/credentials/v2"], "x": 1}`,
	`{"@context": ["https://www.w3.org/ns/credentials/v2", "https://example.com/unknown", {"x": "urn:p:x"}], "x": 1}`,
	`{"@context": ["https://www.w3.org/ns/credentials/v2", "https://cityid.dev/ns/v1", {}, {"@vocab": "urn:v:"}], "type": "VerifiableCredential",
		"issuer": "did:example:i", "anything": {"givenName": "Ana", "more": true}}`,
	`{"@context": ["https://cityid.dev/ns/v1", {"@version": 1.1, "@protected": true, "extra": "urn:p:extra", "givenName": "https://cityid.dev/ns#givenName"}],
		"givenName": "Ana", "extra": 1}`,
	// Containers, keywords and values.
	`{"@context": {"@vocab": "urn:v:", "byType": {"@id": "urn:p:byType", "@container": "@type"},
		"T": {"@id": "urn:t:T", "@context": {"inT": "urn:p:inT"}}, "byId": {"@container": "@id"}, "byIdx": {"@container": "@index"},
		"byProp": {"@id": "urn:p:byProp", "@container": "@index", "@index": "urn:p:idx"}, "byLang": {"@container": "@language"},
		"g": {"@container": "@graph"}, "gi": {"@container": ["@graph", "@id"]}, "l": {"@container": "@list"}, "s": {"@container": "@set"},
		"rev": {"@reverse": "urn:p:rev"}, "j": {"@type": "@json"}, "nest": "@nest", "n": {"@nest": "nest"}},
		"@id": "urn:root", "byType": {"T": {"inT": 1}, "urn:t:U": {"@id": "urn:u"}, "@none": {"x": 1}},
		"byId": {"urn:a": {"x": 1}}, "byIdx": {"i1": {"x": 1}, "i2": "v"}, "byProp": {"k": {"x": 1}},
		"byLang": {"en": "hi", "fr": ["salut"], "@none": "x"}, "g": {"x": 1}, "gi": {"urn:g": {"x": 2}},
		"l": [1, [2, 3], {"@list": [4]}], "s": {"@set": [true]}, "rev": {"@id": "urn:r"}, "j": {"a": [1, {"b": null}]},
		"nest": {"n": 5, "q": 6}, "@included": [{"@id": "urn:inc", "x": 1}], "@reverse": {"urn:p:r2": {"@id": "urn:r2"}},
		"v": [{"@value": "t", "@language": "EN-us", "@direction": "rtl"}, {"@value": "2", "@type": "urn:dt"}, {"@value": 1.5}]}`,
	`{"@context": {"@vocab": "urn:v:", "@language": "de", "@direction": "ltr", "p": {"@language": null}}, "a": "x", "p": "y", "q": {"@value": "z"}}`,
	`{"@context": {"@vocab": "urn:v:"}, "@graph": [{"@id": "_:g", "@graph": {"@id": "_:n", "p": {"@value": "x", "@language": "en"}}}, {"@id": "urn:solo"}]}`,
	`{"@context": {"@vocab": "urn:v:"}, "@type": {"a": 1}, "x": 1}`,
	`{"@context": {"@vocab": "urn:v:"}, "@id": 5}`,
	`{"@context": {"@vocab": "urn:v:"}, "x": {"@value": [1]}}`,
	`{"@context": {"@vocab": "urn:v:"}, "x": {"@value": "a", "@type": "urn:t", "@language": "en"}}`,
	`{"@context": {"@vocab": "urn:v:"}, "x": {"@list": [1], "y": 2}}`,
	`{"@context": {"@vocab": "urn:v:", "nest": "@nest"}, "nest": {"@value": 1}}`,
	`{"@context": {"@vocab": "urn:v:"}, "@reverse": 1}`,
	`{"@context": {"@vocab": "urn:v:", "t": {"@type": "@id", "@context": {"@vocab": "urn:w:"}}}, "t": "rel", "x": {"t": {"y": 1}}}`,
}

// terms lists every term the embedded contexts define, scoped ones
// included, and a few they do not.
func terms(t testing.TB) []string {
	t.Helper()
	seen := map[string]bool{"id": true, "type": true, "undefinedTerm": true, "@id": true, "@type": true, "@graph": true}
	var walk func(v any)
	walk = func(v any) {
		m, ok := v.(map[string]any)
		if !ok {
			return
		}
		for k, sub := range m {
			if !strings.HasPrefix(k, "@") {
				seen[k] = true
			}
			walk(sub)
		}
	}
	for _, url := range schemas.ContextURLs() {
		doc, err := embeddedContext(url)
		if err != nil {
			t.Fatal(err)
		}
		walk(doc)
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// mutator makes variations of a corpus document: renamed keys, other types,
// nested contexts, values moved, wrapped, nested or dropped.
type mutator struct {
	r      *rand.Rand
	terms  []string
	donors []map[string]any
}

var mutationContexts = []any{
	schemas.CredentialsV2URL, schemas.CityContextURL, schemas.ExamplesV2URL,
	[]any{schemas.CredentialsV2URL, schemas.CityContextURL},
	[]any{schemas.CredentialsV1URL, schemas.Ed25519Suite2020URL},
	[]any{schemas.CityContextURL, schemas.ExamplesV2URL},
	map[string]any{"local": "urn:p:local", "Scoped": map[string]any{"@id": "urn:t:Scoped", "@context": map[string]any{"inside": "urn:p:inside"}}},
	nil,
}

func (m *mutator) pick(n int) int { return m.r.IntN(n) }

func (m *mutator) mutate(v any, depth int) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t)+1)
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			val := t[k]
			if k == "id" || k == "@context" || k == "type" {
				if m.pick(60) == 0 {
					continue // dropped
				}
				out[k] = val
				continue
			}
			val = m.mutate(val, depth+1)
			switch m.pick(60) {
			case 0:
				k = m.terms[m.pick(len(m.terms))] // renamed
			case 1:
				continue // dropped
			case 2:
				val = []any{val} // wrapped
			case 3:
				if depth < 6 && len(m.donors) > 0 {
					val = m.mutate(jsonCopyAny(m.donors[m.pick(len(m.donors))]), depth+1) // nested document
				}
			}
			out[k] = val
		}
		switch m.pick(40) {
		case 0:
			out["type"] = m.terms[m.pick(len(m.terms))]
		case 1:
			out["type"] = []any{"VerifiableCredential", m.terms[m.pick(len(m.terms))]}
		case 2:
			out["@context"] = mutationContexts[m.pick(len(mutationContexts))]
		case 3:
			out[m.terms[m.pick(len(m.terms))]] = map[string]any{"id": "urn:x:" + m.terms[m.pick(len(m.terms))]}
		}
		return out
	case []any:
		out := make([]any, 0, len(t))
		for _, item := range t {
			if m.pick(10) > 0 {
				out = append(out, m.mutate(item, depth+1))
			}
		}
		return out
	case string:
		switch m.pick(30) {
		case 0:
			return m.terms[m.pick(len(m.terms))]
		case 1:
			return 7.0
		}
	}
	return v
}

func jsonCopyAny(v any) any {
	b, _ := json.Marshal(v)
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}
