package console

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cityid/cityid/issuer"
)

// The JSON staff API's request and response bodies. Members are snake_case;
// times are RFC 3339.

// LoginRequest is the body of POST /api/login.
type LoginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// LoginResponse answers POST /api/login. The session token is in the
// cookie; CSRFToken goes in the X-CSRF-Token header of every later POST.
type LoginResponse struct {
	CSRFToken string    `json:"csrf_token"`
	Expires   time.Time `json:"expires"`
	Staff     StaffJSON `json:"staff"`
}

// EnrolRequest is the body of POST /api/residents.
type EnrolRequest struct {
	Name      string `json:"name"`
	Reference string `json:"reference,omitempty"`
}

// IssueRequest is the body of POST /api/credentials.
type IssueRequest struct {
	Type    string         `json:"type"`
	Subject string         `json:"subject"`
	Claims  map[string]any `json:"claims"`
	// Format is "ldp_vc" (the default) or "dc+sd-jwt".
	Format     issuer.Format `json:"format,omitempty"`
	ResidentID int64         `json:"resident_id,omitempty"`
	ValidUntil *time.Time    `json:"valid_until,omitempty"`
	// AttestedBy names the registered attester of an assisted enrolment.
	AttestedBy string `json:"attested_by,omitempty"`
}

// OfferRequest is the body of POST /api/offers.
type OfferRequest struct {
	Type       string         `json:"type"`
	Claims     map[string]any `json:"claims"`
	ResidentID int64          `json:"resident_id,omitempty"`
	AttestedBy string         `json:"attested_by,omitempty"`
}

// SuspendRequest is the body of POST /api/credentials/{id}/suspend.
type SuspendRequest struct {
	Suspended *bool `json:"suspended"`
}

// StaffRequest is the body of POST /api/staff.
type StaffRequest struct {
	Username string      `json:"username"`
	Password string      `json:"password"`
	Role     issuer.Role `json:"role"`
}

// RoleRequest is the body of POST /api/staff/{username}/role.
type RoleRequest struct {
	Role issuer.Role `json:"role"`
}

// StaffJSON is a staff account.
type StaffJSON struct {
	ID       int64       `json:"id"`
	Username string      `json:"username"`
	Role     issuer.Role `json:"role"`
	Disabled bool        `json:"disabled"`
	Created  time.Time   `json:"created"`
}

// ResidentJSON is an enrolled resident.
type ResidentJSON struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Reference string    `json:"reference"`
	Created   time.Time `json:"created"`
}

// RecordJSON is an issued credential. Credential (the JSON document for
// ldp_vc, the compact SD-JWT for dc+sd-jwt, the "CID1:" text for cityid-qr)
// is left out of search results.
type RecordJSON struct {
	ID          string                 `json:"id"`
	Type        string                 `json:"type"`
	Subject     string                 `json:"subject"`
	Format      issuer.Format          `json:"format"`
	ResidentID  int64                  `json:"resident_id,omitempty"`
	StatusIndex int                    `json:"status_index"`
	State       issuer.CredentialState `json:"state"`
	IssuedAt    time.Time              `json:"issued_at"`
	ValidFrom   time.Time              `json:"valid_from,omitzero"`
	ValidUntil  *time.Time             `json:"valid_until,omitempty"`
	Credential  string                 `json:"credential,omitempty"`
	// Forms lists the formats the credential was issued in, first issued
	// first (Format is the first; Credential is that form).
	Forms []issuer.Format `json:"forms,omitempty"`
}

// OfferJSON is a credential offer; TxCode is shown once, here.
type OfferJSON struct {
	ID         string    `json:"id"`
	URI        string    `json:"uri"`
	TxCode     string    `json:"tx_code"`
	Type       string    `json:"type"`
	ResidentID int64     `json:"resident_id,omitempty"`
	Expires    time.Time `json:"expires"`
}

func staffJSON(s issuer.Staff) StaffJSON {
	return StaffJSON{ID: s.ID, Username: s.Username, Role: s.Role, Disabled: s.Disabled, Created: s.Created}
}

func residentJSON(r *issuer.Resident) ResidentJSON {
	return ResidentJSON{ID: r.ID, Name: r.Name, Reference: r.Reference, Created: r.Created}
}

func recordJSON(r *issuer.Record, withCredential bool) RecordJSON {
	out := RecordJSON{ID: r.ID, Type: r.Type, Subject: r.Subject, Format: r.Format, ResidentID: r.ResidentID,
		StatusIndex: r.StatusIndex, State: r.State, IssuedAt: r.IssuedAt, ValidFrom: r.ValidFrom, ValidUntil: r.ValidUntil, Forms: r.Forms}
	if withCredential {
		out.Credential = string(r.Credential)
	}
	return out
}

