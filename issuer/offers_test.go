package issuer

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cityid/cityid/credential/sdjwt"
	"github.com/cityid/cityid/schemas"
)

// offerCode reads the pre-authorized code back out of an offer URI, as a
// wallet does.
func offerCode(t *testing.T, o *Offer) (code string, obj map[string]any) {
	t.Helper()
	if !strings.HasPrefix(o.URI, OfferURIPrefix) {
		t.Fatalf("URI %s", o.URI)
	}
	raw, err := url.QueryUnescape(strings.TrimPrefix(o.URI, OfferURIPrefix))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(raw), &obj); err != nil {
		t.Fatal(err)
	}
	grant := obj["grants"].(map[string]any)[PreAuthorizedGrantType].(map[string]any)
	return grant["pre-authorized_code"].(string), obj
}

func TestConfigurationIDs(t *testing.T) {
	for _, f := range []Format{FormatSDJWT, FormatLDP, FormatQR} {
		id := ConfigurationID("ResidencyCredential", f)
		typ, got, ok := ParseConfigurationID(id)
		if !ok || typ != "ResidencyCredential" || got != f {
			t.Fatalf("%s -> %s %s %v", id, typ, got, ok)
		}
	}
	for _, bad := range []string{"", "_ldp", "Residency", "ResidencyCredential_jwt", "a_b_ldp"} {
		if _, _, ok := ParseConfigurationID(bad); ok {
			t.Errorf("%q parsed", bad)
		}
	}
}

func TestOfferFlow(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	res, _ := s.Enrol(ctx, cli, "Ana", "")
	o, err := s.CreateOffer(ctx, cli, schemas.ResidencyCredential, residencyClaims(), res.ID)
	if err != nil {
		t.Fatal(err)
	}
	code, obj := offerCode(t, o)
	if obj["credential_issuer"] != testURL || len(code) < 22 || len(o.TxCode) != 6 || strings.Trim(o.TxCode, "0123456789") != "" {
		t.Fatalf("offer %+v %v", o, obj)
	}
	ids := obj["credential_configuration_ids"].([]any)
	if len(ids) != 3 || ids[0] != "ResidencyCredential_sd-jwt" || ids[1] != "ResidencyCredential_ldp" || ids[2] != "ResidencyCredential_qr" {
		t.Fatalf("configuration ids %v", ids)
	}
	var leaked int
	s.db.Read.QueryRow("SELECT count(*) FROM offers WHERE code_hash = ? OR tx_hash = ?", code, o.TxCode).Scan(&leaked)
	if leaked != 0 {
		t.Fatal("a code is stored in the clear")
	}

	_, err = s.RedeemPreAuthorizedCode(ctx, "no such code", o.TxCode)
	wantCode(t, err, CodeInvalidGrant)
	grant, err := s.RedeemPreAuthorizedCode(ctx, code, o.TxCode)
	if err != nil || len(grant.AccessToken) < 40 || grant.ExpiresIn != AccessTokenTTL {
		t.Fatalf("redeem: %+v %v", grant, err)
	}
	_, err = s.RedeemPreAuthorizedCode(ctx, code, o.TxCode)
	wantCode(t, err, CodeOfferUsed)

	h := newHolder(t)
	proof := HolderProof{DID: h.did, PublicKey: h.pub}
	nonce, _ := s.NewNonce(ctx)
	rec, err := s.IssueForToken(ctx, grant.AccessToken, schemas.ResidencyCredential, FormatSDJWT, proof, nonce)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Subject != h.did || rec.ResidentID != res.ID {
		t.Fatalf("record %+v", rec)
	}
	checkVerified(t, s, rec, "")
	tok, _ := sdjwt.ParseUnverifiedUnsafe(string(rec.Credential))
	if _, ok := tok.Payload["cnf"]; !ok {
		t.Fatal("no cnf")
	}

	// The same nonce twice, even for the other format: refused.
	_, err = s.IssueForToken(ctx, grant.AccessToken, schemas.ResidencyCredential, FormatLDP, proof, nonce)
	wantCode(t, err, CodeInvalidNonce)
	// The same format twice: refused.
	nonce2, _ := s.NewNonce(ctx)
	_, err = s.IssueForToken(ctx, grant.AccessToken, schemas.ResidencyCredential, FormatSDJWT, proof, nonce2)
	wantCode(t, err, CodeOfferUsed)
	// Bad proofs, tokens, types and nonces.
	other := newHolder(t)
	_, err = s.IssueForToken(ctx, grant.AccessToken, schemas.ResidencyCredential, FormatLDP, HolderProof{DID: h.did, PublicKey: other.pub}, nonce2)
	wantCode(t, err, CodeInvalidProof)
	_, err = s.IssueForToken(ctx, "not a token", schemas.ResidencyCredential, FormatLDP, proof, nonce2)
	wantCode(t, err, CodeInvalidToken)
	_, err = s.IssueForToken(ctx, grant.AccessToken, schemas.CityIDCredential, FormatLDP, proof, nonce2)
	wantCode(t, err, CodeInvalidRequest)
	_, err = s.IssueForToken(ctx, grant.AccessToken, schemas.ResidencyCredential, FormatLDP, proof, nonce2[:len(nonce2)-2]+"AA")
	wantCode(t, err, CodeInvalidNonce)
	// The other format, with a fresh nonce: issued once.
	rec2, err := s.IssueForToken(ctx, grant.AccessToken, schemas.ResidencyCredential, FormatLDP, proof, nonce2)
	if err != nil {
		t.Fatal(err)
	}
	checkVerified(t, s, rec2, "")
	// Two forms of one credential: one id, one status index.
	if rec2.ID != rec.ID || rec2.StatusIndex != rec.StatusIndex || rec2.Format != FormatLDP {
		t.Fatalf("the ldp form is %s #%d, the sd-jwt form %s #%d", rec2.ID, rec2.StatusIndex, rec.ID, rec.StatusIndex)
	}
	if n, m := count(t, s, "credentials"), count(t, s, "credential_forms"); n != 1 || m != 1 {
		t.Fatalf("%d credentials and %d later forms, want 1 and 1", n, m)
	}
}

