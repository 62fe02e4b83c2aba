package did

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxLength is the longest DID or DID URL accepted by [Parse] and
// [ParseURL], in bytes. DID Core sets no limit; this cap bounds the work an
// attacker can cause.
const MaxLength = 2048

// DID is a parsed decentralized identifier: did:<Method>:<ID>.
type DID struct {
	// Method is the DID method name, e.g. "key" or "web".
	Method string
	// ID is the method-specific identifier exactly as written, with any
	// percent-encoding kept (e.g. "example.com%3A8443:users:alice").
	ID string
}

// String returns the DID in its textual form. For a DID obtained from
// [Parse], String returns the parsed input unchanged.
func (d DID) String() string { return "did:" + d.Method + ":" + d.ID }

// URL is a parsed DID URL: a DID followed by an optional path, query and
// fragment, e.g. did:key:z6Mk...#z6Mk....
//
// An empty query ("did:ex:1?") or empty fragment ("did:ex:1#") is rejected
// by [ParseURL] rather than treated as absent, so that every accepted DID
// URL has exactly one textual form.
type URL struct {
	DID DID
	// Path is empty or starts with "/".
	Path string
	// Query is the query without the leading "?"; empty when absent.
	Query string
	// Fragment is the fragment without the leading "#"; empty when absent.
	Fragment string
}

// String returns the DID URL in its textual form. For a URL obtained from
// [ParseURL], String returns the parsed input unchanged.
func (u URL) String() string {
	var b strings.Builder
	b.WriteString(u.DID.String())
	b.WriteString(u.Path)
	if u.Query != "" {
		b.WriteByte('?')
		b.WriteString(u.Query)
	}
	if u.Fragment != "" {
		b.WriteByte('#')
		b.WriteString(u.Fragment)
	}
	return b.String()
}

// Parse parses a DID following the DID Core ABNF:
//
//	did                = "did:" method-name ":" method-specific-id
//	method-name        = 1*method-char
//	method-char        = %x61-7A / DIGIT
//	method-specific-id = *( *idchar ":" ) 1*idchar
//	idchar             = ALPHA / DIGIT / "." / "-" / "_" / pct-encoded
//	pct-encoded        = "%" HEXDIG HEXDIG
//
// The scheme must be written in lowercase, as DID Core requires. A DID URL
// (with path, query or fragment) is rejected; use [ParseURL] for those.
// Errors are [*SyntaxError] values wrapping [ErrInvalidDID].
func Parse(s string) (DID, error) {
	d, _, err := parseDID(s, false)
	if err != nil {
		return DID{}, err
	}
	return d, nil
}

// ParseURL parses a DID URL following the DID Core ABNF:
//
//	did-url = did path-abempty [ "?" query ] [ "#" fragment ]
//
// where path-abempty, query and fragment are as in RFC 3986. A plain DID is
// a valid DID URL. Errors are [*SyntaxError] values wrapping [ErrInvalidDID].
func ParseURL(s string) (URL, error) {
	d, i, err := parseDID(s, true)
	if err != nil {
		return URL{}, err
	}
	u := URL{DID: d}
	start := i
	for i < len(s) && s[i] != '?' && s[i] != '#' {
		i++
	}
	if err := check(s, start, i, isPathChar, "path", true); err != nil {
		return URL{}, err
	}
	u.Path = s[start:i]
	if i < len(s) && s[i] == '?' {
		start = i + 1
		i = start
		for i < len(s) && s[i] != '#' {
			i++
		}
		if i == start {
			return URL{}, syntaxErr(s, start-1, true, "empty query")
		}
		if err := check(s, start, i, isQueryChar, "query", true); err != nil {
			return URL{}, err
		}
		u.Query = s[start:i]
	}
	if i < len(s) && s[i] == '#' {
		start = i + 1
		if start == len(s) {
			return URL{}, syntaxErr(s, i, true, "empty fragment")
		}
		if err := check(s, start, len(s), isQueryChar, "fragment", true); err != nil {
			return URL{}, err
		}
		u.Fragment = s[start:]
	}
	return u, nil
}

