package wallet_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cityid/cityid/issuer/server/servertest"

	"github.com/cityid/cityid/credential/compact"
	"github.com/cityid/cityid/credential/compact/base45"
	"github.com/cityid/cityid/credential/oid4vci"
	"github.com/cityid/cityid/credential/trust"
	"github.com/cityid/cityid/issuer"
	"github.com/cityid/cityid/verifier"
	"github.com/cityid/cityid/wallet"
)

var clerk = issuer.Actor{Kind: "cli", Name: "test"}

// offer makes a clerk's offer of a city ID.
func offer(t *testing.T, svc *issuer.Service) *issuer.Offer {
	t.Helper()
	o, err := svc.CreateOffer(context.Background(), clerk, "CityIDCredential", cityClaims, 0)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// kioskVerifier verifies with the bundle the issuer publishes, as a kiosk.
func kioskVerifier(t *testing.T, svc *issuer.Service, srv *httptest.Server, challenge, audience string) *verifier.Verifier {
	t.Helper()
	resp, err := srv.Client().Get(srv.URL + "/bundle")
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	b, err := trust.Open(data, svc.RootDID(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	p := verifier.DefaultPolicy(b)
	p.RequireHolderBinding, p.Challenge, p.Audience = challenge != "", challenge, audience
	v, err := verifier.New(p)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestReceiveFromIssuer: a clerk's offer, received over OpenID4VCI from the
// real issuer on loopback: every form the wallet keeps, verified, bound to
// the wallet's DID, grouped as one entry; then presented as an SD-JWT that
// a kiosk with the city's bundle accepts, showing only the chosen claims.
func TestReceiveFromIssuer(t *testing.T) {
	svc, srv := servertest.Start(t, servertest.Options{})
	w, _ := newWallet(t, wallet.Options{HTTPClient: srv.Client()})
	o := offer(t, svc)
	got, err := w.ReceiveOffer(context.Background(), o.URI, o.TxCode)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("received %d entries, want 1 (the forms of one credential): %+v", len(got), got)
	}
	c := got[0]
	want := []wallet.Format{wallet.FormatLDP, wallet.FormatSDJWT, wallet.FormatQR}
	if !slices.Equal(c.Forms, want) {
		t.Errorf("the entry holds the forms %v, want every form offered: %v", c.Forms, want)
	}
	if c.Type != "CityIDCredential" || c.Title == "" || !strings.HasPrefix(c.Issuer, "did:key:") ||
		c.IssuedAt.IsZero() || !c.ValidUntil.After(c.IssuedAt) {
		t.Fatalf("entry %+v", c)
	}
	for k, v := range cityClaims {
		if c.Claims[k] != v {
			t.Errorf("claim %s = %v, want %v", k, c.Claims[k], v)
		}
	}
	if _, has := c.Claims["id"]; has {
		t.Error("the holder's DID is listed among the claims")
	}
	// Stored: List after reopening shows the same entry.
	list, err := w.List()
	if err != nil || len(list) != 1 || list[0].ID != c.ID {
		t.Fatalf("List: %+v %v", list, err)
	}
	// What the issuer recorded is issued to this wallet's DID.
	recs, err := svc.Search(context.Background(), issuer.Query{Type: "CityIDCredential"})
	if err != nil || len(recs) == 0 {
		t.Fatalf("issuer records: %d %v", len(recs), err)
	}
	for _, r := range recs {
		if r.Subject != w.DID() {
			t.Errorf("the issuer issued a %s form to %s, not to the wallet %s", r.Format, r.Subject, w.DID())
		}
	}

	// The offer works once.
	if _, err := w.ReceiveOffer(context.Background(), o.URI, o.TxCode); err == nil || !strings.Contains(err.Error(), "already used") {
		t.Fatalf("second receive: %v", err)
	}

	// Present only the given name, bound to the kiosk's challenge.
	pres, err := w.PresentSDJWT(c.ID, []string{"givenName"}, "https://library.example", "challenge-7Hq2")
	if err != nil {
		t.Fatal(err)
	}
	res := kioskVerifier(t, svc, srv, "challenge-7Hq2", "https://library.example").Verify(context.Background(), []byte(pres))
	if !res.Verified || res.Checks.HolderBinding.Outcome != verifier.OK || res.Checks.Status.Outcome != verifier.OK {
		out, _ := json.MarshalIndent(res, "", " ")
		t.Fatalf("the kiosk refuses the presentation:\n%s", out)
	}
	if len(res.Claims) != 1 || res.Claims["givenName"] != "Zorabel" {
		t.Fatalf("the kiosk sees %v, want only the given name", res.Claims)
	}
	// At a kiosk: the QR code of two claims, for the kiosk's challenge.
	qr, err := w.PresentQR(c.ID, []string{"residentOf", "birthDate"}, wallet.PresentOptions{Challenge: "K7Q2", Verifier: "Town hall"})
	if err != nil {
		t.Fatal(err)
	}
	kiosk := kioskVerifier(t, svc, srv, "K7Q2", "")
	res = kiosk.Verify(context.Background(), []byte(qr))
	if !res.Verified || res.Checks.HolderBinding.Outcome != verifier.OK || res.Checks.Status.Outcome != verifier.OK {
		out, _ := json.MarshalIndent(res, "", " ")
		t.Fatalf("the kiosk refuses the QR code:\n%s", out)
	}
	if len(res.Claims) != 2 || res.Claims["residentOf"] != "Springfield" || res.Claims["birthDate"] != "1987-03-14" {
		t.Fatalf("the kiosk sees %v, want only the two claims", res.Claims)
	}
	if res = kiosk.Verify(context.Background(), []byte(qr)); res.Verified {
		t.Fatal("the kiosk accepted the same QR code twice")
	}
	// Another kiosk's challenge: refused (no replay).
	res = kioskVerifier(t, svc, srv, "other-challenge", "https://library.example").Verify(context.Background(), []byte(pres))
	if res.Verified || res.Checks.HolderBinding.Reason != verifier.ReasonChallengeMismatch {
		t.Fatalf("replayed presentation: %+v", res.Checks)
	}
}

func TestReceiveWrongTxCode(t *testing.T) {
	svc, srv := servertest.Start(t, servertest.Options{})
	w, _ := newWallet(t, wallet.Options{HTTPClient: srv.Client()})
	o := offer(t, svc)
	wrong := "000000"
	if o.TxCode == wrong {
		wrong = "111111"
	}
	_, err := w.ReceiveOffer(context.Background(), o.URI, wrong)
	var oe *oid4vci.Error
	if !errors.As(err, &oe) || oe.Code != oid4vci.CodeInvalidGrant || !strings.Contains(err.Error(), "4 tries left") {
		t.Fatalf("wrong tx code: %v (one failed token request expected, not one per form)", err)
	}
	if _, err := w.ReceiveOffer(context.Background(), o.URI, "12"); !errors.Is(err, oid4vci.ErrTxCode) {
		t.Fatalf("tx code of the wrong length: %v", err)
	}
	if _, err := w.ReceiveOffer(context.Background(), "https://example.com/not-an-offer", o.TxCode); !errors.Is(err, oid4vci.ErrInvalidOffer) {
		t.Fatalf("not an offer: %v", err)
	}
	if list, _ := w.List(); len(list) != 0 {
		t.Fatalf("stored %v", list)
	}
	// The right code still works (4 tries were left).
	if _, err := w.ReceiveOffer(context.Background(), o.URI, o.TxCode); err != nil {
		t.Fatal(err)
	}
}

// TestReceiveSkipsUnknownConfigurations: an offer that also lists a
// configuration the issuer does not describe (another helper's new form, a
// future format) still delivers the forms the wallet keeps.
func TestReceiveSkipsUnknownConfigurations(t *testing.T) {
	svc, srv := servertest.Start(t, servertest.Options{})
	w, _ := newWallet(t, wallet.Options{HTTPClient: srv.Client()})
	o := offer(t, svc)
	parsed, err := oid4vci.ParseOfferURI(o.URI)
	if err != nil {
		t.Fatal(err)
	}
	parsed.CredentialConfigurationIDs = append([]string{"CityIDCredential_mso_mdoc"}, parsed.CredentialConfigurationIDs...)
	got, err := w.ReceiveOffer(context.Background(), parsed.URI(), o.TxCode)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || len(got[0].Forms) < 2 {
		t.Fatalf("received %+v", got)
	}
	only := *parsed
	only.CredentialConfigurationIDs = []string{"CityIDCredential_mso_mdoc"}
	if _, err := w.ReceiveOffer(context.Background(), only.URI(), o.TxCode); !errors.Is(err, wallet.ErrUnsupported) {
		t.Fatalf("offer of nothing the wallet keeps: %v", err)
	}
}

// tamper changes credential responses on their way to the wallet.
func tamper(base http.RoundTripper, change func(format string, cred []byte) []byte) http.RoundTripper {
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		resp, err := base.RoundTrip(r)
		if err != nil || !strings.HasSuffix(r.URL.Path, "/credential") || resp.StatusCode != 200 {
			return resp, err
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var cr oid4vci.CredentialResponse
		if err := json.Unmarshal(body, &cr); err != nil || len(cr.Credentials) != 1 {
			panic("unexpected credential response")
		}
		cred, _ := cr.Credentials[0].Bytes()
		format := oid4vci.FormatSDJWT
		switch {
		case cred[0] == '{':
			format = oid4vci.FormatLDP
		case oid4vci.IsCompactQRText(string(cred)):
			format = oid4vci.FormatCompactQR
		}
		ic, err := oid4vci.NewIssuedCredential(format, change(format, cred))
		if err != nil {
			panic(err)
		}
		body, _ = json.Marshal(oid4vci.CredentialResponse{Credentials: []oid4vci.IssuedCredential{ic}})
		resp.Body = io.NopCloser(bytes.NewReader(body))
		resp.ContentLength = int64(len(body))
		resp.Header.Del("Content-Length")
		return resp, nil
	})
}

// TestReceiveRefusesTampered: a credential changed in transit is refused,
// and nothing of the offer is stored (not even the intact form).
func TestReceiveRefusesTampered(t *testing.T) {
	svc, srv := servertest.Start(t, servertest.Options{})
	cases := map[string]struct {
		change func(format string, cred []byte) []byte
		reason verifier.Reason
	}{
		"W3C claim changed": {func(format string, cred []byte) []byte {
			if format == oid4vci.FormatLDP {
				return bytes.Replace(cred, []byte("Springfield"), []byte("Shelbyville"), 1)
			}
			return cred
		}, verifier.ReasonBadSignature},
		"SD-JWT disclosure swapped": {func(format string, cred []byte) []byte {
			if format == oid4vci.FormatSDJWT {
				parts := strings.Split(string(cred), "~")
				// A disclosure the issuer never signed.
				parts[1] = "WyJzYWx0c2FsdHNhbHQiLCJyZXNpZGVudE9mIiwiU2hlbGJ5dmlsbGUiXQ"
				return []byte(strings.Join(parts, "~"))
			}
			return cred
		}, verifier.ReasonDisclosure},
		"SD-JWT signature changed": {func(format string, cred []byte) []byte {
			if format == oid4vci.FormatSDJWT {
				jwt, rest, _ := strings.Cut(string(cred), "~")
				i := strings.LastIndexByte(jwt, '.') + 5
				c := byte('A')
				if jwt[i] == 'A' {
					c = 'B'
				}
				return []byte(jwt[:i] + string(c) + jwt[i+1:] + "~" + rest)
			}
			return cred
		}, verifier.ReasonBadSignature},
		"QR claim changed": {func(format string, cred []byte) []byte {
			if format != oid4vci.FormatCompactQR {
				return cred
			}
			// The same text with one byte of the CBOR inside changed.
			raw, err := base45.Decode(strings.TrimPrefix(string(cred), compact.Prefix))
			if err != nil {
				panic(err)
			}
			raw[len(raw)-3] ^= 0x01
			return []byte(compact.Prefix + base45.Encode(raw))
		}, verifier.ReasonBadSignature},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			client := *srv.Client() // a copy: srv.Client() is shared
			client.Transport = tamper(client.Transport, tc.change)
			w, _ := newWallet(t, wallet.Options{HTTPClient: &client})
			o := offer(t, svc)
			_, err := w.ReceiveOffer(context.Background(), o.URI, o.TxCode)
			var re *wallet.RejectedError
			if !errors.As(err, &re) || !errors.Is(err, wallet.ErrRejected) {
				t.Fatalf("tampered credential: %v", err)
			}
			if len(re.Failures) == 0 || re.Failures[0].Reason != tc.reason {
				t.Fatalf("failures %+v, want reason %s", re.Failures, tc.reason)
			}
			if list, _ := w.List(); len(list) != 0 {
				t.Fatalf("stored %d entries from a tampered offer", len(list))
			}
		})
	}
}

