package console

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// sample is a request that succeeds on a route for a user allowed to use it.
type sample struct {
	path   string
	form   url.Values // HTML POST body (the test adds the CSRF field)
	json   string     // API POST body
	status int        // answer for a signed-in user allowed to use the route
	// anonStatus is the answer to an anonymous request on a public route
	// (0: same as status).
	anonStatus int
	// call is the issuer.API method a successful POST must have called.
	call string
}

// samples returns a sample for every route, keyed like routeKey. A route
// without a sample fails TestRouteTable, so a new route cannot be left out
// of the auth matrix.
func samples(fx *fixture) map[string]sample {
	cred := "/console/credentials/" + url.PathEscape(fx.credID)
	apiCred := "/api/credentials/" + url.PathEscape(fx.credID)
	res := fmt.Sprintf("%d", fx.resident.ID)
	claims := url.Values{"c.residentOf": {"Springfield"}, "c.housingStatus": {"noFixedAddress"}, "subject_mode": {"offer"},
		"resident_id": {res}}
	return map[string]sample{
		"GET /console/static/console.css": {path: "/console/static/console.css", status: 200},
		"GET /console/login":              {path: "/console/login", status: 303, anonStatus: 200},
		"POST /console/login": {path: "/console/login", status: 303,
			form: url.Values{"username": {clerkUser}, "password": {clerkPass}, "next": {"/console/"}}},
		"GET /console/bootstrap": {path: "/console/bootstrap", status: 303, anonStatus: 200},
		"POST /console/bootstrap": {path: "/console/bootstrap", status: 303, call: "CreateStaff",
			form: url.Values{"secret": {"s3cret"}, "username": {"root"}, "password": {"root-password"}}},
		"POST /console/logout":                {path: "/console/logout", status: 303, call: "EndSession"},
		"GET /console/{$}":                    {path: "/console/", status: 200},
		"GET /console/residents":              {path: "/console/residents?id=" + res, status: 303},
		"GET /console/residents/new":          {path: "/console/residents/new", status: 200},
		"POST /console/residents":             {path: "/console/residents", status: 303, call: "Enrol", form: url.Values{"name": {"Sam Newcomer"}}},
		"GET /console/residents/{id}":         {path: "/console/residents/" + res, status: 200},
		"GET /console/residents/{id}/reissue": {path: "/console/residents/" + res + "/reissue", status: 200},
		"POST /console/residents/{id}/reissue": {path: "/console/residents/" + res + "/reissue", status: 200, call: "Recover",
			form: url.Values{"evidence": {"photo_id"}, "document": {"passport"}, "target": {"wallet"}}},
		"GET /console/issue":                     {path: "/console/issue?resident=" + res, status: 200},
		"GET /console/issue/{type}":              {path: "/console/issue/ResidencyCredential?resident=" + res, status: 200},
		"POST /console/issue/{type}":             {path: "/console/issue/ResidencyCredential", status: 200, call: "CreateOffer", form: claims},
		"GET /console/credentials/{id}":          {path: cred, status: 200},
		"GET /console/credentials/{id}/download": {path: cred + "/download", status: 200},
		"GET /console/credentials/{id}/revoke":   {path: cred + "/revoke", status: 200},
		"POST /console/credentials/{id}/revoke": {path: cred + "/revoke", status: 303, call: "Revoke",
			form: url.Values{"confirm": {"yes"}}},
		"POST /console/credentials/{id}/suspend": {path: cred + "/suspend", status: 303, call: "Suspend",
			form: url.Values{"suspended": {"true"}}},
		"POST /console/credentials/{id}/paper": {path: cred + "/paper", status: 200, call: "PrintPaper",
			form: url.Values{"claim": {"residentOf"}, "paper": {"letter"}, "lang": {"es"}}},
		"GET /console/staff": {path: "/console/staff", status: 200},
		"POST /console/staff": {path: "/console/staff", status: 303, call: "CreateStaff",
			form: url.Values{"username": {"newbie"}, "password": {"newbie-password"}, "role": {"clerk"}}},
		"POST /console/staff/{username}/role": {path: "/console/staff/" + clerkUser + "/role", status: 303, call: "SetRole",
			form: url.Values{"role": {"admin"}}},
		"GET /console/attesters": {path: "/console/attesters", status: 200},
		"POST /console/attesters": {path: "/console/attesters", status: 303, call: "AddAttester",
			form: url.Values{"name": {"Eastside Outreach"}, "kind": {"caseworker"}}},
		"POST /console/attesters/{name}/disabled": {path: "/console/attesters/" + url.PathEscape("Downtown Shelter") + "/disabled", status: 303,
			call: "SetAttesterDisabled", form: url.Values{"disabled": {"true"}}},

		"POST /api/login": {path: "/api/login", status: 200,
			json: fmt.Sprintf(`{"username":%q,"password":%q}`, clerkUser, clerkPass)},
		"POST /api/logout":                {path: "/api/logout", status: 204, call: "EndSession"},
		"POST /api/residents":             {path: "/api/residents", status: 201, call: "Enrol", json: `{"name":"Sam Newcomer"}`},
		"GET /api/residents/{id}":         {path: "/api/residents/" + res, status: 200},
		"GET /api/residents/{id}/reissue": {path: "/api/residents/" + res + "/reissue", status: 200},
		"POST /api/residents/{id}/reissue": {path: "/api/residents/" + res + "/reissue", status: 200, call: "Recover",
			json: `{"evidence":"known_to_staff"}`},
		"POST /api/credentials": {path: "/api/credentials", status: 201, call: "Issue",
			json: `{"type":"ResidencyCredential","subject":"did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",` +
				`"claims":{"residentOf":"Springfield","housingStatus":"noFixedAddress"},"format":"ldp_vc"}`},
		"GET /api/credentials":               {path: "/api/credentials?q=rosa&state=active", status: 200},
		"GET /api/credentials/{id}":          {path: apiCred, status: 200},
		"POST /api/credentials/{id}/revoke":  {path: apiCred + "/revoke", status: 200, call: "Revoke"},
		"POST /api/credentials/{id}/suspend": {path: apiCred + "/suspend", status: 200, call: "Suspend", json: `{"suspended":true}`},
		"POST /api/offers": {path: "/api/offers", status: 201, call: "CreateOffer",
			json: `{"type":"ResidencyCredential","claims":{"residentOf":"Springfield","housingStatus":"noFixedAddress"},"resident_id":1}`},
		"GET /api/staff":                  {path: "/api/staff", status: 200},
		"POST /api/staff":                 {path: "/api/staff", status: 201, call: "CreateStaff", json: `{"username":"newbie","password":"newbie-password","role":"clerk"}`},
		"POST /api/staff/{username}/role": {path: "/api/staff/" + clerkUser + "/role", status: 200, call: "SetRole", json: `{"role":"admin"}`},
	}
}

