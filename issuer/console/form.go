package console

import (
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/cityid/cityid/issuer"
	"github.com/cityid/cityid/schemas"
)

// Field kinds of a generated claim form.
const (
	kindText   = "text"
	kindDate   = "date"
	kindBool   = "bool"
	kindEnum   = "enum"
	kindObject = "object"
)

// claimPrefix starts the form name of every claim input: "c.residentOf",
// "c.address.postalCode". Other inputs of the issue form cannot collide.
const claimPrefix = "c."

// formField is one input (or, for an object claim, a fieldset) of the form
// generated for a credential type.
type formField struct {
	Path       string // claim path, e.g. "address.postalCode"
	Label      string
	Help       string
	Required   bool
	Kind       string
	Options    []string // kindEnum
	MaxLength  int      // 0: no limit stated
	Fields     []formField
	Value      string // the user's input, kept across a failed submit
	Checked    bool   // kindBool
	Error      string
	GroupError string // an error about an object claim as a whole
}

// Name is the form input name.
func (f formField) Name() string { return claimPrefix + f.Path }

// ID is the HTML id of the input (also the error summary's link target).
func (f formField) ID() string { return fieldID(claimPrefix + f.Path) }

// fieldID turns a form name into an HTML id: "c.address.unit" →
// "f-c-address-unit". Characters other than letters, digits, "_" and "-"
// become "-".
func fieldID(name string) string {
	return "f-" + strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' {
			return r
		}
		return '-'
	}, name)
}

// propSchema is the part of a JSON Schema property the form generator reads.
type propSchema struct {
	Ref        string                `json:"$ref"`
	Type       string                `json:"type"`
	Format     string                `json:"format"`
	Enum       []any                 `json:"enum"`
	MaxLength  int                   `json:"maxLength"`
	Properties map[string]propSchema `json:"properties"`
}

type typeSchema struct {
	Properties map[string]propSchema `json:"properties"`
	Defs       map[string]propSchema `json:"$defs"`
}

// resolve merges a local "#/$defs/x" reference into p (p's own keywords win).
func (ts typeSchema) resolve(p propSchema) propSchema {
	name, ok := strings.CutPrefix(p.Ref, "#/$defs/")
	if !ok {
		return p
	}
	d := ts.Defs[name]
	if p.Type == "" {
		p.Type = d.Type
	}
	if p.Format == "" {
		p.Format = d.Format
	}
	if p.Enum == nil {
		p.Enum = d.Enum
	}
	if p.MaxLength == 0 {
		p.MaxLength = d.MaxLength
	}
	if p.Properties == nil {
		p.Properties = d.Properties
	}
	return p
}

// typeForm builds the empty form of the credential type called name, in the
// schema's claim order, from schemas.Lookup and the type's JSON Schema.
func typeForm(name string) (schemas.Type, []formField, error) {
	t, ok := schemas.Lookup(name)
	if !ok {
		return schemas.Type{}, nil, &issuer.Error{Code: issuer.CodeUnknownType, Status: 404,
			Message: fmt.Sprintf("%q is not one of the city's credential types", name)}
	}
	raw, _ := schemas.Schema(name)
	var ts typeSchema
	if err := json.Unmarshal(raw, &ts); err != nil {
		return schemas.Type{}, nil, fmt.Errorf("console: schema of %s: %w", name, err)
	}
	return t, buildFields(ts, "", t.Claims, ts.Properties), nil
}

func buildFields(ts typeSchema, prefix string, claims []schemas.Claim, props map[string]propSchema) []formField {
	out := make([]formField, 0, len(claims))
	for _, c := range claims {
		p := ts.resolve(props[c.Name])
		f := formField{
			Path: prefix + c.Name, Label: c.Title, Help: c.Description,
			Required: c.Required, MaxLength: p.MaxLength, Kind: kindText,
		}
		switch {
		case len(c.Fields) > 0 || p.Type == "object":
			f.Kind = kindObject
			f.Fields = buildFields(ts, f.Path+".", c.Fields, p.Properties)
		case p.Type == "boolean":
			f.Kind = kindBool
		case p.Format == "date":
			f.Kind = kindDate
		case len(p.Enum) > 0:
			f.Kind = kindEnum
			for _, v := range p.Enum {
				f.Options = append(f.Options, fmt.Sprint(v))
			}
		}
		out = append(out, f)
	}
	return out
}

