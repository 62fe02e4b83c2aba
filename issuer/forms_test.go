package issuer

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/cityid/cityid/credential/compact"
	"github.com/cityid/cityid/credential/qrcode"
	"github.com/cityid/cityid/did"
	"github.com/cityid/cityid/schemas"
	"github.com/cityid/cityid/verifier"
)

// presentQR makes a presentation of a stored QR form showing every claim,
// signed by the holder, as a wallet does.
func presentQR(t *testing.T, h holder, text, challenge string) string {
	t.Helper()
	p, err := compact.ParseUnsafe(text)
	if err != nil {
		t.Fatalf("ParseUnsafe: %v", err)
	}
	out, err := compact.Present(text, p.Claims, h.priv, compact.PresentOptions{Challenge: challenge})
	if err != nil {
		t.Fatalf("Present: %v", err)
	}
	return out
}

// compactVerify checks a QR presentation with the compact package alone:
// the service's issuer key and its first status lists.
func compactVerify(t *testing.T, s *Service, text, challenge string) *compact.Verified {
	t.Helper()
	pub, err := did.ParseKeyDID(s.DID())
	if err != nil {
		t.Fatal(err)
	}
	keys, err := compact.Keys(compact.IssuerKey{Issuer: s.DID(), VerificationMethod: s.VerificationMethod(), PublicKey: pub})
	if err != nil {
		t.Fatal(err)
	}
	lists, err := compact.StatusLists(
		compact.StatusList{URL: s.StatusListURL("revocation-0"), Purpose: "revocation"},
		compact.StatusList{URL: s.StatusListURL("suspension-0"), Purpose: "suspension"})
	if err != nil {
		t.Fatal(err)
	}
	v, err := compact.Verify(text, keys, compact.VerifyOptions{Now: s.now(), Challenge: challenge, RequireHolder: true, StatusLists: lists})
	if err != nil {
		t.Fatalf("compact.Verify: %v", err)
	}
	return v
}

// statusOf returns the credentialStatus entries of an expanded credential.
func statusEntriesOf(t *testing.T, vc map[string]any) []any {
	t.Helper()
	b, _ := json.Marshal(vc["credentialStatus"])
	var out []any
	if err := json.Unmarshal(b, &out); err != nil || len(out) != 2 {
		t.Fatalf("credentialStatus %s", b)
	}
	return out
}

// wantStatusEntries fails unless entries are the service's revocation and
// suspension entries for the status index.
func wantStatusEntries(t *testing.T, s *Service, index int, entries []any) {
	t.Helper()
	var want []any
	for _, e := range s.statusEntries(index) {
		want = append(want, e.Map())
	}
	wb, _ := json.Marshal(want)
	gb, _ := json.Marshal(entries)
	var w, g any
	json.Unmarshal(wb, &w)
	json.Unmarshal(gb, &g)
	if !reflect.DeepEqual(w, g) {
		t.Fatalf("status entries\n%s\nwant (index %d)\n%s", gb, index, wb)
	}
}

func TestIssueQRForm(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	h := newHolder(t)
	for _, typ := range schemas.Types() {
		t.Run(typ.Name, func(t *testing.T) {
			claims := claimsFor(typ.Name)
			rec, err := s.Issue(ctx, cli, IssueRequest{Type: typ.Name, Subject: h.did, Claims: claims, Format: "qr"})
			if err != nil {
				t.Fatal(err)
			}
			text := string(rec.Credential)
			if rec.Format != FormatQR || !strings.HasPrefix(text, compact.Prefix) {
				t.Fatalf("record %s %q", rec.Format, text)
			}
			got, err := s.Get(ctx, rec.ID)
			if err != nil || string(got.Credential) != text || !slices.Equal(got.Forms, []Format{FormatQR}) {
				t.Fatalf("Get: %+v %v", got, err)
			}
			// The stored form is the wallet's; a counter sees presentations.
			pres := presentQR(t, h, text, "K7Q2")
			if n := qrPresentationLen(text); len(pres) > n || n-len(pres) > 7 {
				t.Fatalf("presentation of %d characters, bound %d", len(pres), n)
			}
			v := compactVerify(t, s, pres, "K7Q2")
			if v.Issuer != s.DID() || v.Type != typ.Name {
				t.Fatalf("verified %s %s", v.Issuer, v.Type)
			}
			wantStatusEntries(t, s, rec.StatusIndex, statusEntriesOf(t, v.Credential))
			subject := v.Credential["credentialSubject"].(map[string]any)
			if subject["id"] != h.did || v.Credential["validUntil"] != rec.ValidUntil.Format("2006-01-02T15:04:05Z") {
				t.Fatalf("expanded %v", v.Credential)
			}
			if r := verify(t, s, []byte(presentQR(t, h, text, ""))); !r.Verified {
				b, _ := json.MarshalIndent(r, "", "  ")
				t.Fatalf("the verifier refuses the QR form:\n%s", b)
			}
			if err := s.Revoke(ctx, cli, rec.ID); err != nil {
				t.Fatal(err)
			}
			r := verify(t, s, []byte(presentQR(t, h, text, "")))
			if r.Verified || r.Checks.Status.Reason != verifier.ReasonRevoked {
				b, _ := json.MarshalIndent(r, "", "  ")
				t.Fatalf("revoked, yet:\n%s", b)
			}
		})
	}
}

