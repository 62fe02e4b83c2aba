package schemas

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
)

// ErrUnknownType is returned (wrapped, with the name) by Validate for a type
// name that is not one of the city's credential types.
var ErrUnknownType = errors.New("schemas: unknown credential type")

// ErrInvalidClaims matches every *ValidationError with errors.Is.
var ErrInvalidClaims = errors.New("schemas: invalid claims")

// RootPath is the FieldError.Path of a problem with the claims object as a
// whole (for example a missing choice among several claims).
const RootPath = "credentialSubject"

// FieldError is one problem with one claim.
type FieldError struct {
	// Path names the claim: a member name ("housingStatus"), a dotted path
	// into an object claim ("address.postalCode"), or RootPath. Member names
	// that are not plain identifiers are quoted as Go strings.
	Path string
	// Message says what is wrong in plain words, e.g. "must be a date like
	// 1990-04-30". It never repeats the offending value.
	Message string
}

func (f FieldError) String() string { return f.Path + ": " + f.Message }

// ValidationError reports every problem Validate found in the claims of a
// credential of type Type. Fields is never empty, sorted by Path then
// Message, without duplicates.
type ValidationError struct {
	Type   string
	Fields []FieldError
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.String()
	}
	return fmt.Sprintf("invalid %s claims: %s", e.Type, strings.Join(parts, "; "))
}

// Is makes errors.Is(err, ErrInvalidClaims) true.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalidClaims }

// now is the clock used for "not in the future" checks; tests replace it.
var now = time.Now

// Validate checks the credentialSubject claims of a credential of the city
// type typeName against its JSON Schema and the rules a schema cannot state
// (eligibleUntil not before eligibleFrom, birth dates not in the future, a
// canonical photo digest, consistent age claims). claims may include "id",
// the holder's DID.
//
// It returns nil, a *ValidationError, or an error wrapping ErrUnknownType.
// Validate never touches the network; it is safe for concurrent use.
func Validate(typeName string, claims map[string]any) error {
	load()
	ti, ok := loaded[typeName]
	if !ok {
		return fmt.Errorf("%w %q (known: %s)", ErrUnknownType, typeName, strings.Join(names, ", "))
	}
	if claims == nil {
		claims = map[string]any{}
	}
	// Round-trip through JSON so that any Go value (int, structs, time.Time)
	// is seen exactly as it would be serialized in the credential.
	b, err := json.Marshal(claims)
	if err != nil {
		return &ValidationError{Type: typeName, Fields: []FieldError{{RootPath, "cannot be encoded as JSON: " + strings.TrimPrefix(err.Error(), "json: ")}}}
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		return &ValidationError{Type: typeName, Fields: []FieldError{{RootPath, "cannot be decoded as JSON: " + err.Error()}}}
	}
	var fields []FieldError
	if err := ti.schema.Validate(inst); err != nil {
		var ve *jsonschema.ValidationError
		if !errors.As(err, &ve) {
			return fmt.Errorf("schemas: validating %s: %w", typeName, err)
		}
		fields = translate(ti, ve, fields)
	}
	obj, _ := inst.(map[string]any)
	for _, check := range goChecks[typeName] {
		fields = append(fields, check(obj, today(now()))...)
	}
	if len(fields) == 0 {
		return nil
	}
	return &ValidationError{Type: typeName, Fields: sortFields(fields)}
}

func sortFields(fs []FieldError) []FieldError {
	sort.Slice(fs, func(i, j int) bool {
		if fs[i].Path != fs[j].Path {
			return fs[i].Path < fs[j].Path
		}
		return fs[i].Message < fs[j].Message
	})
	out := fs[:0]
	for i, f := range fs {
		if i == 0 || f != fs[i-1] {
			out = append(out, f)
		}
	}
	return out
}

// translate turns a jsonschema error tree into plain-word field errors.
func translate(ti *typeInfo, e *jsonschema.ValidationError, out []FieldError) []FieldError {
	switch k := e.ErrorKind.(type) {
	case *kind.Schema, *kind.Group, *kind.AllOf, *kind.Reference:
		for _, c := range e.Causes {
			out = translate(ti, c, out)
		}
		return out
	case *kind.Required:
		for _, m := range k.Missing {
			out = append(out, FieldError{joinPath(e.InstanceLocation, m), override(ti, e, "is required")})
		}
		return out
	case *kind.AdditionalProperties:
		for _, p := range k.Properties {
			out = append(out, FieldError{joinPath(e.InstanceLocation, p), override(ti, e, "is not allowed")})
		}
		return out
	}
	return append(out, FieldError{joinPath(e.InstanceLocation), override(ti, e, message(e))})
}

