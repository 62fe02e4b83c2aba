package issuer

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cityid/cityid/credential/trust"
	"github.com/cityid/cityid/schemas"
	"github.com/cityid/cityid/verifier"
)

var photoID = RecoveryEvidence{Kind: EvidencePhotoID, DocumentKind: "passport"}

// lostPhone enrols a resident and issues them a residency credential and a
// city ID (ldp_vc) to the wallet they are about to lose.
func lostPhone(t *testing.T, s *Service) (*Resident, []*Record) {
	t.Helper()
	ctx := context.Background()
	res, err := s.Enrol(ctx, cli, "Ana", "case 41")
	if err != nil {
		t.Fatal(err)
	}
	old := newHolder(t)
	var recs []*Record
	for _, typ := range []string{schemas.ResidencyCredential, schemas.CityIDCredential} {
		rec, err := s.Issue(ctx, cli, IssueRequest{Type: typ, Subject: old.did, Claims: claimsFor(typ), Format: FormatLDP, ResidentID: res.ID})
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, rec)
	}
	return res, recs
}

// collect redeems an offer with a new wallet key and collects the
// credential in each format.
func collect(t *testing.T, s *Service, o Offer, formats ...Format) []*Record {
	t.Helper()
	ctx := context.Background()
	code, _ := offerCode(t, &o)
	grant, err := s.RedeemPreAuthorizedCode(ctx, code, o.TxCode)
	if err != nil {
		t.Fatal(err)
	}
	h := newHolder(t)
	var out []*Record
	for _, f := range formats {
		nonce, _ := s.NewNonce(ctx)
		rec, err := s.IssueForToken(ctx, grant.AccessToken, o.Type, f, HolderProof{DID: h.did, PublicKey: h.pub}, nonce)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, rec)
	}
	return out
}

func TestRecoverRefusesBadEvidenceAndStoresNothing(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	res, recs := lostPhone(t, s)
	past := time.Now().Add(-time.Hour)
	for _, c := range []struct {
		name string
		req  RecoveryRequest
		want string
	}{
		{"no evidence", RecoveryRequest{}, "say how the resident was re-verified"},
		{"unknown evidence", RecoveryRequest{Evidence: RecoveryEvidence{Kind: "selfie"}}, "not a way of re-verifying"},
		{"document without photo ID", RecoveryRequest{Evidence: RecoveryEvidence{Kind: EvidenceKnownToStaff, DocumentKind: "passport"}}, "only with photo_id"},
		{"document number", RecoveryRequest{Evidence: RecoveryEvidence{Kind: EvidencePhotoID, DocumentKind: "X1234567"}}, "never its number"},
		{"validity in the past", RecoveryRequest{Evidence: photoID, ValidUntil: &past}, "not in the future"},
	} {
		c.req.ResidentID = res.ID
		before := count(t, s, "audit_log")
		_, err := s.Recover(ctx, cli, c.req)
		e := wantCode(t, err, CodeInvalidRequest)
		if !strings.Contains(e.Message, c.want) {
			t.Errorf("%s: message %q lacks %q", c.name, e.Message, c.want)
		}
		if n := count(t, s, "audit_log"); n != before {
			t.Errorf("%s: %d audit rows written", c.name, n-before)
		}
	}
	for _, r := range recs {
		checkVerified(t, s, r, "")
	}
	if n := count(t, s, "offers"); n != 0 {
		t.Fatalf("%d offers stored", n)
	}
	other, _ := s.Enrol(ctx, cli, "Ben", "")
	_, err := s.Recover(ctx, cli, RecoveryRequest{ResidentID: other.ID, Evidence: photoID})
	if e := wantCode(t, err, CodeConflict); !strings.Contains(e.Message, "nothing to recover") {
		t.Fatalf("nothing to recover: %q", e.Message)
	}
}

