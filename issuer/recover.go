package issuer

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/cityid/cityid/credential/status"
)

// Counter recovery. A resident who lost their phone comes to the counter; a
// clerk re-verifies them in person and records how (the kind of evidence,
// never a document's number or image: that goes to the audit log, nowhere
// else). Recover then, in one write transaction, revokes every credential of
// the resident that is not revoked yet, withdraws their uncollected offers,
// and creates the replacements: one per credential type, with the newest
// claims, either as offers for the new wallet or as paper credentials minted
// at once. Until that transaction commits the old credentials are the valid
// ones; from its commit on only the replacements can be. A replacement keeps
// the validity (validFrom, validUntil) of the credential it replaces unless
// the clerk sets a new validUntil.
//
// Running a recovery again (the new phone broke, the offer expired, the
// paper was lost) replaces the previous replacements: collected ones are
// revoked, uncollected offers are withdrawn and re-offered, so one visit
// always restores everything and there is never more than one live set.

// Re-verification evidence kinds: how the clerk re-verified the resident in
// person.
const (
	EvidencePhotoID              = "photo_id"
	EvidenceCaseworkerVouched    = "caseworker_vouched"
	EvidenceKnownToStaff         = "known_to_staff"
	EvidenceCityRecordsQuestions = "city_records_questions"
)

// Choice is a value from a fixed list, with its label for staff.
type Choice struct {
	Value string
	Label string
}

// EvidenceKinds lists the ways a clerk may re-verify a resident in person.
func EvidenceKinds() []Choice {
	return []Choice{
		{EvidencePhotoID, "Photo ID document seen at the counter"},
		{EvidenceCaseworkerVouched, "A caseworker vouched for them in person"},
		{EvidenceKnownToStaff, "Known personally to counter staff"},
		{EvidenceCityRecordsQuestions, "Answered questions from the city's records"},
	}
}

// DocumentKinds lists the kinds of photo ID a clerk may record with
// EvidencePhotoID: the kind only, never its number or a copy.
func DocumentKinds() []Choice {
	return []Choice{
		{"passport", "Passport"},
		{"national_id_card", "National identity card"},
		{"driving_licence", "Driving licence"},
		{"residence_permit", "Residence permit"},
		{"city_id_card", "City ID card"},
		{"other_photo_id", "Other photo ID"},
	}
}

func choiceValues(cs []Choice) string {
	v := make([]string, len(cs))
	for i, c := range cs {
		v[i] = c.Value
	}
	return strings.Join(v, ", ")
}

func isChoice(cs []Choice, v string) bool {
	for _, c := range cs {
		if c.Value == v {
			return true
		}
	}
	return false
}

// RecoveryEvidence is how the clerk re-verified the resident in person.
type RecoveryEvidence struct {
	// Kind is one of EvidenceKinds. Required.
	Kind string
	// DocumentKind is one of DocumentKinds, only with EvidencePhotoID, and
	// optional there.
	DocumentKind string
}

// Validate checks the evidence against the fixed lists.
func (e RecoveryEvidence) Validate() error {
	switch {
	case e.Kind == "":
		return errorf(CodeInvalidRequest, "say how the resident was re-verified in person: one of %s", choiceValues(EvidenceKinds()))
	case !isChoice(EvidenceKinds(), e.Kind):
		return errorf(CodeInvalidRequest, "%q is not a way of re-verifying a resident; use one of %s",
			truncate(e.Kind, 40), choiceValues(EvidenceKinds()))
	case e.DocumentKind == "":
		return nil
	case e.Kind != EvidencePhotoID:
		return errorf(CodeInvalidRequest, "a document kind goes only with %s evidence", EvidencePhotoID)
	case !isChoice(DocumentKinds(), e.DocumentKind):
		return errorf(CodeInvalidRequest, "%q is not a document kind; use one of %s (record the kind of document only, never its number)",
			truncate(e.DocumentKind, 40), choiceValues(DocumentKinds()))
	}
	return nil
}

