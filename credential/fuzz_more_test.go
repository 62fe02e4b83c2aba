package credential_test

import (
	"errors"
	"testing"
	"time"

	"github.com/cityid/cityid/credential"
)

// FuzzParseTime: a parsed dateTime formats back (RFC 3339) to an instant
// that parses to the same time.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2026-11-22T12:00:00Z", "2026-11-22T12:00:00.123+05:30", "2026-02-30T00:00:00Z", "0000-01-01T00:00:00Z", "2026-11-22T12:00:00", "9999-12-31T23:59:60Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tm, err := credential.ParseTime(s)
		if err != nil {
			return
		}
		again, err := credential.ParseTime(tm.Format(time.RFC3339Nano))
		if err != nil || !again.Equal(tm) {
			t.Fatalf("%q -> %v -> %v (%v)", s, tm, again, err)
		}
	})
}

// FuzzDecodeJSON: the shared JSON reader refuses with ErrMalformed or
// ErrTooLarge, never a panic or an unnamed error.
func FuzzDecodeJSON(f *testing.F) {
	f.Add([]byte(`{"a":[1,2,{"b":null}]}`))
	f.Add([]byte(`{"a":1e999999}`))
	f.Add([]byte("{\"a\":\"\xff\"}"))
	f.Add([]byte(`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := credential.DecodeJSON(data)
		if err != nil {
			if !errors.Is(err, credential.ErrMalformed) && !errors.Is(err, credential.ErrTooLarge) {
				t.Fatalf("unnamed error %v", err)
			}
			return
		}
		if m == nil {
			t.Fatal("nil object without an error")
		}
	})
}
