package console

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/cityid/cityid/issuer"
	"github.com/cityid/cityid/issuer/console/consoletest"
)

const (
	adminUser, adminPass = "ada", "admin-password"
	clerkUser, clerkPass = "carl", "clerk-password"
)

// residencyClaims are valid claims of a ResidencyCredential.
var residencyClaims = map[string]any{"residentOf": "Springfield", "housingStatus": "shelter", "shelterName": "Riverside Shelter"}

// fixture is a console over a seeded fake: an admin, a clerk, one resident
// with one active credential, and a signed-in session for each account.
type fixture struct {
	t        *testing.T
	fake     *consoletest.Fake
	h        http.Handler
	resident *issuer.Resident
	credID   string
	sessions map[string]issuer.Session // by username
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	fake := consoletest.New()
	fx := &fixture{t: t, fake: fake, sessions: map[string]issuer.Session{}}
	ctx := context.Background()
	admin := fake.AddStaff(adminUser, adminPass, issuer.RoleAdmin)
	clerk := fake.AddStaff(clerkUser, clerkPass, issuer.RoleClerk)
	sys := issuer.Actor{Kind: "system", Name: "test"}
	var err error
	if fx.resident, err = fake.Enrol(ctx, sys, "Rosa Resident", "CASE-7"); err != nil {
		t.Fatal(err)
	}
	rec, err := fake.Issue(ctx, sys, issuer.IssueRequest{Type: "ResidencyCredential",
		Subject: "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", Claims: residencyClaims,
		Format: issuer.FormatLDP, ResidentID: fx.resident.ID})
	if err != nil {
		t.Fatal(err)
	}
	fx.credID = rec.ID
	if _, err := fake.AddAttester(ctx, sys, "Downtown Shelter", issuer.AttesterShelter); err != nil {
		t.Fatal(err)
	}
	for _, st := range []*issuer.Staff{admin, clerk} {
		s, err := fake.NewSession(ctx, st)
		if err != nil {
			t.Fatal(err)
		}
		fx.sessions[st.Username] = s
	}
	// Bootstrap succeeds whenever called, so the route table test can tell
	// a refused request (no call) from an accepted one.
	fx.h, err = New(fake, Options{Bootstrap: func(ctx context.Context, secret, username, password string) (*issuer.Staff, error) {
		return fake.CreateStaff(ctx, issuer.Actor{Kind: "system", Name: "bootstrap"}, username, password, issuer.RoleAdmin)
	}})
	if err != nil {
		t.Fatal(err)
	}
	return fx
}

// stateCalls returns the state-changing calls made through the console
// (the seeding calls are left out).
func (fx *fixture) stateCalls() []consoletest.Call {
	var out []consoletest.Call
	for _, c := range fx.fake.Calls() {
		if c.Actor.Name != "test" {
			out = append(out, c)
		}
	}
	return out
}

// req describes one request to the console.
type req struct {
	method, path string
	user         string // "" for anonymous
	form         url.Values
	json         string
	csrf         string // value of the CSRF field / header; "" for none
	preLogin     string // pre-login cookie value
	headers      map[string]string
}

// do serves one request in memory (no network) and returns the response.
func (fx *fixture) do(r req) *http.Response {
	fx.t.Helper()
	var body io.Reader
	api := strings.HasPrefix(r.path, "/api/")
	switch {
	case r.json != "":
		body = strings.NewReader(r.json)
	case r.form != nil || (r.method == "POST" && !api):
		f := url.Values{}
		for k, v := range r.form {
			f[k] = v
		}
		if r.csrf != "" {
			f.Set(csrfField, r.csrf)
		}
		body = strings.NewReader(f.Encode())
	}
	hr := httptest.NewRequest(r.method, "http://console.test"+r.path, body)
	if r.json != "" {
		hr.Header.Set("Content-Type", "application/json")
	} else if body != nil {
		hr.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if api && r.csrf != "" {
		hr.Header.Set(CSRFHeader, r.csrf)
	}
	if r.user != "" {
		hr.AddCookie(&http.Cookie{Name: SessionCookie, Value: fx.sessions[r.user].Token})
	}
	if r.preLogin != "" {
		hr.AddCookie(&http.Cookie{Name: preLoginCookie, Value: r.preLogin})
	}
	for k, v := range r.headers {
		hr.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	fx.h.ServeHTTP(rec, hr)
	return rec.Result()
}

func readBody(t *testing.T, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func decodeError(t *testing.T, res *http.Response) issuer.Error {
	t.Helper()
	var e issuer.Error
	body := readBody(t, res)
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		t.Fatalf("error body is not JSON: %v\n%s", err, body)
	}
	return e
}

// browser is a cookie-keeping client over a real loopback server, for
// multi-step flows; it does not follow redirects.
type browser struct {
	t      *testing.T
	srv    *httptest.Server
	client *http.Client
}

func newBrowser(t *testing.T, h http.Handler) *browser {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	jar := newJar()
	return &browser{t: t, srv: srv, client: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) get(path string) (*http.Response, string) {
	b.t.Helper()
	res, err := b.client.Get(b.srv.URL + path)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	return res, readBody(b.t, res)
}

func (b *browser) post(path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	res, err := b.client.PostForm(b.srv.URL+path, form)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	return res, readBody(b.t, res)
}

func (b *browser) postJSON(path, body, csrf string) (*http.Response, string) {
	b.t.Helper()
	r, err := http.NewRequest("POST", b.srv.URL+path, strings.NewReader(body))
	if err != nil {
		b.t.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/json")
	if csrf != "" {
		r.Header.Set(CSRFHeader, csrf)
	}
	res, err := b.client.Do(r)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	return res, readBody(b.t, res)
}

// signIn signs in through the HTML form and returns the session's CSRF token
// as the next page shows it.
func (b *browser) signIn(user, pass string) string {
	b.t.Helper()
	_, page := b.get("/console/login")
	tok := hiddenValue(b.t, page, csrfField)
	res, _ := b.post("/console/login", url.Values{"csrf": {tok}, "username": {user}, "password": {pass}, "next": {"/console/"}})
	if res.StatusCode != http.StatusSeeOther {
		b.t.Fatalf("sign in: status %d", res.StatusCode)
	}
	_, page = b.get("/console/")
	return hiddenValue(b.t, page, csrfField)
}