func TestOfferWrongTxCodeBurns(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	o, err := s.CreateOffer(ctx, cli, schemas.AgeOverCredential, map[string]any{"ageOver18": true}, 0)
	if err != nil {
		t.Fatal(err)
	}
	code, _ := offerCode(t, o)
	wrong := "000000"
	if o.TxCode == wrong {
		wrong = "111111"
	}
	for i := 1; i < MaxTxAttempts; i++ {
		_, err := s.RedeemPreAuthorizedCode(ctx, code, wrong)
		wantCode(t, err, CodeInvalidGrant)
	}
	_, err = s.RedeemPreAuthorizedCode(ctx, code, wrong)
	wantCode(t, err, CodeTooManyTries)
	// Burnt: even the right PIN no longer works.
	_, err = s.RedeemPreAuthorizedCode(ctx, code, o.TxCode)
	wantCode(t, err, CodeTooManyTries)
	var burnt int
	s.db.Read.QueryRow("SELECT count(*) FROM audit_log WHERE action = 'offer.burnt'").Scan(&burnt)
	if burnt != 1 {
		t.Fatalf("%d burn entries", burnt)
	}
}

func TestOfferAndTokenAndNonceExpire(t *testing.T) {
	ctx := context.Background()
	s, clock := newClockedService(t)
	o, _ := s.CreateOffer(ctx, cli, schemas.AgeOverCredential, map[string]any{"ageOver18": true}, 0)
	code, _ := offerCode(t, o)
	clock.Advance(OfferTTL + time.Second)
	_, err := s.RedeemPreAuthorizedCode(ctx, code, o.TxCode)
	wantCode(t, err, CodeOfferExpired)

	o, _ = s.CreateOffer(ctx, cli, schemas.AgeOverCredential, map[string]any{"ageOver18": true}, 0)
	code, _ = offerCode(t, o)
	grant, err := s.RedeemPreAuthorizedCode(ctx, code, o.TxCode)
	if err != nil {
		t.Fatal(err)
	}
	h := newHolder(t)
	nonce, _ := s.NewNonce(ctx)
	clock.Advance(NonceTTL + time.Second)
	_, err = s.IssueForToken(ctx, grant.AccessToken, schemas.AgeOverCredential, FormatSDJWT, HolderProof{DID: h.did, PublicKey: h.pub}, nonce)
	wantCode(t, err, CodeInvalidNonce)
	clock.Advance(AccessTokenTTL)
	nonce, _ = s.NewNonce(ctx)
	_, err = s.IssueForToken(ctx, grant.AccessToken, schemas.AgeOverCredential, FormatSDJWT, HolderProof{DID: h.did, PublicKey: h.pub}, nonce)
	wantCode(t, err, CodeInvalidToken)
}

