package console

import (
	"bytes"
	"encoding/base64"
	"image/png"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/cityid/cityid/issuer"
	"github.com/cityid/cityid/issuer/console/consoletest"
)

const holderDID = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"

func TestLoginLogout(t *testing.T) {
	fx := newFixture(t)
	b := newBrowser(t, fx.h)

	res, _ := b.get("/console/residents/new")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/console/login?next=%2Fconsole%2Fresidents%2Fnew" {
		t.Fatalf("anonymous page: status %d Location %q, want a redirect to sign in", res.StatusCode, res.Header.Get("Location"))
	}
	_, page := b.get("/console/login?next=%2Fconsole%2Fresidents%2Fnew")
	checkAccessible(t, "login", page)
	tok := hiddenValue(t, page, csrfField)
	if got := hiddenValue(t, page, "next"); got != "/console/residents/new" {
		t.Errorf("next = %q", got)
	}

	// A wrong password: 401, the username kept, the password never echoed.
	res, page = b.post("/console/login", url.Values{"csrf": {tok}, "username": {clerkUser}, "password": {"wrong-password"}})
	if res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong password: status %d", res.StatusCode)
	}
	checkAccessible(t, "login error", page)
	root := parseHTML(t, page)
	if in := root.byID("f-username"); in == nil || in.attrs["value"] != clerkUser || in.attrs["aria-invalid"] != "true" {
		t.Errorf("username input after a failed sign-in: %+v", in)
	}
	if strings.Contains(page, "wrong-password") || !strings.Contains(page, "the username or password is wrong") {
		t.Errorf("failed sign-in page must explain without echoing the password:\n%s", page)
	}

	res, _ = b.post("/console/login", url.Values{"csrf": {tok}, "username": {clerkUser}, "password": {clerkPass},
		"next": {"/console/residents/new"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/console/residents/new" {
		t.Fatalf("sign in: status %d Location %q", res.StatusCode, res.Header.Get("Location"))
	}
	var cookie *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == SessionCookie {
			cookie = c
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode || cookie.Path != "/" || cookie.Secure {
		t.Errorf("session cookie %+v: want HttpOnly, SameSite=Strict, Path=/, not Secure without SecureCookies", cookie)
	}
	res, page = b.get("/console/residents/new")
	if res.StatusCode != http.StatusOK || !strings.Contains(page, "Signed in as <strong>carl</strong>") {
		t.Fatalf("after sign in: status %d\n%s", res.StatusCode, page)
	}
	csrf := hiddenValue(t, page, csrfField)

	res, _ = b.post("/console/logout", url.Values{"csrf": {csrf}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/console/login?done=signedout" {
		t.Fatalf("sign out: status %d Location %q", res.StatusCode, res.Header.Get("Location"))
	}
	if _, _, err := fx.fake.LookupSession(t.Context(), cookie.Value); err == nil {
		t.Error("the session still works after signing out")
	}
	if res, _ = b.get("/console/"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("after sign out: status %d, want a redirect to sign in", res.StatusCode)
	}
	// An open redirect through next is refused.
	_, page = b.get("/console/login")
	res, _ = b.post("/console/login", url.Values{"csrf": {hiddenValue(t, page, csrfField)}, "username": {clerkUser},
		"password": {clerkPass}, "next": {"//evil.example/console/"}})
	if loc := res.Header.Get("Location"); loc != "/console/" {
		t.Errorf("next=//evil.example redirected to %q", loc)
	}
}

func TestSecureCookies(t *testing.T) {
	fake := consoletest.New()
	fake.AddStaff(clerkUser, clerkPass, issuer.RoleClerk)
	h, err := New(fake, Options{SecureCookies: true})
	if err != nil {
		t.Fatal(err)
	}
	fx := &fixture{t: t, fake: fake, h: h}
	res := fx.do(req{method: "POST", path: "/api/login", json: `{"username":"carl","password":"clerk-password"}`})
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	for _, c := range res.Cookies() {
		if c.Name == SessionCookie && (!c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode) {
			t.Errorf("cookie %+v: want Secure, HttpOnly, SameSite=Strict", c)
		}
	}
	res = fx.do(req{method: "GET", path: "/console/login"})
	for _, c := range res.Cookies() {
		if !c.Secure {
			t.Errorf("cookie %s is not Secure", c.Name)
		}
	}
}

func TestBootstrap(t *testing.T) {
	fake := consoletest.New()
	h, err := New(fake, Options{Bootstrap: fake.Bootstrap("one-time-secret")})
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, h)
	_, page := b.get("/console/bootstrap")
	checkAccessible(t, "bootstrap", page)
	tok := hiddenValue(t, page, csrfField)
	res, page := b.post("/console/bootstrap", url.Values{"csrf": {tok}, "secret": {"guess"}, "username": {"root"}, "password": {"root-password"}})
	if res.StatusCode != http.StatusForbidden || !strings.Contains(page, `href="#f-secret"`) {
		t.Fatalf("wrong secret: status %d\n%s", res.StatusCode, page)
	}
	if staff, _ := fake.ListStaff(t.Context()); len(staff) != 0 {
		t.Fatalf("a wrong secret created %d accounts", len(staff))
	}
	res, _ = b.post("/console/bootstrap", url.Values{"csrf": {tok}, "secret": {"one-time-secret"}, "username": {"root"}, "password": {"root-password"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("bootstrap: status %d", res.StatusCode)
	}
	res, page = b.get("/console/staff")
	if res.StatusCode != 200 || !strings.Contains(page, "Signed in as <strong>root</strong> (admin)") {
		t.Fatalf("after bootstrap: status %d", res.StatusCode)
	}

	// Without Options.Bootstrap the page does not exist.
	h2, _ := New(fake, Options{})
	fx := &fixture{t: t, fake: fake, h: h2}
	if res := fx.do(req{method: "GET", path: "/console/bootstrap"}); res.StatusCode != http.StatusNotFound {
		t.Errorf("bootstrap without Options.Bootstrap: status %d, want 404", res.StatusCode)
	}
}

// issueForm posts the issue form of typ as a signed-in clerk.
func issueForm(t *testing.T, b *browser, csrf, typ string, form url.Values) (*http.Response, string) {
	t.Helper()
	form.Set("csrf", csrf)
	return b.post("/console/issue/"+typ, form)
}

func TestIssueValidationErrors(t *testing.T) {
	fx := newFixture(t)
	b := newBrowser(t, fx.h)
	csrf := b.signIn(clerkUser, clerkPass)
	before := len(fx.fake.Offers())
	res, page := issueForm(t, b, csrf, "ResidencyCredential", url.Values{
		"c.residentOf": {" Springfield"}, "c.housingStatus": {"housed"}, "c.residentSince": {"2999-01-01"},
		"c.address.streetAddress": {"742 Evergreen Terrace"}, "c.address.postalCode": {"49007"},
		"subject_mode": {"offer"}, "resident_id": {"1"},
	})
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("status %d, want 400", res.StatusCode)
	}
	checkAccessible(t, "issue form with errors", page)
	root := parseHTML(t, page)
	summary := root.byID("error-summary")
	if summary == nil {
		t.Fatal("no error summary")
	}
	links := map[string]bool{}
	for _, a := range summary.all("a") {
		links[a.attrs["href"]] = true
	}
	for _, id := range []string{"f-c-residentOf", "f-c-residentSince", "f-c-address-addressLocality"} {
		if !links["#"+id] {
			t.Errorf("the error summary does not link to %s: %v", id, links)
		}
		in := root.byID(id)
		if in == nil || in.attrs["aria-invalid"] != "true" || !strings.Contains(in.attrs["aria-describedby"], id+"-error") {
			t.Errorf("input %s is not marked invalid with its message: %+v", id, in)
		}
	}
	// The user's input is kept, including the nested address and the choice.
	for id, want := range map[string]string{"f-c-residentOf": " Springfield", "f-c-residentSince": "2999-01-01",
		"f-c-address-streetAddress": "742 Evergreen Terrace", "f-c-address-postalCode": "49007"} {
		if in := root.byID(id); in == nil || in.attrs["value"] != want {
			t.Errorf("input %s lost its value, want %q", id, want)
		}
	}
	sel := root.byID("f-c-housingStatus")
	kept := false
	for _, o := range sel.all("option") {
		_, selected := o.attrs["selected"]
		kept = kept || (selected && o.attrs["value"] == "housed")
	}
	if !kept {
		t.Error("the housing status choice was not kept")
	}
	if msg := root.byID("f-c-residentSince-error"); msg == nil || !strings.Contains(msg.textContent(), "must not be in the future") {
		t.Errorf("no field message for residentSince")
	}
	if len(fx.fake.Offers()) != before {
		t.Error("an invalid form made an offer")
	}

	// A rule about the claims together is listed without a field link.
	res, page = issueForm(t, b, csrf, "ResidencyCredential", url.Values{"subject_mode": {"offer"}})
	if res.StatusCode != 400 || !strings.Contains(page, "Resident of: is required") {
		t.Errorf("missing required claims: status %d", res.StatusCode)
	}
}

func TestIssueOfferShowsQRAndPIN(t *testing.T) {
	fx := newFixture(t)
	b := newBrowser(t, fx.h)
	csrf := b.signIn(clerkUser, clerkPass)
	res, page := issueForm(t, b, csrf, "AgeOverCredential", url.Values{
		"c.ageOver18": {"true"}, "subject_mode": {"offer"}, "resident_id": {"1"}})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d\n%s", res.StatusCode, page)
	}
	if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("offer page Cache-Control %q, want no-store (it shows the PIN)", cc)
	}
	checkAccessible(t, "offer", page)
	offers := fx.fake.Offers()
	if len(offers) != 1 {
		t.Fatalf("%d offers made", len(offers))
	}
	o := offers[0]
	root := parseHTML(t, page)
	imgs := root.all("img")
	if len(imgs) != 1 {
		t.Fatalf("%d images, want the QR code", len(imgs))
	}
	src := imgs[0].attrs["src"]
	data, ok := strings.CutPrefix(src, "data:image/png;base64,")
	if !ok {
		t.Fatalf("QR src %.40q is not a PNG data URI", src)
	}
	raw, err := base64.StdEncoding.DecodeString(data)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("QR is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() < 300 || b.Dx() != b.Dy() {
		t.Errorf("QR is %v, want a large square", b)
	}
	var pin string
	root.walk(func(n *node) {
		if n.attrs["class"] == "pin" {
			pin = n.textContent()
		}
	})
	if pin != o.TxCode {
		t.Errorf("PIN shown %q, want the offer's tx_code %q", pin, o.TxCode)
	}
	if !strings.Contains(root.textContent(), o.URI) {
		t.Error("the offer URI is not shown as text")
	}
	if !strings.Contains(page, "Expires at") {
		t.Error("the expiry is not shown")
	}
	calls := fx.stateCalls()
	if len(calls) != 1 || calls[0].Method != "CreateOffer" || calls[0].Actor != (issuer.Actor{Kind: "staff", Name: clerkUser, StaffID: 2}) {
		t.Errorf("calls %+v, want one CreateOffer by carl", calls)
	}
}

func TestIssueToDID(t *testing.T) {
	fx := newFixture(t)
	b := newBrowser(t, fx.h)
	csrf := b.signIn(clerkUser, clerkPass)
	form := func(did string) url.Values {
		return url.Values{"c.program": {"transit-discount"}, "c.programName": {"Reduced fare transit"},
			"c.eligibleFrom": {"2025-01-01"}, "c.eligibleUntil": {"2025-12-31"},
			"subject_mode": {"did"}, "subject_did": {did}, "format": {"dc+sd-jwt"}}
	}
	for _, did := range []string{"", "not-a-did"} {
		res, page := issueForm(t, b, csrf, "ServiceEligibilityCredential", form(did))
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(page, `href="#f-subject_did"`) {
			t.Errorf("DID %q: status %d, want 400 with the error on the DID input", did, res.StatusCode)
		}
		checkAccessible(t, "issue to a bad DID", page)
		if in := parseHTML(t, page).byID("f-subject_did"); in == nil || in.attrs["value"] != did {
			t.Errorf("DID %q not kept", did)
		}
	}
	res, _ := issueForm(t, b, csrf, "ServiceEligibilityCredential", form(holderDID))
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/console/credentials/urn:uuid:") {
		t.Fatalf("issue: status %d Location %q", res.StatusCode, loc)
	}
	res, page := b.get(loc)
	if res.StatusCode != 200 || !strings.Contains(page, "The credential was issued.") || !strings.Contains(page, "SD-JWT VC") {
		t.Fatalf("credential page: status %d\n%s", res.StatusCode, page)
	}
	checkAccessible(t, "credential", page)
	id := strings.TrimSuffix(strings.TrimPrefix(loc, "/console/credentials/"), "?done=issued")
	rec, err := fx.fake.Get(t.Context(), id)
	if err != nil || rec.Format != issuer.FormatSDJWT || rec.Subject != holderDID {
		t.Fatalf("record %+v, %v", rec, err)
	}
	res, body := b.get("/console/credentials/" + id + "/download")
	if res.StatusCode != 200 || body != string(rec.Credential) ||
		!strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment;") || res.Header.Get("Content-Type") != "application/dc+sd-jwt" {
		t.Errorf("download: status %d headers %v", res.StatusCode, res.Header)
	}
}