// The replacements keep the original validity (validFrom and validUntil) in
// every form, unless the clerk sets a new end; the audit row says how the
// resident was re-verified, with no names or claims.
func TestRecoverKeepsOriginalValidity(t *testing.T) {
	ctx := context.Background()
	s, clock := newClockedService(t)
	res, recs := lostPhone(t, s)
	issued := recs[0].IssuedAt
	clock.Advance(40 * 24 * time.Hour)

	rcv, err := s.Recover(ctx, cli, RecoveryRequest{ResidentID: res.ID, Evidence: photoID})
	if err != nil {
		t.Fatal(err)
	}
	if len(rcv.Offers) != 2 || len(rcv.Revoked) != 2 || len(rcv.Paper) != 0 {
		t.Fatalf("recovery %+v", rcv)
	}
	byType := map[string]*Record{recs[0].Type: recs[0], recs[1].Type: recs[1]}
	for _, o := range rcv.Offers {
		orig := byType[o.Type]
		if o.ValidFrom == nil || !o.ValidFrom.Equal(issued) || o.ValidUntil == nil || !o.ValidUntil.Equal(*orig.ValidUntil) {
			t.Fatalf("offer validity %v..%v, want %v..%v", o.ValidFrom, o.ValidUntil, issued, orig.ValidUntil)
		}
		clock.Advance(time.Minute) // collected a little later: still the old validity
		for _, rec := range collect(t, s, o, FormatLDP, FormatSDJWT) {
			f := rec.Format
			if !rec.ValidFrom.Equal(issued) || !rec.ValidUntil.Equal(*orig.ValidUntil) || !rec.IssuedAt.After(issued) {
				t.Fatalf("%s %s: validity %v..%v issued %v, want %v..%v", o.Type, f, rec.ValidFrom, rec.ValidUntil, rec.IssuedAt, issued, orig.ValidUntil)
			}
			checkVerified(t, s, rec, "")
			if f == FormatLDP {
				var vc map[string]any
				if err := json.Unmarshal(rec.Credential, &vc); err != nil {
					t.Fatal(err)
				}
				if vc["validFrom"] != issued.Format(time.RFC3339) || vc["validUntil"] != orig.ValidUntil.Format(time.RFC3339) {
					t.Fatalf("signed validity %v..%v", vc["validFrom"], vc["validUntil"])
				}
			}
			got, _ := s.Get(ctx, rec.ID)
			if !got.ValidFrom.Equal(issued) {
				t.Fatalf("stored validFrom %v, want %v", got.ValidFrom, issued)
			}
		}
	}
	for _, r := range recs {
		checkVerified(t, s, r, verifier.ReasonRevoked)
	}

	// On paper, with a validity end the clerk chose.
	until := clock.Now().AddDate(2, 0, 0).Truncate(time.Second)
	rcv, err = s.Recover(ctx, cli, RecoveryRequest{ResidentID: res.ID, Evidence: RecoveryEvidence{Kind: EvidenceCaseworkerVouched},
		Paper: true, ValidUntil: &until})
	if err != nil {
		t.Fatal(err)
	}
	if len(rcv.Paper) != 2 || len(rcv.Offers) != 0 {
		t.Fatalf("paper recovery %+v", rcv)
	}
	for _, p := range rcv.Paper {
		if p.Format != FormatPaper || p.Subject != "" || !strings.HasPrefix(string(p.Credential), "CID1:") {
			t.Fatalf("paper record %+v", p)
		}
		if !p.ValidFrom.Equal(issued) || !p.ValidUntil.Equal(until) {
			t.Fatalf("paper validity %v..%v, want %v..%v", p.ValidFrom, p.ValidUntil, issued, until)
		}
		r := verify(t, s, p.Credential)
		if !r.Verified || r.Checks.HolderBinding.String() != "skipped" || !strings.Contains(r.Checks.HolderBinding.Message, "paper") {
			b, _ := json.MarshalIndent(r, "", " ")
			t.Fatalf("paper replacement:\n%s", b)
		}
	}

	// The audit row: evidence kind, target, old and new ids; no names, no claims.
	var details, actor string
	if err := s.db.Read.QueryRow("SELECT details, actor_name FROM audit_log WHERE action = 'resident.recover' ORDER BY seq DESC LIMIT 1").Scan(&details, &actor); err != nil {
		t.Fatal(err)
	}
	var d map[string]any
	if err := json.Unmarshal([]byte(details), &d); err != nil {
		t.Fatal(err)
	}
	if d["evidence"] != EvidenceCaseworkerVouched || d["target"] != "paper" || d["revokedCount"] != 2.0 || d["replacementCount"] != 2.0 || actor != cli.Name {
		t.Fatalf("audit row %s by %s", details, actor)
	}
	for _, p := range rcv.Paper {
		if !strings.Contains(details, p.ID) {
			t.Fatalf("audit row lacks the new id %s: %s", p.ID, details)
		}
	}
	for _, secret := range []string{"Ana", "Springfield", "Silva", "1990"} {
		if strings.Contains(details, secret) {
			t.Fatalf("audit row holds %q: %s", secret, details)
		}
	}
	if rep, err := s.VerifyAudit(ctx); err != nil || len(rep.Problems) > 0 {
		t.Fatalf("audit: %v %v", err, rep.Problems)
	}
}

