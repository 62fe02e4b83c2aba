package compact

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/cityid/cityid/schemas"
)

var samples = []struct {
	name, typ string
	claims    map[string]any
}{
	{"city ID", schemas.CityIDCredential, cityID},
	{"city ID with photo", schemas.CityIDCredential, cityIDPhoto},
	{"residency, housed", schemas.ResidencyCredential, residency},
	{"residency, shelter", schemas.ResidencyCredential, shelter},
	{"age over", schemas.AgeOverCredential, ageOver},
	{"service eligibility", schemas.ServiceEligibilityCredential, eligibility},
}

// normalize is the VC as the compact form gives it back: without the
// credential id, as plain JSON values.
func normalize(t *testing.T, vc map[string]any) any {
	t.Helper()
	c := make(map[string]any, len(vc))
	for k, v := range vc {
		if k != "id" {
			c[k] = v
		}
	}
	return jsonValue(t, c)
}

func jsonValue(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// expand(compact(vc)) is vc, for every type, in every form.
func TestRoundTrip(t *testing.T) {
	keys := testKeys(t, issuerPriv)
	for _, s := range samples {
		t.Run(s.name, func(t *testing.T) {
			in := issueAll(t, s.typ, s.claims)
			all := claimNames(s.claims)
			cases := []struct {
				form string
				text string
				vc   map[string]any
			}{
				{"holder-bound", present(t, in.stored, all, ""), in.vc},
				{"holder-bound with challenge", present(t, in.stored, all, "c-1"), in.vc},
				{"unbound", mustPresent(t, in.unboundStored, all), in.vc},
				{"paper", in.paper, in.paperVC},
			}
			for _, c := range cases {
				opts := verifyOpts(t)
				if c.form == "holder-bound with challenge" {
					opts.Challenge = "c-1"
				}
				v, err := Verify(c.text, keys, opts)
				if err != nil {
					t.Fatalf("%s: %v", c.form, err)
				}
				if got, want := jsonValue(t, v.Credential), normalize(t, c.vc); !reflect.DeepEqual(got, want) {
					t.Errorf("%s: expanded\n%v\nwant\n%v", c.form, got, want)
				}
				names := slices.Clone(all)
				sort.Slice(names, func(i, j int) bool {
					return classByType[s.typ].spec(names[i]).code < classByType[s.typ].spec(names[j]).code
				})
				if !slices.Equal(v.Disclosed, names) || v.Type != s.typ || v.Issuer != in.vc["issuer"] {
					t.Errorf("%s: Disclosed %v Type %s Issuer %s", c.form, v.Disclosed, v.Type, v.Issuer)
				}
				if v.HolderBound != strings.HasPrefix(c.form, "holder") || v.Paper != (c.form == "paper") {
					t.Errorf("%s: HolderBound %v Paper %v", c.form, v.HolderBound, v.Paper)
				}
				if v.HolderBound && (!v.PresentedAt.Equal(fixedTime) || !reflect.DeepEqual(v.HolderKey, holderPriv.Public())) {
					t.Errorf("%s: PresentedAt %v HolderKey %v", c.form, v.PresentedAt, v.HolderKey)
				}
			}
		})
	}
}

func mustPresent(t *testing.T, stored string, disclose []string) string {
	t.Helper()
	p, err := Present(stored, disclose, nil, PresentOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// Every subset of the claims can be disclosed, and exactly it is shown.
func TestEverySubset(t *testing.T) {
	keys := testKeys(t, issuerPriv)
	for _, s := range samples {
		in := issueAll(t, s.typ, s.claims)
		c := classByType[s.typ]
		var names []string
		for _, code := range c.claims {
			if _, ok := s.claims[specByCode[code].name]; ok {
				names = append(names, specByCode[code].name)
			}
		}
		for mask := 0; mask < 1<<len(names); mask++ {
			var disclose []string
			for i, n := range names {
				if mask&(1<<i) != 0 {
					disclose = append(disclose, n)
				}
			}
			text := present(t, in.stored, disclose, "")
			v, err := Verify(text, keys, verifyOpts(t))
			if err != nil {
				t.Fatalf("%s %v: %v", s.name, disclose, err)
			}
			subject := v.Credential["credentialSubject"].(map[string]any)
			if len(subject) != len(disclose)+1 || subject["id"] == nil {
				t.Fatalf("%s %v: subject %v", s.name, disclose, subject)
			}
			for _, n := range disclose {
				if !reflect.DeepEqual(jsonValue(t, subject[n]), jsonValue(t, s.claims[n])) {
					t.Fatalf("%s: %s = %v, want %v", s.name, n, subject[n], s.claims[n])
				}
			}
			if !slices.Equal(v.Disclosed, disclose) {
				t.Fatalf("%s: Disclosed %v, want %v", s.name, v.Disclosed, disclose)
			}
			p, err := ParseUnsafe(text)
			if err != nil || p.Form != FormPresentation || p.Undisclosed != len(names)-len(disclose) || !slices.Equal(p.Claims, disclose) {
				t.Fatalf("%s %v: ParseUnsafe %+v, %v", s.name, disclose, p, err)
			}
		}
	}
}

func TestParseUnsafe(t *testing.T) {
	in := issueAll(t, schemas.CityIDCredential, cityIDPhoto)
	kid, _ := KeyID(issuerPriv.Public())
	for _, c := range []struct {
		text   string
		form   Form
		claims int
		holder bool
	}{
		{in.stored, FormCredential, 5, true},
		{in.unboundStored, FormCredential, 5, false},
		{in.paper, FormPaper, 5, false},
		{present(t, in.stored, []string{"birthDate"}, ""), FormPresentation, 1, true},
	} {
		p, err := ParseUnsafe(c.text)
		if err != nil {
			t.Fatal(err)
		}
		if p.Form != c.form || len(p.Claims) != c.claims || (p.HolderKey != nil) != c.holder || p.KeyID != kid || p.Type != schemas.CityIDCredential {
			t.Errorf("%s: %+v", c.form, p)
		}
		if _, ok := p.Credential["issuer"]; ok {
			t.Errorf("%s: ParseUnsafe named an issuer it cannot know", c.form)
		}
	}
}

// Times are kept to the second as the same instant in UTC; validUntil in
// whole days after validFrom and in seconds both round-trip.
func TestTimes(t *testing.T) {
	_, vm := keyDID(t, issuerPriv)
	keys := testKeys(t, issuerPriv)
	for _, c := range []struct{ from, until, wantFrom, wantUntil string }{
		{"2026-11-20T11:00:00+02:00", "2027-11-20T09:00:00Z", "2026-11-20T09:00:00Z", "2027-11-20T09:00:00Z"},
		{"2026-11-20T09:00:00Z", "2026-12-31T23:59:59Z", "2026-11-20T09:00:00Z", "2026-12-31T23:59:59Z"},
		{"2026-11-20T09:00:00Z", "", "2026-11-20T09:00:00Z", ""},
		{"", "2027-01-01T00:00:00Z", "", "2027-01-01T00:00:00Z"},
	} {
		vc := sample(t, schemas.AgeOverCredential, ageOver, nil)
		delete(vc, "validFrom")
		delete(vc, "validUntil")
		if c.from != "" {
			vc["validFrom"] = c.from
		}
		if c.until != "" {
			vc["validUntil"] = c.until
		}
		paper, err := IssuePaper(vc, issuerPriv, IssueOptions{KeyID: vm})
		if err != nil {
			t.Fatal(err)
		}
		v, err := Verify(paper, keys, verifyOpts(t))
		if err != nil {
			t.Fatal(err)
		}
		gotFrom, _ := v.Credential["validFrom"].(string)
		gotUntil, _ := v.Credential["validUntil"].(string)
		if gotFrom != c.wantFrom || gotUntil != c.wantUntil {
			t.Errorf("%s..%s: got %s..%s", c.from, c.until, gotFrom, gotUntil)
		}
	}
}

func TestIssueRefuses(t *testing.T) {
	_, vm := keyDID(t, issuerPriv)
	_, otherVM := keyDID(t, otherPriv)
	edit := func(f func(vc map[string]any)) map[string]any {
		vc := sample(t, schemas.CityIDCredential, cityID, holderPriv)
		f(vc)
		return vc
	}
	subject := func(vc map[string]any) map[string]any { return vc["credentialSubject"].(map[string]any) }
	cases := []struct {
		name string
		vc   map[string]any
		vm   string
		want error
	}{
		{"other context", edit(func(vc map[string]any) { vc["@context"] = []any{"https://www.w3.org/2018/credentials/v1"} }), vm, ErrCredential},
		{"unknown type", edit(func(vc map[string]any) { vc["type"] = []any{"VerifiableCredential", "LibraryCard"} }), vm, ErrCredential},
		{"signed already", edit(func(vc map[string]any) { vc["proof"] = map[string]any{} }), vm, ErrCredential},
		{"extra member", edit(func(vc map[string]any) { vc["name"] = "City ID" }), vm, ErrCredential},
		{"issuer object", edit(func(vc map[string]any) { vc["issuer"] = map[string]any{"id": vc["issuer"], "name": "City"} }), vm, ErrCredential},
		{"claim of another type", edit(func(vc map[string]any) { subject(vc)["housingStatus"] = "housed" }), vm, ErrCredential},
		{"bad date", edit(func(vc map[string]any) { subject(vc)["birthDate"] = "14/03/1987" }), vm, ErrCredential},
		{"fraction of a second", edit(func(vc map[string]any) { vc["validFrom"] = "2026-11-20T09:00:00.5Z" }), vm, ErrCredential},
		{"status with messages", edit(func(vc map[string]any) {
			e := statusEntries()[0].(map[string]any)
			e["statusSize"] = 2
			vc["credentialStatus"] = e
		}), vm, ErrCredential},
		{"status id", edit(func(vc map[string]any) {
			e := statusEntries()[0].(map[string]any)
			e["id"] = "urn:uuid:1"
			vc["credentialStatus"] = []any{e}
		}), vm, ErrCredential},
		{"key of another issuer", edit(func(map[string]any) {}), otherVM, ErrCredential},
		{"no key id", edit(func(map[string]any) {}), "", ErrCredential},
	}
	for _, c := range cases {
		if _, err := Issue(c.vc, issuerPriv, IssueOptions{KeyID: c.vm}); !errors.Is(err, c.want) {
			t.Errorf("%s: Issue error %v, want %v", c.name, err, c.want)
		}
		if _, err := IssuePaper(c.vc, issuerPriv, IssueOptions{KeyID: c.vm}); !errors.Is(err, c.want) {
			t.Errorf("%s: IssuePaper error %v, want %v", c.name, err, c.want)
		}
	}
	vc := sample(t, schemas.CityIDCredential, cityID, nil)
	if _, err := IssuePaper(vc, issuerPriv, IssueOptions{KeyID: vm, HolderKey: holderPriv.Public()}); !errors.Is(err, ErrHolderKey) {
		t.Errorf("IssuePaper with a holder key: %v", err)
	}
	if _, err := Issue(vc, issuerPriv, IssueOptions{KeyID: vm, HolderKey: "not a key"}); !errors.Is(err, ErrHolderKey) {
		t.Errorf("Issue with a bad holder key: %v", err)
	}
	if _, err := Issue(vc, issuerPriv, IssueOptions{KeyID: vm, Rand: &emptyReader{}}); !errors.Is(err, ErrCrypto) {
		t.Errorf("Issue with a failing Rand: %v", err)
	}
}

type emptyReader struct{}

func (emptyReader) Read([]byte) (int, error) { return 0, errors.New("no entropy") }

func TestPresentRefuses(t *testing.T) {
	in := issueAll(t, schemas.ResidencyCredential, residency)
	pres := present(t, in.stored, []string{"residentOf"}, "")
	cases := []struct {
		name      string
		text      string
		disclose  []string
		holder    bool
		other     bool
		challenge string
		want      error
	}{
		{"unknown claim", in.stored, []string{"givenName"}, true, false, "", ErrDisclosure},
		{"nested member", in.stored, []string{"address.postalCode"}, true, false, "", ErrDisclosure},
		{"subject id", in.stored, []string{"id"}, true, false, "", ErrDisclosure},
		{"no holder for a bound credential", in.stored, nil, false, false, "", ErrHolderKey},
		{"another holder", in.stored, nil, true, true, "", ErrHolderKey},
		{"holder for an unbound credential", in.unboundStored, nil, true, false, "", ErrHolderKey},
		{"challenge without holder", in.unboundStored, nil, false, false, "c", ErrHolderKey},
		{"a presentation", pres, nil, true, false, "", ErrForm},
		{"a paper credential", in.paper, nil, false, false, "", ErrForm},
		{"not compact", "HC1:ABC", nil, true, false, "", ErrPrefix},
	}
	for _, c := range cases {
		var err error
		switch {
		case c.other:
			_, err = Present(c.text, c.disclose, otherPriv, PresentOptions{Challenge: c.challenge})
		case c.holder:
			_, err = Present(c.text, c.disclose, holderPriv, PresentOptions{Challenge: c.challenge})
		default:
			_, err = Present(c.text, c.disclose, nil, PresentOptions{Challenge: c.challenge})
		}
		if !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
}
