package did

import (
	"errors"
	"testing"
)

// FuzzParseURL: a DID URL that parses prints back to a string that parses
// to the same URL.
func FuzzParseURL(f *testing.F) {
	for _, s := range []string{"did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
		"did:web:city.example:issuers:1?versionId=1#key-1", "did:web:a%3A8080/path", "did:", "did:a:b#", "did:a:b?#"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ParseURL(s)
		if err != nil {
			return
		}
		u2, err := ParseURL(u.String())
		if err != nil {
			t.Fatalf("%q parsed, but its String %q does not: %v", s, u.String(), err)
		}
		if u2.String() != u.String() {
			t.Fatalf("round trip changed %q to %q", u.String(), u2.String())
		}
	})
}

// FuzzParseKeyDID: a did:key either yields a public key whose DID is the
// input, or a named error.
func FuzzParseKeyDID(f *testing.F) {
	f.Add("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK")
	f.Add("did:key:zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169")
	f.Add("did:key:z")
	f.Add("did:key:zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz")
	f.Fuzz(func(t *testing.T, s string) {
		pub, err := ParseKeyDID(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidDID) && !errors.Is(err, ErrInvalidKey) && !errors.Is(err, ErrUnsupportedKeyType) && !errors.Is(err, ErrUnsupportedMethod) {
				t.Fatalf("unnamed error: %v", err)
			}
			return
		}
		back, err := KeyDID(pub)
		if err != nil || back != s {
			t.Fatalf("%s parsed to a key whose DID is %s (%v)", s, back, err)
		}
	})
}