// A failure inside the transaction, after the revocations were written or
// after the replacements were, leaves everything as it was: the old
// credentials valid, no replacement, no audit row.
func TestRecoverFailureLeavesOldCredentialsValid(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	res, recs := lostPhone(t, s)
	boom := errors.New("injected failure")
	for _, stage := range []string{"revoked", "replaced"} {
		for _, paper := range []bool{false, true} {
			s.testRecoveryHook = func(at string) error {
				if at == stage {
					return boom
				}
				return nil
			}
			creds, offers, audits := count(t, s, "credentials"), count(t, s, "offers"), count(t, s, "audit_log")
			_, err := s.Recover(ctx, cli, RecoveryRequest{ResidentID: res.ID, Evidence: photoID, Paper: paper})
			if !errors.Is(err, boom) {
				t.Fatalf("%s paper=%v: error %v", stage, paper, err)
			}
			if c, o, a := count(t, s, "credentials"), count(t, s, "offers"), count(t, s, "audit_log"); c != creds || o != offers || a != audits {
				t.Fatalf("%s paper=%v: rows changed: credentials %d->%d offers %d->%d audit %d->%d", stage, paper, creds, c, offers, o, audits, a)
			}
			for _, r := range recs {
				got, _ := s.Get(ctx, r.ID)
				if got.State != StateActive {
					t.Fatalf("%s paper=%v: %s is %s", stage, paper, r.ID, got.State)
				}
				checkVerified(t, s, r, "")
			}
		}
	}
	s.testRecoveryHook = nil
	if _, err := s.Recover(ctx, cli, RecoveryRequest{ResidentID: res.ID, Evidence: photoID}); err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		checkVerified(t, s, r, verifier.ReasonRevoked)
	}
	if rep, err := s.VerifyAudit(ctx); err != nil || len(rep.Problems) > 0 {
		t.Fatalf("audit: %v %v", err, rep.Problems)
	}
}

// observeOnce reads what a verifier can see, in an order that makes the
// check sound: first the credentials that exist (a replacement is visible
// only once committed), then the published bundle; every credential known
// so far is verified against that bundle. It returns the types that had
// two valid credentials at once.
func observeOnce(ctx context.Context, s *Service, residentID int64, known map[string]Record) ([]string, error) {
	recs, err := s.Search(ctx, Query{ResidentID: residentID, Limit: MaxSearchLimit})
	if err != nil {
		return nil, err
	}
	live := map[string]int{}
	for _, r := range recs {
		if r.Format == FormatLDP || r.Format == FormatPaper {
			known[r.ID] = r
		}
		if r.State != StateRevoked {
			live[r.Type]++
		}
	}
	var twice []string
	for typ, n := range live {
		if n > 1 {
			twice = append(twice, typ+" (database)")
		}
	}
	data, err := s.Bundle(ctx)
	if err != nil {
		return nil, err
	}
	b, err := trust.Open(data, s.RootDID(), s.now())
	if err != nil {
		return nil, err
	}
	p := verifier.DefaultPolicy(b)
	p.Clock = s.now
	v, err := verifier.New(p)
	if err != nil {
		return nil, err
	}
	valid := map[string]int{}
	for _, r := range known {
		if v.Verify(ctx, r.Credential).Verified {
			valid[r.Type]++
		}
	}
	for typ, n := range valid {
		if n > 1 {
			twice = append(twice, typ+" (verifier)")
		}
	}
	return twice, nil
}

