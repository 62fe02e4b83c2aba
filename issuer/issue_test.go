package issuer

import (
	"context"
	"crypto"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cityid/cityid/credential"
	"github.com/cityid/cityid/credential/sdjwt"
	"github.com/cityid/cityid/credential/status"
	"github.com/cityid/cityid/schemas"
	"github.com/cityid/cityid/verifier"
)

// checkVerified asserts what the project's verifier says about the
// credential with the service's current bundle: verified, or refused for
// wantReason in its status check.
func checkVerified(t *testing.T, s *Service, rec *Record, wantReason verifier.Reason) {
	t.Helper()
	res := verify(t, s, rec.Credential)
	if wantReason == "" {
		if !res.Verified {
			b, _ := json.MarshalIndent(res, "", "  ")
			t.Fatalf("%s not verified:\n%s", rec.Format, b)
		}
		return
	}
	if res.Verified || res.Checks.Status.Reason != wantReason {
		b, _ := json.MarshalIndent(res, "", "  ")
		t.Fatalf("%s: want status %s:\n%s", rec.Format, wantReason, b)
	}
}

func TestIssueVerifyRevokeSuspend(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	h := newHolder(t)
	res, err := s.Enrol(ctx, cli, "Ana María Silva", "case 17")
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range schemas.Types() {
		for _, f := range []Format{FormatLDP, FormatSDJWT} {
			t.Run(typ.Name+"/"+string(f), func(t *testing.T) {
				rec, err := s.Issue(ctx, cli, IssueRequest{Type: typ.Name, Subject: h.did, Claims: claimsFor(typ.Name), Format: f, ResidentID: res.ID})
				if err != nil {
					t.Fatal(err)
				}
				if !strings.HasPrefix(rec.ID, "urn:uuid:") || rec.State != StateActive || rec.Subject != h.did || rec.ResidentID != res.ID {
					t.Fatalf("record %+v", rec)
				}
				got, err := s.Get(ctx, rec.ID)
				if err != nil || string(got.Credential) != string(rec.Credential) || got.StatusIndex != rec.StatusIndex {
					t.Fatalf("Get: %+v %v", got, err)
				}
				checkVerified(t, s, rec, "")
				if err := s.Suspend(ctx, cli, rec.ID, true); err != nil {
					t.Fatal(err)
				}
				checkVerified(t, s, rec, verifier.ReasonSuspended)
				if err := s.Suspend(ctx, cli, rec.ID, false); err != nil {
					t.Fatal(err)
				}
				checkVerified(t, s, rec, "")
				if err := s.Revoke(ctx, cli, rec.ID); err != nil {
					t.Fatal(err)
				}
				checkVerified(t, s, rec, verifier.ReasonRevoked)
				wantCode(t, s.Revoke(ctx, cli, rec.ID), CodeConflict)
				wantCode(t, s.Suspend(ctx, cli, rec.ID, false), CodeConflict)
				got, _ = s.Get(ctx, rec.ID)
				if got.State != StateRevoked {
					t.Fatalf("state %s", got.State)
				}
			})
		}
	}
	wantCode(t, s.Revoke(ctx, cli, "urn:uuid:nope"), CodeNotFound)
}

