package console

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/cityid/cityid/issuer"
	"github.com/cityid/cityid/issuer/console/consoletest"
)

// apiLogin signs in through POST /api/login and returns the CSRF token.
func apiLogin(t *testing.T, b *browser, user, pass string) string {
	t.Helper()
	res, body := b.postJSON("/api/login", `{"username":"`+user+`","password":"`+pass+`"}`, "")
	if res.StatusCode != 200 {
		t.Fatalf("login: status %d %s", res.StatusCode, body)
	}
	var lr LoginResponse
	if err := json.Unmarshal([]byte(body), &lr); err != nil || lr.CSRFToken == "" || lr.Staff.Username != user {
		t.Fatalf("login response %s: %v", body, err)
	}
	return lr.CSRFToken
}

func TestAPIFlow(t *testing.T) {
	fx := newFixture(t)
	b := newBrowser(t, fx.h)
	if res, body := b.postJSON("/api/login", `{"username":"carl","password":"nope"}`, ""); res.StatusCode != 401 ||
		!strings.Contains(body, `"error":"unauthorized"`) {
		t.Fatalf("wrong password: %d %s", res.StatusCode, body)
	}
	csrf := apiLogin(t, b, clerkUser, clerkPass)

	res, body := b.postJSON("/api/residents", `{"name":"Sam Newcomer","reference":"CASE-9"}`, csrf)
	var resident ResidentJSON
	if res.StatusCode != 201 || json.Unmarshal([]byte(body), &resident) != nil || resident.ID != 2 {
		t.Fatalf("enrol: %d %s", res.StatusCode, body)
	}
	res, body = b.postJSON("/api/offers", `{"type":"AgeOverCredential","claims":{"ageOver18":true},"resident_id":2}`, csrf)
	var offer OfferJSON
	if res.StatusCode != 201 || json.Unmarshal([]byte(body), &offer) != nil ||
		!strings.HasPrefix(offer.URI, "openid-credential-offer://") || len(offer.TxCode) != 6 || offer.Expires.IsZero() {
		t.Fatalf("offer: %d %s", res.StatusCode, body)
	}
	res, body = b.postJSON("/api/credentials", `{"type":"AgeOverCredential","subject":"`+holderDID+
		`","claims":{"ageOver18":true,"ageOver21":false},"resident_id":2}`, csrf)
	var rec RecordJSON
	if res.StatusCode != 201 || json.Unmarshal([]byte(body), &rec) != nil || rec.Format != issuer.FormatLDP ||
		rec.State != issuer.StateActive || rec.Credential == "" {
		t.Fatalf("issue: %d %s", res.StatusCode, body)
	}
	res, body = b.get("/api/credentials?q=sam&type=AgeOverCredential")
	var list struct{ Credentials []RecordJSON }
	if res.StatusCode != 200 || json.Unmarshal([]byte(body), &list) != nil || len(list.Credentials) != 1 ||
		list.Credentials[0].ID != rec.ID || list.Credentials[0].Credential != "" {
		t.Fatalf("search: %d %s", res.StatusCode, body)
	}
	res, body = b.postJSON("/api/credentials/"+rec.ID+"/suspend", `{"suspended":true}`, csrf)
	if res.StatusCode != 200 || !strings.Contains(body, `"state":"suspended"`) {
		t.Fatalf("suspend: %d %s", res.StatusCode, body)
	}
	res, body = b.postJSON("/api/credentials/"+rec.ID+"/revoke", ``, csrf)
	if res.StatusCode != 200 || !strings.Contains(body, `"state":"revoked"`) {
		t.Fatalf("revoke: %d %s", res.StatusCode, body)
	}
	res, body = b.get("/api/residents/1/reissue")
	var plan RecoveryPlanJSON
	if res.StatusCode != 200 || json.Unmarshal([]byte(body), &plan) != nil || len(plan.Replace) != 1 || plan.Replace[0].Type != "ResidencyCredential" {
		t.Fatalf("recovery plan: %d %s", res.StatusCode, body)
	}
	res, body = b.postJSON("/api/residents/1/reissue", `{"evidence":"photo_id","document_kind":"passport","valid_until":"2031-01-31"}`, csrf)
	var reissued RecoveryJSON
	if res.StatusCode != 200 || json.Unmarshal([]byte(body), &reissued) != nil || len(reissued.Offers) != 1 ||
		reissued.Offers[0].Type != "ResidencyCredential" {
		t.Fatalf("reissue: %d %s", res.StatusCode, body)
	}
	if res, body = b.postJSON("/api/logout", ``, csrf); res.StatusCode != 204 {
		t.Fatalf("logout: %d %s", res.StatusCode, body)
	}
	if res, _ = b.get("/api/credentials"); res.StatusCode != 401 {
		t.Fatalf("after logout: %d", res.StatusCode)
	}
}