// wantAccess says, independently of the route table, who may use each
// route: the matrix derives its expectations from here, so a route whose
// access level is changed in the table by mistake fails the test.
var wantAccess = map[string]access{
	"GET /console/static/console.css":         public,
	"GET /console/login":                      public,
	"POST /console/login":                     public,
	"GET /console/bootstrap":                  public,
	"POST /console/bootstrap":                 public,
	"POST /console/logout":                    anyStaff,
	"GET /console/{$}":                        anyStaff,
	"GET /console/residents":                  anyStaff,
	"GET /console/residents/new":              anyStaff,
	"POST /console/residents":                 anyStaff,
	"GET /console/residents/{id}":             anyStaff,
	"GET /console/residents/{id}/reissue":     anyStaff,
	"POST /console/residents/{id}/reissue":    anyStaff,
	"GET /console/issue":                      anyStaff,
	"GET /console/issue/{type}":               anyStaff,
	"POST /console/issue/{type}":              anyStaff,
	"GET /console/credentials/{id}":           anyStaff,
	"GET /console/credentials/{id}/download":  anyStaff,
	"GET /console/credentials/{id}/revoke":    anyStaff,
	"POST /console/credentials/{id}/revoke":   anyStaff,
	"POST /console/credentials/{id}/suspend":  anyStaff,
	"POST /console/credentials/{id}/paper":    anyStaff,
	"GET /console/staff":                      adminOnly,
	"POST /console/staff":                     adminOnly,
	"POST /console/staff/{username}/role":     adminOnly,
	"GET /console/attesters":                  adminOnly,
	"POST /console/attesters":                 adminOnly,
	"POST /console/attesters/{name}/disabled": adminOnly,
	"POST /api/login":                         public,
	"POST /api/logout":                        anyStaff,
	"POST /api/residents":                     anyStaff,
	"GET /api/residents/{id}":                 anyStaff,
	"GET /api/residents/{id}/reissue":         anyStaff,
	"POST /api/residents/{id}/reissue":        anyStaff,
	"POST /api/credentials":                   anyStaff,
	"GET /api/credentials":                    anyStaff,
	"GET /api/credentials/{id}":               anyStaff,
	"POST /api/credentials/{id}/revoke":       anyStaff,
	"POST /api/credentials/{id}/suspend":      anyStaff,
	"POST /api/offers":                        anyStaff,
	"GET /api/staff":                          adminOnly,
	"POST /api/staff":                         adminOnly,
	"POST /api/staff/{username}/role":         adminOnly,
}