func TestRevokeNeedsConfirmation(t *testing.T) {
	fx := newFixture(t)
	b := newBrowser(t, fx.h)
	csrf := b.signIn(clerkUser, clerkPass)
	cred := "/console/credentials/" + fx.credID

	_, page := b.get(cred)
	if !strings.Contains(page, `href="`+cred+`/revoke"`) {
		t.Fatal("the credential page has no link to the revoke confirmation")
	}
	res, page := b.get(cred + "/revoke")
	if res.StatusCode != 200 || !strings.Contains(page, "Yes, revoke it") || !strings.Contains(page, "cannot be undone") {
		t.Fatalf("confirmation page: status %d", res.StatusCode)
	}
	checkAccessible(t, "revoke confirmation", page)
	if rec, _ := fx.fake.Get(t.Context(), fx.credID); rec.State != issuer.StateActive {
		t.Fatal("showing the confirmation revoked the credential")
	}
	// A POST that skipped the confirmation step goes back to it.
	res, _ = b.post(cred+"/revoke", url.Values{"csrf": {csrf}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != cred+"/revoke" {
		t.Fatalf("unconfirmed revoke: status %d Location %q", res.StatusCode, res.Header.Get("Location"))
	}
	if rec, _ := fx.fake.Get(t.Context(), fx.credID); rec.State != issuer.StateActive {
		t.Fatal("an unconfirmed POST revoked the credential")
	}
	res, _ = b.post(cred+"/revoke", url.Values{"csrf": {hiddenValue(t, page, csrfField)}, "confirm": {"yes"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke: status %d", res.StatusCode)
	}
	if rec, _ := fx.fake.Get(t.Context(), fx.credID); rec.State != issuer.StateRevoked {
		t.Fatalf("state %s after revoke", rec.State)
	}
	_, page = b.get(res.Header.Get("Location"))
	if !strings.Contains(page, "The credential was revoked.") || strings.Contains(page, "Revoke…") || strings.Contains(page, ">Suspend<") {
		t.Error("a revoked credential's page still offers changes")
	}
}

func TestSuspendAndReinstate(t *testing.T) {
	fx := newFixture(t)
	b := newBrowser(t, fx.h)
	csrf := b.signIn(clerkUser, clerkPass)
	cred := "/console/credentials/" + fx.credID
	for _, step := range []struct {
		suspended string
		want      issuer.CredentialState
		button    string
	}{{"true", issuer.StateSuspended, "Reinstate"}, {"false", issuer.StateActive, ">Suspend<"}} {
		res, _ := b.post(cred+"/suspend", url.Values{"csrf": {csrf}, "suspended": {step.suspended}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("suspend=%s: status %d", step.suspended, res.StatusCode)
		}
		if rec, _ := fx.fake.Get(t.Context(), fx.credID); rec.State != step.want {
			t.Errorf("suspend=%s: state %s, want %s", step.suspended, rec.State, step.want)
		}
		if _, page := b.get(res.Header.Get("Location")); !strings.Contains(page, step.button) {
			t.Errorf("suspend=%s: the page does not offer %q", step.suspended, step.button)
		}
	}
	if res, _ := b.post(cred+"/suspend", url.Values{"csrf": {csrf}, "suspended": {"maybe"}}); res.StatusCode != 400 {
		t.Errorf("suspended=maybe: status %d, want 400", res.StatusCode)
	}
}

func TestReissueLostPhone(t *testing.T) {
	fx := newFixture(t)
	b := newBrowser(t, fx.h)
	csrf := b.signIn(clerkUser, clerkPass)
	if _, err := fx.fake.Issue(t.Context(), issuer.Actor{Kind: "system", Name: "test"}, issuer.IssueRequest{
		Type: "AgeOverCredential", Subject: holderDID, Claims: map[string]any{"ageOver18": true},
		Format: issuer.FormatLDP, ResidentID: fx.resident.ID}); err != nil {
		t.Fatal(err)
	}
	_, page := b.get("/console/residents/1")
	checkAccessible(t, "resident", page)
	if !strings.Contains(page, `href="/console/residents/1/reissue"`) {
		t.Fatal("no lost-phone link on the resident page")
	}
	res, page := b.get("/console/residents/1/reissue")
	if res.StatusCode != 200 || !strings.Contains(page, "Revoke and re-issue") || strings.Count(page, "<li>") < 2 ||
		!strings.Contains(page, "These credentials will be revoked") || !strings.Contains(page, `name="evidence" value="photo_id"`) ||
		!strings.Contains(page, `value="paper"`) {
		t.Fatalf("confirmation: status %d\n%s", res.StatusCode, page)
	}
	checkAccessible(t, "reissue confirmation", page)
	if len(fx.stateCalls()) != 0 {
		t.Fatal("the confirmation page changed state")
	}

	// How the resident was re-verified is required; a document kind goes
	// with a photo ID only; dates are checked. Nothing changes meanwhile.
	for _, c := range []struct {
		form url.Values
		link string
		want string
	}{
		{url.Values{"target": {"wallet"}}, "#f-evidence-photo_id", "re-verified the resident in person"},
		{url.Values{"evidence": {"selfie"}, "target": {"wallet"}}, "#f-evidence-photo_id", "listed ways"},
		{url.Values{"evidence": {"known_to_staff"}, "document": {"passport"}, "target": {"wallet"}}, "#f-document", "only with photo_id"},
		{url.Values{"evidence": {"photo_id"}, "target": {"pigeon"}}, "#f-target-wallet", "new phone or paper"},
		{url.Values{"evidence": {"photo_id"}, "target": {"paper"}, "valid_until": {"next year"}}, "#f-valid-until", "YYYY-MM-DD"},
	} {
		c.form.Set("csrf", csrf)
		res, page := b.post("/console/residents/1/reissue", c.form)
		if res.StatusCode != 400 || !strings.Contains(page, `href="`+c.link+`"`) || !strings.Contains(page, c.want) {
			t.Fatalf("%v: status %d, want 400 linking %s saying %q\n%s", c.form, res.StatusCode, c.link, c.want, page)
		}
		checkAccessible(t, "reissue with errors", page)
		if v := c.form.Get("evidence"); v == "known_to_staff" && !strings.Contains(page, `value="known_to_staff" checked`) {
			t.Fatal("the chosen evidence was lost")
		}
	}
	if len(fx.stateCalls()) != 0 {
		t.Fatalf("a refused form changed state: %v", fx.stateCalls())
	}

	res, page = b.post("/console/residents/1/reissue", url.Values{"csrf": {csrf}, "evidence": {"photo_id"}, "document": {"passport"}, "target": {"wallet"}})
	if res.StatusCode != 200 {
		t.Fatalf("reissue: status %d", res.StatusCode)
	}
	checkAccessible(t, "reissue offers", page)
	offers := fx.fake.Offers()
	if len(offers) != 2 || strings.Count(page, `src="data:image/png;base64,`) != 2 {
		t.Fatalf("%d offers, want one QR per revoked credential", len(offers))
	}
	for _, o := range offers {
		if !strings.Contains(page, ">"+o.TxCode+"<") {
			t.Errorf("PIN of the %s offer is not shown", o.Type)
		}
	}
	recs, _ := fx.fake.Search(t.Context(), issuer.Query{ResidentID: 1})
	for _, r := range recs {
		if r.State != issuer.StateRevoked {
			t.Errorf("credential %s is %s after re-issue", r.Type, r.State)
		}
	}
	calls := fx.stateCalls()
	if len(calls) != 1 || calls[0].Arg != "1 evidence=photo_id paper=false" {
		t.Fatalf("calls %+v", calls)
	}
}

// On paper: the replacements are shown as printable QR codes, linked to
// their credential pages.
func TestReissueOnPaper(t *testing.T) {
	fx := newFixture(t)
	b := newBrowser(t, fx.h)
	csrf := b.signIn(clerkUser, clerkPass)
	res, page := b.post("/console/residents/1/reissue", url.Values{"csrf": {csrf}, "evidence": {"caseworker_vouched"},
		"target": {"paper"}, "valid_until": {"2031-01-31"}})
	if res.StatusCode != 200 || !strings.Contains(page, "Paper replacements") {
		t.Fatalf("paper: status %d\n%s", res.StatusCode, page)
	}
	checkAccessible(t, "paper replacements", page)
	recs, _ := fx.fake.Search(t.Context(), issuer.Query{ResidentID: 1, State: issuer.StateActive})
	if len(recs) == 0 {
		t.Fatal("no paper credential")
	}
	for _, r := range recs {
		if r.Format != issuer.FormatPaper || !strings.Contains(page, `href="/console/credentials/`+url.PathEscape(r.ID)+`"`) {
			t.Fatalf("paper record %+v not linked", r)
		}
	}
	if n := strings.Count(page, `src="data:image/png;base64,`); n != len(recs) {
		t.Fatalf("%d QR codes for %d paper credentials", n, len(recs))
	}
	res, page = b.get("/console/credentials/" + url.PathEscape(recs[0].ID))
	if res.StatusCode != 200 || !strings.Contains(page, "none: a paper credential") || !strings.Contains(page, "cityid-paper") {
		t.Fatalf("paper credential page: status %d\n%s", res.StatusCode, page)
	}
	checkAccessible(t, "paper credential", page)
}

func TestStaffAdmin(t *testing.T) {
	fx := newFixture(t)
	b := newBrowser(t, fx.h)
	csrf := b.signIn(adminUser, adminPass)
	res, page := b.get("/console/staff")
	if res.StatusCode != 200 || !strings.Contains(page, clerkUser) {
		t.Fatalf("staff page: status %d", res.StatusCode)
	}
	checkAccessible(t, "staff", page)
	res, page = b.post("/console/staff", url.Values{"csrf": {csrf}, "username": {"bea"}, "password": {"short"}, "role": {"clerk"}})
	if res.StatusCode != 400 || !strings.Contains(page, `href="#f-password"`) || !strings.Contains(page, `value="bea"`) {
		t.Fatalf("short password: status %d\n%s", res.StatusCode, page)
	}
	checkAccessible(t, "staff with errors", page)
	res, _ = b.post("/console/staff", url.Values{"csrf": {csrf}, "username": {"bea"}, "password": {"long-enough-password"}, "role": {"clerk"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("add: status %d", res.StatusCode)
	}
	res, _ = b.post("/console/staff/bea/role", url.Values{"csrf": {csrf}, "role": {"admin"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("role: status %d", res.StatusCode)
	}
	list, _ := fx.fake.ListStaff(t.Context())
	if got := list[len(list)-1]; got.Username != "bea" || got.Role != issuer.RoleAdmin {
		t.Errorf("new account %+v, want bea as admin", got)
	}
	_, page = b.get("/console/staff?done=role")
	if !strings.Contains(page, "The role was changed.") {
		t.Error("no confirmation after the role change")
	}
}

func TestDashboardSearch(t *testing.T) {
	fx := newFixture(t)
	b := newBrowser(t, fx.h)
	b.signIn(clerkUser, clerkPass)
	_, page := b.get("/console/?q=rosa&type=ResidencyCredential&state=active")
	checkAccessible(t, "dashboard", page)
	if !strings.Contains(page, "Rosa Resident") || !strings.Contains(page, "/console/credentials/"+fx.credID) {
		t.Errorf("search did not find the credential:\n%s", page)
	}
	_, page = b.get("/console/?state=revoked")
	if strings.Contains(page, "Rosa Resident") {
		t.Error("state filter ignored")
	}
	res, page := b.get("/console/?state=lost")
	if res.StatusCode != 400 || !strings.Contains(page, `href="#f-state"`) {
		t.Errorf("bad state: status %d", res.StatusCode)
	}
}

// TestEveryPageAccessible renders every HTML page an admin can GET, plus the
// not-found page, and checks the accessibility basics on each.
func TestEveryPageAccessible(t *testing.T) {
	fx := newFixture(t)
	b := newBrowser(t, fx.h)
	b.signIn(adminUser, adminPass)
	s := samples(fx)
	for _, rt := range routes {
		if rt.api || rt.method != "GET" || strings.HasSuffix(rt.pattern, ".css") || strings.HasSuffix(rt.pattern, "/download") {
			continue
		}
		res, page := b.get(s[routeKey(rt)].path)
		if res.StatusCode != 200 {
			continue // redirects: login, bootstrap and the resident lookup when signed in
		}
		checkAccessible(t, rt.pattern, page)
	}
	res, page := b.get("/console/no/such/page")
	if res.StatusCode != 404 {
		t.Errorf("unknown page: status %d", res.StatusCode)
	}
	checkAccessible(t, "not found", page)
	for _, p := range []string{"/console/issue/NoSuchCredential", "/console/credentials/urn:uuid:nope", "/console/residents/99"} {
		if res, page := b.get(p); res.StatusCode != 404 {
			t.Errorf("%s: status %d, want 404", p, res.StatusCode)
		} else {
			checkAccessible(t, p, page)
		}
	}
}