func TestCredentialContent(t *testing.T) {
	ctx := context.Background()
	s, clock := newClockedService(t)
	h := newHolder(t)
	now := clock.Now()
	rec, err := s.Issue(ctx, cli, IssueRequest{Type: schemas.CityIDCredential, Subject: h.did, Claims: cityIDClaims(), Format: FormatLDP})
	if err != nil {
		t.Fatal(err)
	}
	c, err := credential.Parse(rec.Credential)
	if err != nil {
		t.Fatal(err)
	}
	if c.Issuer != s.DID() || c.SubjectID() != h.did || c.CityType() != schemas.CityIDCredential {
		t.Fatalf("credential %+v", c)
	}
	if !c.ValidFrom.Equal(now) || !c.ValidUntil.Equal(now.AddDate(5, 0, 0)) {
		t.Fatalf("validity %v .. %v", c.ValidFrom, c.ValidUntil)
	}
	if strings.Join(c.Contexts, " ") != schemas.CredentialsV2URL+" "+schemas.CityContextURL {
		t.Fatalf("contexts %v", c.Contexts)
	}
	if len(c.Status) != 2 {
		t.Fatalf("status %v", c.Status)
	}
	for i, purpose := range []string{status.PurposeRevocation, status.PurposeSuspension} {
		e, err := status.ParseEntry(c.Status[i])
		if err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf("%s/status/%s-%d", testURL, purpose, rec.StatusIndex/status.MinLength)
		if e.Purpose != purpose || e.ListCredential != want || e.Index != rec.StatusIndex%status.MinLength {
			t.Fatalf("entry %+v", e)
		}
	}

	// Service eligibility ends with its last day; SD-JWT carries cnf and every claim is disclosable.
	claims := claimsFor(schemas.ServiceEligibilityCredential)
	claims["eligibleUntil"] = now.AddDate(0, 2, 0).Format(time.DateOnly)
	rec, err = s.Issue(ctx, cli, IssueRequest{Type: schemas.ServiceEligibilityCredential, Subject: h.did, Claims: claims, Format: FormatSDJWT})
	if err != nil {
		t.Fatal(err)
	}
	wantUntil, _ := time.Parse(time.DateOnly, claims["eligibleUntil"].(string))
	if !rec.ValidUntil.Equal(wantUntil.Add(24*time.Hour - time.Second)) {
		t.Fatalf("validUntil %v for eligibleUntil %v", rec.ValidUntil, claims["eligibleUntil"])
	}
	tok, err := sdjwt.ParseUnverifiedUnsafe(string(rec.Credential))
	if err != nil {
		t.Fatal(err)
	}
	if tok.Payload["iss"] != s.DID() || tok.Header["kid"] != s.VerificationMethod() || tok.Payload["vct"] != credential.VCT(schemas.ServiceEligibilityCredential) {
		t.Fatalf("header %v payload %v", tok.Header, tok.Payload)
	}
	if len(tok.Disclosures) != 4 {
		t.Fatalf("%d disclosures, want one per claim", len(tok.Disclosures))
	}
	for k := range claims {
		if _, ok := tok.Payload[k]; ok {
			t.Fatalf("claim %s is in the clear", k)
		}
	}
	// The holder can present with key binding: cnf is the subject's key.
	pres, err := sdjwt.Present(string(rec.Credential), []string{"program"}, h.priv, sdjwt.KeyBindingOptions{Audience: "kiosk", Nonce: "n1", IssuedAt: now})
	if err != nil {
		t.Fatal(err)
	}
	ver, err := sdjwt.Verify(pres, func(iss, kid string) (crypto.PublicKey, error) { return s.issuerSigner.Public(), nil },
		sdjwt.VerifyOptions{Algorithms: []string{"EdDSA"}, RequireKeyBinding: true, Audience: "kiosk", Nonce: "n1", Now: now})
	if err != nil || !ver.KeyBound || ver.Claims["program"] != "transit-discount" || ver.Claims["programName"] != nil {
		t.Fatalf("presentation: %+v %v", ver, err)
	}

	// An explicit validUntil wins; one in the past is refused.
	until := now.Add(48 * time.Hour)
	rec, err = s.Issue(ctx, cli, IssueRequest{Type: schemas.AgeOverCredential, Subject: h.did, Claims: claimsFor(schemas.AgeOverCredential), Format: FormatSDJWT, ValidUntil: &until})
	if err != nil || !rec.ValidUntil.Equal(until) {
		t.Fatalf("explicit validUntil: %+v %v", rec, err)
	}
}