func TestAPIStaff(t *testing.T) {
	fx := newFixture(t)
	b := newBrowser(t, fx.h)
	csrf := apiLogin(t, b, adminUser, adminPass)
	res, body := b.postJSON("/api/staff", `{"username":"bea","password":"long-enough","role":"clerk"}`, csrf)
	if res.StatusCode != 201 || !strings.Contains(body, `"username":"bea"`) || strings.Contains(body, "long-enough") {
		t.Fatalf("create: %d %s", res.StatusCode, body)
	}
	if res, body = b.postJSON("/api/staff", `{"username":"bea","password":"long-enough","role":"clerk"}`, csrf); res.StatusCode != 409 {
		t.Errorf("duplicate: %d %s", res.StatusCode, body)
	}
	if res, body = b.postJSON("/api/staff/bea/role", `{"role":"owner"}`, csrf); res.StatusCode != 400 ||
		!strings.Contains(body, `"path":"role"`) {
		t.Errorf("bad role: %d %s", res.StatusCode, body)
	}
	if res, body = b.postJSON("/api/staff/bea/role", `{"role":"admin"}`, csrf); res.StatusCode != 200 {
		t.Errorf("set role: %d %s", res.StatusCode, body)
	}
	res, body = b.get("/api/staff")
	if res.StatusCode != 200 || !strings.Contains(body, `"username":"bea","role":"admin"`) {
		t.Errorf("list: %d %s", res.StatusCode, body)
	}
}

