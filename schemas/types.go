package schemas

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"maps"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

//go:embed types/*.json
var typeFS embed.FS

// The city's credential type names, as they appear in a credential's "type"
// array next to "VerifiableCredential".
const (
	CityIDCredential             = "CityIDCredential"
	ResidencyCredential          = "ResidencyCredential"
	AgeOverCredential            = "AgeOverCredential"
	ServiceEligibilityCredential = "ServiceEligibilityCredential"
)

// SchemaBaseURL is the prefix of every type's JSON Schema $id: the schema of
// type T is SchemaBaseURL + T + ".json".
const SchemaBaseURL = "https://cityid.dev/schemas/"

// Type describes one of the city's credential types for user interfaces.
// Titles and descriptions are in English and come from the type's JSON Schema;
// LookupIn gives them in another language.
type Type struct {
	Name        string // type name, e.g. "ResidencyCredential"
	Title       string // short human title, e.g. "Residency"
	Description string
	SchemaID    string // the JSON Schema $id
	Claims      []Claim
}

// Claim describes one credentialSubject claim of a Type, in schema order.
type Claim struct {
	Name        string // JSON member name, e.g. "housingStatus"
	Title       string
	Description string
	// Required reports whether every credential of the type must carry the
	// claim. A claim required only in some cases (e.g. address, required when
	// housingStatus is housed) is not Required; its Description says when.
	Required bool
	// Fields lists the members of an object claim (e.g. address); nil otherwise.
	Fields []Claim
	// Enum lists the values a claim may take, when the schema fixes them
	// (e.g. housingStatus); ValueTitles holds their human titles, in the
	// language of the Type (English from Lookup; LookupIn translates).
	Enum        []string
	ValueTitles map[string]string
}

// typeInfo is what the package loads once per process for a type.
type typeInfo struct {
	typ    Type
	file   string // embedded file name, e.g. "types/ResidencyCredential.json"
	raw    []byte
	doc    any // the schema as decoded by jsonschema.UnmarshalJSON, for errorMessage lookups
	schema *jsonschema.Schema
}

var (
	loadOnce sync.Once
	loaded   map[string]*typeInfo
	names    []string // sorted type names
)

// load compiles every embedded schema once. The schemas are part of the
// binary and covered by tests, so a failure here is a build defect: it panics,
// like regexp.MustCompile.
func load() {
	loadOnce.Do(func() {
		m, err := loadTypes()
		if err != nil {
			panic("schemas: embedded schemas are broken: " + err.Error())
		}
		loaded = m
		for n := range m {
			names = append(names, n)
		}
		sort.Strings(names)
	})
}

