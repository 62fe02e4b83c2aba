package issuer

import (
	"context"
	"crypto"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cityid/cityid/credential/status"
	"github.com/cityid/cityid/did"
	"github.com/cityid/cityid/schemas"
)

// maxClaimsSize bounds the JSON encoding of one request's claims.
const maxClaimsSize = 16 << 10

// Default validity of a credential, by type; ServiceEligibilityCredential
// is valid until the end of its eligibleUntil day (UTC).
var defaultValidity = map[string]func(time.Time) time.Time{
	schemas.CityIDCredential: func(t time.Time) time.Time { return t.AddDate(5, 0, 0) },
}

func defaultValidUntil(typeName string, claims map[string]any, now time.Time) time.Time {
	if typeName == schemas.ServiceEligibilityCredential {
		if s, ok := claims["eligibleUntil"].(string); ok {
			if d, err := time.Parse(time.DateOnly, s); err == nil {
				return d.AddDate(0, 0, 1).Add(-time.Second)
			}
		}
	}
	if f, ok := defaultValidity[typeName]; ok {
		return f(now)
	}
	return now.AddDate(1, 0, 0)
}

// ParseFormat reads a format name: "ldp_vc" or "ldp", "dc+sd-jwt" or
// "sd-jwt", "cityid-qr" or "qr".
func ParseFormat(s string) (Format, bool) {
	switch s {
	case string(FormatLDP), "ldp":
		return FormatLDP, true
	case string(FormatSDJWT), "sd-jwt":
		return FormatSDJWT, true
	case string(FormatQR), "qr":
		return FormatQR, true
	}
	return "", false
}

// unknownFormat is the error for a format ParseFormat does not read.
func unknownFormat(f Format) error {
	return errorf(CodeInvalidRequest, "unknown format %q: use %s, %s or %s", truncate(string(f), 40), FormatLDP, FormatSDJWT, FormatQR)
}

// issueInput is a validated IssueRequest.
type issueInput struct {
	typeName   string
	subject    string
	holderKey  crypto.PublicKey
	claims     map[string]any // normalized JSON values, without "id"
	claimsJSON []byte
	format     Format
	residentID int64
	validUntil *time.Time // explicit override
	validFrom  *time.Time // explicit validFrom (a replacement's), else the issue time
	suspended  bool       // store it suspended (a replacement of a suspended credential)
	attester   *Attester  // assisted enrolment: who attested, or nil
}

// validateClaims normalizes claims through JSON, checks an "id" member
// against the subject (if any) and validates them against the type's schema.
func validateClaims(typeName string, claims map[string]any, subject string) (map[string]any, []byte, error) {
	if _, ok := schemas.Lookup(typeName); !ok {
		names := make([]string, 0, 4)
		for _, t := range schemas.Types() {
			names = append(names, t.Name)
		}
		return nil, nil, errorf(CodeUnknownType, "unknown credential type %q; the types are %s", typeName, strings.Join(names, ", "))
	}
	if claims == nil {
		claims = map[string]any{}
	}
	if err := checkClaimsText(typeName, claims); err != nil {
		return nil, nil, err
	}
	raw, err := json.Marshal(claims)
	if err != nil {
		return nil, nil, &Error{Code: CodeInvalidClaims, Status: 400, Message: "the claims cannot be encoded as JSON",
			Fields: []FieldError{{Path: schemas.RootPath, Message: "cannot be encoded as JSON"}}}
	}
	if len(raw) > maxClaimsSize {
		return nil, nil, errorf(CodeInvalidRequest, "the claims are larger than %d bytes", maxClaimsSize)
	}
	var norm map[string]any
	if err := json.Unmarshal(raw, &norm); err != nil {
		return nil, nil, err
	}
	if id, ok := norm["id"]; ok {
		if s, _ := id.(string); subject == "" || s != subject {
			return nil, nil, &Error{Code: CodeInvalidClaims, Status: 400, Message: "the claims are not valid for " + typeName + ": id: must be left out (the subject DID is given separately)",
				Fields: []FieldError{{Path: "id", Message: "must be left out (the subject DID is given separately)"}}}
		}
		delete(norm, "id")
		if raw, err = json.Marshal(norm); err != nil {
			return nil, nil, err
		}
	}
	if err := schemas.Validate(typeName, norm); err != nil {
		var ve *schemas.ValidationError
		if !errors.As(err, &ve) {
			return nil, nil, fmt.Errorf("validating claims: %w", err)
		}
		e := &Error{Code: CodeInvalidClaims, Status: 400}
		msgs := make([]string, 0, len(ve.Fields))
		for _, f := range ve.Fields {
			e.Fields = append(e.Fields, FieldError{Path: f.Path, Message: f.Message})
			msgs = append(msgs, f.String())
		}
		e.Message = "the claims are not valid for " + typeName + ": " + strings.Join(msgs, "; ")
		return nil, nil, e
	}
	return norm, raw, nil
}

