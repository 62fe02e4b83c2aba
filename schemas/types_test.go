package schemas

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

func TestTypes(t *testing.T) {
	types := Types()
	var names []string
	for _, typ := range types {
		names = append(names, typ.Name)
	}
	want := []string{AgeOverCredential, CityIDCredential, ResidencyCredential, ServiceEligibilityCredential}
	if !slices.Equal(names, want) {
		t.Fatalf("Types() = %v, want %v", names, want)
	}
	for _, typ := range types {
		if typ.SchemaID != SchemaBaseURL+typ.Name+".json" || typ.Title == "" || typ.Description == "" {
			t.Errorf("%s: incomplete %+v", typ.Name, typ)
		}
		got, ok := Lookup(typ.Name)
		if !ok || got.SchemaID != typ.SchemaID || len(got.Claims) != len(typ.Claims) {
			t.Errorf("Lookup(%s) = %+v, %v", typ.Name, got, ok)
		}
		// Claims mirror the schema's properties (minus id) and required list.
		var s struct {
			Properties map[string]json.RawMessage
			Required   []string
		}
		if err := json.Unmarshal([]byte(mustSchema(t, typ.Name)), &s); err != nil {
			t.Fatal(err)
		}
		if len(typ.Claims) != len(s.Properties)-1 {
			t.Errorf("%s: %d claims for %d properties", typ.Name, len(typ.Claims), len(s.Properties))
		}
		for _, c := range typ.Claims {
			if _, ok := s.Properties[c.Name]; !ok || c.Title == "" || c.Description == "" {
				t.Errorf("%s.%s: not a described schema property", typ.Name, c.Name)
			}
			if c.Required != slices.Contains(s.Required, c.Name) {
				t.Errorf("%s.%s: Required = %v", typ.Name, c.Name, c.Required)
			}
		}
	}
	if _, ok := Lookup("VerifiableCredential"); ok {
		t.Error("Lookup accepted a non-city type")
	}
}

func TestResidencyClaims(t *testing.T) {
	typ, _ := Lookup(ResidencyCredential)
	var names []string
	for _, c := range typ.Claims {
		names = append(names, c.Name)
	}
	if want := []string{"residentOf", "housingStatus", "address", "shelterName", "residentSince"}; !slices.Equal(names, want) {
		t.Errorf("claims in order %v, want %v", names, want)
	}
	addr := typ.Claims[2]
	var fields []string
	for _, f := range addr.Fields {
		fields = append(fields, f.Name)
		if f.Required != (f.Name != "unit") {
			t.Errorf("address.%s Required = %v", f.Name, f.Required)
		}
	}
	if want := []string{"streetAddress", "unit", "postalCode", "addressLocality"}; !slices.Equal(fields, want) || addr.Required {
		t.Errorf("address fields %v (want %v), Required %v", fields, want, addr.Required)
	}
}

// Callers get copies: changing a result does not change the next one.
func TestTypesAreCopies(t *testing.T) {
	a, _ := Lookup(ResidencyCredential)
	a.Claims[0].Title = "changed"
	a.Claims[2].Fields[0].Title = "changed"
	Types()[0].Claims[0].Title = "changed"
	b, _ := Lookup(ResidencyCredential)
	if b.Claims[0].Title == "changed" || b.Claims[2].Fields[0].Title == "changed" || Types()[0].Claims[0].Title == "changed" {
		t.Error("Lookup/Types share state with callers")
	}
	s, _ := Schema(AgeOverCredential)
	s[0] = 'X'
	if s2, _ := Schema(AgeOverCredential); s2[0] != '{' {
		t.Error("Schema shares its bytes with callers")
	}
	if _, ok := Schema("nope"); ok {
		t.Error("Schema(nope) reported ok")
	}
}

func TestOrder(t *testing.T) {
	typ, _ := Lookup(ResidencyCredential)
	held := map[string]any{"zeta": 1, "shelterName": "X", "residentOf": "Springfield", "alpha": 2}
	var got []string
	for _, h := range Order(typ.Claims, held) {
		if (h.Def != nil) != (h.Name == "residentOf" || h.Name == "shelterName") || h.Value != held[h.Name] {
			t.Errorf("%s: definition %v, value %v", h.Name, h.Def, h.Value)
		}
		got = append(got, h.Name)
	}
	if strings.Join(got, " ") != "residentOf shelterName alpha zeta" {
		t.Fatalf("order %v: schema order first, then the others sorted", got)
	}
	if len(Order(nil, nil)) != 0 {
		t.Fatal("nothing held, nothing listed")
	}
}
