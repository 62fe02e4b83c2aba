package wallet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/cityid/cityid/credential/sdjwt"
)

// Limits on presentation arguments.
const (
	maxDisclose   = 64
	maxArgLength  = 512
	maxClaimsPath = 200
)

// PresentSDJWT presents the credential's SD-JWT form to an online verifier:
// only the claims in disclose are revealed (top-level names, or dotted
// paths into an object claim such as "address.locality"), and a Key Binding
// JWT signed with the holder key answers the verifier's audience (aud) and
// nonce. The presentation is recorded in the history.
func (w *Wallet) PresentSDJWT(id string, disclose []string, aud, nonce string) (string, error) {
	if aud == "" || nonce == "" {
		return "", fmt.Errorf("wallet: %w: an SD-JWT presentation needs the verifier's audience and nonce", ErrBadRequest)
	}
	if len(aud) > maxArgLength || len(nonce) > maxArgLength {
		return "", fmt.Errorf("wallet: %w: the audience or nonce is longer than %d bytes", ErrBadRequest, maxArgLength)
	}
	r, names, err := w.prepare(id, disclose, FormatSDJWT)
	if err != nil {
		return "", err
	}
	out, err := sdjwt.Present(r.Texts[FormatSDJWT], names, w.holder, sdjwt.KeyBindingOptions{
		Audience: aud, Nonce: nonce, IssuedAt: w.opts.Clock(),
	})
	if errors.Is(err, sdjwt.ErrUnknownClaim) {
		return "", fmt.Errorf("wallet: %w: %v", ErrUnknownClaim, err)
	}
	if err != nil {
		return "", fmt.Errorf("wallet: presenting %s: %w", id, err)
	}
	if err := w.logEvent(r, names, FormatSDJWT, aud, nonce); err != nil {
		return "", err
	}
	return out, nil
}

// PresentQR presents the credential's QR form: the text to show as one QR
// code, revealing only the claims in disclose, signed with the holder key
// over the credential digest, the time and, when the kiosk shows one, its
// challenge. The presentation is recorded in the history.
func (w *Wallet) PresentQR(id string, disclose []string, opts PresentOptions) (string, error) {
	if len(opts.Challenge) > maxArgLength || len(opts.Verifier) > maxArgLength {
		return "", fmt.Errorf("wallet: %w: the challenge or verifier name is longer than %d bytes", ErrBadRequest, maxArgLength)
	}
	r, names, err := w.prepare(id, disclose, FormatQR)
	if err != nil {
		return "", err
	}
	out, err := presentQR(r.Texts[FormatQR], names, w.holder, opts.Challenge, w.opts.Clock())
	if err != nil {
		return "", fmt.Errorf("wallet: presenting %s: %w", id, err)
	}
	if err := w.logEvent(r, names, FormatQR, opts.Verifier, opts.Challenge); err != nil {
		return "", err
	}
	return out, nil
}

// prepare finds the entry and checks the claims to disclose: each must name
// one of the credential's claims. It returns them sorted, without repeats.
func (w *Wallet) prepare(id string, disclose []string, f Format) (*record, []string, error) {
	if len(disclose) > maxDisclose {
		return nil, nil, fmt.Errorf("wallet: %w: more than %d claims to disclose", ErrBadRequest, maxDisclose)
	}
	w.mu.Lock()
	r, err := w.record(context.Background(), w.db, id)
	w.mu.Unlock()
	if err != nil {
		return nil, nil, err
	}
	if _, ok := r.Texts[f]; !ok {
		return nil, nil, fmt.Errorf("wallet: %w: the %s credential %s has no %s form (it holds %s); ask the counter to issue it again",
			ErrFormMissing, r.Title, id, formName(f), formNames(r.Forms))
	}
	var names []string
	for _, d := range disclose {
		d = strings.TrimSpace(d)
		if d == "" || len(d) > maxClaimsPath {
			return nil, nil, fmt.Errorf("wallet: %w: an empty or overlong claim name", ErrBadRequest)
		}
		top, _, _ := strings.Cut(d, ".")
		if _, ok := r.Claims[top]; !ok {
			return nil, nil, fmt.Errorf("wallet: %w: %q (the %s credential has %s)", ErrUnknownClaim, d, r.Title, strings.Join(claimNames(r.Claims), ", "))
		}
		if !slices.Contains(names, d) {
			names = append(names, d)
		}
	}
	sort.Strings(names)
	return r, names, nil
}

func claimNames(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func formNames(fs []Format) string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = formName(f)
	}
	return strings.Join(out, ", ")
}

// logEvent adds a presentation to the history.
func (w *Wallet) logEvent(r *record, names []string, f Format, verifierName, challenge string) error {
	ev := Event{ID: newID(), Time: w.opts.Clock().UTC(), CredentialID: r.ID, Type: r.Type, Title: r.Title,
		Claims: append([]string{}, names...), Verifier: verifierName, Challenge: challenge, Form: f}
	pt, err := json.Marshal(ev)
	if err != nil {
		return fmt.Errorf("wallet: encoding a history event: %w", err)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.live(); err != nil {
		return err
	}
	sealed, err := sealValue(w.dataKey, eventName(ev.ID), pt)
	if err != nil {
		return err
	}
	if _, err := w.db.Exec("INSERT INTO history (id, sealed) VALUES (?, ?)", ev.ID, sealed); err != nil {
		return fmt.Errorf("wallet: recording the presentation: %w", err)
	}
	return nil
}

// History returns every presentation recorded, newest first: when, which
// credential, which claims, to whom (when known) and in which form.
func (w *Wallet) History() ([]Event, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.live(); err != nil {
		return nil, err
	}
	rows, err := w.db.Query("SELECT id, sealed FROM history ORDER BY rowid DESC")
	if err != nil {
		return nil, fmt.Errorf("wallet: reading the history: %w", err)
	}
	defer rows.Close()
	out := []Event{}
	for rows.Next() {
		var id string
		var sealed []byte
		if err := rows.Scan(&id, &sealed); err != nil {
			return nil, fmt.Errorf("wallet: reading the history: %w", err)
		}
		pt, err := openSealed(w.dataKey, eventName(id), sealed)
		if err != nil {
			return nil, err
		}
		var ev Event
		if err := json.Unmarshal(pt, &ev); err != nil || ev.ID != id {
			return nil, fmt.Errorf("wallet: %w: history event %s is unreadable", ErrCorrupt, id)
		}
		out = append(out, ev)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("wallet: reading the history: %w", err)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Time.After(out[j].Time) })
	return out, nil
}

// ClearHistory deletes the whole history (secure delete: the rows are
// overwritten in the file).
func (w *Wallet) ClearHistory() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.live(); err != nil {
		return err
	}
	if _, err := w.db.Exec("DELETE FROM history"); err != nil {
		return fmt.Errorf("wallet: clearing the history: %w", err)
	}
	return nil
}