// RecoveryRequest asks for a counter recovery.
type RecoveryRequest struct {
	ResidentID int64
	Evidence   RecoveryEvidence
	// Paper mints the replacements at once as paper credentials
	// (FormatPaper); otherwise they are offers for the resident's new wallet.
	Paper bool
	// ValidUntil, when set, is the replacements' new validUntil; otherwise
	// each keeps the validity of the credential it replaces.
	ValidUntil *time.Time
}

// Recovery is what Recover did.
type Recovery struct {
	// ID names the recovery in the audit log and on its offers.
	ID         string
	ResidentID int64
	// Revoked lists the credentials revoked.
	Revoked []string
	// Offers are the replacements for a new wallet (one per type).
	Offers []Offer
	// Paper are the replacements on paper: Credential is the "CID1:" text.
	Paper []Record
	// Withdrawn lists the uncollected offers withdrawn.
	Withdrawn []string
	// Expired lists the types not replaced because their validity has
	// ended (a clerk-set ValidUntil replaces them).
	Expired []string
}

// Replacement is one credential a recovery would make.
type Replacement struct {
	Type string
	// From is the credential id it replaces, or "offer:ID" for an
	// uncollected offer of an earlier recovery.
	From       string
	ValidFrom  time.Time
	ValidUntil *time.Time
	// Expired: the validity has ended; only a clerk-set validUntil
	// replaces it.
	Expired bool
	// Suspended: the credential it replaces is suspended, and so is the
	// replacement (lift the suspension on the new credential if it is due).
	Suspended bool
}

// RecoveryPlan is what Recover would do now, for the clerk to confirm.
type RecoveryPlan struct {
	Resident *Resident
	// Revoke lists the credentials that would be revoked.
	Revoke []Record
	// Replace lists the replacements, one per type.
	Replace []Replacement
	// Withdraw counts the uncollected offers that would be withdrawn.
	Withdraw int
}

// errRecoveryRace: the resident's credentials changed between reading them
// and the write transaction; the caller prepares again.
var errRecoveryRace = errors.New("issuer: the resident's credentials changed during the recovery")

// recoverySource is what a replacement is made from.
type recoverySource struct {
	Replacement
	claims   string
	at       int64         // issued_at or created: the newest per type wins
	attester sql.NullInt64 // the attester of an assisted enrolment, kept by the replacement
}

// recoverySnapshot is the resident's recoverable state at one moment.
type recoverySnapshot struct {
	revoke        []string // credentials not revoked
	withdraw      []string // offers still open or redeemed
	replaceOffers []string // uncollected offers of earlier recoveries
	suspended     []string // the suspended ones of revoke
	sources       []recoverySource
}

