package issuer

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/cityid/cityid/schemas"
)

func TestPrintPaper(t *testing.T) {
	s, clock := newClockedService(t)
	ctx := context.Background()
	h := newHolder(t)
	rec, err := s.Issue(ctx, cli, IssueRequest{Type: schemas.ResidencyCredential, Subject: h.did, Claims: residencyClaims(), Format: FormatLDP})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.Get(ctx, rec.ID); err != nil || strings.Join(got.ClaimNames, ",") != "address,housingStatus,residentOf" {
		t.Fatalf("Get: claim names %v, %v", got, err)
	}
	pc, err := s.PrintPaper(ctx, cli, rec.ID, []string{"residentOf", "housingStatus", "residentOf"})
	if err != nil {
		t.Fatal(err)
	}
	if pc.ID != rec.ID || pc.StatusIndex != rec.StatusIndex || !pc.ValidUntil.Equal(*rec.ValidUntil) || !pc.ValidFrom.Equal(rec.IssuedAt) ||
		pc.IssuerName != "Testville" || pc.IssuerDID != s.DID() || strings.Join(pc.ClaimNames, ",") != "housingStatus,residentOf" || len(pc.Claims) != 2 {
		t.Fatalf("paper %+v", pc)
	}
	res := verify(t, s, []byte(pc.Text))
	if !res.Verified || !res.Paper || res.Subject != "" || len(res.Claims) != 2 {
		t.Fatalf("paper verification %+v", res)
	}

	// The audit log names the printer, the credential and the claim names,
	// never a claim value.
	var details, actor string
	if err := s.db.Read.QueryRow("SELECT details, actor_name FROM audit_log WHERE action = 'credential.print_paper' AND object = ?", rec.ID).Scan(&details, &actor); err != nil {
		t.Fatal(err)
	}
	if actor != "test" || !strings.Contains(details, `"housingStatus"`) || strings.Contains(details, "Springfield") || strings.Contains(details, "housed") {
		t.Errorf("audit %s by %s", details, actor)
	}
	if rep, err := s.VerifyAudit(ctx); err != nil || len(rep.Problems) > 0 {
		t.Errorf("audit %v %v", rep, err)
	}

	// Every claim by default.
	all, err := s.PrintPaper(ctx, cli, rec.ID, nil)
	if err != nil || len(all.Claims) != 3 {
		t.Fatalf("all claims: %v %v", all, err)
	}

	// Refusals, each with its reason; nothing is audited for them.
	before := count(t, s, "audit_log")
	e := wantCode(t, pick(s.PrintPaper(ctx, cli, rec.ID, []string{"shoeSize"})), CodeInvalidRequest)
	if !strings.Contains(e.Message, `no claim "shoeSize"`) || !strings.Contains(e.Message, "address, housingStatus, residentOf") {
		t.Errorf("unknown claim: %s", e.Message)
	}
	wantCode(t, pick(s.PrintPaper(ctx, cli, rec.ID, []string{" "})), CodeInvalidRequest)
	wantCode(t, pick(s.PrintPaper(ctx, cli, "urn:uuid:nope", nil)), CodeNotFound)
	wantCode(t, pick(s.PrintPaper(ctx, Actor{}, rec.ID, nil)), CodeUnauthorized)
	if err := s.Suspend(ctx, cli, rec.ID, true); err != nil {
		t.Fatal(err)
	}
	if e := wantCode(t, pick(s.PrintPaper(ctx, cli, rec.ID, nil)), CodeConflict); !strings.Contains(e.Message, "suspended") {
		t.Errorf("suspended: %s", e.Message)
	}
	if err := s.Suspend(ctx, cli, rec.ID, false); err != nil {
		t.Fatal(err)
	}
	short := time.Now().Add(time.Hour)
	exp, err := s.Issue(ctx, cli, IssueRequest{Type: schemas.AgeOverCredential, Subject: h.did, Claims: claimsFor(schemas.AgeOverCredential),
		Format: FormatQR, ValidUntil: &short})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Revoke(ctx, cli, rec.ID); err != nil {
		t.Fatal(err)
	}
	if e := wantCode(t, pick(s.PrintPaper(ctx, cli, rec.ID, nil)), CodeConflict); !strings.Contains(e.Message, "revoked") {
		t.Errorf("revoked: %s", e.Message)
	}
	after := count(t, s, "audit_log")
	if after != before+4 { // suspend, unsuspend, issue, revoke
		t.Errorf("audit rows %d -> %d: a refused print was recorded", before, after)
	}
	clock.Advance(2 * time.Hour)
	if e := wantCode(t, pick(s.PrintPaper(ctx, cli, exp.ID, nil)), CodeConflict); !strings.Contains(e.Message, "expired on") {
		t.Errorf("expired: %s", e.Message)
	}
}

func pick[T any](_ T, err error) error { return err }