func TestBadInputStoresNothing(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	h := newHolder(t)
	past := time.Now().Add(-time.Hour)
	ended := claimsFor(schemas.ServiceEligibilityCredential)
	ended["eligibleFrom"], ended["eligibleUntil"] = "2020-01-01", "2020-12-31"
	withID := residencyClaims()
	withID["id"] = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
	cases := []struct {
		name   string
		req    IssueRequest
		code   string
		fields []string
	}{
		{"unknown type", IssueRequest{Type: "DriverLicense", Subject: h.did, Claims: residencyClaims(), Format: FormatLDP}, CodeUnknownType, nil},
		{"invalid claims", IssueRequest{Type: schemas.ResidencyCredential, Subject: h.did,
			Claims: map[string]any{"residentOf": "", "housingStatus": "castle"}, Format: FormatLDP}, CodeInvalidClaims, []string{"housingStatus", "residentOf"}},
		{"missing claims", IssueRequest{Type: schemas.CityIDCredential, Subject: h.did, Claims: nil, Format: FormatSDJWT}, CodeInvalidClaims, []string{"birthDate", "familyName", "givenName"}},
		{"other id", IssueRequest{Type: schemas.ResidencyCredential, Subject: h.did, Claims: withID, Format: FormatLDP}, CodeInvalidClaims, []string{"id"}},
		{"not a DID", IssueRequest{Type: schemas.ResidencyCredential, Subject: "alice", Claims: residencyClaims(), Format: FormatLDP}, CodeInvalidDID, nil},
		{"did:web", IssueRequest{Type: schemas.ResidencyCredential, Subject: "did:web:example.com", Claims: residencyClaims(), Format: FormatLDP}, CodeInvalidDID, nil},
		{"bad did:key", IssueRequest{Type: schemas.ResidencyCredential, Subject: "did:key:z6MkNOTAKEY", Claims: residencyClaims(), Format: FormatLDP}, CodeInvalidDID, nil},
		{"unknown format", IssueRequest{Type: schemas.ResidencyCredential, Subject: h.did, Claims: residencyClaims(), Format: "jwt_vc_json"}, CodeInvalidRequest, nil},
		{"no format", IssueRequest{Type: schemas.ResidencyCredential, Subject: h.did, Claims: residencyClaims()}, CodeInvalidRequest, nil},
		{"unknown resident", IssueRequest{Type: schemas.ResidencyCredential, Subject: h.did, Claims: residencyClaims(), Format: FormatLDP, ResidentID: 42}, CodeNotFound, nil},
		{"validUntil in the past", IssueRequest{Type: schemas.ResidencyCredential, Subject: h.did, Claims: residencyClaims(), Format: FormatLDP, ValidUntil: &past}, CodeInvalidRequest, nil},
		{"eligibility ended", IssueRequest{Type: schemas.ServiceEligibilityCredential, Subject: h.did, Claims: ended, Format: FormatLDP}, CodeInvalidRequest, nil},
		{"not JSON", IssueRequest{Type: schemas.ResidencyCredential, Subject: h.did, Claims: map[string]any{"residentOf": func() {}}, Format: FormatLDP}, CodeInvalidClaims, nil},
	}
	tables := []string{"credentials", "audit_log", "offers", "residents"}
	before := map[string]int{}
	for _, tb := range tables {
		before[tb] = count(t, s, tb)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.Issue(ctx, cli, c.req)
			e := wantCode(t, err, c.code)
			var paths []string
			for _, f := range e.Fields {
				paths = append(paths, f.Path)
				if f.Message == "" {
					t.Errorf("field %s has no message", f.Path)
				}
			}
			if c.fields != nil && strings.Join(paths, ",") != strings.Join(c.fields, ",") {
				t.Fatalf("fields %v, want %v (%s)", paths, c.fields, e.Message)
			}
			if c.code != CodeInvalidDID && c.code != CodeInvalidRequest && c.code != CodeNotFound {
				_, err = s.CreateOffer(ctx, cli, c.req.Type, c.req.Claims, 0)
				wantCode(t, err, c.code)
			}
			_, err = s.IssueBatch(ctx, cli, []IssueRequest{c.req}, nil)
			if err != nil {
				t.Fatal(err)
			}
		})
	}
	for _, tb := range tables {
		if n := count(t, s, tb); n != before[tb] {
			t.Errorf("bad input changed %s: %d rows, had %d", tb, n, before[tb])
		}
	}
	var hw int
	s.db.Read.QueryRow("SELECT value FROM counters WHERE name = 'status_index'").Scan(&hw)
	if hw != 0 {
		t.Errorf("bad input reserved status indexes (high-water mark %d)", hw)
	}
}

