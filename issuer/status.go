package issuer

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cityid/cityid/credential/dataintegrity"
	"github.com/cityid/cityid/credential/status"
)

// Status list publication.
const (
	// StatusListValidity is how long a signed status list credential is
	// valid (validUntil - validFrom): a kiosk whose list is older knows its
	// revocation data is stale.
	StatusListValidity = 7 * 24 * time.Hour
	// statusListRefresh: a signed list older than this is signed again on
	// the next request even if nothing changed.
	statusListRefresh = 24 * time.Hour
)

// Status indexes. A global counter in the database (the high-water mark) is
// advanced in blocks; a process hands out the indexes of its block from
// memory. The block is stored durably before any index of it is used, so an
// index is never handed out twice; a crash loses the unused rest of a block,
// which is harmless. Blocks grow from minBlock to maxBlock as a process
// issues more, and never straddle two lists.
const (
	minBlock = 16
	maxBlock = 1024
)

type indexAlloc struct {
	mu         sync.Mutex
	next, end  int64
	block      int64
	haveBlocks bool
}

// nextIndex returns a fresh global status index.
func (s *Service) nextIndex(ctx context.Context) (int, error) {
	a := &s.alloc
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.next >= a.end {
		size := min(max(a.block*2, minBlock), maxBlock)
		var start, end int64
		err := s.w.do(ctx, func(w *wtx) error {
			var hw int64
			if err := w.queryRow("SELECT value FROM counters WHERE name = 'status_index'").Scan(&hw); err != nil {
				return err
			}
			list := hw / status.MinLength
			end = min(hw+size, (list+1)*status.MinLength)
			if _, err := w.exec("UPDATE counters SET value = ? WHERE name = 'status_index'", end); err != nil {
				return err
			}
			for _, p := range []string{status.PurposeRevocation, status.PurposeSuspension} {
				if _, err := w.exec("INSERT INTO status_lists (purpose, list, bits, version) VALUES (?, ?, zeroblob(?), 1) ON CONFLICT DO NOTHING",
					p, list, status.MinLength/8); err != nil {
					return err
				}
			}
			start = hw
			return nil
		})
		if err != nil {
			return 0, fmt.Errorf("reserving status list indexes: %w", err)
		}
		a.next, a.end, a.block, a.haveBlocks = start, end, end-start, true
	}
	i := a.next
	a.next++
	return int(i), nil
}

// releaseIndexes gives the unused rest of this process's block back, when no
// other process has reserved after it (the indexes were never handed out).
func (s *Service) releaseIndexes() {
	a := &s.alloc
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.haveBlocks || a.next >= a.end {
		return
	}
	next, end := a.next, a.end
	err := s.w.do(context.Background(), func(w *wtx) error {
		_, err := w.exec("UPDATE counters SET value = ? WHERE name = 'status_index' AND value = ?", next, end)
		return err
	})
	if err == nil {
		a.end = a.next
	}
}

// setStatusBit sets or clears the credential's bit in the list of purpose,
// bumping the list's version.
func (w *wtx) setStatusBit(purpose string, index int, v bool) error {
	list, pos := index/status.MinLength, index%status.MinLength
	var bits []byte
	if err := w.queryRow("SELECT bits FROM status_lists WHERE purpose = ? AND list = ?", purpose, list).Scan(&bits); err != nil {
		return fmt.Errorf("reading status list %s: %w", statusListID(purpose, list), err)
	}
	if pos/8 >= len(bits) {
		return fmt.Errorf("status list %s is shorter than index %d", statusListID(purpose, list), pos)
	}
	mask := byte(0x80) >> (pos % 8) // bit 0 is the most significant bit of byte 0
	if v {
		bits[pos/8] |= mask
	} else {
		bits[pos/8] &^= mask
	}
	_, err := w.exec("UPDATE status_lists SET bits = ?, version = version + 1 WHERE purpose = ? AND list = ?", bits, purpose, list)
	return err
}

// Revoke revokes a credential for good: its revocation bit is set.
func (s *Service) Revoke(ctx context.Context, actor Actor, id string) error {
	actor, err := s.requireStaff(ctx, actor)
	if err != nil {
		return err
	}
	return s.w.do(ctx, func(w *wtx) error { return w.revoke(actor, id, "") })
}

func (w *wtx) revoke(actor Actor, id, reason string) error {
	var state CredentialState
	var index int
	err := w.queryRow("SELECT state, status_index FROM credentials WHERE id = ?", id).Scan(&state, &index)
	if errors.Is(err, sql.ErrNoRows) {
		return errorf(CodeNotFound, "there is no credential %s", truncate(id, 80))
	}
	if err != nil {
		return err
	}
	if state == StateRevoked {
		return errorf(CodeConflict, "the credential %s is already revoked", id)
	}
	if err := w.setStatusBit(status.PurposeRevocation, index, true); err != nil {
		return err
	}
	if _, err := w.exec("UPDATE credentials SET state = 'revoked' WHERE id = ?", id); err != nil {
		return err
	}
	details := map[string]any{"from": state, "statusIndex": index}
	if reason != "" {
		details["reason"] = reason
	}
	return w.audit(actor, "credential.revoke", id, details)
}