// While recoveries run (paper ones, wallet ones whose offers are collected
// at once, and two at the same time), an observer reading what verifiers
// see never finds an old credential and its replacement both valid.
func TestRecoverNoWindowWithTwoValidSets(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	res, _ := lostPhone(t, s)
	stop := make(chan struct{})
	var observed atomic.Int64
	done := make(chan error, 1)
	// nextLook waits until the observer has finished a look that started
	// after now, so that every step below is interleaved with observations.
	nextLook := func() {
		t.Helper()
		target := observed.Load() + 2
		for deadline := time.Now().Add(30 * time.Second); observed.Load() < target; {
			select {
			case err := <-done:
				t.Fatalf("the observer stopped: %v", err)
			default:
			}
			if time.Now().After(deadline) {
				t.Fatal("the observer stopped looking")
			}
			time.Sleep(time.Millisecond)
		}
	}
	var failures []string
	go func() {
		known := map[string]Record{}
		for {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			twice, err := observeOnce(ctx, s, res.ID, known)
			if err != nil {
				done <- err
				return
			}
			observed.Add(1)
			if len(failures) < 8 {
				failures = append(failures, twice...)
			}
		}
	}()
	for i := 0; i < 6; i++ {
		nextLook()
		switch i % 3 {
		case 0:
			if _, err := s.Recover(ctx, cli, RecoveryRequest{ResidentID: res.ID, Evidence: photoID, Paper: true}); err != nil {
				t.Fatal(err)
			}
		case 1:
			rcv, err := s.Recover(ctx, cli, RecoveryRequest{ResidentID: res.ID, Evidence: RecoveryEvidence{Kind: EvidenceKnownToStaff}})
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range rcv.Offers {
				collect(t, s, o, FormatLDP)
			}
		case 2:
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for j := range errs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, errs[j] = s.Recover(ctx, cli, RecoveryRequest{ResidentID: res.ID, Evidence: photoID, Paper: true})
				}()
			}
			wg.Wait()
			for _, err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	nextLook()
	close(stop)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	t.Logf("the observer looked %d times", observed.Load())
	if len(failures) > 0 {
		t.Fatalf("two valid credentials of one type seen at once: %v", failures)
	}
	// At the end: exactly one live credential per type, and it verifies.
	twice, err := observeOnce(ctx, s, res.ID, map[string]Record{})
	if err != nil || len(twice) > 0 {
		t.Fatalf("final state: %v %v", err, twice)
	}
	recs, _ := s.Search(ctx, Query{ResidentID: res.ID, State: StateActive, Limit: MaxSearchLimit})
	if len(recs) != 2 {
		t.Fatalf("%d live credentials, want one per type", len(recs))
	}
	for _, r := range recs {
		checkVerified(t, s, &r, "")
	}
	if rep, err := s.VerifyAudit(ctx); err != nil || len(rep.Problems) > 0 {
		t.Fatalf("audit: %v %v", err, rep.Problems)
	}
}

