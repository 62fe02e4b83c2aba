package console

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/cityid/cityid/issuer"
	"github.com/cityid/cityid/schemas"
)

func TestAttestersAdmin(t *testing.T) {
	fx := newFixture(t)
	b := newBrowser(t, fx.h)
	csrf := b.signIn(adminUser, adminPass)
	res, page := b.get("/console/attesters")
	if res.StatusCode != 200 || !strings.Contains(page, "Downtown Shelter") {
		t.Fatalf("attesters page: status %d", res.StatusCode)
	}
	checkAccessible(t, "attesters", page)
	res, page = b.post("/console/attesters", url.Values{"csrf": {csrf}, "name": {""}, "kind": {"shelter"}})
	if res.StatusCode != 400 || !strings.Contains(page, `href="#f-name"`) {
		t.Fatalf("empty name: status %d\n%s", res.StatusCode, page)
	}
	checkAccessible(t, "attesters with errors", page)
	res, page = b.post("/console/attesters", url.Values{"csrf": {csrf}, "name": {"Downtown Shelter"}, "kind": {"shelter"}})
	if res.StatusCode != http.StatusConflict || !strings.Contains(page, "already registered") || !strings.Contains(page, `value="Downtown Shelter"`) {
		t.Fatalf("duplicate: status %d", res.StatusCode)
	}
	res, _ = b.post("/console/attesters", url.Values{"csrf": {csrf}, "name": {"Ana Ruiz"}, "kind": {"caseworker"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("add: status %d", res.StatusCode)
	}
	res, _ = b.post("/console/attesters/"+url.PathEscape("Downtown Shelter")+"/disabled", url.Values{"csrf": {csrf}, "disabled": {"true"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("disable: status %d", res.StatusCode)
	}
	list, _ := fx.fake.ListAttesters(t.Context())
	if len(list) != 2 || !list[0].Disabled || list[1].Name != "Ana Ruiz" || list[1].Kind != issuer.AttesterCaseworker {
		t.Fatalf("attesters %+v", list)
	}
	_, page = b.get("/console/attesters?done=attesterdisabled")
	if !strings.Contains(page, "The attester is disabled") || !strings.Contains(page, ">Enable<") {
		t.Error("no confirmation or no Enable button after disabling")
	}
}

// TestIssueOnAttestation: the issue form asks how identity was established;
// an attestation names an active attester of the chosen kind, else the
// problem is shown on the attester select.
func TestIssueOnAttestation(t *testing.T) {
	fx := newFixture(t)
	if _, err := fx.fake.AddAttester(t.Context(), issuer.Actor{Kind: "system", Name: "test"}, "Closed Shelter", issuer.AttesterShelter); err != nil {
		t.Fatal(err)
	}
	if err := fx.fake.SetAttesterDisabled(t.Context(), issuer.Actor{Kind: "system", Name: "test"}, "Closed Shelter", true); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, fx.h)
	csrf := b.signIn(clerkUser, clerkPass)
	_, page := b.get("/console/issue/AgeOverCredential")
	checkAccessible(t, "issue form", page)
	root := parseHTML(t, page)
	for _, id := range []string{"f-established-documents", "f-established-caseworker", "f-established-shelter", "f-attested_by"} {
		if root.byID(id) == nil {
			t.Errorf("the issue form has no %s", id)
		}
	}
	if !strings.Contains(page, "How was identity established?") || !strings.Contains(page, "Downtown Shelter (shelter)") {
		t.Error("the identity question or the attester is missing")
	}
	if strings.Contains(page, "Closed Shelter") {
		t.Error("a disabled attester is offered")
	}
	form := func(way, attester string) url.Values {
		return url.Values{"c.ageOver18": {"true"}, "subject_mode": {"did"}, "subject_did": {holderDID}, "format": {"ldp_vc"},
			"established": {way}, "attested_by": {attester}}
	}
	for _, c := range []struct{ way, attester, want string }{
		{"shelter", "", "choose the shelter"},
		{"caseworker", "Downtown Shelter", "registered as a shelter, not a caseworker"},
		{"documents", "Downtown Shelter", "choose one or the other"},
		{"shelter", "Closed Shelter", "is disabled"},
		{"shelter", "Nowhere House", "not a registered attester"},
	} {
		before := len(fx.fake.Calls())
		res, page := issueForm(t, b, csrf, "AgeOverCredential", form(c.way, c.attester))
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(page, `href="#f-attested_by"`) || !strings.Contains(page, c.want) {
			t.Errorf("%s by %q: status %d, want 400 on the attester with %q", c.way, c.attester, res.StatusCode, c.want)
		}
		if n := len(fx.fake.Calls()); n != before {
			t.Errorf("%s by %q: %d state changes for a refused form", c.way, c.attester, n-before)
		}
		checkAccessible(t, "issue form with an attester problem", page)
	}
	res, _ := issueForm(t, b, csrf, "AgeOverCredential", form("shelter", "Downtown Shelter"))
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("issue on attestation: status %d", res.StatusCode)
	}
	id := strings.TrimSuffix(strings.TrimPrefix(loc, "/console/credentials/"), "?done=issued")
	rec, err := fx.fake.Get(t.Context(), id)
	want := schemas.Evidence{Kind: schemas.EvidenceShelter, Attester: "Downtown Shelter"}
	if err != nil || len(rec.Evidence) != 1 || rec.Evidence[0] != want {
		t.Fatalf("record %+v, %v", rec, err)
	}
	_, page = b.get(loc)
	if !strings.Contains(page, "Identity attested by a shelter (Downtown Shelter)") {
		t.Error("the credential page does not say how identity was established")
	}
	// Documents seen: no attestation.
	res, _ = issueForm(t, b, csrf, "AgeOverCredential", form("documents", ""))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("documents: status %d", res.StatusCode)
	}
	// An offer on a caseworker's attestation.
	if _, err := fx.fake.AddAttester(t.Context(), issuer.Actor{Kind: "system", Name: "test"}, "Ana Ruiz", issuer.AttesterCaseworker); err != nil {
		t.Fatal(err)
	}
	offer := url.Values{"c.ageOver18": {"true"}, "subject_mode": {"offer"}, "established": {"caseworker"}, "attested_by": {"Ana Ruiz"}}
	if res, page := issueForm(t, b, csrf, "AgeOverCredential", offer); res.StatusCode != 200 || len(fx.fake.Offers()) != 1 {
		t.Fatalf("attested offer: status %d\n%s", res.StatusCode, page)
	}
}

// TestAPIAttestedBy: the JSON API passes attested_by through to the issuer:
// an unknown attester is a 400 naming it, a registered one issues with the
// evidence.
func TestAPIAttestedBy(t *testing.T) {
	fx := newFixture(t)
	csrf := fx.sessions[clerkUser].CSRF
	body := func(attester string) string {
		return `{"type":"AgeOverCredential","subject":"` + holderDID + `","claims":{"ageOver18":true},"format":"ldp_vc","attested_by":"` + attester + `"}`
	}
	res := fx.do(req{method: "POST", path: "/api/credentials", user: clerkUser, csrf: csrf, json: body("Nowhere House")})
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), "not a registered attester") {
		t.Fatalf("unknown attester: status %d %s", res.StatusCode, b)
	}
	res = fx.do(req{method: "POST", path: "/api/credentials", user: clerkUser, csrf: csrf, json: body("Downtown Shelter")})
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("attested issue: status %d", res.StatusCode)
	}
	var out struct {
		ID string `json:"id"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	rec, err := fx.fake.Get(t.Context(), out.ID)
	if err != nil || len(rec.Evidence) != 1 || rec.Evidence[0].Attester != "Downtown Shelter" {
		t.Fatalf("record %+v, %v", rec, err)
	}
	res = fx.do(req{method: "POST", path: "/api/offers", user: clerkUser, csrf: csrf,
		json: `{"type":"AgeOverCredential","claims":{"ageOver18":true},"attested_by":"Nowhere House"}`})
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("offer with an unknown attester: status %d", res.StatusCode)
	}
}