// key identifies the snapshot, to detect a change before committing.
func (s *recoverySnapshot) key() string {
	return strings.Join(s.revoke, ",") + "|" + strings.Join(s.suspended, ",") + "|" + strings.Join(s.withdraw, ",") + "|" +
		strings.Join(s.replaceOffers, ",")
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func nullTime(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := time.Unix(0, v.Int64).UTC()
	return &t
}

// readRecoverySnapshot reads the resident's credentials and offers, from the
// read pool or inside the write transaction.
func readRecoverySnapshot(ctx context.Context, q querier, residentID int64, now time.Time) (*recoverySnapshot, error) {
	snap := &recoverySnapshot{}
	var all []recoverySource
	rows, err := q.QueryContext(ctx, `SELECT id, type, claims, issued_at, valid_from, valid_until, state = 'suspended', attester_id FROM credentials
		WHERE resident_id = ? AND state <> 'revoked' ORDER BY id`, residentID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var src recoverySource
		var from, until sql.NullInt64
		if err := rows.Scan(&src.From, &src.Type, &src.claims, &src.at, &from, &until, &src.Suspended, &src.attester); err != nil {
			rows.Close()
			return nil, err
		}
		src.ValidFrom = time.Unix(0, src.at).UTC()
		if from.Valid {
			src.ValidFrom = time.Unix(0, from.Int64).UTC()
		}
		src.ValidUntil = nullTime(until)
		snap.revoke = append(snap.revoke, src.From)
		if src.Suspended {
			snap.suspended = append(snap.suspended, src.From)
		}
		all = append(all, src)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.QueryContext(ctx, `SELECT id, type, claims, created, valid_from, valid_until, suspended, state, recovery IS NOT NULL AND replaced = 0
		AND NOT EXISTS (SELECT 1 FROM offer_credentials oc WHERE oc.offer_id = o.id), attester_id
		FROM offers o WHERE resident_id = ? ORDER BY id`, residentID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var src recoverySource
		var id, state string
		var from, until sql.NullInt64
		var uncollected bool
		if err := rows.Scan(&id, &src.Type, &src.claims, &src.at, &from, &until, &src.Suspended, &state, &uncollected, &src.attester); err != nil {
			rows.Close()
			return nil, err
		}
		if state == "open" || state == "redeemed" {
			snap.withdraw = append(snap.withdraw, id)
		}
		if !uncollected {
			continue
		}
		src.From = "offer:" + id
		src.ValidFrom = time.Unix(0, src.at).UTC()
		if from.Valid {
			src.ValidFrom = time.Unix(0, from.Int64).UTC()
		}
		src.ValidUntil = nullTime(until)
		snap.replaceOffers = append(snap.replaceOffers, id)
		all = append(all, src)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].at > all[j].at })
	seen := map[string]bool{}
	for _, src := range all {
		if seen[src.Type] {
			continue
		}
		seen[src.Type] = true
		src.Expired = src.ValidUntil != nil && !src.ValidUntil.After(now)
		snap.sources = append(snap.sources, src)
	}
	sort.Slice(snap.sources, func(i, j int) bool { return snap.sources[i].Type < snap.sources[j].Type })
	return snap, nil
}

// RecoveryPlan says what Recover would revoke and replace now.
func (s *Service) RecoveryPlan(ctx context.Context, residentID int64) (*RecoveryPlan, error) {
	res, err := s.Resident(ctx, residentID)
	if err != nil {
		return nil, err
	}
	snap, err := readRecoverySnapshot(ctx, s.db.Read, residentID, s.now())
	if err != nil {
		return nil, err
	}
	plan := &RecoveryPlan{Resident: res, Withdraw: len(snap.withdraw)}
	for _, id := range snap.revoke {
		rec, err := s.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		plan.Revoke = append(plan.Revoke, *rec)
	}
	for _, src := range snap.sources {
		plan.Replace = append(plan.Replace, src.Replacement)
	}
	return plan, nil
}

// preparedRecovery is a recovery signed and ready to store.
type preparedRecovery struct {
	snap      *recoverySnapshot
	offers    []*pendingOffer
	paper     []*Record
	claims    [][]byte // of paper, by position
	suspended []bool   // of paper, by position
	expired   []string
}

// Recover is the counter recovery after a lost phone (see the top of this
// file). On any error nothing is stored.
func (s *Service) Recover(ctx context.Context, actor Actor, req RecoveryRequest) (*Recovery, error) {
	actor, err := s.requireStaff(ctx, actor)
	if err != nil {
		return nil, err
	}
	if err := req.Evidence.Validate(); err != nil {
		return nil, err
	}
	var until *time.Time
	if req.ValidUntil != nil {
		t := req.ValidUntil.UTC().Truncate(time.Second)
		if !t.After(s.now()) {
			return nil, errorf(CodeInvalidRequest, "the new validity end %s is not in the future", t.Format(time.DateOnly))
		}
		until = &t
	}
	if _, err := s.Resident(ctx, req.ResidentID); err != nil {
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		p, err := s.prepareRecovery(ctx, req, until)
		if err != nil {
			return nil, err
		}
		out, err := s.commitRecovery(ctx, actor, req, until, p)
		if errors.Is(err, errRecoveryRace) {
			if attempt < 3 {
				continue
			}
			return nil, errorf(CodeConflict, "the resident's credentials kept changing during the recovery "+
				"(another clerk may be recovering them too); check the resident's page and try again")
		}
		return out, err
	}
}

