package paper

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cityid/cityid/schemas"
)

// Lang is the language a paper credential is printed in: the resident's.
type Lang string

// The languages a paper credential can be printed in.
const (
	English Lang = "en"
	Spanish Lang = "es"
)

// Langs lists the supported languages.
var Langs = []Lang{English, Spanish}

// ParseLang reads a language code ("en", "es"; case-insensitive, a region
// such as "es-MX" is ignored).
func ParseLang(s string) (Lang, error) {
	base, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(s)), "-")
	for _, l := range Langs {
		if string(l) == base {
			return l, nil
		}
	}
	return "", fmt.Errorf("unknown language %q: use en (English) or es (Spanish)", s)
}

// words are the fixed texts of the page, by language.
type words struct {
	language      string // the language's own name
	paper         string // the kind of document
	languageLabel string
	validFrom     string
	validUntil    string
	noExpiry      string
	issuedBy      string
	credentialID  string
	printedOn     string
	scan          string
	noBinding     string // the counter's warning, in large type
	noBindingMore string
	yes, no       string
	months        [12]string
	dateFormat    func(d int, month string, y int) string
	// tag is the BCP 47 tag the schemas' titles (and the titles of
	// enumerated values) are looked up in (schemas.LookupIn).
	tag string
}

var dictionary = map[Lang]*words{
	English: {
		tag: "en", language: "English", paper: "Paper credential", languageLabel: "Language",
		validFrom: "Valid from", validUntil: "Valid until", noExpiry: "no end date",
		issuedBy: "Issued by", credentialID: "Credential id", printedOn: "Printed on",
		scan:          "Scan the code at any city counter or kiosk. It is checked offline.",
		noBinding:     "No holder binding: compare the name with the person",
		noBindingMore: "This paper proves what the city issued, not who is holding it. Check the person's name against another document.",
		yes:           "Yes", no: "No",
		months: [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
		dateFormat: func(d int, m string, y int) string {
			return strconv.Itoa(d) + " " + m + " " + strconv.Itoa(y)
		},
	},
	Spanish: {
		tag: "es", language: "español", paper: "Credencial en papel", languageLabel: "Idioma",
		validFrom: "Válida desde", validUntil: "Válida hasta", noExpiry: "sin fecha de fin",
		issuedBy: "Emitida por", credentialID: "Identificador de la credencial", printedOn: "Impresa el",
		scan:          "Escanee el código en cualquier ventanilla o quiosco de la ciudad. Se comprueba sin conexión.",
		noBinding:     "Sin vínculo con el titular: compare el nombre con la persona",
		noBindingMore: "Este papel prueba lo que emitió la ciudad, no quién lo lleva. Compare el nombre de la persona con otro documento.",
		yes:           "Sí", no: "No",
		months: [12]string{"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"},
		dateFormat: func(d int, m string, y int) string {
			return strconv.Itoa(d) + " de " + m + " de " + strconv.Itoa(y)
		},
	},
}

// date writes t's day in the language, e.g. "14 March 1987".
func (w *words) date(t time.Time) string {
	return w.dateFormat(t.Day(), w.months[t.Month()-1], t.Year())
}

// typeTitle is the credential type's title.
func (w *words) typeTitle(name string) string {
	if t, ok := schemas.LookupIn(name, w.tag); ok {
		return t.Title
	}
	return strings.TrimSuffix(name, "Credential")
}

// line is one printed claim.
type line struct {
	label, value string
}

// claimLines labels and formats the claims in the schema's order; claims
// the schema does not know follow, sorted.
func (w *words) claimLines(typeName string, claims map[string]any) []line {
	t, _ := schemas.LookupIn(typeName, w.tag)
	var out []line
	for _, h := range schemas.Order(t.Claims, claims) {
		if h.Def == nil {
			out = append(out, line{h.Name, w.value(h.Value, nil)})
			continue
		}
		out = append(out, line{h.Def.Title, w.claimValue(*h.Def, h.Value)})
	}
	return out
}

// claimValue writes the value of claim c: the title of an enumerated value
// (schemas' translations), else as value does.
func (w *words) claimValue(c schemas.Claim, v any) string {
	if s, ok := v.(string); ok {
		if title, ok := c.ValueTitles[s]; ok {
			return title
		}
	}
	return w.value(v, c.Fields)
}

// value writes a claim value: Yes/No, dates in words, enumerations
// translated, an object's members in schema order.
func (w *words) value(v any, fields []schemas.Claim) string {
	switch x := v.(type) {
	case nil:
		return "—"
	case bool:
		if x {
			return w.yes
		}
		return w.no
	case string:
		if len(x) == len(time.DateOnly) {
			if t, err := time.Parse(time.DateOnly, x); err == nil {
				return w.date(t)
			}
		}
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case []any:
		parts := make([]string, 0, len(x))
		for _, e := range x {
			parts = append(parts, w.value(e, nil))
		}
		return strings.Join(parts, ", ")
	case map[string]any:
		var parts []string
		for _, h := range schemas.Order(fields, x) {
			if h.Def == nil {
				parts = append(parts, w.value(h.Value, nil))
			} else {
				parts = append(parts, w.claimValue(*h.Def, h.Value))
			}
		}
		return strings.Join(parts, ", ")
	}
	return fmt.Sprint(v)
}
