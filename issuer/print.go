package issuer

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/cityid/cityid/credential/compact"
	"github.com/cityid/cityid/credential/qrcode"
)

// PaperCredential is a paper form of an issued credential, ready to print
// (package issuer/paper lays it out as a PDF). It shares the credential's
// id, status index and validity: revoking or suspending the credential
// revokes or suspends its paper too.
type PaperCredential struct {
	// ID is the credential's id (urn:uuid:…), printed for the counter; the
	// QR code itself does not carry it (docs/compact-qr.md).
	ID string
	// Type is the city credential type, e.g. "ResidencyCredential".
	Type string
	// IssuerDID and IssuerName name the issuer (the name of the trust bundle).
	IssuerDID, IssuerName string
	// ValidFrom and ValidUntil are the credential's validity.
	ValidFrom, ValidUntil time.Time
	StatusIndex           int
	// Claims are the printed claims, exactly those the QR code carries.
	Claims map[string]any
	// ClaimNames are the printed claims' names, sorted.
	ClaimNames []string
	// Text is the "CID1:" paper credential for the QR code: every printed
	// claim in the clear, no holder binding, no subject id.
	Text string
	// PrintedAt is when it was signed.
	PrintedAt time.Time
}

// PaperQRLevel is the error correction of a printed code: Q, about 25% of
// the symbol may be smudged, folded or torn and still read.
const PaperQRLevel = qrcode.Quartile

// PrintPaper signs a paper form of the credential id for a resident without
// a phone: only the claims named (every claim when names is empty), no
// holder binding and no subject DID, under the credential's own status index
// and validity. A revoked, suspended or expired credential is refused with
// the reason. The audit log records who printed which credential and which
// claim names, never their values. Nothing is stored besides the audit entry.
func (s *Service) PrintPaper(ctx context.Context, actor Actor, id string, names []string) (*PaperCredential, error) {
	actor, err := s.requireStaff(ctx, actor)
	if err != nil {
		return nil, err
	}
	rec, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	now := s.now().Truncate(time.Second)
	if err := printable(rec.ID, rec.State, rec.ValidUntil, now); err != nil {
		return nil, err
	}
	var raw string
	if err := s.db.Read.QueryRowContext(ctx, "SELECT claims FROM credentials WHERE id = ?", rec.ID).Scan(&raw); err != nil {
		return nil, fmt.Errorf("reading the credential's claims: %w", err)
	}
	var claims map[string]any
	if err := json.Unmarshal([]byte(raw), &claims); err != nil {
		return nil, fmt.Errorf("reading the credential's claims: %w", err)
	}
	picked, err := pickPaperClaims(claims, names)
	if err != nil {
		return nil, err
	}
	vc := s.unsignedVC(rec, claims, s.issuerKey.DID)
	delete(vc["credentialSubject"].(map[string]any), "id") // a paper names no wallet key
	text, err := compact.IssuePaper(vc, s.issuerSigner, compact.IssueOptions{KeyID: s.issuerKey.VerificationMethod, PaperClaims: picked})
	if err != nil {
		return nil, qrError(err)
	}
	if _, err := qrcode.VersionFor(text, PaperQRLevel); err != nil {
		return nil, errorf(CodeInvalidRequest, "these claims do not fit one printed QR code; print fewer of them")
	}
	err = s.w.do(ctx, func(w *wtx) error {
		// The credential may have been revoked or suspended since it was read.
		var state CredentialState
		if err := w.queryRow("SELECT state FROM credentials WHERE id = ?", rec.ID).Scan(&state); err != nil {
			return err
		}
		if err := printable(rec.ID, state, rec.ValidUntil, now); err != nil {
			return err
		}
		return w.audit(actor, "credential.print_paper", rec.ID, map[string]any{"claims": picked, "statusIndex": rec.StatusIndex})
	})
	if err != nil {
		return nil, err
	}
	out := &PaperCredential{ID: rec.ID, Type: rec.Type, IssuerDID: s.issuerKey.DID, IssuerName: s.cityName,
		ValidFrom: validFrom(rec), StatusIndex: rec.StatusIndex, Claims: map[string]any{}, ClaimNames: picked,
		Text: text, PrintedAt: now}
	if rec.ValidUntil != nil {
		out.ValidUntil = *rec.ValidUntil
	}
	for _, n := range picked {
		out.Claims[n] = claims[n]
	}
	return out, nil
}

// printable refuses to print a credential that is not in force, saying why.
func printable(id string, state CredentialState, validUntil *time.Time, now time.Time) error {
	switch state {
	case StateRevoked:
		return errorf(CodeConflict, "the credential %s is revoked, so it cannot be printed; issue a new credential instead", id)
	case StateSuspended:
		return errorf(CodeConflict, "the credential %s is suspended, so it cannot be printed; lift the suspension first", id)
	}
	if validUntil != nil && !validUntil.After(now) {
		return errorf(CodeConflict, "the credential %s expired on %s, so it cannot be printed; issue a new credential instead",
			id, validUntil.UTC().Format(time.DateOnly))
	}
	return nil
}

// pickPaperClaims checks the claim names a clerk chose against the
// credential's claims and returns them sorted; none chosen means all.
func pickPaperClaims(claims map[string]any, names []string) ([]string, error) {
	have := make([]string, 0, len(claims))
	for k := range claims {
		have = append(have, k)
	}
	sort.Strings(have)
	if len(have) == 0 {
		return nil, errorf(CodeInvalidRequest, "this credential has no claims to print")
	}
	if len(names) == 0 {
		return have, nil
	}
	seen := map[string]bool{}
	var out []string
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "" || seen[n] {
			continue
		}
		if _, ok := claims[n]; !ok {
			return nil, errorf(CodeInvalidRequest, "this credential has no claim %q; its claims are %s", truncate(n, 40), strings.Join(have, ", "))
		}
		seen[n] = true
		out = append(out, n)
	}
	if len(out) == 0 {
		return nil, errorf(CodeInvalidRequest, "choose at least one claim to print")
	}
	sort.Strings(out)
	return out, nil
}
