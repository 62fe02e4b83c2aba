package did

import (
	"errors"
	"strings"
	"testing"
)

func TestParseValid(t *testing.T) {
	for _, tc := range []struct {
		in, method, id string
	}{
		{"did:example:123456789abcdefghi", "example", "123456789abcdefghi"},
		{"did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp", "key", "z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"},
		{"did:web:city.example%3A8443:users:alice", "web", "city.example%3A8443:users:alice"},
		{"did:web:w3c-ccg.github.io", "web", "w3c-ccg.github.io"},
		{"did:ex2:a::b", "ex2", "a::b"}, // empty segments are allowed by the ABNF
		{"did:ex:%41_.-", "ex", "%41_.-"},
		{"did:0:x", "0", "x"},
	} {
		d, err := Parse(tc.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.in, err)
			continue
		}
		if d.Method != tc.method || d.ID != tc.id || d.String() != tc.in {
			t.Errorf("Parse(%q) = %+v (String %q)", tc.in, d, d.String())
		}
	}
}

func TestParseInvalid(t *testing.T) {
	for _, tc := range []struct {
		in     string
		pos    int
		reason string
	}{
		{"", -1, "empty"},
		{"did", -1, "does not start"},
		{"DID:key:z", 0, "does not start"},
		{"dix:key:z", 2, "does not start"},
		{"did::z", 4, "empty method name"},
		{"did:Key:z", 4, "bad method name"},
		{"did:k-y:z", 5, "bad method name"},
		{"did:key", -1, "missing"},
		{"did:key:", 8, "empty method-specific identifier"},
		{"did:key:abc:", 11, "ends with"},
		{"did:key:a b", 9, "not allowed"},
		{"did:key:ab\x00", 10, `'\x00'`},
		{"did:key:ab\xff", 10, "byte 0xff"},
		{"did:key:é", 8, "'é'"},
		{"did:key:a%4", 9, "percent-encoding"},
		{"did:key:a%zz", 9, "percent-encoding"},
		{"did:key:a#frag", 9, "ParseURL"},
		{"did:key:a/path", 9, "ParseURL"},
		{"did:key:a?q", 9, "ParseURL"},
		{"did:key:" + strings.Repeat("a", MaxLength), -1, "longer than"},
	} {
		_, err := Parse(tc.in)
		var se *SyntaxError
		if !errors.As(err, &se) || !errors.Is(err, ErrInvalidDID) {
			t.Errorf("Parse(%.20q) error = %v, want *SyntaxError wrapping ErrInvalidDID", tc.in, err)
			continue
		}
		if se.Pos != tc.pos || !strings.Contains(se.Error(), tc.reason) {
			t.Errorf("Parse(%.20q) = %q at %d; want %q at %d", tc.in, se.Error(), se.Pos, tc.reason, tc.pos)
		}
	}
	if _, err := Parse("did:key:" + strings.Repeat("a", MaxLength)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("oversize DID error %v does not match ErrTooLarge", err)
	}
	if _, err := Parse("did:key:" + strings.Repeat("a", MaxLength-8)); err != nil {
		t.Errorf("DID of exactly MaxLength bytes: %v", err)
	}
}

func TestParseURL(t *testing.T) {
	for _, tc := range []struct {
		in                         string
		did, path, query, fragment string
	}{
		{"did:key:z6Mk#z6Mk", "did:key:z6Mk", "", "", "z6Mk"},
		{"did:web:city.example#key-1", "did:web:city.example", "", "", "key-1"},
		{"did:example:123/path/to?service=agent&relativeRef=/x#f:@!$", "did:example:123", "/path/to", "service=agent&relativeRef=/x", "f:@!$"},
		{"did:example:123?versionTime=2021-05-10T17:00:00Z", "did:example:123", "", "versionTime=2021-05-10T17:00:00Z", ""},
		{"did:example:123/", "did:example:123", "/", "", ""},
		{"did:example:123#a?b/c", "did:example:123", "", "", "a?b/c"},
		{"did:example:123", "did:example:123", "", "", ""},
	} {
		u, err := ParseURL(tc.in)
		if err != nil {
			t.Errorf("ParseURL(%q): %v", tc.in, err)
			continue
		}
		if u.DID.String() != tc.did || u.Path != tc.path || u.Query != tc.query || u.Fragment != tc.fragment {
			t.Errorf("ParseURL(%q) = %+v", tc.in, u)
		}
		if u.String() != tc.in {
			t.Errorf("ParseURL(%q).String() = %q", tc.in, u.String())
		}
	}
	for _, tc := range []struct {
		in     string
		pos    int
		reason string
	}{
		{"did:key:z#", 9, "empty fragment"},
		{"did:key:z?", 9, "empty query"},
		{"did:key:z#a#b", 11, "fragment"},
		{"did:key:z#a b", 11, "fragment"},
		{"did:key:z/a b", 11, "path"},
		{"did:key:z/%g0", 10, "percent-encoding in path"},
		{"did:key:#z", 8, "empty method-specific identifier"},
		{"did:key:z:#f", 9, "ends with"},
		{"#frag", 0, "does not start"},
	} {
		_, err := ParseURL(tc.in)
		var se *SyntaxError
		if !errors.As(err, &se) || !se.URL {
			t.Errorf("ParseURL(%q) error = %v, want *SyntaxError for a URL", tc.in, err)
			continue
		}
		if se.Pos != tc.pos || !strings.Contains(se.Error(), tc.reason) {
			t.Errorf("ParseURL(%q) = %q at %d; want %q at %d", tc.in, se.Error(), se.Pos, tc.reason, tc.pos)
		}
	}
}

// FuzzParse checks that Parse and ParseURL never panic, that anything they
// accept prints back unchanged and parses again to the same value, and that
// every accepted DID is also an accepted DID URL.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp",
		"did:web:city.example%3A8443:users:alice#key-1",
		"did:example:123/path?q=1#f", "did:a:b:c", "did:", "did:x:%", "did:x:y#", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if d, err := Parse(s); err == nil {
			if d.String() != s {
				t.Fatalf("Parse(%q).String() = %q", s, d.String())
			}
			if d2, err := Parse(d.String()); err != nil || d2 != d {
				t.Fatalf("reparse of %q: %+v, %v", s, d2, err)
			}
			if u, err := ParseURL(s); err != nil || u.DID != d || u.Path+u.Query+u.Fragment != "" {
				t.Fatalf("ParseURL(DID %q) = %+v, %v", s, u, err)
			}
		} else {
			var se *SyntaxError
			if !errors.As(err, &se) || se.Pos > len(s) {
				t.Fatalf("Parse(%q) error %v has no valid position", s, err)
			}
		}
		if u, err := ParseURL(s); err == nil {
			if u.String() != s {
				t.Fatalf("ParseURL(%q).String() = %q", s, u.String())
			}
			if u2, err := ParseURL(u.String()); err != nil || u2 != u {
				t.Fatalf("reparse of %q: %+v, %v", s, u2, err)
			}
			if _, err := Parse(u.DID.String()); err != nil {
				t.Fatalf("DID of URL %q does not parse: %v", s, err)
			}
		}
	})
}