// A second recovery replaces the first one's replacements: an offer never
// collected is offered again (with the original validity) and can no longer
// mint, even with an access token already obtained.
func TestRecoverAgainReplacesUncollectedOffers(t *testing.T) {
	ctx := context.Background()
	s, clock := newClockedService(t)
	res, recs := lostPhone(t, s)
	first, err := s.Recover(ctx, cli, RecoveryRequest{ResidentID: res.ID, Evidence: photoID})
	if err != nil {
		t.Fatal(err)
	}
	// The new phone redeemed one offer's code but never collected; the
	// other offer expired unused.
	o := first.Offers[0]
	code, _ := offerCode(t, &o)
	grant, err := s.RedeemPreAuthorizedCode(ctx, code, o.TxCode)
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(OfferTTL / 2)
	second, err := s.Recover(ctx, cli, RecoveryRequest{ResidentID: res.ID, Evidence: RecoveryEvidence{Kind: EvidenceKnownToStaff}})
	if err != nil {
		t.Fatal(err)
	}
	if len(second.Offers) != 2 || len(second.Revoked) != 0 || len(second.Withdrawn) != 2 {
		t.Fatalf("second recovery %+v", second)
	}
	for _, no := range second.Offers {
		if !no.ValidFrom.Equal(recs[0].IssuedAt) {
			t.Fatalf("re-offered validity starts %v, want %v", no.ValidFrom, recs[0].IssuedAt)
		}
	}
	h := newHolder(t)
	nonce, _ := s.NewNonce(ctx)
	_, err = s.IssueForToken(ctx, grant.AccessToken, o.Type, FormatLDP, HolderProof{DID: h.did, PublicKey: h.pub}, nonce)
	wantCode(t, err, CodeInvalidToken)
	// The first recovery's other offer, never redeemed, is withdrawn too.
	o2 := first.Offers[1]
	code2, _ := offerCode(t, &o2)
	_, err = s.RedeemPreAuthorizedCode(ctx, code2, o2.TxCode)
	if e := wantCode(t, err, CodeInvalidGrant); !strings.Contains(e.Message, "withdrawn at the counter") {
		t.Fatal(e.Message)
	}

	// After the offers expire, a third visit still restores everything.
	clock.Advance(OfferTTL + time.Minute)
	third, err := s.Recover(ctx, cli, RecoveryRequest{ResidentID: res.ID, Evidence: photoID, Paper: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(third.Paper) != 2 {
		t.Fatalf("third recovery %+v", third)
	}
	plan, err := s.RecoveryPlan(ctx, res.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Revoke) != 2 || len(plan.Replace) != 2 || plan.Withdraw != 0 {
		t.Fatalf("plan %+v", plan)
	}
	for _, r := range plan.Replace {
		if r.Expired || !r.ValidFrom.Equal(recs[0].IssuedAt) {
			t.Fatalf("plan replacement %+v", r)
		}
	}
}

// A suspended credential's replacement is suspended too, on paper and for a
// new wallet: a recovery is no way around a suspension.
func TestRecoverCarriesSuspension(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	res, recs := lostPhone(t, s)
	suspended := recs[1] // the city ID
	if err := s.Suspend(ctx, cli, suspended.ID, true); err != nil {
		t.Fatal(err)
	}
	plan, err := s.RecoveryPlan(ctx, res.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range plan.Replace {
		if r.Suspended != (r.Type == suspended.Type) {
			t.Fatalf("plan %+v", r)
		}
	}
	rcv, err := s.Recover(ctx, cli, RecoveryRequest{ResidentID: res.ID, Evidence: photoID, Paper: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range rcv.Paper {
		got, _ := s.Get(ctx, p.ID)
		if p.Type == suspended.Type {
			if got.State != StateSuspended {
				t.Fatalf("paper replacement of a suspended credential is %s", got.State)
			}
			checkVerified(t, s, &p, verifier.ReasonSuspended)
		} else {
			if got.State != StateActive {
				t.Fatalf("paper replacement is %s", got.State)
			}
			checkVerified(t, s, &p, "")
		}
	}
	rcv, err = s.Recover(ctx, cli, RecoveryRequest{ResidentID: res.ID, Evidence: photoID})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range rcv.Offers {
		for _, rec := range collect(t, s, o, FormatLDP) {
			if o.Type == suspended.Type {
				if rec.State != StateSuspended {
					t.Fatalf("collected replacement of a suspended credential is %s", rec.State)
				}
				checkVerified(t, s, rec, verifier.ReasonSuspended)
				if err := s.Suspend(ctx, cli, rec.ID, false); err != nil {
					t.Fatal(err)
				}
			}
			checkVerified(t, s, rec, "")
		}
	}
}