func TestQRFormRefusesNonEd25519Holders(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	p256, err := did.KeyDID(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	before := count(t, s, "credentials")
	_, err = s.Issue(ctx, cli, IssueRequest{Type: schemas.AgeOverCredential, Subject: p256, Claims: claimsFor(schemas.AgeOverCredential), Format: FormatQR})
	if e := wantCode(t, err, CodeInvalidDID); !strings.Contains(e.Message, "Ed25519") || !strings.Contains(e.Message, "P-256") {
		t.Fatalf("message %q", e.Message)
	}
	// The other forms bind P-256 keys.
	if _, err := s.Issue(ctx, cli, IssueRequest{Type: schemas.AgeOverCredential, Subject: p256, Claims: claimsFor(schemas.AgeOverCredential), Format: FormatLDP}); err != nil {
		t.Fatal(err)
	}
	if n := count(t, s, "credentials"); n != before+1 {
		t.Fatalf("%d credentials, want %d", n, before+1)
	}
	// Over OpenID4VCI: an invalid proof for this configuration.
	o, _ := s.CreateOffer(ctx, cli, schemas.AgeOverCredential, claimsFor(schemas.AgeOverCredential), 0)
	code, _ := offerCode(t, o)
	grant, err := s.RedeemPreAuthorizedCode(ctx, code, o.TxCode)
	if err != nil {
		t.Fatal(err)
	}
	nonce, _ := s.NewNonce(ctx)
	_, err = s.IssueForToken(ctx, grant.AccessToken, schemas.AgeOverCredential, FormatQR, HolderProof{DID: p256, PublicKey: &k.PublicKey}, nonce)
	wantCode(t, err, CodeInvalidProof)
	if n := count(t, s, "credentials"); n != before+1 {
		t.Fatalf("%d credentials after a refused QR form, want %d", n, before+1)
	}
}

func TestQRSizeLimit(t *testing.T) {
	// QRCapacity is what one QR code holds at level M in alphanumeric mode.
	if v, err := qrcode.VersionFor(strings.Repeat("A", QRCapacity), qrcode.Medium); err != nil || v != 40 {
		t.Fatalf("%d characters: version %d, %v", QRCapacity, v, err)
	}
	if _, err := qrcode.VersionFor(strings.Repeat("A", QRCapacity+1), qrcode.Medium); !errors.Is(err, qrcode.ErrTooLong) {
		t.Fatalf("%d characters fit: %v", QRCapacity+1, err)
	}
	// The largest stored text whose presentation fits uses the capacity;
	// two bytes more are refused.
	fits := compact.Prefix
	for checkQRSize(fits+"000") == nil {
		fits += "000"
	}
	if n := qrPresentationLen(fits); n > QRCapacity || n < QRCapacity-3 {
		t.Fatalf("bound %d for %d characters", n, len(fits))
	}
	e := wantCode(t, checkQRSize(fits+"000"), CodeInvalidRequest)
	if !strings.Contains(e.Message, "too large for the QR form") {
		t.Fatalf("message %q", e.Message)
	}
}

func TestQRFormRefusalsAreRequestErrors(t *testing.T) {
	s := newService(t)
	// What compact.Issue refuses becomes invalid_request.
	_, err := compact.Issue(map[string]any{"nickname": "x"}, s.issuerSigner, compact.IssueOptions{KeyID: s.VerificationMethod()})
	if !errors.Is(err, compact.ErrCredential) {
		t.Fatalf("compact.Issue: %v", err)
	}
	if e := wantCode(t, qrError(err), CodeInvalidRequest); !strings.Contains(e.Message, "cannot be issued in the QR form") {
		t.Fatalf("message %q", e.Message)
	}
	if err := qrError(compact.ErrCrypto); IsCode(err, CodeInvalidRequest) {
		t.Fatal("a signer failure became a request error")
	}
	// Claims the compact tables cannot carry: no QR configuration offered.
	wantCode(t, s.qrFits(schemas.AgeOverCredential, map[string]any{"ageOver18": true, "nickname": "x"}, nil), CodeInvalidRequest)
	if err := s.qrFits(schemas.AgeOverCredential, map[string]any{"ageOver18": true}, nil); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		claims string
		want   int
	}{{`{"ageOver18":true}`, 3}, {`{"ageOver18":true,"nickname":"x"}`, 2}} {
		p, err := s.prepareOffer(schemas.AgeOverCredential, []byte(c.claims), 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, obj := offerCode(t, &p.offer)
		if ids := obj["credential_configuration_ids"].([]any); len(ids) != c.want {
			t.Fatalf("%s: configurations %v", c.claims, ids)
		}
	}
}

func TestIssueBatchQR(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	h := newHolder(t)
	reqs := []IssueRequest{
		{Type: schemas.AgeOverCredential, Subject: h.did, Claims: claimsFor(schemas.AgeOverCredential), Format: FormatQR},
		{Type: schemas.CityIDCredential, Subject: h.did, Claims: cityIDClaims(), Format: FormatQR},
		{Type: schemas.CityIDCredential, Subject: "did:key:zDnaerx9CtbPJ1q36T5Ln5wYt3MQYeGRG5ehnPAmxcf5mDZpv", Claims: cityIDClaims(), Format: FormatQR},
	}
	results, err := s.IssueBatch(ctx, cli, reqs, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results[:2] {
		if r.Err != nil || !strings.HasPrefix(string(r.Record.Credential), compact.Prefix) {
			t.Fatalf("result %d: %+v", r.Index, r)
		}
		compactVerify(t, s, presentQR(t, h, string(r.Record.Credential), ""), "")
	}
	wantCode(t, results[2].Err, CodeInvalidDID)
	if n := count(t, s, "credentials"); n != 2 {
		t.Fatalf("%d credentials, want 2", n)
	}
}

// redeemed makes an offer of a city ID and redeems it, returning the access
// token.
func redeemed(t *testing.T, s *Service) string {
	t.Helper()
	ctx := context.Background()
	o, err := s.CreateOffer(ctx, cli, schemas.CityIDCredential, cityIDClaims(), 0)
	if err != nil {
		t.Fatal(err)
	}
	code, _ := offerCode(t, o)
	grant, err := s.RedeemPreAuthorizedCode(ctx, code, o.TxCode)
	if err != nil {
		t.Fatal(err)
	}
	return grant.AccessToken
}

func TestOfferFormsAreOneCredential(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	h := newHolder(t)
	proof := HolderProof{DID: h.did, PublicKey: h.pub}
	token := redeemed(t, s)
	issue := func(f Format, p HolderProof) (*Record, error) {
		nonce, _ := s.NewNonce(ctx)
		return s.IssueForToken(ctx, token, schemas.CityIDCredential, f, p, nonce)
	}
	var recs []*Record
	for _, f := range []Format{FormatQR, FormatLDP, FormatSDJWT} {
		rec, err := issue(f, proof)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if rec.Format != f {
			t.Fatalf("asked for %s, got %s", f, rec.Format)
		}
		recs = append(recs, rec)
		if f == FormatQR {
			// Another holder key for a later form: refused.
			other := newHolder(t)
			_, err := issue(FormatLDP, HolderProof{DID: other.did, PublicKey: other.pub})
			wantCode(t, err, CodeInvalidProof)
		}
	}
	qr, ldp, sd := recs[0], recs[1], recs[2]
	for _, r := range recs[1:] {
		if r.ID != qr.ID || r.StatusIndex != qr.StatusIndex || !r.IssuedAt.Equal(qr.IssuedAt) || !r.ValidUntil.Equal(*qr.ValidUntil) {
			t.Fatalf("%s form: %s #%d %s-%s; qr form: %s #%d %s-%s", r.Format, r.ID, r.StatusIndex, r.IssuedAt, r.ValidUntil,
				qr.ID, qr.StatusIndex, qr.IssuedAt, qr.ValidUntil)
		}
	}
	var doc map[string]any
	if err := json.Unmarshal(ldp.Credential, &doc); err != nil || doc["id"] != qr.ID {
		t.Fatalf("the ldp form's id is %v, want %s (%v)", doc["id"], qr.ID, err)
	}
	wantStatusEntries(t, s, qr.StatusIndex, statusEntriesOf(t, doc))
	v := compactVerify(t, s, presentQR(t, h, string(qr.Credential), ""), "")
	wantStatusEntries(t, s, qr.StatusIndex, statusEntriesOf(t, v.Credential))
	if v.Credential["validFrom"] != doc["validFrom"] || v.Credential["validUntil"] != doc["validUntil"] {
		t.Fatalf("validity: qr %v-%v, ldp %v-%v", v.Credential["validFrom"], v.Credential["validUntil"], doc["validFrom"], doc["validUntil"])
	}
	got, err := s.Get(ctx, qr.ID)
	if err != nil || got.Format != FormatQR || string(got.Credential) != string(qr.Credential) ||
		!slices.Equal(got.Forms, []Format{FormatQR, FormatLDP, FormatSDJWT}) {
		t.Fatalf("Get: %+v %v", got, err)
	}
	if n, m := count(t, s, "credentials"), count(t, s, "credential_forms"); n != 1 || m != 2 {
		t.Fatalf("%d credentials, %d later forms", n, m)
	}
	// Each form once.
	_, err = issue(FormatQR, proof)
	wantCode(t, err, CodeOfferUsed)

	checkVerified(t, s, ldp, "")
	checkVerified(t, s, sd, "")
	if err := s.Suspend(ctx, cli, qr.ID, true); err != nil {
		t.Fatal(err)
	}
	checkVerified(t, s, ldp, verifier.ReasonSuspended)
	checkVerified(t, s, sd, verifier.ReasonSuspended)
	if err := s.Suspend(ctx, cli, qr.ID, false); err != nil {
		t.Fatal(err)
	}
	// One revocation revokes every form.
	if err := s.Revoke(ctx, cli, ldp.ID); err != nil {
		t.Fatal(err)
	}
	checkVerified(t, s, ldp, verifier.ReasonRevoked)
	checkVerified(t, s, sd, verifier.ReasonRevoked)
	if r := verify(t, s, []byte(presentQR(t, h, string(qr.Credential), ""))); r.Verified || r.Checks.Status.Reason != verifier.ReasonRevoked {
		t.Fatalf("the qr form of a revoked credential: %+v", r.Checks)
	}
	if rep, err := s.VerifyAudit(ctx); err != nil || len(rep.Problems) != 0 {
		t.Fatalf("audit: %+v %v", rep, err)
	}
}

func TestOfferLaterFormOfRevokedCredential(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	h := newHolder(t)
	proof := HolderProof{DID: h.did, PublicKey: h.pub}
	token := redeemed(t, s)
	nonce, _ := s.NewNonce(ctx)
	rec, err := s.IssueForToken(ctx, token, schemas.CityIDCredential, FormatSDJWT, proof, nonce)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Revoke(ctx, cli, rec.ID); err != nil {
		t.Fatal(err)
	}
	nonce, _ = s.NewNonce(ctx)
	_, err = s.IssueForToken(ctx, token, schemas.CityIDCredential, FormatQR, proof, nonce)
	wantCode(t, err, CodeConflict)
	if m := count(t, s, "credential_forms"); m != 0 {
		t.Fatalf("%d later forms stored for a revoked credential", m)
	}
}

func TestOfferFormsRequestedConcurrently(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	h := newHolder(t)
	for round := range 5 {
		token := redeemed(t, s)
		formats := []Format{FormatSDJWT, FormatLDP, FormatQR}
		recs := make([]*Record, len(formats))
		errs := make([]error, len(formats))
		var wg sync.WaitGroup
		for i, f := range formats {
			wg.Add(1)
			go func() {
				defer wg.Done()
				nonce, _ := s.NewNonce(ctx)
				recs[i], errs[i] = s.IssueForToken(ctx, token, schemas.CityIDCredential, f, HolderProof{DID: h.did, PublicKey: h.pub}, nonce)
			}()
		}
		wg.Wait()
		for i := range formats {
			if errs[i] != nil {
				t.Fatalf("round %d, %s: %v", round, formats[i], errs[i])
			}
			if recs[i].ID != recs[0].ID || recs[i].StatusIndex != recs[0].StatusIndex {
				t.Fatalf("round %d: %s is %s #%d, %s is %s #%d", round, formats[i], recs[i].ID, recs[i].StatusIndex,
					formats[0], recs[0].ID, recs[0].StatusIndex)
			}
		}
	}
	if n, m := count(t, s, "credentials"), count(t, s, "credential_forms"); n != 5 || m != 10 {
		t.Fatalf("%d credentials and %d later forms, want 5 and 10", n, m)
	}
}
