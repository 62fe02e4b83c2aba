package console

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/cityid/cityid/credential/compact"
	"github.com/cityid/cityid/issuer"
	"github.com/cityid/cityid/issuer/console/consoletest"
)

func TestPrintOnPaper(t *testing.T) {
	fx := newFixture(t)
	b := newBrowser(t, fx.h)
	csrf := b.signIn(clerkUser, clerkPass)
	cred := "/console/credentials/" + fx.credID

	// The credential page offers the print form: a labelled checkbox per
	// claim (all ticked), paper size and language, one submit button.
	_, page := b.get(cred)
	checkAccessible(t, "credential page", page)
	root := parseHTML(t, page)
	var claims []string
	for _, in := range root.all("input") {
		if in.attrs["name"] == "claim" {
			if _, checked := in.attrs["checked"]; !checked {
				t.Errorf("claim %s is not ticked by default", in.attrs["value"])
			}
			claims = append(claims, in.attrs["value"])
		}
	}
	if strings.Join(claims, ",") != "housingStatus,residentOf,shelterName" || !strings.Contains(page, "Print on paper (PDF)") ||
		!strings.Contains(page, `value="letter"`) || !strings.Contains(page, `value="es"`) {
		t.Fatalf("the print form is missing or wrong (claims %v)", claims)
	}

	// Printing one claim answers a PDF download signed over that claim only.
	res, body := b.post(cred+"/paper", url.Values{"csrf": {csrf}, "claim": {"residentOf"}, "paper": {"a4"}, "lang": {"es"}})
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/pdf" ||
		!strings.HasPrefix(res.Header.Get("Content-Disposition"), `attachment; filename="paper-`) || !strings.HasPrefix(body, "%PDF-") {
		t.Fatalf("print: status %d, %s, %s", res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Content-Disposition"))
	}
	pc, err := fx.fake.PrintPaper(context.Background(), issuer.Actor{Kind: "system"}, fx.credID, []string{"residentOf"})
	if err != nil {
		t.Fatal(err)
	}
	keys, err := compact.Keys(compact.IssuerKey{Issuer: "did:web:issuer.test", VerificationMethod: consoletest.PaperKeyID, PublicKey: consoletest.PaperKey.Public()})
	if err != nil {
		t.Fatal(err)
	}
	v, err := compact.Verify(pc.Text, keys, compact.VerifyOptions{Now: fx.fake.Now()})
	if err != nil || !v.Paper {
		t.Fatalf("the fake's paper does not verify: %v", err)
	}

	// Refusals name their reason; without the CSRF token nothing is printed.
	for _, c := range []struct {
		form url.Values
		want string
	}{
		{url.Values{"csrf": {csrf}, "paper": {"a4"}, "lang": {"en"}}, "ick at least one claim"},
		{url.Values{"csrf": {csrf}, "claim": {"residentOf"}, "paper": {"a5"}, "lang": {"en"}}, "use a4 or letter"},
		{url.Values{"csrf": {csrf}, "claim": {"residentOf"}, "paper": {"a4"}, "lang": {"fr"}}, "use en (English) or es (Spanish)"},
		{url.Values{"csrf": {csrf}, "claim": {"shoeSize"}, "paper": {"a4"}, "lang": {"en"}}, "has no claim"},
	} {
		res, page := b.post(cred+"/paper", c.form)
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(page, c.want) {
			t.Errorf("%v: status %d, page lacks %q", c.form, res.StatusCode, c.want)
		}
	}
	calls := len(fx.stateCalls())
	if res, _ := b.post(cred+"/paper", url.Values{"claim": {"residentOf"}, "paper": {"a4"}, "lang": {"en"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("no CSRF token: status %d", res.StatusCode)
	}
	if len(fx.stateCalls()) != calls {
		t.Error("a print without the CSRF token reached the issuer")
	}

	// A revoked credential offers no print form and refuses to print.
	if err := fx.fake.Revoke(context.Background(), issuer.Actor{Kind: "system"}, fx.credID); err != nil {
		t.Fatal(err)
	}
	if _, page := b.get(cred); strings.Contains(page, "Print on paper") {
		t.Error("a revoked credential offers printing")
	}
	if res, page := b.post(cred+"/paper", url.Values{"csrf": {csrf}, "claim": {"residentOf"}, "paper": {"a4"}, "lang": {"en"}}); res.StatusCode != http.StatusConflict || !strings.Contains(page, "revoked") {
		t.Errorf("revoked: status %d", res.StatusCode)
	}
}