// TestAPIBadInput checks that malformed requests get a 4xx with a code and
// a message, and store nothing.
func TestAPIBadInput(t *testing.T) {
	fx := newFixture(t)
	b := newBrowser(t, fx.h)
	csrf := apiLogin(t, b, clerkUser, clerkPass)
	big := `{"type":"ResidencyCredential","subject":"` + holderDID + `","claims":{"residentOf":"` +
		strings.Repeat("x", MaxBody) + `"}}`
	for _, c := range []struct {
		name, path, body string
		status           int
		code, text       string
	}{
		{"malformed", "/api/credentials", `{"type":`, 400, "invalid_request", "not complete JSON"},
		{"syntax", "/api/credentials", `{"type" "x"}`, 400, "invalid_request", "not valid JSON"},
		{"empty", "/api/residents", ``, 400, "invalid_request", "empty"},
		{"array", "/api/residents", `[]`, 400, "invalid_request", "JSON object"},
		{"trailing", "/api/residents", `{"name":"a"} {"name":"b"}`, 400, "invalid_request", "nothing after it"},
		{"unknown member", "/api/residents", `{"name":"a","admin":true}`, 400, "invalid_request", `"admin"`},
		{"wrong type", "/api/credentials", `{"type":7}`, 400, "invalid_request", "type must not be number"},
		{"oversize", "/api/credentials", big, 413, "invalid_request", "64 KiB"},
		{"unknown type", "/api/credentials", `{"type":"PassportCredential","subject":"` + holderDID + `","claims":{}}`, 400, "unknown_type", "PassportCredential"},
		{"bad claims", "/api/credentials", `{"type":"ResidencyCredential","subject":"` + holderDID + `","claims":{"housingStatus":"castle"}}`, 400, "invalid_claims", "housingStatus"},
		{"bad DID", "/api/credentials", `{"type":"AgeOverCredential","subject":"did:nope","claims":{"ageOver18":true}}`, 400, "invalid_did", "DID"},
		{"bad format", "/api/credentials", `{"type":"AgeOverCredential","subject":"` + holderDID + `","claims":{"ageOver18":true},"format":"mdoc"}`, 400, "invalid_request", "format"},
		{"offer claims", "/api/offers", `{"type":"AgeOverCredential","claims":{}}`, 400, "invalid_claims", "credentialSubject"},
		{"suspend missing", "/api/credentials/x/suspend", `{}`, 400, "invalid_request", "suspended"},
		{"unknown credential", "/api/credentials/urn:uuid:nope/revoke", ``, 404, "not_found", "nope"},
		{"unknown resident", "/api/residents/77/reissue", `{"evidence":"photo_id"}`, 404, "not_found", "77"},
		{"recovery without evidence", "/api/residents/1/reissue", `{}`, 400, "invalid_request", "re-verified in person"},
		{"recovery with a document number", "/api/residents/1/reissue", `{"evidence":"photo_id","document_kind":"X123"}`, 400, "invalid_request", "never its number"},
		{"recovery date", "/api/residents/1/reissue", `{"evidence":"photo_id","valid_until":"soon"}`, 400, "invalid_request", "YYYY-MM-DD"},
		{"bad resident id", "/api/residents/x/reissue", ``, 404, "not_found", "resident number"},
	} {
		res, body := b.postJSON(c.path, c.body, csrf)
		var e issuer.Error
		if err := json.Unmarshal([]byte(body), &e); err != nil {
			t.Errorf("%s: body is not a JSON error: %s", c.name, body)
			continue
		}
		if res.StatusCode != c.status || e.Code != c.code || !strings.Contains(body, c.text) || e.Message == "" {
			t.Errorf("%s: %d %s, want %d %s mentioning %q", c.name, res.StatusCode, body, c.status, c.code, c.text)
		}
	}
	recs, _ := fx.fake.Search(t.Context(), issuer.Query{})
	if len(recs) != 1 || len(fx.fake.Offers()) != 0 {
		t.Errorf("bad input stored something: %d credentials, %d offers", len(recs), len(fx.fake.Offers()))
	}
	if calls := fx.stateCalls(); len(calls) != 0 {
		t.Errorf("bad input changed state: %+v", calls)
	}

	// A form-encoded body is refused with 415, not parsed.
	r, _ := http.NewRequest("POST", b.srv.URL+"/api/residents", strings.NewReader("name=x"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set(CSRFHeader, csrf)
	res, err := b.client.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("form body: status %d, want 415", res.StatusCode)
	}
	res.Body.Close()

	for path, want := range map[string]int{"/api/nothing": 404, "/api/credentials?state=lost": 400, "/api/credentials?limit=0": 400} {
		res, body := b.get(path)
		if res.StatusCode != want || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
			t.Errorf("GET %s: %d %s", path, res.StatusCode, body)
		}
	}
}

// failingAPI answers Search with an internal error, like a broken database.
type failingAPI struct{ *consoletest.Fake }

func (failingAPI) Search(context.Context, issuer.Query) ([]issuer.Record, error) {
	return nil, errors.New("sqlite: disk I/O error at /secret/path")
}

func TestServerErrorsLeakNothing(t *testing.T) {
	fake := consoletest.New()
	fake.AddStaff(clerkUser, clerkPass, issuer.RoleClerk)
	h, err := New(failingAPI{fake}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, h)
	apiLogin(t, b, clerkUser, clerkPass)
	for _, path := range []string{"/api/credentials", "/console/"} {
		res, body := b.get(path)
		if res.StatusCode != 500 || strings.Contains(body, "/secret/path") || !strings.Contains(body, "server_error") {
			t.Errorf("%s: %d %s", path, res.StatusCode, body)
		}
	}
}
