package console

import (
	"net/url"
	"reflect"
	"testing"

	"github.com/cityid/cityid/issuer"
	"github.com/cityid/cityid/schemas"
)

func fieldsByPath(fields []formField) map[string]formField {
	out := map[string]formField{}
	for _, f := range fields {
		out[f.Path] = f
		for k, v := range fieldsByPath(f.Fields) {
			out[k] = v
		}
	}
	return out
}

func TestTypeFormKinds(t *testing.T) {
	want := map[string]map[string]string{
		"ResidencyCredential": {"residentOf": kindText, "housingStatus": kindEnum, "address": kindObject,
			"address.streetAddress": kindText, "address.unit": kindText, "address.postalCode": kindText,
			"address.addressLocality": kindText, "shelterName": kindText, "residentSince": kindDate},
		"AgeOverCredential": {"ageOver18": kindBool, "ageOver21": kindBool, "ageOver65": kindBool},
		"CityIDCredential": {"givenName": kindText, "familyName": kindText, "birthDate": kindDate,
			"photoDigest": kindText, "residentOf": kindText},
		"ServiceEligibilityCredential": {"program": kindText, "programName": kindText,
			"eligibleFrom": kindDate, "eligibleUntil": kindDate},
	}
	for _, typ := range schemas.Types() {
		_, fields, err := typeForm(typ.Name)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for p, f := range fieldsByPath(fields) {
			got[p] = f.Kind
			if f.Label == "" {
				t.Errorf("%s.%s has no label", typ.Name, p)
			}
		}
		if !reflect.DeepEqual(got, want[typ.Name]) {
			t.Errorf("%s: kinds %v, want %v", typ.Name, got, want[typ.Name])
		}
	}
	_, fields, _ := typeForm("ResidencyCredential")
	byPath := fieldsByPath(fields)
	if f := byPath["housingStatus"]; !f.Required || !reflect.DeepEqual(f.Options, []string{"housed", "noFixedAddress", "shelter"}) {
		t.Errorf("housingStatus: %+v", f)
	}
	if f := byPath["address.postalCode"]; !f.Required || f.MaxLength != 16 {
		t.Errorf("address.postalCode: %+v", f)
	}
	if f := byPath["residentOf"]; f.MaxLength != 100 || !f.Required {
		t.Errorf("residentOf: %+v", f)
	}
	if _, _, err := typeForm("NoSuchCredential"); err == nil {
		t.Error("unknown type accepted")
	}
}

func TestFillForm(t *testing.T) {
	_, fields, _ := typeForm("ResidencyCredential")
	claims := fillForm(fields, url.Values{
		"c.residentOf": {"Springfield"}, "c.housingStatus": {"housed"},
		"c.address.streetAddress": {"742 Evergreen Terrace"}, "c.address.unit": {""},
		"c.shelterName": {""}, "c.somethingElse": {"ignored"}, "residentOf": {"ignored too"},
	})
	want := map[string]any{"residentOf": "Springfield", "housingStatus": "housed",
		"address": map[string]any{"streetAddress": "742 Evergreen Terrace"}}
	if !reflect.DeepEqual(claims, want) {
		t.Errorf("claims %v, want %v", claims, want)
	}
	if byPath := fieldsByPath(fields); byPath["address.streetAddress"].Value != "742 Evergreen Terrace" {
		t.Error("input not kept in the field")
	}

	// An address left empty is left out; booleans are false unless checked.
	_, fields, _ = typeForm("AgeOverCredential")
	claims = fillForm(fields, url.Values{"c.ageOver18": {"true"}, "c.ageOver21": {"yes"}})
	if want := map[string]any{"ageOver18": true, "ageOver21": false, "ageOver65": false}; !reflect.DeepEqual(claims, want) {
		t.Errorf("claims %v, want %v", claims, want)
	}
	if err := schemas.Validate("AgeOverCredential", claims); err != nil {
		t.Errorf("checkbox claims do not validate: %v", err)
	}
}

func TestMarkErrors(t *testing.T) {
	_, fields, _ := typeForm("ResidencyCredential")
	problems := markErrors(fields, []issuer.FieldError{
		{Path: "address.postalCode", Message: "is required"},
		{Path: "address", Message: "is allowed only when housingStatus is housed"},
		{Path: "credentialSubject", Message: "something about all claims"},
		{Path: "nonsense", Message: "x"},
	})
	want := []fieldProblem{
		{ID: "f-c-address-postalCode", Label: "Address, Postal code", Message: "is required"},
		{ID: "f-c-address-streetAddress", Label: "Address", Message: "is allowed only when housingStatus is housed"},
		{Label: "Claims", Message: "something about all claims"},
		{Label: "nonsense", Message: "x"},
	}
	if !reflect.DeepEqual(problems, want) {
		t.Errorf("problems\n%+v\nwant\n%+v", problems, want)
	}
	byPath := fieldsByPath(fields)
	if byPath["address.postalCode"].Error != "is required" || byPath["address"].GroupError == "" {
		t.Error("errors not attached to their inputs")
	}
	inFormOrder(problems, fieldIDs(fields))
	if problems[0].ID != "" || problems[len(problems)-1].ID != "f-c-address-postalCode" {
		t.Errorf("not in form order: %+v", problems)
	}
}

func TestFieldID(t *testing.T) {
	for in, want := range map[string]string{"c.address.unit": "f-c-address-unit", "format.dc+sd-jwt": "f-format-dc-sd-jwt",
		"subject_did": "f-subject_did", `x"><script>`: "f-x---script-"} {
		if got := fieldID(in); got != want {
			t.Errorf("fieldID(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"/console/residents/1": "/console/residents/1", "": "/console/", "https://evil.example/console/": "/console/",
		"//evil.example/console/": "/console/", "/console/\\evil": "/console/", "/api/staff": "/console/",
		"/console/login?next=/x": "/console/",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}