func TestStatusIndexesUniqueUnderConcurrency(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	// A second service on the same directory: the CLI while the server runs.
	s2 := openAt(t, s.Dir(), testOptions())
	h := newHolder(t)
	const n = 500
	recs := make([]*Record, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			svc := s
			if i%5 == 0 {
				svc = s2
			}
			var err error
			recs[i], err = svc.Issue(ctx, cli, IssueRequest{Type: schemas.AgeOverCredential, Subject: h.did,
				Claims: map[string]any{"ageOver18": true}, Format: FormatSDJWT})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	seen := map[int]bool{}
	for _, r := range recs {
		if r == nil {
			t.FailNow()
		}
		if seen[r.StatusIndex] {
			t.Fatalf("status index %d handed out twice", r.StatusIndex)
		}
		seen[r.StatusIndex] = true
	}
	var rows, distinct int
	s.db.Read.QueryRow("SELECT count(*), count(DISTINCT status_index) FROM credentials").Scan(&rows, &distinct)
	if rows != n || distinct != n {
		t.Fatalf("%d rows, %d distinct status indexes", rows, distinct)
	}
	rep, err := s.VerifyAudit(ctx)
	if err != nil || len(rep.Problems) > 0 || rep.Entries < n {
		t.Fatalf("audit: %+v %v", rep, err)
	}
	// s stored 4/5 of the credentials; without group commit that takes at
	// least one transaction each.
	if g := s.w.groups.Load(); g >= n*4/5/2 {
		t.Errorf("%d transactions for %d concurrent issues: group commit is not working", g, n*4/5)
	}
}

func TestIssueBatchReportsBadRowsAndIssuesTheRest(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	h := newHolder(t)
	reqs := make([]IssueRequest, 300)
	for i := range reqs {
		reqs[i] = IssueRequest{Type: schemas.AgeOverCredential, Subject: h.did, Claims: map[string]any{"ageOver18": true}, Format: FormatSDJWT}
		if i%3 == 0 {
			reqs[i].Format = FormatLDP
		}
	}
	reqs[7].Claims = map[string]any{"ageOver18": "yes"}
	reqs[150].Subject = "did:example:123"
	var calls, last int
	res, err := s.IssueBatch(ctx, cli, reqs, func(done, total int) {
		calls++
		if done != last+1 || total != len(reqs) {
			t.Errorf("progress %d/%d after %d", done, total, last)
		}
		last = done
	})
	if err != nil {
		t.Fatal(err)
	}
	if calls != len(reqs) {
		t.Fatalf("%d progress calls", calls)
	}
	for i, r := range res {
		switch {
		case r.Index != i:
			t.Fatalf("result %d has index %d", i, r.Index)
		case i == 7:
			wantCode(t, r.Err, CodeInvalidClaims)
		case i == 150:
			wantCode(t, r.Err, CodeInvalidDID)
		case r.Err != nil || r.Record == nil:
			t.Fatalf("request %d: %v", i, r.Err)
		}
	}
	if n := count(t, s, "credentials"); n != len(reqs)-2 {
		t.Fatalf("%d credentials stored", n)
	}
	_, err = s.IssueBatch(ctx, Actor{Kind: "wallet"}, reqs, nil)
	wantCode(t, err, CodeForbidden)
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	res, err = s.IssueBatch(cctx, cli, reqs[:10], nil)
	if err == nil || res[1].Err == nil {
		t.Fatalf("cancelled batch: %v %+v", err, res[1])
	}
}
