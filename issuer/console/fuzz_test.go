package console

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/cityid/cityid/schemas"
)

// FuzzFillForm feeds arbitrary form bodies to the claim form parser of every
// type: it never panics, returns only claims of the type, and keeps exactly
// what was typed.
func FuzzFillForm(f *testing.F) {
	f.Add("c.residentOf=Springfield&c.housingStatus=housed&c.address.postalCode=49007")
	f.Add("c.ageOver18=true&c.ageOver21=false&c.ageOver65=")
	f.Add("c.address=x&c.address.=y&c..=z&c.=%00")
	f.Add("c.birthDate=1990-04-30&c.givenName=%E2%80%AE")
	f.Fuzz(func(t *testing.T, body string) {
		values, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		for _, typ := range schemas.Types() {
			_, fields, err := typeForm(typ.Name)
			if err != nil {
				t.Fatal(err)
			}
			claims := fillForm(fields, values)
			for _, c := range typ.Claims {
				v, ok := claims[c.Name]
				switch {
				case c.Fields != nil && ok:
					sub, isMap := v.(map[string]any)
					if !isMap || len(sub) == 0 {
						t.Fatalf("%s.%s = %#v, want a non-empty object", typ.Name, c.Name, v)
					}
					for k, sv := range sub {
						if sv != values.Get(claimPrefix+c.Name+"."+k) {
							t.Fatalf("%s.%s.%s = %#v, not what was typed", typ.Name, c.Name, k, sv)
						}
					}
				case ok:
					if s, isStr := v.(string); isStr && s != values.Get(claimPrefix+c.Name) {
						t.Fatalf("%s.%s = %q, not what was typed", typ.Name, c.Name, s)
					}
				}
				delete(claims, c.Name)
			}
			if len(claims) != 0 {
				t.Fatalf("%s: claims that are not of the type: %v", typ.Name, claims)
			}
			// Whatever came in, validation answers without panicking.
			_ = schemas.Validate(typ.Name, fillForm(fields, values))
		}
	})
}

// FuzzDecodeJSON feeds arbitrary bodies to the JSON API's decoder: it never
// panics, and every refusal is a 4xx with a code and a message.
func FuzzDecodeJSON(f *testing.F) {
	f.Add(`{"type":"ResidencyCredential","subject":"did:key:z6Mk","claims":{"residentOf":"x"},"format":"ldp_vc"}`)
	f.Add(`{"type":7}`)
	f.Add(`{"claims":[]} trailing`)
	f.Add(`{"valid_until":"2030-01-01T00:00:00Z","resident_id":-1}`)
	f.Add(`{"type":"\ud800"}`)
	f.Add(``)
	f.Fuzz(func(t *testing.T, body string) {
		r := httptest.NewRequest("POST", "/api/credentials", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, MaxBody)
		_, bad := decodeJSON[IssueRequest](r)
		if bad != nil && (bad.Status < 400 || bad.Status > 499 || bad.Code == "" || bad.Message == "") {
			t.Fatalf("refusal %+v is not a 4xx with a code and message", bad)
		}
	})
}
