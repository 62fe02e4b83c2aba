package console

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/cityid/cityid/issuer"
)

func TestIssueToDIDInTheQRForm(t *testing.T) {
	fx := newFixture(t)
	b := newBrowser(t, fx.h)
	csrf := b.signIn(clerkUser, clerkPass)
	_, page := b.get("/console/issue/AgeOverCredential")
	radio := parseHTML(t, page).byID("f-format-cityid-qr")
	if radio == nil || radio.attrs["value"] != string(issuer.FormatQR) || !strings.Contains(page, "QR code credential") {
		t.Fatalf("no QR format choice on the issue page:\n%s", page)
	}
	res, _ := issueForm(t, b, csrf, "AgeOverCredential", url.Values{"c.ageOver18": {"true"},
		"subject_mode": {"did"}, "subject_did": {holderDID}, "format": {string(issuer.FormatQR)}})
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/console/credentials/urn:uuid:") {
		t.Fatalf("issue: status %d Location %q", res.StatusCode, loc)
	}
	id := strings.TrimSuffix(strings.TrimPrefix(loc, "/console/credentials/"), "?done=issued")
	rec, err := fx.fake.Get(t.Context(), id)
	if err != nil || rec.Format != issuer.FormatQR {
		t.Fatalf("record %+v, %v", rec, err)
	}
	res, page = b.get(loc)
	if res.StatusCode != 200 || !strings.Contains(page, "QR code credential") || strings.Contains(page, "Also issued as") {
		t.Fatalf("credential page: status %d\n%s", res.StatusCode, page)
	}
	checkAccessible(t, "QR credential", page)
	res, body := b.get("/console/credentials/" + id + "/download")
	if res.StatusCode != 200 || body != string(rec.Credential) || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain") ||
		!strings.Contains(res.Header.Get("Content-Disposition"), `.cid.txt"`) {
		t.Errorf("download: status %d headers %v", res.StatusCode, res.Header)
	}

	// A credential a wallet collected in several forms says so.
	if err := fx.fake.AddForm(id, issuer.FormatLDP); err != nil {
		t.Fatal(err)
	}
	if err := fx.fake.AddForm(id, issuer.FormatSDJWT); err != nil {
		t.Fatal(err)
	}
	_, page = b.get("/console/credentials/" + id)
	if !strings.Contains(page, "Also issued as") || !strings.Contains(page, "(ldp_vc); SD-JWT VC (dc&#43;sd-jwt) (the same credential") {
		t.Fatalf("the other forms are not listed:\n%s", page)
	}
	checkAccessible(t, "credential in three forms", page)
}