// parseDID parses the DID at the start of s and returns the offset just past
// it. The DID ends at the end of s or, when isURL, at the first '/', '?' or
// '#'.
func parseDID(s string, isURL bool) (DID, int, error) {
	if s == "" {
		return DID{}, 0, syntaxErr(s, -1, isURL, "empty string")
	}
	if len(s) > MaxLength {
		e := syntaxErr(s, -1, isURL, "longer than %d bytes", MaxLength)
		e.tooLong = true
		return DID{}, 0, e
	}
	if !strings.HasPrefix(s, "did:") {
		for i := 0; i < len(s) && i < 4; i++ {
			if s[i] != "did:"[i] {
				return DID{}, 0, syntaxErr(s, i, isURL, "does not start with \"did:\": %s", describe(s, i))
			}
		}
		return DID{}, 0, syntaxErr(s, -1, isURL, "does not start with \"did:\"")
	}
	i := 4
	for i < len(s) && s[i] != ':' {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9') {
			return DID{}, 0, syntaxErr(s, i, isURL, "bad method name: %s (only a-z and 0-9 are allowed)", describe(s, i))
		}
		i++
	}
	if i == 4 {
		return DID{}, 0, syntaxErr(s, i, isURL, "empty method name")
	}
	if i == len(s) {
		return DID{}, 0, syntaxErr(s, -1, isURL, "missing \":\" and method-specific identifier after method name")
	}
	method := s[4:i]
	i++ // ':'
	start := i
	end := len(s)
	if isURL {
		if j := strings.IndexAny(s[start:], "/?#"); j >= 0 {
			end = start + j
		}
	}
	if end == start {
		return DID{}, 0, syntaxErr(s, start, isURL, "empty method-specific identifier")
	}
	if err := check(s, start, end, func(c byte) bool { return c == ':' || isIDChar(c) }, "method-specific identifier", isURL); err != nil {
		if se := err; !isURL && strings.IndexByte("/?#", s[se.Pos]) >= 0 {
			se.Reason = describe(s, se.Pos) + " is not allowed in a DID (DID URLs need ParseURL)"
		}
		return DID{}, 0, err
	}
	if s[end-1] == ':' {
		return DID{}, 0, syntaxErr(s, end-1, isURL, "method-specific identifier ends with \":\"")
	}
	return DID{Method: method, ID: s[start:end]}, end, nil
}

// check verifies that s[start:end] holds only bytes allowed by ok and valid
// percent-encodings.
func check(s string, start, end int, ok func(byte) bool, part string, isURL bool) *SyntaxError {
	for i := start; i < end; i++ {
		c := s[i]
		if c == '%' {
			if i+2 >= end || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return syntaxErr(s, i, isURL, "bad percent-encoding in %s (want %%XX with hex digits)", part)
			}
			i += 2
			continue
		}
		if !ok(c) {
			return syntaxErr(s, i, isURL, "%s is not allowed in the %s", describe(s, i), part)
		}
	}
	return nil
}

// describe names the character at s[i] for an error message.
func describe(s string, i int) string {
	r, _ := utf8.DecodeRuneInString(s[i:])
	if r == utf8.RuneError {
		return fmt.Sprintf("byte 0x%02x", s[i])
	}
	return fmt.Sprintf("character %q", r)
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// isIDChar reports an idchar other than pct-encoded.
func isIDChar(c byte) bool { return isAlnum(c) || c == '.' || c == '-' || c == '_' }

// isPChar reports an RFC 3986 pchar other than pct-encoded:
// unreserved / sub-delims / ":" / "@".
func isPChar(c byte) bool {
	if isAlnum(c) {
		return true
	}
	switch c {
	case '-', '.', '_', '~', '!', '$', '&', '\'', '(', ')', '*', '+', ',', ';', '=', ':', '@':
		return true
	}
	return false
}

func isPathChar(c byte) bool  { return c == '/' || isPChar(c) }
func isQueryChar(c byte) bool { return c == '/' || c == '?' || isPChar(c) }
