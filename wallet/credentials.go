package wallet

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// record is what one credentials row holds, sealed: the entry as shown,
// plus every form exactly as the issuer signed it.
type record struct {
	Credential
	// Source is where the credential came from: the OpenID4VCI issuer URL,
	// or "file" for Import.
	Source     string    `json:"source"`
	ReceivedAt time.Time `json:"receivedAt"`
	// Texts holds each form as issued (an SD-JWT with every disclosure, the
	// W3C credential's JSON, the QR text).
	Texts map[Format]string `json:"texts"`
}

// entry returns a copy of the public view, safe to hand out.
func (r *record) entry() Credential {
	c := r.Credential
	c.Claims = cloneClaims(r.Claims)
	c.Forms = slices.Clone(r.Forms)
	c.Evidence = slices.Clone(r.Evidence)
	return c
}

func cloneClaims(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	b, err := json.Marshal(m)
	if err != nil {
		return map[string]any{}
	}
	var out map[string]any
	json.Unmarshal(b, &out)
	return out
}

// newID returns a fresh entry or event id: 16 lowercase base32 characters.
func newID() string {
	b := make([]byte, 10)
	if _, err := rand.Read(b); err != nil {
		panic("wallet: the system random source failed: " + err.Error())
	}
	return strings.ToLower(base32.StdEncoding.EncodeToString(b))
}

// checkID refuses ids no entry can have, before they reach the database.
func checkID(id string) error {
	if id == "" || len(id) > 64 || strings.Trim(id, "abcdefghijklmnopqrstuvwxyz234567") != "" {
		return fmt.Errorf("wallet: %w: %q is not a credential id of this wallet (see the list)", ErrNotFound, id)
	}
	return nil
}

// List returns every credential in the wallet, oldest first.
func (w *Wallet) List() ([]Credential, error) {
	recs, err := w.records()
	if err != nil {
		return nil, damaged(err)
	}
	out := make([]Credential, len(recs))
	for i, r := range recs {
		out[i] = r.entry()
	}
	return out, nil
}

// Get returns one credential, or an error wrapping [ErrNotFound].
func (w *Wallet) Get(id string) (Credential, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	r, err := w.record(context.Background(), w.db, id)
	if err != nil {
		return Credential{}, err
	}
	return r.entry(), nil
}

// Delete removes a credential and every form of it. The history keeps its
// past presentations (by title) until ClearHistory.
func (w *Wallet) Delete(id string) error {
	if err := checkID(id); err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.live(); err != nil {
		return err
	}
	res, err := w.db.Exec("DELETE FROM credentials WHERE id = ?", id)
	if err != nil {
		return fmt.Errorf("wallet: deleting %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("wallet: %w: %s", ErrNotFound, id)
	}
	return nil
}

// records opens every credentials row, oldest first.
func (w *Wallet) records() ([]*record, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.recordsLocked()
}

// recordsLocked is records for callers that hold w.mu.
func (w *Wallet) recordsLocked() ([]*record, error) {
	if err := w.live(); err != nil {
		return nil, err
	}
	rows, err := w.db.Query("SELECT id, sealed FROM credentials ORDER BY rowid")
	if err != nil {
		return nil, fmt.Errorf("wallet: reading credentials: %w", err)
	}
	defer rows.Close()
	var out []*record
	for rows.Next() {
		var id string
		var sealed []byte
		if err := rows.Scan(&id, &sealed); err != nil {
			return nil, fmt.Errorf("wallet: reading credentials: %w", err)
		}
		r, err := w.openRecord(id, sealed)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("wallet: reading credentials: %w", err)
	}
	// Oldest first; rows written at the same time keep their insertion order.
	sort.SliceStable(out, func(i, j int) bool { return out[i].ReceivedAt.Before(out[j].ReceivedAt) })
	return out, nil
}

// record opens one credentials row. Callers hold w.mu.
func (w *Wallet) record(ctx context.Context, q querier, id string) (*record, error) {
	if err := checkID(id); err != nil {
		return nil, err
	}
	if err := w.live(); err != nil {
		return nil, err
	}
	var sealed []byte
	err := q.QueryRowContext(ctx, "SELECT sealed FROM credentials WHERE id = ?", id).Scan(&sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("wallet: %w: %s", ErrNotFound, id)
	}
	if err != nil {
		return nil, fmt.Errorf("wallet: reading %s: %w", id, err)
	}
	return w.openRecord(id, sealed)
}

func (w *Wallet) openRecord(id string, sealed []byte) (*record, error) {
	pt, err := openSealed(w.dataKey, credentialName(id), sealed)
	if err != nil {
		return nil, err
	}
	var r record
	if err := json.Unmarshal(pt, &r); err != nil || r.ID != id {
		return nil, fmt.Errorf("wallet: %w: credential %s is unreadable", ErrCorrupt, id)
	}
	return &r, nil
}

// putRecord writes a record (insert or replace). Callers hold w.mu.
func (w *Wallet) putRecord(ctx context.Context, q querier, r *record) error {
	r.Forms = r.Forms[:0]
	for _, f := range formOrder {
		if _, ok := r.Texts[f]; ok {
			r.Forms = append(r.Forms, f)
		}
	}
	pt, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("wallet: encoding credential %s: %w", r.ID, err)
	}
	sealed, err := sealValue(w.dataKey, credentialName(r.ID), pt)
	if err != nil {
		return err
	}
	if _, err := q.ExecContext(ctx, "INSERT INTO credentials (id, sealed) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET sealed = excluded.sealed", r.ID, sealed); err != nil {
		return fmt.Errorf("wallet: saving credential %s: %w", r.ID, err)
	}
	return nil
}
