package ld

import (
	"strings"
	"unicode/utf8"
)

// termKind tells the RDF term kinds apart.
type termKind uint8

const (
	kindNone    termKind = iota // the default graph
	kindIRI                     // an IRI
	kindBlank                   // a blank node
	kindLiteral                 // a literal
)

// rdfTerm is one RDF term. For a literal, datatype is always set and
// language is set only for rdf:langString.
type rdfTerm struct {
	kind     termKind
	value    string
	datatype string
	language string
}

// rdfQuad is one statement. Graph has kindNone in the default graph.
type rdfQuad struct {
	s, p, o, g rdfTerm
}

const (
	xsdString   = "http://www.w3.org/2001/XMLSchema#string"
	rdfLangStr  = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
	blankPrefix = "_:"
)

// labeler maps a blank node identifier to the label written for it.
type labeler func(id string) string

// appendQuad appends q in canonical N-Quads form (RDFC-1.0 section 4.3,
// "canonical n-quads form"), newline included.
func appendQuad(b []byte, q *rdfQuad, label labeler) []byte {
	b = appendTerm(b, &q.s, label)
	b = append(b, ' ')
	b = appendTerm(b, &q.p, label)
	b = append(b, ' ')
	b = appendTerm(b, &q.o, label)
	if q.g.kind != kindNone {
		b = append(b, ' ')
		b = appendTerm(b, &q.g, label)
	}
	return append(b, " .\n"...)
}

func appendTerm(b []byte, t *rdfTerm, label labeler) []byte {
	switch t.kind {
	case kindIRI:
		b = append(b, '<')
		b = append(b, t.value...)
		return append(b, '>')
	case kindBlank:
		b = append(b, blankPrefix...)
		return append(b, label(t.value)...)
	case kindLiteral:
		b = append(b, '"')
		b = appendEscapedLiteral(b, t.value)
		b = append(b, '"')
		switch {
		case t.datatype == rdfLangStr:
			b = append(b, '@')
			b = append(b, t.language...)
		case t.datatype != xsdString:
			b = append(b, "^^<"...)
			b = append(b, t.datatype...)
			b = append(b, '>')
		}
	}
	return b
}

const hexDigits = "0123456789ABCDEF"

// appendEscapedLiteral writes s as the inside of a canonical
// STRING_LITERAL_QUOTE: BS, HT, LF, FF, CR, '"' and '\' as ECHAR; the other
// C0 controls and DEL as UCHAR \u00XX; everything else as itself. Canonicalize
// rejects U+FFFE and U+FFFF beforehand (see checkString), so the rule for
// characters outside the XML 1.1 Char production never applies.
func appendEscapedLiteral(b []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c != 0x7f {
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '\b':
			b = append(b, `\b`...)
		case '\t':
			b = append(b, `\t`...)
		case '\n':
			b = append(b, `\n`...)
		case '\f':
			b = append(b, `\f`...)
		case '\r':
			b = append(b, `\r`...)
		case '"':
			b = append(b, `\"`...)
		case '\\':
			b = append(b, `\\`...)
		default:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		start = i + 1
	}
	return append(b, s[start:]...)
}

// checkString reports why s cannot be carried into canonical N-Quads
// unambiguously, or "" when it can.
func checkString(s string) string {
	if !utf8.ValidString(s) {
		return "not valid UTF-8"
	}
	if strings.ContainsRune(s, 0xFFFE) || strings.ContainsRune(s, 0xFFFF) {
		return "contains the noncharacter U+FFFE or U+FFFF, which canonical N-Quads implementations disagree on"
	}
	return ""
}