// TestReceiveUsesOnlyTheIssuer watches the requests of one receive: every
// one goes to the offer's issuer, the code is redeemed once, and one
// credential request is made per form.
func TestReceiveUsesOnlyTheIssuer(t *testing.T) {
	svc, srv := servertest.Start(t, servertest.Options{})
	issuerURL, _ := url.Parse(srv.URL)
	var tokens, credentials atomic.Int32
	client := *srv.Client()
	base := client.Transport
	client.Transport = roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if r.URL.Host != issuerURL.Host {
			t.Errorf("request to %s, not to the issuer", r.URL)
		}
		switch {
		case strings.HasSuffix(r.URL.Path, "/token"):
			tokens.Add(1)
		case strings.HasSuffix(r.URL.Path, "/credential"):
			credentials.Add(1)
		}
		return base.RoundTrip(r)
	})
	w, _ := newWallet(t, wallet.Options{HTTPClient: &client})
	o := offer(t, svc)
	if _, err := w.ReceiveOffer(context.Background(), o.URI, o.TxCode); err != nil {
		t.Fatal(err)
	}
	if tokens.Load() != 1 {
		t.Fatalf("%d token requests, want 1", tokens.Load())
	}
	if forms := int32(len(mustOnly(t, w).Forms)); credentials.Load() != forms {
		t.Fatalf("%d credential requests for %d forms", credentials.Load(), forms)
	}
}