// prepareRecovery reads the resident's state and signs (paper) or prepares
// (offers) every replacement, outside the writer.
func (s *Service) prepareRecovery(ctx context.Context, req RecoveryRequest, until *time.Time) (*preparedRecovery, error) {
	snap, err := readRecoverySnapshot(ctx, s.db.Read, req.ResidentID, s.now())
	if err != nil {
		return nil, err
	}
	if len(snap.revoke) == 0 && len(snap.sources) == 0 {
		return nil, errorf(CodeConflict, "resident %d has no credentials and no uncollected replacement offers, "+
			"so there is nothing to recover; issue new credentials instead", req.ResidentID)
	}
	p := &preparedRecovery{snap: snap}
	for _, src := range snap.sources {
		validUntil := src.ValidUntil
		if until != nil {
			validUntil = until
		} else if src.Expired {
			p.expired = append(p.expired, src.Type)
			continue
		}
		var raw map[string]any
		if err := json.Unmarshal([]byte(src.claims), &raw); err != nil {
			return nil, fmt.Errorf("reading the claims of %s: %w", src.From, err)
		}
		claims, claimsJSON, err := validateClaims(src.Type, raw, "")
		if err != nil {
			var e *Error
			if errors.As(err, &e) {
				return nil, errorf(CodeConflict, "the %s %s cannot be re-issued as it is: %s; issue it anew with corrected claims",
					src.Type, src.From, e.Message)
			}
			return nil, err
		}
		from := src.ValidFrom
		if validUntil != nil && !validUntil.After(from) {
			return nil, errorf(CodeInvalidRequest, "the new validity end %s is before the %s became valid (%s)",
				validUntil.Format(time.DateOnly), src.Type, from.Format(time.DateOnly))
		}
		// A replacement keeps the attestation its credential was issued on,
		// even if the attester was disabled since.
		var attester *Attester
		if src.attester.Valid {
			row := s.db.Read.QueryRowContext(ctx, "SELECT "+attesterCols+" FROM attesters WHERE id = ?", src.attester.Int64)
			if attester, err = scanAttester(row); err != nil {
				return nil, fmt.Errorf("reading the attester of %s: %w", src.From, err)
			}
		}
		if !req.Paper {
			o, err := s.prepareOffer(src.Type, claimsJSON, req.ResidentID, attester)
			if err != nil {
				return nil, err
			}
			o.offer.ValidFrom, o.offer.ValidUntil = &from, validUntil
			o.suspended = src.Suspended
			p.offers = append(p.offers, o)
			continue
		}
		in := &issueInput{typeName: src.Type, format: FormatPaper, residentID: req.ResidentID, claims: claims,
			claimsJSON: claimsJSON, validFrom: &from, validUntil: validUntil, suspended: src.Suspended, attester: attester}
		rec, err := s.sign(ctx, in)
		if err != nil {
			return nil, err
		}
		p.paper = append(p.paper, rec)
		p.claims = append(p.claims, claimsJSON)
		p.suspended = append(p.suspended, src.Suspended)
	}
	return p, nil
}

