package status

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"testing"
)

// FuzzDecode: Decode never panics; a list it accepts has a valid length and
// survives Encode -> Decode unchanged.
func FuzzDecode(f *testing.F) {
	spec := readJSON(f, "spec-example-list-credential.json")
	f.Add(spec["credentialSubject"].(map[string]any)["encodedList"].(string))
	l := New()
	l.Set(3, true)
	l.Set(MinLength-1, true)
	enc, _ := l.Encode()
	f.Add(enc)
	f.Add("u")
	f.Add("uH4sIAAAAAAAA")
	f.Fuzz(func(t *testing.T, s string) {
		l, err := Decode(s)
		if err != nil {
			return
		}
		if l.Len() < MinLength || l.Len()%8 != 0 || l.Len() > MaxDecodedBytes*8 {
			t.Fatalf("Decode accepted a list of %d bits", l.Len())
		}
		enc, err := l.Encode()
		if err != nil {
			t.Fatal(err)
		}
		again, err := Decode(enc)
		if err != nil {
			t.Fatalf("re-decoding our own encoding: %v", err)
		}
		if !bytes.Equal(l.bits, again.bits) {
			t.Fatal("Encode -> Decode changed the bitstring")
		}
	})
}

// FuzzParseEntry: ParseEntry never panics on any JSON object, and an entry
// it accepts round-trips through Map exactly.
func FuzzParseEntry(f *testing.F) {
	b, err := os.ReadFile("testdata/spec-example-entry.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte(`{"type":"BitstringStatusListEntry","statusPurpose":"message","statusListIndex":"3",` +
		`"statusListCredential":"https://c.example/s","statusSize":1,"statusReference":["https://c.example/r","https://c.example/q"],` +
		`"statusMessage":[{"status":"0x0","message":"ok"},{"status":"0x1","message":"no"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var m map[string]any
		if json.Unmarshal(data, &m) != nil {
			return
		}
		e, err := ParseEntry(m)
		if err != nil {
			return
		}
		if e.Index < 0 || e.Size < 1 || e.Size > MaxStatusSize {
			t.Fatalf("accepted entry out of bounds: %+v", e)
		}
		// Through JSON, as a credential would carry it.
		out, err := json.Marshal(e.Map())
		if err != nil {
			t.Fatal(err)
		}
		var m2 map[string]any
		if err := json.Unmarshal(out, &m2); err != nil {
			t.Fatal(err)
		}
		e2, err := ParseEntry(m2)
		if err != nil {
			t.Fatalf("re-parsing Map(): %v (%s)", err, out)
		}
		if !reflect.DeepEqual(e, e2) {
			t.Fatalf("round trip changed the entry:\n%+v\n%+v", e, e2)
		}
	})
}