func TestRecoverAfterLostPhone(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	res, _ := s.Enrol(ctx, cli, "Ana", "case 9")
	other, _ := s.Enrol(ctx, cli, "Ben", "case 10")
	old := newHolder(t)
	var ids []string
	for _, req := range []IssueRequest{
		{Type: schemas.ResidencyCredential, Format: FormatLDP},
		{Type: schemas.ResidencyCredential, Format: FormatSDJWT},
		{Type: schemas.CityIDCredential, Format: FormatSDJWT},
	} {
		req.Subject, req.Claims, req.ResidentID = old.did, claimsFor(req.Type), res.ID
		rec, err := s.Issue(ctx, cli, req)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, rec.ID)
	}
	if err := s.Suspend(ctx, cli, ids[2], true); err != nil {
		t.Fatal(err)
	}
	keep, _ := s.Issue(ctx, cli, IssueRequest{Type: schemas.CityIDCredential, Format: FormatLDP, Subject: old.did, Claims: cityIDClaims(), ResidentID: other.ID})

	rcv, err := s.Recover(ctx, cli, RecoveryRequest{ResidentID: res.ID, Evidence: RecoveryEvidence{Kind: EvidenceKnownToStaff}})
	if err != nil {
		t.Fatal(err)
	}
	offers := rcv.Offers
	if len(offers) != 2 {
		t.Fatalf("%d offers, want one per type", len(offers))
	}
	types := map[string]bool{}
	for _, o := range offers {
		types[o.Type] = true
		if o.ResidentID != res.ID {
			t.Fatalf("offer %+v", o)
		}
	}
	if !types[schemas.ResidencyCredential] || !types[schemas.CityIDCredential] {
		t.Fatalf("offer types %v", types)
	}
	for _, id := range ids {
		r, _ := s.Get(ctx, id)
		if r.State != StateRevoked {
			t.Fatalf("%s is %s after the recovery", id, r.State)
		}
	}
	if r, _ := s.Get(ctx, keep.ID); r.State != StateActive {
		t.Fatal("another resident's credential was revoked")
	}
	// The new wallet collects with the offer; claims are the old ones. (The
	// city ID was suspended, so its replacement is too: collect the other.)
	o := offers[0]
	if o.Type == schemas.CityIDCredential {
		o = offers[1]
	}
	code, _ := offerCode(t, &o)
	grant, err := s.RedeemPreAuthorizedCode(ctx, code, o.TxCode)
	if err != nil {
		t.Fatal(err)
	}
	h := newHolder(t)
	nonce, _ := s.NewNonce(ctx)
	rec, err := s.IssueForToken(ctx, grant.AccessToken, o.Type, FormatLDP, HolderProof{DID: h.did, PublicKey: h.pub}, nonce)
	if err != nil {
		t.Fatal(err)
	}
	checkVerified(t, s, rec, "")
	_, err = s.Recover(ctx, cli, RecoveryRequest{ResidentID: 999, Evidence: RecoveryEvidence{Kind: EvidencePhotoID}})
	wantCode(t, err, CodeNotFound)
}

func TestSearch(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	ana, _ := s.Enrol(ctx, cli, "Ana María Silva", "CASE-100")
	ben, _ := s.Enrol(ctx, cli, "Ben 100% Jones", "")
	h1, h2 := newHolder(t), newHolder(t)
	r1, _ := s.Issue(ctx, cli, IssueRequest{Type: schemas.ResidencyCredential, Subject: h1.did, Claims: residencyClaims(), Format: FormatLDP, ResidentID: ana.ID})
	r2, _ := s.Issue(ctx, cli, IssueRequest{Type: schemas.CityIDCredential, Subject: h1.did, Claims: cityIDClaims(), Format: FormatSDJWT, ResidentID: ana.ID})
	r3, _ := s.Issue(ctx, cli, IssueRequest{Type: schemas.CityIDCredential, Subject: h2.did, Claims: cityIDClaims(), Format: FormatSDJWT, ResidentID: ben.ID})
	s.Revoke(ctx, cli, r2.ID)
	ids := func(q Query) string {
		t.Helper()
		recs, err := s.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range recs {
			out = append(out, r.ID)
		}
		return strings.Join(out, ",")
	}
	for _, c := range []struct {
		q    Query
		want string
	}{
		{Query{}, r3.ID + "," + r2.ID + "," + r1.ID},
		{Query{Text: "maría"}, r2.ID + "," + r1.ID},
		{Query{Text: "case-100"}, r2.ID + "," + r1.ID},
		{Query{Text: "100%"}, r3.ID},
		{Query{Text: "A_a"}, ""},
		{Query{Text: h2.did}, r3.ID},
		{Query{Text: r1.ID}, r1.ID},
		{Query{Type: schemas.CityIDCredential}, r3.ID + "," + r2.ID},
		{Query{State: StateRevoked}, r2.ID},
		{Query{ResidentID: ben.ID}, r3.ID},
		{Query{Limit: 1}, r3.ID},
		{Query{Text: "Ana", State: StateActive}, r1.ID},
	} {
		if got := ids(c.q); got != c.want {
			t.Errorf("%+v: got %s, want %s", c.q, got, c.want)
		}
	}
	_, err := s.Search(ctx, Query{State: "lost"})
	wantCode(t, err, CodeInvalidRequest)
	_, err = s.Resident(ctx, 12345)
	wantCode(t, err, CodeNotFound)
	_, err = s.Get(ctx, "urn:uuid:x")
	wantCode(t, err, CodeNotFound)
	_, err = s.Enrol(ctx, cli, "", "")
	wantCode(t, err, CodeInvalidRequest)
}
