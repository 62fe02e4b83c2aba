package schemas

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"
)

// FuzzValidate: arbitrary JSON never panics; every error names a path and a
// message, comes out sorted and the same twice; valid claims stay valid
// after a JSON round trip.
func FuzzValidate(f *testing.F) {
	for _, c := range loadCases(f) {
		b, _ := json.Marshal(c.Claims)
		f.Add(typeIndex(c.Type), b)
	}
	f.Add(uint8(0), []byte(`{"ageOver18":true,"":{"":[]},"a.b":null}`))
	f.Add(uint8(2), []byte(`{"address":{"address":{}},"housingStatus":"housed"}`))
	names := make([]string, 0, 4)
	for _, typ := range Types() {
		names = append(names, typ.Name)
	}
	f.Fuzz(func(t *testing.T, ti uint8, data []byte) {
		var claims map[string]any
		if json.Unmarshal(data, &claims) != nil {
			return
		}
		typ := names[int(ti)%len(names)]
		err := Validate(typ, claims)
		if err == nil {
			b, merr := json.Marshal(claims)
			if merr != nil {
				t.Fatal(merr)
			}
			var again map[string]any
			if uerr := json.Unmarshal(b, &again); uerr != nil {
				t.Fatal(uerr)
			}
			if err := Validate(typ, again); err != nil {
				t.Fatalf("valid claims invalid after a round trip: %v", err)
			}
			return
		}
		var ve *ValidationError
		if !errors.As(err, &ve) {
			t.Fatalf("not a *ValidationError: %T %v", err, err)
		}
		if ve.Type != typ || len(ve.Fields) == 0 {
			t.Fatalf("bad error %+v", ve)
		}
		for _, fe := range ve.Fields {
			if fe.Path == "" || fe.Message == "" {
				t.Fatalf("field error without path or message: %+v", fe)
			}
		}
		if !slices.IsSortedFunc(ve.Fields, func(a, b FieldError) int {
			if a.Path != b.Path {
				return compare(a.Path, b.Path)
			}
			return compare(a.Message, b.Message)
		}) {
			t.Fatalf("not sorted: %v", ve.Fields)
		}
		if again := Validate(typ, claims); again.Error() != err.Error() {
			t.Fatalf("not deterministic:\n%v\n%v", err, again)
		}
	})
}

func compare(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func typeIndex(name string) uint8 {
	for i, typ := range Types() {
		if typ.Name == name {
			return uint8(i)
		}
	}
	return 0
}

// FuzzParsePhotoDigest: a digest that parses re-encodes to itself (in its
// own form) and the multibase form of the same bytes parses back equal.
func FuzzParsePhotoDigest(f *testing.F) {
	f.Add("uEiBVxk0PzW-dX3yCgJOFfj_f2mhHi7TpvSTUge85HHgE6A")
	f.Add("sha256-VcZND81vnV98goCThX4/39poR4u06b0k1IHvORx4BOg=")
	f.Add("uEiBVxk0PzW-dX3yCgJOFfj_f2mhHi7TpvSTUge85HHgE6B")
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParsePhotoDigest(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidPhotoDigest) {
				t.Fatalf("error does not wrap ErrInvalidPhotoDigest: %v", err)
			}
			return
		}
		if len(d) != 32 {
			t.Fatalf("digest of %d bytes", len(d))
		}
		mb := encodeMultihash(d)
		if s[0] == 'u' && mb != s {
			t.Fatalf("%s re-encodes as %s", s, mb)
		}
		d2, err := ParsePhotoDigest(mb)
		if err != nil || string(d2) != string(d) {
			t.Fatalf("round trip: %x %v", d2, err)
		}
		// Whatever Go accepts, the schema accepts too.
		if err := Validate(CityIDCredential, map[string]any{"givenName": "A", "familyName": "B", "birthDate": "1990-04-30", "photoDigest": s}); err != nil {
			t.Fatalf("ParsePhotoDigest accepted %q but Validate: %v", s, err)
		}
	})
}