func routeKey(rt route) string { return rt.method + " " + rt.pattern }

// TestRouteTable checks that every route has exactly one sample and the
// other way round.
func TestRouteTable(t *testing.T) {
	s := samples(newFixture(t))
	seen := map[string]bool{}
	for _, rt := range routes {
		k := routeKey(rt)
		if seen[k] {
			t.Errorf("route %s is registered twice", k)
		}
		seen[k] = true
		if _, ok := s[k]; !ok {
			t.Errorf("route %s has no sample in samples(): add one so the auth matrix covers it", k)
		}
		if a, ok := wantAccess[k]; !ok {
			t.Errorf("route %s is not in wantAccess: say who may use it", k)
		} else if a != rt.access {
			t.Errorf("route %s is open to %s in the route table, want %s", k, rt.access, a)
		}
		if rt.api != strings.HasPrefix(rt.pattern, "/api/") {
			t.Errorf("route %s: api flag does not match its path", k)
		}
	}
	for k := range s {
		if !seen[k] {
			t.Errorf("sample %s matches no route", k)
		}
	}
	for k := range wantAccess {
		if !seen[k] {
			t.Errorf("wantAccess entry %s matches no route", k)
		}
	}
}

// csrfCase is how a request carries (or fails to carry) the CSRF token.
type csrfCase string

const (
	csrfNone      csrfCase = "no-csrf"
	csrfWrong     csrfCase = "wrong-csrf"
	csrfValid     csrfCase = "csrf"
	csrfCrossSite csrfCase = "csrf+cross-site"
	csrfGet       csrfCase = "get"
)

// TestAuthMatrix sends every route × {anonymous, clerk, admin} × (for POST)
// {no, wrong, valid CSRF token, valid token from another site} and checks
// the status and that refused requests changed nothing.
func TestAuthMatrix(t *testing.T) {
	for _, rt := range routes {
		for _, user := range []string{"", clerkUser, adminUser} {
			cases := []csrfCase{csrfGet}
			if rt.method == "POST" {
				cases = []csrfCase{csrfNone, csrfWrong, csrfValid, csrfCrossSite}
			}
			for _, cc := range cases {
				who := user
				if who == "" {
					who = "anonymous"
				}
				name := fmt.Sprintf("%s/%s/%s", routeKey(rt), who, cc)
				t.Run(name, func(t *testing.T) { checkMatrixCase(t, rt, user, cc) })
			}
		}
	}
}