func offerJSON(o issuer.Offer) OfferJSON {
	return OfferJSON{ID: o.ID, URI: o.URI, TxCode: o.TxCode, Type: o.Type, ResidentID: o.ResidentID, Expires: o.Expires}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v)
}

func invalid(msg string, fields ...issuer.FieldError) *issuer.Error {
	return &issuer.Error{Code: issuer.CodeInvalidRequest, Status: http.StatusBadRequest, Message: msg, Fields: fields}
}

// decodeJSON reads exactly one JSON object of type T from the body: the
// content type must be JSON, unknown members and trailing data are refused,
// and the size limit set by wrap applies.
func decodeJSON[T any](r *http.Request) (T, *issuer.Error) {
	var v T
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/json" {
			return v, &issuer.Error{Code: issuer.CodeInvalidRequest, Status: http.StatusUnsupportedMediaType,
				Message: "the request body must be JSON (Content-Type: application/json)"}
		}
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return v, jsonError(err)
	}
	if !utf8.Valid(body) {
		return v, invalid("the request body is not valid UTF-8 text")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		return v, jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		if err != nil {
			return v, jsonError(err)
		}
		return v, invalid("the request body must hold one JSON object and nothing after it")
	}
	return v, nil
}

// jsonError explains a decoding failure in words, with the member at fault.
func jsonError(err error) *issuer.Error {
	var tooBig *http.MaxBytesError
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &tooBig):
		return bodyError(err)
	case errors.Is(err, io.EOF):
		return invalid("the request body is empty; send a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return invalid("the request body is cut short: it is not complete JSON")
	case errors.As(err, &syn):
		return invalid(fmt.Sprintf("the request body is not valid JSON (at byte %d)", syn.Offset))
	case errors.As(err, &typ):
		path := typ.Field
		if path == "" {
			return invalid(fmt.Sprintf("the request body must be a JSON object, not %s", typ.Value))
		}
		return invalid(fmt.Sprintf("%s must not be %s", path, typ.Value),
			issuer.FieldError{Path: path, Message: "must not be " + typ.Value})
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return invalid(fmt.Sprintf("the request has a member %q this endpoint does not know", name),
			issuer.FieldError{Path: name, Message: "is not a member of this request"})
	}
	return invalid("the request body is not valid JSON: " + err.Error())
}

// apiError answers an error from issuer.API as JSON with its status.
func (h *handler) apiError(w http.ResponseWriter, r *http.Request, err error) {
	e := h.asError(r, err)
	writeJSON(w, e.Status, e)
}

func (h *handler) apiLogin(w http.ResponseWriter, r *http.Request, _ *session) {
	req, bad := decodeJSON[LoginRequest](r)
	if bad != nil {
		writeJSON(w, bad.Status, bad)
		return
	}
	if req.Username == "" || req.Password == "" {
		writeJSON(w, http.StatusBadRequest, invalid("username and password are required"))
		return
	}
	staff, err := h.api.Authenticate(r.Context(), req.Username, req.Password)
	if err != nil {
		h.apiError(w, r, err)
		return
	}
	sess, err := h.startSession(w, r, staff)
	if err != nil {
		h.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, LoginResponse{CSRFToken: sess.CSRF, Expires: sess.Expires, Staff: staffJSON(*staff)})
}