func loadTypes() (map[string]*typeInfo, error) {
	entries, err := typeFS.ReadDir("types")
	if err != nil {
		return nil, err
	}
	loader := embeddedLoader{}
	infos := map[string]*typeInfo{}
	for _, e := range entries {
		file := path.Join("types", e.Name())
		raw, err := typeFS.ReadFile(file)
		if err != nil {
			return nil, err
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		name := strings.TrimSuffix(e.Name(), ".json")
		id := SchemaBaseURL + e.Name()
		if obj, _ := doc.(map[string]any); obj == nil || obj["$id"] != id {
			return nil, fmt.Errorf("%s: $id must be %s", file, id)
		}
		typ, err := describe(name, id, raw)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		englishValues(name, typ.Claims, "")
		loader[id] = doc
		infos[name] = &typeInfo{typ: typ, file: file, raw: raw, doc: doc}
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	c.UseLoader(loader)
	for _, ti := range infos {
		if ti.schema, err = c.Compile(ti.typ.SchemaID); err != nil {
			return nil, err
		}
	}
	return infos, nil
}

// embeddedLoader serves only the embedded schemas, by $id. Any other URL is
// an error: schemas are never fetched.
type embeddedLoader map[string]any

func (l embeddedLoader) Load(url string) (any, error) {
	if doc, ok := l[url]; ok {
		return doc, nil
	}
	return nil, fmt.Errorf("schemas: %s is not an embedded schema (schemas are never downloaded)", url)
}

// schemaDesc is the part of a JSON Schema that describe reads.
type schemaDesc struct {
	Title       string          `json:"title"`
	Description string          `json:"description"`
	Type        string          `json:"type"`
	Required    []string        `json:"required"`
	Properties  json.RawMessage `json:"properties"`
	Enum        []string        `json:"enum"`
}

func describe(name, id string, raw []byte) (Type, error) {
	var d schemaDesc
	if err := json.Unmarshal(raw, &d); err != nil {
		return Type{}, err
	}
	if d.Title == "" || d.Description == "" {
		return Type{}, fmt.Errorf("title and description are required")
	}
	claims, err := describeClaims(d)
	if err != nil {
		return Type{}, err
	}
	return Type{Name: name, Title: d.Title, Description: d.Description, SchemaID: id, Claims: claims}, nil
}

// describeClaims lists the properties of an object schema in file order,
// leaving out "id" (the holder, not a claim).
func describeClaims(d schemaDesc) ([]Claim, error) {
	keys, err := orderedKeys(d.Properties)
	if err != nil {
		return nil, err
	}
	var props map[string]schemaDesc
	if err := json.Unmarshal(d.Properties, &props); err != nil {
		return nil, err
	}
	var claims []Claim
	for _, k := range keys {
		if k == "id" {
			continue
		}
		p := props[k]
		if p.Title == "" {
			return nil, fmt.Errorf("property %s has no title", k)
		}
		c := Claim{Name: k, Title: p.Title, Description: p.Description, Enum: p.Enum}
		for _, r := range d.Required {
			c.Required = c.Required || r == k
		}
		if p.Type == "object" {
			if c.Fields, err = describeClaims(p); err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
		}
		claims = append(claims, c)
	}
	return claims, nil
}

// orderedKeys returns the member names of a JSON object in document order.
func orderedKeys(obj json.RawMessage) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(obj))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, fmt.Errorf("properties must be an object")
	}
	var keys []string
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		keys = append(keys, t.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return nil, err
		}
	}
	return keys, nil
}

// Types returns every city credential type, sorted by name. The result is a
// copy: callers may modify it.
func Types() []Type {
	load()
	out := make([]Type, 0, len(names))
	for _, n := range names {
		out = append(out, cloneType(loaded[n].typ))
	}
	return out
}

// Lookup returns the city credential type called name.
func Lookup(name string) (Type, bool) {
	load()
	ti, ok := loaded[name]
	if !ok {
		return Type{}, false
	}
	return cloneType(ti.typ), true
}

// Schema returns the embedded JSON Schema (2020-12) of the type called name.
// It validates the credentialSubject claims of that type.
func Schema(name string) ([]byte, bool) {
	load()
	ti, ok := loaded[name]
	if !ok {
		return nil, false
	}
	return bytes.Clone(ti.raw), true
}

func cloneType(t Type) Type {
	t.Claims = cloneClaims(t.Claims)
	return t
}

func cloneClaims(cs []Claim) []Claim {
	if cs == nil {
		return nil
	}
	out := make([]Claim, len(cs))
	for i, c := range cs {
		c.Fields = cloneClaims(c.Fields)
		c.Enum = slices.Clone(c.Enum)
		c.ValueTitles = maps.Clone(c.ValueTitles)
		out[i] = c
	}
	return out
}

// Held is one member of a credential's claims (or of an object claim) with
// its definition in the schema; Def is nil for a member the schema does not
// name.
type Held struct {
	Name  string
	Value any
	Def   *Claim
}

// Order lists the members of held in the order of defs (a Type's Claims, or
// an object Claim's Fields), then the members defs does not name, sorted by
// name: the order in which user interfaces show claims.
func Order(defs []Claim, held map[string]any) []Held {
	out := make([]Held, 0, len(held))
	named := make(map[string]bool, len(defs))
	for i := range defs {
		if v, ok := held[defs[i].Name]; ok {
			out = append(out, Held{Name: defs[i].Name, Value: v, Def: &defs[i]})
			named[defs[i].Name] = true
		}
	}
	var rest []string
	for k := range held {
		if !named[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	for _, k := range rest {
		out = append(out, Held{Name: k, Value: held[k]})
	}
	return out
}