// holderKey parses a subject DID, which must be a did:key.
func holderKey(subject string) (crypto.PublicKey, error) {
	d, err := did.Parse(subject)
	if err != nil {
		return nil, errorf(CodeInvalidDID, "the subject %q is not a valid DID: %v", truncate(subject, 80), err)
	}
	if d.Method != "key" {
		return nil, errorf(CodeInvalidDID, "the subject must be a did:key DID (a wallet key); did:%s is not supported yet", d.Method)
	}
	pub, err := did.ParseKeyDID(subject)
	if err != nil {
		return nil, errorf(CodeInvalidDID, "the subject %q is not a usable did:key: %v", truncate(subject, 80), err)
	}
	return pub, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// validateIssue checks a request completely, without storing anything.
func (s *Service) validateIssue(ctx context.Context, req IssueRequest) (*issueInput, error) {
	in := &issueInput{typeName: req.Type, subject: req.Subject, residentID: req.ResidentID}
	f, ok := ParseFormat(string(req.Format))
	if !ok {
		return nil, unknownFormat(req.Format)
	}
	in.format = f
	var err error
	if in.claims, in.claimsJSON, err = validateClaims(req.Type, req.Claims, req.Subject); err != nil {
		return nil, err
	}
	if in.holderKey, err = holderKey(req.Subject); err != nil {
		return nil, err
	}
	if f == FormatQR {
		if err := qrHolderKey(in.holderKey, CodeInvalidDID); err != nil {
			return nil, err
		}
	}
	if req.ValidUntil != nil {
		t := req.ValidUntil.UTC().Truncate(time.Second)
		if !t.After(s.now()) {
			return nil, errorf(CodeInvalidRequest, "validUntil %s is not in the future", t.Format(time.RFC3339))
		}
		in.validUntil = &t
	}
	if req.AttestedBy != "" {
		if in.attester, err = s.activeAttester(ctx, req.AttestedBy); err != nil {
			return nil, err
		}
	}
	if req.ResidentID < 0 {
		return nil, errorf(CodeInvalidRequest, "the resident id must be positive")
	}
	if req.ResidentID > 0 {
		if _, err := s.Resident(ctx, req.ResidentID); err != nil {
			return nil, err
		}
	}
	return in, nil
}

// newUUID returns a random (version 4) UUID URN.
func newUUID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("issuer: the system random source failed: " + err.Error())
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// statusListID names a status list: "revocation-0".
func statusListID(purpose string, list int) string {
	return purpose + "-" + strconv.Itoa(list)
}

// StatusListURL is the URL of a status list credential, e.g.
// {PublicURL}/status/revocation-0.
func (s *Service) StatusListURL(id string) string {
	return s.publicURL + "/status/" + id
}

// statusEntries returns the revocation and suspension entries of the
// credential with the global status index.
func (s *Service) statusEntries(index int) []status.Entry {
	list, pos := index/status.MinLength, index%status.MinLength
	out := make([]status.Entry, 0, 2)
	for _, p := range []string{status.PurposeRevocation, status.PurposeSuspension} {
		u := s.StatusListURL(statusListID(p, list))
		out = append(out, status.Entry{ID: u + "#" + strconv.Itoa(pos), Purpose: p, Index: pos, ListCredential: u})
	}
	return out
}

// disclosable lists every claim path of claims, nested object members too.
func disclosable(claims map[string]any, prefix string) []string {
	var out []string
	for k, v := range claims {
		out = append(out, prefix+k)
		if m, ok := v.(map[string]any); ok {
			out = append(out, disclosable(m, prefix+k+".")...)
		}
	}
	sort.Strings(out)
	return out
}

// newRecord allocates a status index and a credential id and sets the
// validity, for a credential not signed yet. Nothing is stored but the status
// index reservation.
func (s *Service) newRecord(ctx context.Context, in *issueInput) (*Record, error) {
	now := s.now().Truncate(time.Second)
	until := defaultValidUntil(in.typeName, in.claims, now)
	if in.validUntil != nil {
		until = *in.validUntil
	}
	if !until.After(now) {
		return nil, errorf(CodeInvalidRequest, "the credential would be valid only until %s, which has passed", until.Format(time.RFC3339))
	}
	if in.validFrom != nil && !until.After(*in.validFrom) {
		return nil, errorf(CodeInvalidRequest, "the credential would be valid until %s, before it becomes valid (%s)",
			until.Format(time.RFC3339), in.validFrom.Format(time.RFC3339))
	}
	index, err := s.nextIndex(ctx)
	if err != nil {
		return nil, err
	}
	from := now
	if in.validFrom != nil {
		from = *in.validFrom
	}
	rec := &Record{ID: newUUID(), Type: in.typeName, Subject: in.subject, Format: in.format, ResidentID: in.residentID,
		StatusIndex: index, State: StateActive, IssuedAt: now, ValidFrom: from, ValidUntil: &until}
	if in.attester != nil {
		rec.Evidence, rec.attesterID = []schemas.Evidence{in.attester.Evidence()}, in.attester.ID
	}
	return rec, nil
}

// sign makes a new credential and signs it in the input's format. Nothing is
// stored but the status index reservation.
func (s *Service) sign(ctx context.Context, in *issueInput) (*Record, error) {
	rec, err := s.newRecord(ctx, in)
	if err != nil {
		return nil, err
	}
	if rec.Credential, err = s.signForm(rec, in); err != nil {
		return nil, err
	}
	return rec, nil
}

// SDJWTStatusMechanism is the member of an SD-JWT VC's status claim that
// carries the credential's BitstringStatusListEntry objects (revocation and
// suspension), the same objects a W3C credential has in credentialStatus.
const SDJWTStatusMechanism = "bitstring_status_list"

// insertIssued stores a credential staff issued (Issue, IssueBatch): its
// attester, if any, must still be enabled now.
func (w *wtx) insertIssued(actor Actor, rec *Record, claimsJSON []byte) error {
	if rec.attesterID != 0 {
		if err := w.recheckAttester(rec.attesterID); err != nil {
			return err
		}
	}
	return w.insertCredential(actor, rec, claimsJSON)
}

// insertCredential stores an issued credential and its audit entry.
func (w *wtx) insertCredential(actor Actor, rec *Record, claimsJSON []byte) error {
	var resident any
	if rec.ResidentID != 0 {
		resident = rec.ResidentID
	}
	var from any // NULL: validFrom is issued_at
	if f := validFrom(rec); !f.Equal(rec.IssuedAt) {
		from = f.UnixNano()
	}
	var attester any
	if rec.attesterID != 0 {
		attester = rec.attesterID
	}
	if _, err := w.exec(`INSERT INTO credentials (id, type, subject, format, resident_id, status_index, state, issued_at, valid_from, valid_until, credential, claims, attester_id)
		VALUES (?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?, ?, ?)`,
		rec.ID, rec.Type, rec.Subject, string(rec.Format), resident, rec.StatusIndex, rec.IssuedAt.UnixNano(),
		from, rec.ValidUntil.UnixNano(), rec.Credential, string(claimsJSON), attester); err != nil {
		if strings.Contains(err.Error(), "FOREIGN KEY") {
			return errorf(CodeNotFound, "there is no resident %d", rec.ResidentID)
		}
		return fmt.Errorf("storing the credential: %w", err)
	}
	details := map[string]any{"type": rec.Type, "format": rec.Format, "subject": rec.Subject, "statusIndex": rec.StatusIndex}
	if rec.ResidentID != 0 {
		details["resident"] = rec.ResidentID
	}
	if rec.attesterID != 0 {
		details["attester"] = rec.attesterID
		details["attestation"] = rec.Evidence[0].Kind
	}
	return w.audit(actor, "credential.issue", rec.ID, details)
}

// Issue validates, signs and stores one credential. On any error nothing is
// stored.
func (s *Service) Issue(ctx context.Context, actor Actor, req IssueRequest) (*Record, error) {
	actor, err := s.requireStaff(ctx, actor)
	if err != nil {
		return nil, err
	}
	in, err := s.validateIssue(ctx, req)
	if err != nil {
		return nil, err
	}
	rec, err := s.sign(ctx, in)
	if err != nil {
		return nil, err
	}
	if err := s.w.do(ctx, func(w *wtx) error { return w.insertIssued(actor, rec, in.claimsJSON) }); err != nil {
		return nil, err
	}
	return rec, nil
}
