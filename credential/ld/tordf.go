package ld

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gowebpki/jcs"
	jsonld "github.com/piprate/json-gold/ld"
)

// toRDF is the JSON-LD 1.1 "Deserialize JSON-LD to RDF" algorithm over
// json-gold's node map, made strict: where the algorithm says to skip a
// statement (a relative IRI, a blank node predicate, an ill-formed language
// tag) it returns an error instead, because whatever is skipped would not be
// signed. json-gold's own conversion also skips http(s) IRIs that fail its URL
// regular expression, which jsonld.js keeps; this one follows the standard.
func toRDF(expanded []any) ([]rdfQuad, error) {
	nodeMap := map[string]any{"@default": map[string]any{}}
	if _, err := api.GenerateNodeMap(expanded, nodeMap, "@default", jsonld.NewIdentifierIssuer("_:b"), "", "", nil); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidJSONLD, err)
	}
	c := &rdfConverter{}
	for graphName, g := range nodeMap {
		graph, _ := g.(map[string]any)
		var gt rdfTerm
		if graphName != "@default" {
			t, err := nodeTerm(graphName)
			if err != nil {
				return nil, &ValueError{Where: "graph name", Reason: err.Error()}
			}
			gt = t
		}
		for subject, n := range graph {
			node, _ := n.(map[string]any)
			st, err := nodeTerm(subject)
			if err != nil {
				return nil, &ValueError{Where: "node identifier", Reason: err.Error()}
			}
			for property, vals := range node {
				values, _ := vals.([]any)
				if property == "@type" {
					for _, v := range values {
						s, _ := v.(string)
						tt, err := typeTerm(s)
						if err != nil {
							return nil, err
						}
						c.quads = append(c.quads, rdfQuad{st, rdfTerm{kind: kindIRI, value: jsonld.RDFType}, tt, gt})
					}
					continue
				}
				if jsonld.IsKeyword(property) {
					continue
				}
				if strings.HasPrefix(property, blankPrefix) {
					return nil, &ValueError{Where: subject, Reason: fmt.Sprintf("property %q is a blank node, which RDF does not allow as a predicate", property)}
				}
				if !wellFormedIRI(property) {
					return nil, &ValueError{Where: subject, Reason: fmt.Sprintf("property %q is not an absolute IRI and would be dropped", property)}
				}
				pt := rdfTerm{kind: kindIRI, value: property}
				for _, item := range values {
					ot, err := c.object(item, gt, property)
					if err != nil {
						return nil, err
					}
					c.quads = append(c.quads, rdfQuad{st, pt, ot, gt})
				}
			}
		}
	}
	return c.quads, nil
}

type rdfConverter struct {
	quads []rdfQuad
	lists int
}

// wellFormedIRI is the absolute-IRI test jsonld.js applies (a scheme, a
// colon, no whitespace), also refusing the characters IRIREF cannot carry.
func wellFormedIRI(s string) bool {
	colon := strings.IndexByte(s, ':')
	if colon < 1 || !isAlpha(s[0]) {
		return false
	}
	for i := 1; i < colon; i++ {
		if c := s[i]; !isAlpha(c) && !('0' <= c && c <= '9') && c != '+' && c != '-' && c != '.' {
			return false
		}
	}
	for i := colon + 1; i < len(s); i++ {
		c := s[i]
		if c <= 0x20 || iriForbiddenByte[c] {
			return false
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError || unicode.IsSpace(r) || r == 0xFEFF {
				return false
			}
			i += size - 1
		}
	}
	return true
}

const iriForbidden = "<>\"{}|^`\\\x7f"

// iriForbiddenByte[c] reports whether iriForbidden holds c.
var iriForbiddenByte = func() (t [256]bool) {
	for i := 0; i < len(iriForbidden); i++ {
		t[iriForbidden[i]] = true
	}
	return t
}()

