package schemas

import (
	"testing"
)

// TestTranslationsComplete: every shipped language translates every type's
// title and description and every claim's title, and names nothing that
// does not exist.
func TestTranslationsComplete(t *testing.T) {
	langs := Languages()
	if i18nErr != nil {
		t.Fatal(i18nErr)
	}
	if len(langs) == 0 {
		t.Fatal("no translation is shipped")
	}
	for _, l := range langs {
		known := map[string]bool{}
		for _, typ := range Types() {
			tr, ok := i18n[l][typ.Name]
			if !ok {
				t.Errorf("%s: no translation of %s", l, typ.Name)
				continue
			}
			known[typ.Name] = true
			if tr.Title == "" || tr.Description == "" {
				t.Errorf("%s: %s has no title or description", l, typ.Name)
			}
			names := map[string]bool{}
			var walk func(prefix string, cs []Claim)
			walk = func(prefix string, cs []Claim) {
				for _, c := range cs {
					names[prefix+c.Name] = true
					if tr.Claims[prefix+c.Name] == "" {
						t.Errorf("%s: %s: claim %s has no title", l, typ.Name, prefix+c.Name)
					}
					for _, v := range c.Enum {
						if tr.Values[prefix+c.Name][v] == "" {
							t.Errorf("%s: %s: value %s of %s has no title", l, typ.Name, v, prefix+c.Name)
						}
					}
					walk(prefix+c.Name+".", c.Fields)
				}
			}
			walk("", typ.Claims)
			for k := range tr.Claims {
				if !names[k] {
					t.Errorf("%s: %s: %s is not a claim of the type", l, typ.Name, k)
				}
			}
		}
		for name := range i18n[l] {
			if !known[name] {
				t.Errorf("%s: %s is not a city type", l, name)
			}
		}
	}
}

// TestEnglishValueTitles: every enumerated value has an English title in
// i18n/en.json, which holds nothing else.
func TestEnglishValueTitles(t *testing.T) {
	Languages()
	en := i18n["en"]
	for _, typ := range Types() {
		var walk func(prefix string, cs []Claim)
		walk = func(prefix string, cs []Claim) {
			for _, c := range cs {
				for _, v := range c.Enum {
					if en[typ.Name].Values[prefix+c.Name][v] == "" {
						t.Errorf("en: %s: value %s of %s has no title", typ.Name, v, prefix+c.Name)
					}
				}
				walk(prefix+c.Name+".", c.Fields)
			}
		}
		walk("", typ.Claims)
	}
	for name, tr := range en {
		if tr.Title != "" || tr.Description != "" || len(tr.Claims) > 0 {
			t.Errorf("en: %s: English titles come from the schema, not i18n/en.json", name)
		}
	}
}

func TestValueTitle(t *testing.T) {
	for _, tc := range []struct{ claim, value, lang, want string }{
		{"housingStatus", "noFixedAddress", "es", "Sin domicilio fijo"},
		{"housingStatus", "noFixedAddress", "en", "No fixed address"},
		{"housingStatus", "shelter", "fr", "Living in a shelter"},
		{"housingStatus", "castle", "es", "castle"},
		{"shelterName", "shelter", "es", "shelter"}, // not enumerated: as written
		{"address.postalCode", "62704", "es", "62704"},
		{"nothing", "x", "es", "x"},
	} {
		if got := ValueTitle(ResidencyCredential, tc.claim, tc.value, tc.lang); got != tc.want {
			t.Errorf("ValueTitle(%s, %s, %s) = %q, want %q", tc.claim, tc.value, tc.lang, got, tc.want)
		}
	}
}

func TestLookupIn(t *testing.T) {
	for _, tc := range []struct{ lang, title, claim, field string }{
		{"es", "Residencia", "Residente de", "Código postal"},
		{"es-MX", "Residencia", "Residente de", "Código postal"},
		{"en", "Residency", "Resident of", "Postal code"},
		{"fr", "Residency", "Resident of", "Postal code"},
		{"not a tag!", "Residency", "Resident of", "Postal code"},
	} {
		typ, ok := LookupIn(ResidencyCredential, tc.lang)
		if !ok {
			t.Fatal("no ResidencyCredential")
		}
		var claim, field string
		for _, c := range typ.Claims {
			if c.Name == "residentOf" {
				claim = c.Title
			}
			for _, f := range c.Fields {
				if f.Name == "postalCode" {
					field = f.Title
				}
			}
		}
		if typ.Title != tc.title || claim != tc.claim || field != tc.field {
			t.Errorf("%q: %q, %q, %q; want %q, %q, %q", tc.lang, typ.Title, claim, field, tc.title, tc.claim, tc.field)
		}
	}
	// The result is a copy: translating does not change Lookup's types.
	if typ, _ := Lookup(ResidencyCredential); typ.Title != "Residency" {
		t.Fatalf("Lookup gives %q after LookupIn", typ.Title)
	}
	if _, ok := LookupIn("NoSuchCredential", "es"); ok {
		t.Fatal("an unknown type was found")
	}
}