func (h *handler) apiLogout(w http.ResponseWriter, r *http.Request, s *session) {
	if err := h.endSession(w, r, s); err != nil {
		h.apiError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *handler) apiEnrol(w http.ResponseWriter, r *http.Request, s *session) {
	req, bad := decodeJSON[EnrolRequest](r)
	if bad != nil {
		writeJSON(w, bad.Status, bad)
		return
	}
	res, err := h.api.Enrol(r.Context(), s.actor, strings.TrimSpace(req.Name), strings.TrimSpace(req.Reference))
	if err != nil {
		h.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, residentJSON(res))
}

func (h *handler) apiResident(w http.ResponseWriter, r *http.Request, _ *session) {
	id, bad := residentID(r.PathValue("id"))
	if bad != nil {
		writeJSON(w, bad.Status, bad)
		return
	}
	res, err := h.api.Resident(r.Context(), id)
	if err != nil {
		h.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, residentJSON(res))
}

// RecoverRequest is the body of POST /api/residents/{id}/reissue, the
// counter recovery after a lost phone.
type RecoverRequest struct {
	// Evidence is how the resident was re-verified in person: photo_id,
	// caseworker_vouched, known_to_staff or city_records_questions.
	Evidence string `json:"evidence"`
	// DocumentKind is the kind of photo ID (never its number), with photo_id.
	DocumentKind string `json:"document_kind,omitempty"`
	// Paper mints paper credentials instead of offers for a new wallet.
	Paper bool `json:"paper,omitempty"`
	// ValidUntil (YYYY-MM-DD, the end of that day UTC) replaces the
	// original validity end.
	ValidUntil string `json:"valid_until,omitempty"`
}

// RecoveryJSON is the answer of a recovery.
type RecoveryJSON struct {
	ID        string       `json:"recovery"`
	Revoked   []string     `json:"revoked"`
	Offers    []OfferJSON  `json:"offers"`
	Paper     []RecordJSON `json:"paper"`
	Withdrawn []string     `json:"withdrawn_offers"`
	Expired   []string     `json:"expired_not_replaced"`
}

// RecoveryPlanJSON is what a recovery would do now (GET
// /api/residents/{id}/reissue): nothing is changed.
type RecoveryPlanJSON struct {
	Resident ResidentJSON      `json:"resident"`
	Revoke   []RecordJSON      `json:"revoke"`
	Replace  []ReplacementJSON `json:"replace"`
	Withdraw int               `json:"withdraw_offers"`
}

// ReplacementJSON is one replacement a recovery would make.
type ReplacementJSON struct {
	Type       string     `json:"type"`
	From       string     `json:"from"`
	ValidFrom  time.Time  `json:"valid_from"`
	ValidUntil *time.Time `json:"valid_until,omitempty"`
	Expired    bool       `json:"expired,omitempty"`
	Suspended  bool       `json:"suspended,omitempty"`
}

func (h *handler) apiRecoveryPlan(w http.ResponseWriter, r *http.Request, s *session) {
	id, bad := residentID(r.PathValue("id"))
	if bad != nil {
		writeJSON(w, bad.Status, bad)
		return
	}
	plan, err := h.api.RecoveryPlan(r.Context(), id)
	if err != nil {
		h.apiError(w, r, err)
		return
	}
	out := RecoveryPlanJSON{Resident: residentJSON(plan.Resident), Revoke: []RecordJSON{}, Replace: []ReplacementJSON{}, Withdraw: plan.Withdraw}
	for _, rec := range plan.Revoke {
		out.Revoke = append(out.Revoke, recordJSON(&rec, false))
	}
	for _, rp := range plan.Replace {
		out.Replace = append(out.Replace, ReplacementJSON{Type: rp.Type, From: rp.From, ValidFrom: rp.ValidFrom,
			ValidUntil: rp.ValidUntil, Expired: rp.Expired, Suspended: rp.Suspended})
	}
	writeJSON(w, http.StatusOK, out)
}

func (h *handler) apiReissue(w http.ResponseWriter, r *http.Request, s *session) {
	id, bad := residentID(r.PathValue("id"))
	if bad != nil {
		writeJSON(w, bad.Status, bad)
		return
	}
	body, bad := decodeJSON[RecoverRequest](r)
	if bad != nil {
		writeJSON(w, bad.Status, bad)
		return
	}
	req := issuer.RecoveryRequest{ResidentID: id, Paper: body.Paper,
		Evidence: issuer.RecoveryEvidence{Kind: body.Evidence, DocumentKind: body.DocumentKind}}
	if body.ValidUntil != "" {
		end, err := issuer.ParseValidUntil(body.ValidUntil)
		if err != nil {
			e := invalid("valid_until must be a date as YYYY-MM-DD", issuer.FieldError{Path: "valid_until", Message: "not a date as YYYY-MM-DD"})
			writeJSON(w, e.Status, e)
			return
		}
		req.ValidUntil = &end
	}
	rcv, err := h.api.Recover(r.Context(), s.actor, req)
	if err != nil {
		h.apiError(w, r, err)
		return
	}
	out := RecoveryJSON{ID: rcv.ID, Revoked: nonNil(rcv.Revoked), Offers: []OfferJSON{}, Paper: []RecordJSON{},
		Withdrawn: nonNil(rcv.Withdrawn), Expired: nonNil(rcv.Expired)}
	for _, o := range rcv.Offers {
		out.Offers = append(out.Offers, offerJSON(o))
	}
	for _, p := range rcv.Paper {
		out.Paper = append(out.Paper, recordJSON(&p, true))
	}
	writeJSON(w, http.StatusOK, out)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (h *handler) apiIssue(w http.ResponseWriter, r *http.Request, s *session) {
	req, bad := decodeJSON[IssueRequest](r)
	if bad != nil {
		writeJSON(w, bad.Status, bad)
		return
	}
	if req.Format == "" {
		req.Format = issuer.FormatLDP
	}
	rec, err := h.api.Issue(r.Context(), s.actor, issuer.IssueRequest{Type: req.Type, Subject: req.Subject,
		Claims: req.Claims, Format: req.Format, ResidentID: req.ResidentID, ValidUntil: req.ValidUntil, AttestedBy: req.AttestedBy})
	if err != nil {
		h.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, recordJSON(rec, true))
}

func (h *handler) apiOffer(w http.ResponseWriter, r *http.Request, s *session) {
	req, bad := decodeJSON[OfferRequest](r)
	if bad != nil {
		writeJSON(w, bad.Status, bad)
		return
	}
	o, err := h.api.CreateOfferFor(r.Context(), s.actor,
		issuer.OfferRequest{Type: req.Type, Claims: req.Claims, ResidentID: req.ResidentID, AttestedBy: req.AttestedBy})
	if err != nil {
		h.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, offerJSON(*o))
}

func (h *handler) apiSearch(w http.ResponseWriter, r *http.Request, _ *session) {
	q, bad := searchQuery(r.URL.Query())
	if bad != nil {
		writeJSON(w, bad.Status, bad)
		return
	}
	recs, err := h.api.Search(r.Context(), q)
	if err != nil {
		h.apiError(w, r, err)
		return
	}
	out := struct {
		Credentials []RecordJSON `json:"credentials"`
	}{Credentials: []RecordJSON{}}
	for i := range recs {
		out.Credentials = append(out.Credentials, recordJSON(&recs[i], false))
	}
	writeJSON(w, http.StatusOK, out)
}

func (h *handler) apiGet(w http.ResponseWriter, r *http.Request, _ *session) {
	rec, err := h.api.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		h.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, recordJSON(rec, true))
}

// apiAfterChange answers the credential's record after a state change.
func (h *handler) apiAfterChange(w http.ResponseWriter, r *http.Request, id string) {
	rec, err := h.api.Get(r.Context(), id)
	if err != nil {
		h.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, recordJSON(rec, false))
}

func (h *handler) apiRevoke(w http.ResponseWriter, r *http.Request, s *session) {
	id := r.PathValue("id")
	if err := h.api.Revoke(r.Context(), s.actor, id); err != nil {
		h.apiError(w, r, err)
		return
	}
	h.apiAfterChange(w, r, id)
}

func (h *handler) apiSuspend(w http.ResponseWriter, r *http.Request, s *session) {
	req, bad := decodeJSON[SuspendRequest](r)
	if bad != nil {
		writeJSON(w, bad.Status, bad)
		return
	}
	if req.Suspended == nil {
		writeJSON(w, http.StatusBadRequest, invalid("suspended (true or false) is required",
			issuer.FieldError{Path: "suspended", Message: "is required"}))
		return
	}
	id := r.PathValue("id")
	if err := h.api.Suspend(r.Context(), s.actor, id, *req.Suspended); err != nil {
		h.apiError(w, r, err)
		return
	}
	h.apiAfterChange(w, r, id)
}

func (h *handler) apiListStaff(w http.ResponseWriter, r *http.Request, _ *session) {
	list, err := h.api.ListStaff(r.Context())
	if err != nil {
		h.apiError(w, r, err)
		return
	}
	out := struct {
		Staff []StaffJSON `json:"staff"`
	}{Staff: []StaffJSON{}}
	for _, s := range list {
		out.Staff = append(out.Staff, staffJSON(s))
	}
	writeJSON(w, http.StatusOK, out)
}

func (h *handler) apiCreateStaff(w http.ResponseWriter, r *http.Request, s *session) {
	req, bad := decodeJSON[StaffRequest](r)
	if bad != nil {
		writeJSON(w, bad.Status, bad)
		return
	}
	st, err := h.api.CreateStaff(r.Context(), s.actor, strings.TrimSpace(req.Username), req.Password, req.Role)
	if err != nil {
		h.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, staffJSON(*st))
}

func (h *handler) apiSetRole(w http.ResponseWriter, r *http.Request, s *session) {
	req, bad := decodeJSON[RoleRequest](r)
	if bad != nil {
		writeJSON(w, bad.Status, bad)
		return
	}
	username := r.PathValue("username")
	if err := h.api.SetRole(r.Context(), s.actor, username, req.Role); err != nil {
		h.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Username string      `json:"username"`
		Role     issuer.Role `json:"role"`
	}{username, req.Role})
}