func isAlpha(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// nodeTerm converts a node identifier (an IRI or a blank node identifier).
func nodeTerm(id string) (rdfTerm, error) {
	if strings.HasPrefix(id, blankPrefix) {
		return rdfTerm{kind: kindBlank, value: id[len(blankPrefix):]}, nil
	}
	if !wellFormedIRI(id) {
		if !strings.Contains(id, ":") {
			return rdfTerm{}, fmt.Errorf("relative IRI %q has no meaning without a base IRI and would be dropped", id)
		}
		return rdfTerm{}, fmt.Errorf("%q is not a well-formed IRI and would be dropped", id)
	}
	return rdfTerm{kind: kindIRI, value: id}, nil
}

// typeTerm converts a value of @type. Without @vocab an undefined type term
// stays as written, so a relative value names the undefined term.
func typeTerm(s string) (rdfTerm, error) {
	t, err := nodeTerm(s)
	if err != nil {
		if !strings.ContainsAny(s, ":/#?") {
			return rdfTerm{}, &TermError{Term: s, Kind: "type"}
		}
		return rdfTerm{}, &ValueError{Where: "@type", Reason: err.Error()}
	}
	return t, nil
}

// object is "Object to RDF conversion", with list conversion inline.
func (c *rdfConverter) object(item any, g rdfTerm, property string) (rdfTerm, error) {
	m, ok := item.(map[string]any)
	if !ok {
		return rdfTerm{}, &ValueError{Where: property, Reason: fmt.Sprintf("unexpected value %T in the node map", item)}
	}
	if v, ok := m["@value"]; ok {
		return valueTerm(m, v, property)
	}
	if l, ok := m["@list"]; ok {
		items, _ := l.([]any)
		return c.list(items, g, property)
	}
	id, _ := m["@id"].(string)
	t, err := nodeTerm(id)
	if err != nil {
		return rdfTerm{}, &ValueError{Where: property, Reason: err.Error()}
	}
	return t, nil
}

func (c *rdfConverter) list(items []any, g rdfTerm, property string) (rdfTerm, error) {
	nilTerm := rdfTerm{kind: kindIRI, value: jsonld.RDFNil}
	if len(items) == 0 {
		return nilTerm, nil
	}
	first := rdfTerm{kind: kindIRI, value: jsonld.RDFFirst}
	rest := rdfTerm{kind: kindIRI, value: jsonld.RDFRest}
	head := c.newListNode()
	node := head
	for i, item := range items {
		ot, err := c.object(item, g, property)
		if err != nil {
			return rdfTerm{}, err
		}
		c.quads = append(c.quads, rdfQuad{node, first, ot, g})
		next := nilTerm
		if i < len(items)-1 {
			next = c.newListNode()
		}
		c.quads = append(c.quads, rdfQuad{node, rest, next, g})
		node = next
	}
	return head, nil
}

// newListNode issues a blank node for a list cell. The node map labels every
// other blank node _:bN, so the l prefix cannot collide.
func (c *rdfConverter) newListNode() rdfTerm {
	t := rdfTerm{kind: kindBlank, value: "l" + strconv.Itoa(c.lists)}
	c.lists++
	return t
}

// i18nBase is the namespace of the i18n-datatype rdfDirection mode, which
// Digital Bazaar's eddsa-rdfc-2022 and ecdsa-rdfc-2019 suites use.
const i18nBase = "https://www.w3.org/ns/i18n#"

// validLanguage is the BCP 47 shape jsonld.js checks (its safe mode rejects
// anything else).
var validLanguage = regexp.MustCompile(`^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$`)

// valueTerm converts a value object to a literal.
func valueTerm(m map[string]any, value any, property string) (rdfTerm, error) {
	datatype, _ := m["@type"].(string)
	if _, ok := m["@type"]; ok && datatype != "@json" {
		if !wellFormedIRI(datatype) {
			if !strings.ContainsAny(datatype, ":/#?") {
				return rdfTerm{}, &TermError{Term: datatype, Kind: "datatype"}
			}
			return rdfTerm{}, &ValueError{Where: property, Reason: fmt.Sprintf("datatype %q is not an absolute IRI", datatype)}
		}
	}
	lang, hasLang := m["@language"].(string)
	if _, ok := m["@language"]; ok && (!hasLang || !validLanguage.MatchString(lang)) {
		return rdfTerm{}, &ValueError{Where: property, Reason: fmt.Sprintf("language tag %v is not well-formed", m["@language"])}
	}
	if dir, ok := m["@direction"]; ok {
		// rdfDirection "i18n-datatype": the language and the base direction
		// move into the datatype.
		s, isString := value.(string)
		d, _ := dir.(string)
		if !isString || (d != "ltr" && d != "rtl") {
			return rdfTerm{}, &ValueError{Where: property, Reason: fmt.Sprintf("@direction %v on a non-string value or not ltr/rtl", dir)}
		}
		return rdfTerm{kind: kindLiteral, value: s, datatype: i18nBase + strings.ToLower(lang) + "_" + d}, nil
	}
	if _, isString := value.(string); isString && datatype == jsonld.XSDDouble {
		return rdfTerm{}, &ValueError{Where: property, Reason: "an xsd:double given as a string: JSON-LD processors disagree on its canonical form; use a JSON number"}
	}
	lit := rdfTerm{kind: kindLiteral, datatype: datatype}
	if datatype == "@json" {
		b, err := json.Marshal(value)
		if err == nil {
			b, err = jcs.Transform(b)
		}
		if err != nil {
			return rdfTerm{}, &ValueError{Where: property, Reason: "JSON literal cannot be canonicalized: " + err.Error()}
		}
		lit.value, lit.datatype = string(b), jsonld.RDFJSONLiteral
		return lit, nil
	}
	switch v := value.(type) {
	case bool:
		lit.value = strconv.FormatBool(v)
		if lit.datatype == "" {
			lit.datatype = jsonld.XSDBoolean
		}
	case float64, json.Number:
		f, _ := v.(float64)
		if n, isNumber := v.(json.Number); isNumber {
			var err error
			if f, err = n.Float64(); err != nil {
				return rdfTerm{}, &ValueError{Where: property, Reason: fmt.Sprintf("number %s is out of range", n)}
			}
		}
		// jsonld.js decides "double or integer" from JavaScript's String(x),
		// which writes 1e-7 without a decimal point, so it signs such a
		// number as the integer 0. The standard says xsd:double; refuse
		// rather than sign what the reference implementation reads otherwise.
		if f != 0 && math.Abs(f) < 1e-6 {
			return rdfTerm{}, &ValueError{Where: property, Reason: fmt.Sprintf("number %v is smaller than 1e-6: JSON-LD processors disagree on its canonical form; use a string", v)}
		}
		lit.value, lit.datatype = numberLexical(f, lit.datatype)
	case string:
		lit.value = v
		switch {
		case hasLang:
			lit.datatype, lit.language = rdfLangStr, lang
		case lit.datatype == "":
			lit.datatype = xsdString
		}
	default:
		return rdfTerm{}, &ValueError{Where: property, Reason: fmt.Sprintf("unexpected @value of type %T", value)}
	}
	return lit, nil
}

// numberLexical is the canonical lexical form JSON-LD gives a number: an
// xsd:integer unless it has a fractional part, is at least 10^21 in magnitude
// or is typed xsd:double.
func numberLexical(f float64, datatype string) (value, dt string) {
	if f != math.Trunc(f) || math.Abs(f) >= 1e21 || datatype == jsonld.XSDDouble {
		if datatype == "" {
			datatype = jsonld.XSDDouble
		}
		return jsonld.GetCanonicalDouble(f), datatype
	}
	if datatype == "" {
		datatype = jsonld.XSDInteger
	}
	if f == 0 {
		return "0", datatype // no "-0"
	}
	// The exact decimal value, as JavaScript's toFixed(0) writes it.
	return strconv.FormatFloat(f, 'f', 0, 64), datatype
}
