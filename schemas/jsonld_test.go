package schemas

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/piprate/json-gold/ld"
)

const xsdDate = "http://www.w3.org/2001/XMLSchema#date"

// embeddedLoader for JSON-LD: serves Context() only, never the network.
type ldLoader struct{}

func (ldLoader) LoadDocument(u string) (*ld.RemoteDocument, error) {
	b, ok := Context(u)
	if !ok {
		return nil, fmt.Errorf("context %s is not embedded", u)
	}
	doc, err := ld.DocumentFromReader(strings.NewReader(string(b)))
	if err != nil {
		return nil, err
	}
	return &ld.RemoteDocument{DocumentURL: u, Document: doc}, nil
}

func expand(t *testing.T, doc map[string]any, safe bool) ([]any, error) {
	t.Helper()
	// Round-trip through JSON so json-gold sees plain JSON values.
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	var in any
	if err := json.Unmarshal(b, &in); err != nil {
		t.Fatal(err)
	}
	opts := ld.NewJsonLdOptions("")
	opts.DocumentLoader = ldLoader{}
	opts.SafeMode = safe
	return ld.NewJsonLdProcessor().Expand(in, opts)
}

func credential(typ string, claims map[string]any, ctx ...any) map[string]any {
	if ctx == nil {
		ctx = []any{CredentialsV2URL, CityContextURL}
	}
	return map[string]any{
		"@context":          ctx,
		"id":                "urn:uuid:3978344f-8596-4c3a-a978-8fcaba3903c5",
		"type":              []any{"VerifiableCredential", typ},
		"issuer":            map[string]any{"id": "did:web:cityid.dev", "name": "City of Springfield"},
		"validFrom":         "2025-01-01T00:00:00Z",
		"validUntil":        "2030-01-01T00:00:00Z",
		"credentialSubject": claims,
		"credentialStatus": map[string]any{
			"id": "https://cityid.dev/status/1#94567", "type": "BitstringStatusListEntry",
			"statusPurpose": "revocation", "statusListIndex": "94567", "statusListCredential": "https://cityid.dev/status/1",
		},
	}
}

// subjectNode returns the expanded credentialSubject node of an expanded VC.
func subjectNode(t *testing.T, expanded []any, typ string) map[string]any {
	t.Helper()
	if len(expanded) != 1 {
		t.Fatalf("expanded to %d nodes", len(expanded))
	}
	vc := expanded[0].(map[string]any)
	if !slices.Contains(vc["@type"].([]any), any(CityVocab+typ)) {
		t.Errorf("credential @type %v lacks %s", vc["@type"], CityVocab+typ)
	}
	subs, _ := vc["https://www.w3.org/2018/credentials#credentialSubject"].([]any)
	if len(subs) != 1 {
		t.Fatalf("credentialSubject: %v", vc)
	}
	return subs[0].(map[string]any)
}

// checkExpanded reports every claim of the compact object that did not
// become exactly one CityVocab property with the expected value form, and
// every expanded property that is not in CityVocab.
func checkExpanded(path string, compact, node map[string]any) []string {
	var problems []string
	for k, v := range compact {
		if k == "id" {
			if node["@id"] != v {
				problems = append(problems, path+"id: @id is "+fmt.Sprint(node["@id"]))
			}
			continue
		}
		vals, _ := node[CityVocab+k].([]any)
		if len(vals) != 1 {
			problems = append(problems, path+k+": dropped or not in "+CityVocab)
			continue
		}
		got := vals[0].(map[string]any)
		switch v := v.(type) {
		case map[string]any:
			problems = append(problems, checkExpanded(path+k+".", v, got)...)
		case bool:
			if got["@value"] != v || got["@type"] != nil {
				problems = append(problems, fmt.Sprintf("%s%s: want native boolean, got %v", path, k, got))
			}
		case string:
			wantType := any(nil)
			if dateClaims[k] {
				wantType = xsdDate
			}
			if got["@value"] != v || got["@type"] != wantType {
				problems = append(problems, fmt.Sprintf("%s%s: want %q typed %v, got %v", path, k, v, wantType, got))
			}
		}
	}
	for k := range node {
		if k != "@id" && !strings.HasPrefix(k, CityVocab) {
			problems = append(problems, path+": unexpected property "+k)
		}
	}
	return problems
}

// dateClaims names every claim whose schema is the date definition.
var dateClaims = func() map[string]bool {
	load()
	out := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		m, _ := v.(map[string]any)
		props, _ := m["properties"].(map[string]any)
		for k, p := range props {
			if p.(map[string]any)["$ref"] == "#/$defs/date" {
				out[k] = true
			}
			walk(p)
		}
	}
	for _, ti := range loaded {
		walk(ti.doc)
	}
	return out
}()

func validCases(t *testing.T) []validateCase {
	var out []validateCase
	for _, c := range loadCases(t) {
		if len(c.Errors) == 0 {
			out = append(out, c)
		}
	}
	return out
}