// Suspend suspends (true) or reinstates (false) a credential by its
// suspension bit. A revoked credential cannot be suspended or reinstated;
// asking for the state a credential is already in changes nothing.
func (s *Service) Suspend(ctx context.Context, actor Actor, id string, suspended bool) error {
	actor, err := s.requireStaff(ctx, actor)
	if err != nil {
		return err
	}
	return s.w.do(ctx, func(w *wtx) error {
		var state CredentialState
		var index int
		err := w.queryRow("SELECT state, status_index FROM credentials WHERE id = ?", id).Scan(&state, &index)
		if errors.Is(err, sql.ErrNoRows) {
			return errorf(CodeNotFound, "there is no credential %s", truncate(id, 80))
		}
		if err != nil {
			return err
		}
		want, action := StateSuspended, "credential.suspend"
		if !suspended {
			want, action = StateActive, "credential.unsuspend"
		}
		switch {
		case state == StateRevoked:
			return errorf(CodeConflict, "the credential %s is revoked, which is final", id)
		case state == want:
			return nil
		}
		if err := w.setStatusBit(status.PurposeSuspension, index, suspended); err != nil {
			return err
		}
		if _, err := w.exec("UPDATE credentials SET state = ? WHERE id = ?", want, id); err != nil {
			return err
		}
		return w.audit(actor, action, id, map[string]any{"statusIndex": index})
	})
}

// parseStatusListID reads "revocation-0" or "suspension-12".
func parseStatusListID(id string) (purpose string, list int, ok bool) {
	p, n, found := strings.Cut(id, "-")
	if !found || (p != status.PurposeRevocation && p != status.PurposeSuspension) || n == "" || len(n) > 9 {
		return "", 0, false
	}
	if len(n) > 1 && n[0] == '0' {
		return "", 0, false
	}
	for _, c := range n {
		if c < '0' || c > '9' {
			return "", 0, false
		}
	}
	list, err := strconv.Atoi(n)
	if err != nil {
		return "", 0, false
	}
	return p, list, true
}

// StatusListCredential returns the signed BitstringStatusListCredential
// for id ("revocation-0", "suspension-0", ...), as JSON. It is signed again
// when the list changed since it was last signed, or when the last
// signature is older than a day; validUntil is a week after signing.
func (s *Service) StatusListCredential(ctx context.Context, id string) ([]byte, error) {
	b, _, err := s.statusListCredential(ctx, id)
	return b, err
}

// statusListCredential is StatusListCredential, also returning the list
// version the credential shows.
func (s *Service) statusListCredential(ctx context.Context, id string) ([]byte, int64, error) {
	purpose, list, ok := parseStatusListID(id)
	if !ok {
		return nil, 0, errorf(CodeNotFound, "there is no status list %q", truncate(id, 40))
	}
	var bits, signed []byte
	var version int64
	var signedVersion, signedAt sql.NullInt64
	err := s.db.Read.QueryRowContext(ctx, "SELECT bits, version, signed, signed_version, signed_at FROM status_lists WHERE purpose = ? AND list = ?",
		purpose, list).Scan(&bits, &version, &signed, &signedVersion, &signedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, errorf(CodeNotFound, "there is no status list %q", id)
	}
	if err != nil {
		return nil, 0, err
	}
	now := s.now()
	if signed != nil && signedVersion.Int64 == version && now.Sub(time.Unix(0, signedAt.Int64)) < statusListRefresh {
		return signed, version, nil
	}
	out, err := s.signStatusList(id, purpose, bits, now)
	if err != nil {
		return nil, 0, err
	}
	// Store it unless another signer got there with a newer version.
	err = s.w.do(ctx, func(w *wtx) error {
		_, err := w.exec(`UPDATE status_lists SET signed = ?, signed_version = ?, signed_at = ?
			WHERE purpose = ? AND list = ? AND version = ?`, out, version, now.UnixNano(), purpose, list, version)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return out, version, nil
}

func (s *Service) signStatusList(id, purpose string, bits []byte, now time.Time) ([]byte, error) {
	l, err := status.NewWithLength(len(bits) * 8)
	if err != nil {
		return nil, err
	}
	for i, b := range bits {
		for j := 0; j < 8 && b != 0; j++ {
			if b&(0x80>>j) != 0 {
				if err := l.Set(i*8+j, true); err != nil {
					return nil, err
				}
			}
		}
	}
	now = now.Truncate(time.Second)
	doc, err := status.NewStatusListCredential(s.StatusListURL(id), s.issuerKey.DID, purpose, l, now)
	if err != nil {
		return nil, err
	}
	doc["validUntil"] = now.Add(StatusListValidity).Format(time.RFC3339)
	signed, err := dataintegrity.Sign(doc, s.issuerSigner, dataintegrity.SignOptions{
		Cryptosuite: dataintegrity.EdDSARDFC2022, VerificationMethod: s.issuerKey.VerificationMethod, Created: now,
	})
	if err != nil {
		return nil, fmt.Errorf("signing status list %s: %w", id, err)
	}
	return json.Marshal(signed)
}

// statusListIDs lists every status list in use, by purpose then number.
func (s *Service) statusListIDs(ctx context.Context) ([]string, error) {
	rows, err := s.db.Read.QueryContext(ctx, "SELECT purpose, list FROM status_lists ORDER BY purpose, list")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var p string
		var n int
		if err := rows.Scan(&p, &n); err != nil {
			return nil, err
		}
		ids = append(ids, statusListID(p, n))
	}
	return ids, rows.Err()
}
