package status

import (
	"encoding/json"
	"testing"
)

// FuzzParseListSubject: any JSON credentialSubject either parses to a list
// whose bits can be read at every index the entry allows, or is refused.
func FuzzParseListSubject(f *testing.F) {
	f.Add([]byte(`{"type":"BitstringStatusList","statusPurpose":"revocation","encodedList":"uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"}`))
	f.Add([]byte(`{"type":"BitstringStatusList","statusPurpose":["revocation","suspension"],"encodedList":"u","ttl":-1}`))
	f.Add([]byte(`{"type":1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var subject map[string]any
		if json.Unmarshal(data, &subject) != nil {
			return
		}
		ls, err := ParseListSubject(subject)
		if err != nil {
			return
		}
		if ls == nil {
			t.Fatal("nil list without an error")
		}
		for _, idx := range []int{0, 7, 131071, -1, 1 << 40} {
			for _, size := range []int{0, 1, 2, 8} {
				_, _ = Check(Entry{Purpose: "revocation", Index: idx, Size: size}, subject)
			}
		}
	})
}