// message is the plain-word text for one failed keyword.
func message(e *jsonschema.ValidationError) string {
	switch k := e.ErrorKind.(type) {
	case *kind.Type:
		return "must be " + typeWords(k.Want)
	case *kind.Enum:
		return "must be one of " + joinValues(k.Want)
	case *kind.Const:
		return "must be " + joinValues([]any{k.Want})
	case *kind.Format:
		if k.Want == "date" {
			return "must be a date like 1990-04-30"
		}
		return "must be a valid " + k.Want
	case *kind.MinLength:
		if k.Want == 1 {
			return "must not be empty"
		}
		return fmt.Sprintf("must be at least %d characters long", k.Want)
	case *kind.MaxLength:
		return fmt.Sprintf("must be at most %d characters long", k.Want)
	case *kind.Pattern:
		return "must match the pattern " + k.Want
	case *kind.FalseSchema, *kind.Not:
		return "is not allowed"
	case *kind.AnyOf, *kind.OneOf:
		var missing []string
		for _, c := range e.Causes {
			r, ok := c.ErrorKind.(*kind.Required)
			if !ok || len(r.Missing) != 1 {
				return "does not match any allowed form"
			}
			missing = append(missing, r.Missing[0])
		}
		return "must include at least one of " + strings.Join(missing, ", ")
	case *kind.MinProperties:
		return fmt.Sprintf("must have at least %d members", k.Want)
	case *kind.MaxProperties:
		return fmt.Sprintf("must have at most %d members", k.Want)
	}
	if kw := e.ErrorKind.KeywordPath(); len(kw) > 0 {
		return "is not valid (fails " + strings.Join(kw, "/") + ")"
	}
	return "is not valid"
}

func typeWords(want []string) string {
	words := map[string]string{
		"string": "text", "boolean": "true or false", "object": "an object",
		"array": "a list", "integer": "a whole number", "number": "a number", "null": "null",
	}
	var ws []string
	for _, w := range want {
		ws = append(ws, words[w])
	}
	return strings.Join(ws, " or ")
}

func joinValues(vs []any) string {
	var ss []string
	for _, v := range vs {
		if s, ok := v.(string); ok {
			ss = append(ss, s)
		} else {
			b, _ := json.Marshal(v)
			ss = append(ss, string(b))
		}
	}
	return strings.Join(ss, ", ")
}

// override returns the schema's own message for the failed keyword, if the
// schema at e.SchemaURL has one, else def. Messages live in the schemas in
// the "errorMessage" annotation (the convention of ajv-errors): a string
// replaces every message of that schema, an object maps a keyword to a
// message.
func override(ti *typeInfo, e *jsonschema.ValidationError, def string) string {
	node := schemaAt(ti, e.SchemaURL)
	if node == nil {
		return def
	}
	switch m := node["errorMessage"].(type) {
	case string:
		return m
	case map[string]any:
		if kw := e.ErrorKind.KeywordPath(); len(kw) > 0 {
			if s, ok := m[kw[0]].(string); ok {
				return s
			}
		}
	}
	return def
}

// schemaAt finds the raw schema object at an absolute schema location such
// as https://cityid.dev/schemas/X.json#/properties/program.
func schemaAt(ti *typeInfo, loc string) map[string]any {
	base, frag, _ := strings.Cut(loc, "#")
	doc := ti.doc
	if base != ti.typ.SchemaID {
		doc = nil
		for _, o := range loaded {
			if o.typ.SchemaID == base {
				doc = o.doc
			}
		}
	}
	if frag != "" {
		f, err := url.PathUnescape(frag)
		if err != nil {
			return nil
		}
		for _, tok := range strings.Split(strings.TrimPrefix(f, "/"), "/") {
			tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
			switch d := doc.(type) {
			case map[string]any:
				doc = d[tok]
			case []any:
				i, err := strconv.Atoi(tok)
				if err != nil || i < 0 || i >= len(d) {
					return nil
				}
				doc = d[i]
			default:
				return nil
			}
		}
	}
	m, _ := doc.(map[string]any)
	return m
}

// joinPath renders an instance location as a dotted path. Member names
// that are not plain identifiers are quoted, so that a path is never empty
// and never carries control characters.
func joinPath(loc []string, more ...string) string {
	toks := append(append([]string(nil), loc...), more...)
	if len(toks) == 0 {
		return RootPath
	}
	for i, t := range toks {
		switch {
		case len(t) > 64:
			toks[i] = strconv.Quote(t[:64]) + "..."
		case !plainName(t):
			toks[i] = strconv.Quote(t)
		}
	}
	return strings.Join(toks, ".")
}

func plainName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}
