package issuer

import (
	"context"
	"strings"
	"testing"

	"github.com/cityid/cityid/issuer/internal/audit"
	"github.com/cityid/cityid/schemas"
)

// auditedService returns a service with some history in its audit log.
func auditedService(t *testing.T) *Service {
	t.Helper()
	ctx := context.Background()
	s := newService(t)
	h := newHolder(t)
	res, _ := s.Enrol(ctx, cli, "Ana", "")
	for range 3 {
		rec, err := s.Issue(ctx, cli, IssueRequest{Type: schemas.ResidencyCredential, Subject: h.did, Claims: residencyClaims(), Format: FormatSDJWT, ResidentID: res.ID})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Revoke(ctx, cli, rec.ID); err != nil {
			t.Fatal(err)
		}
	}
	s.Authenticate(ctx, "nobody", "wrong password")
	rep, err := s.VerifyAudit(ctx)
	if err != nil || len(rep.Problems) != 0 || rep.Entries < 9 {
		t.Fatalf("fresh audit log: %+v %v", rep, err)
	}
	return s
}

func mustExec(t *testing.T, s *Service, q string, args ...any) {
	t.Helper()
	if _, err := s.db.Write.Exec(q, args...); err != nil {
		t.Fatal(err)
	}
}

func wantProblem(t *testing.T, s *Service, want string) {
	t.Helper()
	rep, err := s.VerifyAudit(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range rep.Problems {
		if strings.Contains(p, want) {
			return
		}
	}
	t.Fatalf("problems %q do not mention %q", rep.Problems, want)
}

func TestAuditHasNoClaimValues(t *testing.T) {
	s := auditedService(t)
	rows, err := s.db.Read.Query("SELECT details || object || actor_name FROM audit_log")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var d string
		rows.Scan(&d)
		for _, v := range []string{"Springfield", "Evergreen", "49007", "Ana"} {
			if strings.Contains(d, v) {
				t.Fatalf("audit row carries personal data %q: %s", v, d)
			}
		}
	}
}

func TestAuditDetectsEditedRow(t *testing.T) {
	s := auditedService(t)
	mustExec(t, s, `UPDATE audit_log SET details = '{"type":"CityIDCredential"}' WHERE seq = 4`)
	wantProblem(t, s, "row 4 was edited")
}

func TestAuditDetectsRehashedRow(t *testing.T) {
	// An attacker who edits a row and recomputes its hash breaks the link
	// of the next row.
	s := auditedService(t)
	mustExec(t, s, `UPDATE audit_log SET actor_name = 'someone else' WHERE seq = 3`)
	rep, _ := s.VerifyAudit(context.Background())
	if len(rep.Problems) == 0 {
		t.Fatal("edit not detected")
	}
	rehash(t, s, 3)
	wantProblem(t, s, "row 4 does not link to row 3")
}

// rehash recomputes the stored hash of row seq from its content.
func rehash(t *testing.T, s *Service, seq int64) {
	t.Helper()
	var e audit.Entry
	if err := s.db.Read.QueryRow("SELECT seq, at, actor_kind, actor_name, action, object, details, prev_hash FROM audit_log WHERE seq = ?", seq).
		Scan(&e.Seq, &e.At, &e.ActorKind, &e.ActorName, &e.Action, &e.Object, &e.Details, &e.PrevHash); err != nil {
		t.Fatal(err)
	}
	mustExec(t, s, "UPDATE audit_log SET hash = ? WHERE seq = ?", audit.Hash(e.PrevHash, e), seq)
}

func TestAuditDetectsDeletedMiddleRow(t *testing.T) {
	s := auditedService(t)
	mustExec(t, s, `DELETE FROM audit_log WHERE seq = 5`)
	wantProblem(t, s, "row 5 is missing")
}

func TestAuditDetectsDeletedLastRows(t *testing.T) {
	s := auditedService(t)
	var last int64
	s.db.Read.QueryRow("SELECT max(seq) FROM audit_log").Scan(&last)
	mustExec(t, s, `DELETE FROM audit_log WHERE seq = ?`, last)
	wantProblem(t, s, "is missing (deleted)")
	// Moving the head back does not help: its signature no longer matches.
	var prev string
	s.db.Read.QueryRow("SELECT hash FROM audit_log WHERE seq = ?", last-1).Scan(&prev)
	mustExec(t, s, `UPDATE audit_head SET seq = ?, hash = ?`, last-1, prev)
	wantProblem(t, s, "does not carry a valid root-key signature")
	// Nor does deleting the head.
	mustExec(t, s, `DELETE FROM audit_head`)
	wantProblem(t, s, "signed head of the audit log is missing")
}

func TestAuditChainContinuesAcrossRestarts(t *testing.T) {
	ctx := context.Background()
	s := auditedService(t)
	dir := s.Dir()
	s.Close()
	s2 := openAt(t, dir, testOptions())
	if _, err := s2.Enrol(ctx, cli, "Ben", ""); err != nil {
		t.Fatal(err)
	}
	rep, err := s2.VerifyAudit(ctx)
	if err != nil || len(rep.Problems) != 0 {
		t.Fatalf("%+v %v", rep, err)
	}
}