func checkMatrixCase(t *testing.T, rt route, user string, cc csrfCase) {
	fx := newFixture(t)
	s := samples(fx)[routeKey(rt)]
	acc, ok := wantAccess[routeKey(rt)]
	if !ok {
		t.Fatal("route missing from wantAccess")
	}
	r := req{method: rt.method, path: s.path, user: user, form: s.form, json: s.json}
	const preLogin = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	if user == "" {
		r.preLogin = preLogin
	}
	if rt.method == "POST" {
		valid := preLogin
		if user != "" {
			valid = fx.sessions[user].CSRF
		}
		switch cc {
		case csrfWrong:
			r.csrf = strings.Repeat("0", len(valid))
		case csrfValid:
			r.csrf = valid
		case csrfCrossSite:
			r.csrf = valid
			r.headers = map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}
		}
	}
	res := fx.do(r)
	body := readBody(t, res)

	// What the answer must be.
	want, refused := s.status, false
	switch {
	case rt.method == "POST" && cc == csrfCrossSite:
		want, refused = http.StatusForbidden, true
	case acc != public && user == "":
		want, refused = http.StatusUnauthorized, true
		if !rt.api {
			want = http.StatusSeeOther
		}
	case acc == adminOnly && user != adminUser:
		want, refused = http.StatusForbidden, true
	case rt.method == "POST" && cc != csrfValid && !(rt.api && acc == public):
		want, refused = http.StatusForbidden, true
	case user == "" && s.anonStatus != 0:
		want = s.anonStatus
	}
	if res.StatusCode != want {
		t.Fatalf("status %d, want %d\n%s", res.StatusCode, want, body)
	}
	calls := fx.stateCalls()
	if refused {
		if len(calls) != 0 {
			t.Errorf("a refused request changed state: %+v", calls)
		}
		if rt.api && want != http.StatusSeeOther {
			var e struct {
				Code string `json:"error"`
			}
			if err := json.Unmarshal([]byte(body), &e); err != nil || e.Code == "" {
				t.Errorf("API refusal without a JSON error code: %s", body)
			}
		}
		if !rt.api && want == http.StatusSeeOther && !strings.HasPrefix(res.Header.Get("Location"), "/console/login") {
			t.Errorf("anonymous request redirected to %q, want the sign-in page", res.Header.Get("Location"))
		}
		return
	}
	if s.call != "" {
		found := false
		for _, c := range calls {
			found = found || c.Method == s.call
			if c.Method == s.call && s.call != "EndSession" && s.call != "CreateStaff" {
				if c.Actor.Kind != "staff" || c.Actor.Name != user || c.Actor.StaffID == 0 {
					t.Errorf("%s called with actor %+v, want the signed-in staff member %q", c.Method, c.Actor, user)
				}
			}
		}
		if !found {
			t.Errorf("accepted request did not call %s (calls: %+v)", s.call, calls)
		}
	}
	if res.Header.Get("X-Frame-Options") != "DENY" || !strings.Contains(res.Header.Get("Content-Security-Policy"), "default-src 'self'") {
		t.Errorf("security headers missing: %v", res.Header)
	}
}

// TestWrongMethod checks that methods a route does not serve get 405 with
// an Allow header, for every route, signed in or not.
func TestWrongMethod(t *testing.T) {
	fx := newFixture(t)
	for _, rt := range routes {
		s := samples(fx)[routeKey(rt)]
		for _, m := range []string{"PUT", "DELETE", "PATCH"} {
			res := fx.do(req{method: m, path: s.path, user: adminUser})
			if res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Allow") == "" {
				t.Errorf("%s %s: status %d Allow %q, want 405 with Allow", m, s.path, res.StatusCode, res.Header.Get("Allow"))
			}
		}
	}
	if calls := fx.stateCalls(); len(calls) != 0 {
		t.Errorf("wrong methods changed state: %+v", calls)
	}
}

// TestPreLoginCSRF checks the sign-in and bootstrap forms without a session:
// the CSRF field must match the pre-login cookie, which must be present.
func TestPreLoginCSRF(t *testing.T) {
	for _, path := range []string{"/console/login", "/console/bootstrap"} {
		fx := newFixture(t)
		form := url.Values{"username": {clerkUser}, "password": {clerkPass}, "secret": {"x"}}
		for _, r := range []req{
			{method: "POST", path: path, form: form, csrf: "some-token"},                            // no cookie
			{method: "POST", path: path, form: form, preLogin: "cookie-token", csrf: "other-token"}, // mismatch
			{method: "POST", path: path, form: form, preLogin: "cookie-token"},                      // no field
		} {
			if res := fx.do(r); res.StatusCode != http.StatusForbidden {
				t.Errorf("%s with cookie %q and field %q: status %d, want 403", path, r.preLogin, r.csrf, res.StatusCode)
			}
		}
		if calls := fx.stateCalls(); len(calls) != 0 {
			t.Errorf("%s: refused requests changed state: %+v", path, calls)
		}
	}
}
