package issuer

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"encoding/base64"
	"errors"

	"github.com/cityid/cityid/issuer/internal/audit"
)

// VerifyAudit recomputes the whole audit chain and checks its signed head.
// Each problem (an edited, missing or reordered row, a head that does not
// match) is reported in plain words; an intact log has no problems.
func (s *Service) VerifyAudit(ctx context.Context) (AuditReport, error) {
	tx, err := s.db.Read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true}) // one consistent snapshot
	if err != nil {
		return AuditReport{}, err
	}
	defer tx.Rollback()
	var head *audit.Head
	var h audit.Head
	var sig string
	err = tx.QueryRowContext(ctx, "SELECT seq, hash, signature FROM audit_head WHERE id = 1").Scan(&h.Seq, &h.Hash, &sig)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return AuditReport{}, err
	default:
		h.Signature, _ = base64.RawStdEncoding.DecodeString(sig)
		head = &h
	}
	rows, err := tx.QueryContext(ctx, "SELECT seq, at, actor_kind, actor_name, action, object, details, prev_hash, hash FROM audit_log ORDER BY seq")
	if err != nil {
		return AuditReport{}, err
	}
	defer rows.Close()
	c := audit.NewChecker()
	for rows.Next() {
		var e audit.Entry
		if err := rows.Scan(&e.Seq, &e.At, &e.ActorKind, &e.ActorName, &e.Action, &e.Object, &e.Details, &e.PrevHash, &e.Hash); err != nil {
			return AuditReport{}, err
		}
		c.Add(e)
	}
	if err := rows.Err(); err != nil {
		return AuditReport{}, err
	}
	n, problems := c.Finish(head, func(msg, sig []byte) bool { return ed25519.Verify(s.rootPub, msg, sig) })
	return AuditReport{Entries: n, Problems: problems}, nil
}