// fillForm copies the submitted values into fields (so a failed submit keeps
// the user's input) and returns the claims they make:
//   - an empty text, date or choice is left out (the schema says whether it
//     was required);
//   - a checkbox is true when checked and false otherwise (every boolean claim
//     is on the form, so an unchecked box means "no");
//   - an object claim is left out when all its inputs are empty.
//
// Inputs that are not claims of the type are ignored.
func fillForm(fields []formField, values url.Values) map[string]any {
	claims := map[string]any{}
	for i := range fields {
		f := &fields[i]
		switch f.Kind {
		case kindObject:
			sub := fillForm(f.Fields, values)
			if len(sub) > 0 {
				claims[lastSegment(f.Path)] = sub
			}
		case kindBool:
			f.Checked = values.Get(f.Name()) == "true"
			claims[lastSegment(f.Path)] = f.Checked
		default:
			f.Value = values.Get(f.Name())
			if f.Value != "" {
				claims[lastSegment(f.Path)] = f.Value
			}
		}
	}
	return claims
}

func lastSegment(path string) string {
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		return path[i+1:]
	}
	return path
}

// fieldProblem is one entry of a form's error summary.
type fieldProblem struct {
	ID      string // the HTML id to link to; "" for a problem with no input
	Label   string
	Message string
}

// markErrors attaches the claim errors of e to their inputs and returns the
// error summary. Paths that name no input (for example "credentialSubject",
// a rule about the claims together) are listed in the summary only.
func markErrors(fields []formField, e []issuer.FieldError) []fieldProblem {
	var out []fieldProblem
	for _, fe := range e {
		if f := findField(fields, fe.Path); f != nil {
			if f.Kind == kindObject {
				f.GroupError = joinMsg(f.GroupError, fe.Message)
				id := f.ID()
				if len(f.Fields) > 0 {
					id = f.Fields[0].ID()
				}
				out = append(out, fieldProblem{ID: id, Label: f.Label, Message: fe.Message})
				continue
			}
			f.Error = joinMsg(f.Error, fe.Message)
			out = append(out, fieldProblem{ID: f.ID(), Label: fullLabel(fields, fe.Path), Message: fe.Message})
			continue
		}
		label := fe.Path
		if fe.Path == schemas.RootPath {
			label = "Claims"
		}
		out = append(out, fieldProblem{Label: label, Message: fe.Message})
	}
	return out
}

// fullLabel names a claim input for the error summary, with the label of the
// object it belongs to: "Address, Postal code".
func fullLabel(fields []formField, path string) string {
	var labels []string
	for {
		f := findField(fields, path)
		if f == nil {
			break
		}
		labels = append([]string{f.Label}, labels...)
		i := strings.LastIndexByte(path, '.')
		if i < 0 {
			break
		}
		path = path[:i]
	}
	return strings.Join(labels, ", ")
}

// inFormOrder sorts an error summary in the order of the inputs on the
// page (problems naming no input first), so it reads like the form.
func inFormOrder(problems []fieldProblem, ids []string) {
	pos := map[string]int{}
	for i, id := range ids {
		pos[id] = i + 1
	}
	sort.SliceStable(problems, func(i, j int) bool { return pos[problems[i].ID] < pos[problems[j].ID] })
}

// fieldIDs lists the HTML ids of the claim inputs in page order.
func fieldIDs(fields []formField) []string {
	var ids []string
	for _, f := range fields {
		if f.Kind == kindObject {
			ids = append(ids, fieldIDs(f.Fields)...)
			continue
		}
		ids = append(ids, f.ID())
	}
	return ids
}

func joinMsg(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

func findField(fields []formField, path string) *formField {
	for i := range fields {
		f := &fields[i]
		if f.Path == path {
			return f
		}
		if f.Kind == kindObject && strings.HasPrefix(path, f.Path+".") {
			if sub := findField(f.Fields, path); sub != nil {
				return sub
			}
		}
	}
	return nil
}
