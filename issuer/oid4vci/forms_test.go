package oid4vci_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cityid/cityid/credential/compact"
	proto "github.com/cityid/cityid/credential/oid4vci"
	"github.com/cityid/cityid/credential/sdjwt"
	"github.com/cityid/cityid/credential/trust"
	"github.com/cityid/cityid/did"
	"github.com/cityid/cityid/issuer"
	oid4vci "github.com/cityid/cityid/issuer/oid4vci"
	"github.com/cityid/cityid/schemas"
	"github.com/cityid/cityid/verifier"
)

// realIssuer runs the real issuer service behind the OpenID4VCI endpoints
// on a loopback port.
func realIssuer(t *testing.T) (*issuer.Service, *httptest.Server) {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	url := "http://" + srv.Listener.Addr().String()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc, err := issuer.Open(context.Background(), t.TempDir(), issuer.Options{PublicURL: url, Passphrase: []byte("test passphrase"), Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	srv.Config.Handler = oid4vci.NewHandler(svc, oid4vci.Options{Logger: log})
	srv.Start()
	t.Cleanup(srv.Close)
	return svc, srv
}

// serviceVerifier verifies with the service's current trust bundle.
func serviceVerifier(t *testing.T, svc *issuer.Service) *verifier.Verifier {
	t.Helper()
	data, err := svc.Bundle(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	b, err := trust.Open(data, svc.RootDID(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	v, err := verifier.New(verifier.DefaultPolicy(b))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// compactCheck verifies a QR presentation with the compact package alone,
// from the service's issuer key and status list URLs, and returns its
// credentialStatus entries.
func compactCheck(t *testing.T, svc *issuer.Service, pres string) []any {
	t.Helper()
	pub, err := did.ParseKeyDID(svc.DID())
	if err != nil {
		t.Fatal(err)
	}
	keys, err := compact.Keys(compact.IssuerKey{Issuer: svc.DID(), VerificationMethod: svc.VerificationMethod(), PublicKey: pub})
	if err != nil {
		t.Fatal(err)
	}
	lists, err := compact.StatusLists(
		compact.StatusList{URL: svc.StatusListURL("revocation-0"), Purpose: "revocation"},
		compact.StatusList{URL: svc.StatusListURL("suspension-0"), Purpose: "suspension"})
	if err != nil {
		t.Fatal(err)
	}
	v, err := compact.Verify(pres, keys, compact.VerifyOptions{Now: time.Now(), RequireHolder: true, StatusLists: lists})
	if err != nil {
		t.Fatalf("compact.Verify: %v", err)
	}
	if v.Issuer != svc.DID() || v.Type != schemas.CityIDCredential || v.Credential["credentialSubject"].(map[string]any)["givenName"] != "Ana María" {
		t.Fatalf("verified %s %s %v", v.Issuer, v.Type, v.Credential)
	}
	entries, _ := v.Credential["credentialStatus"].([]any)
	return entries
}

// TestWalletReceivesThreeFormsOfOneCredential: one offer, redeemed once by
// the wallet client, gives the SD-JWT VC, the W3C VC and the QR form of one
// credential (one id, one status index). All three verify; one revocation
// revokes all three.
func TestWalletReceivesThreeFormsOfOneCredential(t *testing.T) {
	svc, srv := realIssuer(t)
	ctx := context.Background()
	clerk := issuer.Actor{Kind: "cli", Name: "test"}
	claims := map[string]any{"givenName": "Ana María", "familyName": "Silva", "birthDate": "1990-04-30", "residentOf": "Springfield"}
	offer, err := svc.CreateOffer(ctx, clerk, schemas.CityIDCredential, claims, 0)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := proto.ParseOfferURI(offer.URI)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"CityIDCredential_sd-jwt", "CityIDCredential_ldp", "CityIDCredential_qr"}
	if !reflect.DeepEqual(parsed.CredentialConfigurationIDs, want) {
		t.Fatalf("offered %v", parsed.CredentialConfigurationIDs)
	}
	_, holder, _ := ed25519.GenerateKey(rand.Reader)
	got, err := (&proto.Client{HTTP: srv.Client()}).ReceiveAll(ctx, parsed, offer.TxCode, holder)
	if err != nil {
		t.Fatal(err)
	}
	forms := map[string][]byte{}
	for _, r := range got {
		if r.Err != nil {
			t.Fatalf("%s: %v", r.ConfigurationID, r.Err)
		}
		forms[r.Format] = r.Credential
	}
	sd, ldp, qr := forms[proto.FormatSDJWT], forms[proto.FormatLDP], string(forms[proto.FormatCompactQR])
	if !strings.HasPrefix(qr, compact.Prefix) {
		t.Fatalf("the QR form is %q", qr)
	}

	// One credential: the W3C form's id is the record's, every form has the
	// same status entries.
	var vc map[string]any
	if err := json.Unmarshal(ldp, &vc); err != nil {
		t.Fatal(err)
	}
	id, _ := vc["id"].(string)
	rec, err := svc.Get(ctx, id)
	if err != nil {
		t.Fatalf("the W3C form's id %q: %v", id, err)
	}
	if !reflect.DeepEqual(rec.Forms, []issuer.Format{issuer.FormatSDJWT, issuer.FormatLDP, issuer.FormatQR}) {
		t.Fatalf("forms %v", rec.Forms)
	}
	tok, err := sdjwt.ParseUnverifiedUnsafe(string(sd))
	if err != nil {
		t.Fatal(err)
	}
	sdStatus := tok.Payload["status"].(map[string]any)[issuer.SDJWTStatusMechanism]
	ldpStatus := vc["credentialStatus"]
	if !reflect.DeepEqual(sdStatus, ldpStatus) {
		t.Fatalf("status: sd-jwt %v, ldp %v", sdStatus, ldpStatus)
	}
	holderDID, _ := did.KeyDID(holder.Public())
	present := func() string {
		t.Helper()
		p, err := compact.Present(qr, []string{"givenName", "familyName", "birthDate", "residentOf"}, holder, compact.PresentOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	if qrStatus := compactCheck(t, svc, present()); !reflect.DeepEqual(qrStatus, ldpStatus) {
		t.Fatalf("status: qr %v, ldp %v", qrStatus, ldpStatus)
	}

	// Every form verifies with the city's bundle: the W3C and SD-JWT forms as
	// they are, the QR form as the holder's presentation. (An SD-JWT VC names
	// its holder only in a presentation with key binding.)
	check := func(name string, cred []byte, wantReason verifier.Reason) {
		t.Helper()
		res := serviceVerifier(t, svc).Verify(ctx, cred)
		if wantReason == "" && (!res.Verified || name != "sd-jwt" && res.Subject != holderDID) ||
			wantReason != "" && (res.Verified || res.Checks.Status.Reason != wantReason) {
			b, _ := json.MarshalIndent(res, "", "  ")
			t.Fatalf("%s (want %q):\n%s", name, wantReason, b)
		}
	}
	check("sd-jwt", sd, "")
	check("ldp", ldp, "")
	check("qr", []byte(present()), "")

	// One revocation, by the credential id, revokes every form.
	if err := svc.Revoke(ctx, clerk, id); err != nil {
		t.Fatal(err)
	}
	check("sd-jwt", sd, verifier.ReasonRevoked)
	check("ldp", ldp, verifier.ReasonRevoked)
	check("qr", []byte(present()), verifier.ReasonRevoked)

	// The token is spent on these three: a second request is refused.
	again, err := (&proto.Client{HTTP: srv.Client()}).ReceiveAll(ctx, parsed, offer.TxCode, holder)
	if err == nil || again != nil {
		t.Fatalf("the offer was redeemed twice: %v", again)
	}
}

// TestP256WalletGetsTwoForms: the QR form binds Ed25519 keys only, so a
// wallet with a P-256 key is not offered a proof algorithm for it; it
// receives the other two forms, and the issuer refuses a QR request
// anyway.
func TestP256WalletGetsTwoForms(t *testing.T) {
	svc, srv := realIssuer(t)
	ctx := context.Background()
	offer, err := svc.CreateOffer(ctx, issuer.Actor{Kind: "cli", Name: "test"}, schemas.AgeOverCredential, map[string]any{"ageOver18": true}, 0)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := proto.ParseOfferURI(offer.URI)
	if err != nil {
		t.Fatal(err)
	}
	got, err := (&proto.Client{HTTP: srv.Client()}).ReceiveAll(ctx, parsed, offer.TxCode, p256Holder(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].Err != nil || got[1].Err != nil || got[2].Err == nil || got[2].Format != proto.FormatCompactQR {
		t.Fatalf("received %+v", got)
	}
	recs, err := svc.Search(ctx, issuer.Query{})
	if err != nil || len(recs) != 1 || !reflect.DeepEqual(recs[0].Forms, []issuer.Format{issuer.FormatSDJWT, issuer.FormatLDP}) {
		t.Fatalf("records %+v %v", recs, err)
	}
}