// Every claim of every valid example becomes a CityVocab IRI: nothing is
// dropped, nothing falls into an issuer-dependent @vocab.
func TestJSONLDExpandsEveryClaim(t *testing.T) {
	for _, c := range validCases(t) {
		t.Run(c.Type+"/"+c.Name, func(t *testing.T) {
			doc := credential(c.Type, c.Claims)
			for _, safe := range []bool{true, false} {
				exp, err := expand(t, doc, safe)
				if err != nil {
					t.Fatalf("expand (safe mode %v): %v", safe, err)
				}
				for _, p := range checkExpanded("", c.Claims, subjectNode(t, exp, c.Type)) {
					t.Error(p)
				}
				b, _ := json.Marshal(exp)
				if strings.Contains(string(b), "issuer-dependent") {
					t.Errorf("a term expanded into the issuer-dependent namespace: %s", b)
				}
			}
		})
	}
}

// The checker is not vacuous: a term the context does not define is caught.
func TestJSONLDUndefinedTermIsCaught(t *testing.T) {
	claims := map[string]any{"ageOver18": true, "favouriteColour": "blue"}
	doc := credential(AgeOverCredential, claims)
	if _, err := expand(t, doc, true); err == nil {
		t.Error("safe mode expansion accepted an undefined term")
	}
	exp, err := expand(t, doc, false)
	if err != nil {
		t.Fatal(err)
	}
	problems := checkExpanded("", claims, subjectNode(t, exp, AgeOverCredential))
	if !slices.Equal(problems, []string{"favouriteColour: dropped or not in " + CityVocab}) {
		t.Errorf("problems = %q", problems)
	}
}

// Both contexts are @protected; loading them together (in either order)
// must not redefine a protected term, and nobody may redefine a city term later.
func TestJSONLDProtectedTerms(t *testing.T) {
	claims := map[string]any{"residentOf": "Springfield", "housingStatus": "shelter", "shelterName": "Riverside"}
	for _, order := range [][]any{{CredentialsV2URL, CityContextURL}, {CityContextURL, CredentialsV2URL}} {
		if _, err := expand(t, credential(ResidencyCredential, claims, order...), true); err != nil {
			t.Errorf("context order %v: %v", order, err)
		}
	}
	evil := map[string]any{"residentOf": "https://evil.example/residentOf"}
	housed := map[string]any{"residentOf": "Springfield", "housingStatus": "housed", "address": map[string]any{
		"@context":      map[string]any{"streetAddress": "https://evil.example/street"},
		"streetAddress": "1 Main St", "postalCode": "49007", "addressLocality": "Springfield",
	}}
	for name, doc := range map[string]map[string]any{
		"claim term in a later context": credential(ResidencyCredential, claims, CredentialsV2URL, CityContextURL, evil),
		"type term in a later context": credential(ResidencyCredential, claims, CredentialsV2URL, CityContextURL,
			map[string]any{"ResidencyCredential": "https://evil.example/Residency"}),
		"claim term inside the subject":   credential(ResidencyCredential, map[string]any{"@context": evil, "residentOf": "X", "housingStatus": "shelter"}),
		"address term inside the address": credential(ResidencyCredential, housed),
	} {
		_, err := expand(t, doc, true)
		var lerr *ld.JsonLdError
		if !errors.As(err, &lerr) || lerr.Code != ld.ProtectedTermRedefinition {
			t.Errorf("%s: got %v, want protected term redefinition", name, err)
		}
	}
}

// contextTerms lists every term a context defines, at any depth.
func contextTerms(t *testing.T, url string) map[string]bool {
	b, ok := Context(url)
	if !ok {
		t.Fatalf("no context %s", url)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	terms := map[string]bool{}
	var walk func(ctx any)
	walk = func(ctx any) {
		m, _ := ctx.(map[string]any)
		for k, v := range m {
			if !strings.HasPrefix(k, "@") {
				terms[k] = true
			}
			if def, ok := v.(map[string]any); ok {
				walk(def["@context"])
			}
		}
	}
	walk(doc["@context"])
	return terms
}

func TestCityContextTerms(t *testing.T) {
	city := contextTerms(t, CityContextURL)
	v2 := contextTerms(t, CredentialsV2URL)
	for term := range city {
		if v2[term] {
			t.Errorf("term %s is defined by both the city and the VC v2 context", term)
		}
	}
	// The context defines exactly the types and the schemas' claims.
	want := map[string]bool{}
	var add func(cs []Claim)
	add = func(cs []Claim) {
		for _, c := range cs {
			want[c.Name] = true
			add(c.Fields)
		}
	}
	for _, typ := range Types() {
		want[typ.Name] = true
		add(typ.Claims)
	}
	for _, term := range []string{"Evidence", EvidenceType, "evidenceKind", "attester"} {
		want[term] = true
	}
	var missing, extra []string
	for k := range want {
		if !city[k] {
			missing = append(missing, k)
		}
	}
	for k := range city {
		if !want[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing)+len(extra) > 0 {
		t.Errorf("context lacks %v, defines unused %v", missing, extra)
	}
	b, _ := Context(CityContextURL)
	var doc struct {
		Context map[string]any `json:"@context"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Context["@version"] != 1.1 || doc.Context["@protected"] != true || doc.Context["@vocab"] != nil {
		t.Errorf("city context must be @version 1.1, @protected, without @vocab: %v", doc.Context)
	}
}