// commitRecovery stores a prepared recovery in one transaction, or returns
// errRecoveryRace if the resident's state changed since it was read.
func (s *Service) commitRecovery(ctx context.Context, actor Actor, req RecoveryRequest, until *time.Time, p *preparedRecovery) (*Recovery, error) {
	out := &Recovery{ID: newUUID(), ResidentID: req.ResidentID, Revoked: p.snap.revoke, Withdrawn: p.snap.withdraw, Expired: p.expired}
	for _, o := range p.offers {
		o.recovery = out.ID
	}
	err := s.w.do(ctx, func(w *wtx) error {
		now, err := readRecoverySnapshot(w.ctx, w.tx, req.ResidentID, w.now)
		if err != nil {
			return err
		}
		if now.key() != p.snap.key() {
			return errRecoveryRace
		}
		for _, id := range p.snap.revoke {
			if err := w.revoke(actor, id, "recovery"); err != nil {
				return err
			}
		}
		for _, id := range p.snap.withdraw {
			if _, err := w.exec("UPDATE offers SET state = 'withdrawn' WHERE id = ? AND state IN ('open', 'redeemed')", id); err != nil {
				return err
			}
			if err := w.audit(actor, "offer.withdraw", "offer:"+id, map[string]any{"reason": "recovery", "recovery": out.ID}); err != nil {
				return err
			}
		}
		for _, id := range p.snap.replaceOffers {
			if _, err := w.exec("UPDATE offers SET replaced = 1 WHERE id = ?", id); err != nil {
				return err
			}
		}
		if err := s.recoveryHook("revoked"); err != nil {
			return err
		}
		var newIDs []string
		for _, o := range p.offers {
			if err := w.insertOffer(actor, o); err != nil {
				return err
			}
			newIDs = append(newIDs, "offer:"+o.offer.ID)
		}
		for i, rec := range p.paper {
			if err := w.insertCredential(actor, rec, p.claims[i]); err != nil {
				return err
			}
			if p.suspended[i] {
				if err := w.suspendNew(actor, rec); err != nil {
					return err
				}
			}
			newIDs = append(newIDs, rec.ID)
		}
		if err := s.recoveryHook("replaced"); err != nil {
			return err
		}
		target := "wallet"
		if req.Paper {
			target = "paper"
		}
		details := map[string]any{"recovery": out.ID, "evidence": req.Evidence.Kind, "target": target,
			"revokedCount": len(p.snap.revoke), "revoked": nonNil(p.snap.revoke),
			"replacementCount": len(newIDs), "replacements": nonNil(newIDs), "withdrawnOffers": len(p.snap.withdraw)}
		if req.Evidence.DocumentKind != "" {
			details["documentKind"] = req.Evidence.DocumentKind
		}
		if until != nil {
			details["validUntil"] = until.Format(time.RFC3339)
		}
		if len(p.expired) > 0 {
			details["expiredNotReplaced"] = p.expired
		}
		return w.audit(actor, "resident.recover", residentObject(req.ResidentID), details)
	})
	if err != nil {
		return nil, err
	}
	for _, o := range p.offers {
		out.Offers = append(out.Offers, o.offer)
	}
	for _, rec := range p.paper {
		out.Paper = append(out.Paper, *rec)
	}
	return out, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// suspendNew suspends a credential just stored: a replacement carries the
// suspension of the credential it replaces.
func (w *wtx) suspendNew(actor Actor, rec *Record) error {
	if err := w.setStatusBit(status.PurposeSuspension, rec.StatusIndex, true); err != nil {
		return err
	}
	if _, err := w.exec("UPDATE credentials SET state = 'suspended' WHERE id = ?", rec.ID); err != nil {
		return err
	}
	rec.State = StateSuspended
	return w.audit(actor, "credential.suspend", rec.ID, map[string]any{"statusIndex": rec.StatusIndex,
		"reason": "the credential it replaces is suspended"})
}

// recoveryHook runs the test hook, if any, inside the recovery transaction.
func (s *Service) recoveryHook(stage string) error {
	if s.testRecoveryHook == nil {
		return nil
	}
	return s.testRecoveryHook(stage)
}

// ParseValidUntil reads a clerk's new validity end: a date (YYYY-MM-DD,
// meaning the end of that day, UTC) or an RFC 3339 time.
func ParseValidUntil(s string) (time.Time, error) {
	if d, err := time.Parse(time.DateOnly, s); err == nil {
		return d.Add(24*time.Hour - time.Second), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, errorf(CodeInvalidRequest, "the validity end %q is not a date as YYYY-MM-DD", truncate(s, 40))
	}
	return t.UTC(), nil
}
