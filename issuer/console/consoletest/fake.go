// Package consoletest provides Fake, an in-memory issuer.API for testing the
// staff console (package issuer/console) and for the browser test under e2e/
// without the SQLite-backed issuer service.
//
// Fake behaves like the service where the console can tell: it checks
// passwords, sessions and roles, validates claims with schemas.Validate and
// DIDs with the did package (answering *issuer.Error with field details), and
// stores nothing for bad input. It does not sign: the credentials it returns
// are unsigned JSON documents marked as test data. It is for tests only.
package consoletest

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cityid/cityid/did"
	"github.com/cityid/cityid/issuer"
	"github.com/cityid/cityid/schemas"
)

// Call is one state-changing call the fake received.
type Call struct {
	Method string
	Actor  issuer.Actor
	Arg    string
}

type staffEntry struct {
	staff    issuer.Staff
	password string
}

type sessionEntry struct {
	staffID int64
	session issuer.Session
}

// Fake is an in-memory issuer.API. The zero value is not usable; call New.
type Fake struct {
	// Now is the clock; tests may replace it before use.
	Now func() time.Time

	mu        sync.Mutex
	staff     []*staffEntry
	sessions  map[string]sessionEntry
	residents []issuer.Resident
	records   []issuer.Record
	offers    []issuer.Offer
	attesters []issuer.Attester
	calls     []Call
	nextIndex int
	claims    map[string]map[string]any // by credential id, for PrintPaper
}

var _ issuer.API = (*Fake)(nil)

// New returns an empty fake.
func New() *Fake {
	return &Fake{Now: time.Now, sessions: map[string]sessionEntry{}}
}

// AddStaff creates an account directly (no actor, no call recorded).
func (f *Fake) AddStaff(username, password string, role issuer.Role) *issuer.Staff {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.addStaffLocked(username, password, role)
}

func (f *Fake) addStaffLocked(username, password string, role issuer.Role) *issuer.Staff {
	e := &staffEntry{
		staff:    issuer.Staff{ID: int64(len(f.staff) + 1), Username: username, Role: role, Created: f.Now()},
		password: password,
	}
	f.staff = append(f.staff, e)
	s := e.staff
	return &s
}

// Calls returns the state-changing calls received so far.
func (f *Fake) Calls() []Call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

// Offers returns every offer made so far, with its PIN.
func (f *Fake) Offers() []issuer.Offer {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.offers)
}

func (f *Fake) record(method string, actor issuer.Actor, arg string) {
	f.calls = append(f.calls, Call{Method: method, Actor: actor, Arg: arg})
}

func errf(code string, status int, format string, args ...any) *issuer.Error {
	return &issuer.Error{Code: code, Status: status, Message: fmt.Sprintf(format, args...)}
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

func uuidURN() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return "urn:uuid:" + h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// DID implements issuer.API.
func (f *Fake) DID() string { return "did:web:issuer.test" }

// PublicURL implements issuer.API.
func (f *Fake) PublicURL() string { return "https://issuer.test" }

// Enrol implements issuer.API.
func (f *Fake) Enrol(_ context.Context, actor issuer.Actor, name, reference string) (*issuer.Resident, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if strings.TrimSpace(name) == "" {
		e := errf(issuer.CodeInvalidRequest, 400, "the resident's name is required")
		e.Fields = []issuer.FieldError{{Path: "name", Message: "is required"}}
		return nil, e
	}
	r := issuer.Resident{ID: int64(len(f.residents) + 1), Name: name, Reference: reference, Created: f.Now()}
	f.residents = append(f.residents, r)
	f.record("Enrol", actor, name)
	return &r, nil
}

// Resident implements issuer.API.
func (f *Fake) Resident(_ context.Context, id int64) (*issuer.Resident, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.residentLocked(id)
}

func (f *Fake) residentLocked(id int64) (*issuer.Resident, error) {
	if id < 1 || id > int64(len(f.residents)) {
		return nil, errf(issuer.CodeNotFound, http.StatusNotFound, "there is no resident number %d", id)
	}
	r := f.residents[id-1]
	return &r, nil
}

// checkClaims validates claims like the service: unknown type, then schema.
func checkClaims(typeName string, claims map[string]any) error {
	err := schemas.Validate(typeName, claims)
	var ve *schemas.ValidationError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, schemas.ErrUnknownType):
		return errf(issuer.CodeUnknownType, 400, "%s is not a credential type of this city", typeName)
	case errors.As(err, &ve):
		e := errf(issuer.CodeInvalidClaims, 400, "the claims are not valid for %s", typeName)
		for _, fe := range ve.Fields {
			e.Fields = append(e.Fields, issuer.FieldError{Path: fe.Path, Message: fe.Message})
		}
		return e
	default:
		return err
	}
}

// Issue implements issuer.API.
func (f *Fake) Issue(_ context.Context, actor issuer.Actor, req issuer.IssueRequest) (*issuer.Record, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := checkClaims(req.Type, req.Claims); err != nil {
		return nil, err
	}
	if _, err := did.Parse(req.Subject); err != nil {
		e := errf(issuer.CodeInvalidDID, 400, "the subject is not a DID: %v", err)
		e.Fields = []issuer.FieldError{{Path: "subject", Message: "must be a DID like did:key:z6Mk..."}}
		return nil, e
	}
	if req.Format != issuer.FormatLDP && req.Format != issuer.FormatSDJWT && req.Format != issuer.FormatQR {
		e := errf(issuer.CodeInvalidRequest, 400, "unknown format %q", req.Format)
		e.Fields = []issuer.FieldError{{Path: "format", Message: "must be ldp_vc, dc+sd-jwt or cityid-qr"}}
		return nil, e
	}
	if req.ResidentID != 0 {
		if _, err := f.residentLocked(req.ResidentID); err != nil {
			return nil, err
		}
	}
	a, err := f.attestationLocked(req.AttestedBy)
	if err != nil {
		return nil, err
	}
	rec := f.newRecordLocked(req.Type, req.Subject, req.Format, req.ResidentID, req.Claims)
	if a != nil {
		rec.Evidence = []schemas.Evidence{a.Evidence()}
		f.records[len(f.records)-1].Evidence = rec.Evidence
	}
	f.record("Issue", actor, rec.ID)
	return &rec, nil
}

func (f *Fake) newRecordLocked(typ, subject string, format issuer.Format, residentID int64, claims map[string]any) issuer.Record {
	subj := map[string]any{"id": subject}
	for k, v := range claims {
		subj[k] = v
	}
	id := uuidURN()
	now := f.Now().UTC().Truncate(time.Second)
	doc, _ := json.MarshalIndent(map[string]any{
		"@context":          []string{"https://www.w3.org/ns/credentials/v2", "https://cityid.dev/ns/v1"},
		"id":                id,
		"type":              []string{"VerifiableCredential", typ},
		"issuer":            f.DID(),
		"validFrom":         now.Format(time.RFC3339),
		"credentialSubject": subj,
		"description":       "unsigned test credential from consoletest.Fake",
	}, "", "  ")
	switch format {
	case issuer.FormatSDJWT:
		doc = []byte("eyJhbGciOiJub25lIn0.test-only." + hex.EncodeToString(doc[:16]) + "~")
	case issuer.FormatQR, issuer.FormatPaper:
		doc = []byte("CID1:TEST" + strings.ToUpper(hex.EncodeToString(doc[:16])))
	}
	rec := issuer.Record{
		ID: id, Type: typ, Subject: subject, Format: format, ResidentID: residentID,
		StatusIndex: f.nextIndex, State: issuer.StateActive, IssuedAt: now, Credential: doc, Forms: []issuer.Format{format},
	}
	for k := range claims {
		rec.ClaimNames = append(rec.ClaimNames, k)
	}
	slices.Sort(rec.ClaimNames)
	f.nextIndex++
	f.records = append(f.records, rec)
	if f.claims == nil {
		f.claims = map[string]map[string]any{}
	}
	f.claims[id] = claims
	return rec
}

// Get implements issuer.API.
func (f *Fake) Get(_ context.Context, id string) (*issuer.Record, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	i := f.findLocked(id)
	if i < 0 {
		return nil, errf(issuer.CodeNotFound, http.StatusNotFound, "there is no credential %s", id)
	}
	r := f.records[i]
	return &r, nil
}

func (f *Fake) findLocked(id string) int {
	for i, r := range f.records {
		if r.ID == id {
			return i
		}
	}
	return -1
}

// AddForm records that the credential id was also issued in format (as a
// wallet collecting an offer's forms does), for pages that list the forms.
func (f *Fake) AddForm(id string, format issuer.Format) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	i := f.findLocked(id)
	if i < 0 {
		return errf(issuer.CodeNotFound, http.StatusNotFound, "there is no credential %s", id)
	}
	f.records[i].Forms = append(append([]issuer.Format(nil), f.records[i].Forms...), format)
	return nil
}

// Search implements issuer.API. Newest first.
func (f *Fake) Search(_ context.Context, q issuer.Query) ([]issuer.Record, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	limit := q.Limit
	if limit <= 0 {
		limit = 100
	}
	text := strings.ToLower(q.Text)
	var out []issuer.Record
	for i := len(f.records) - 1; i >= 0 && len(out) < limit; i-- {
		r := f.records[i]
		if q.Type != "" && r.Type != q.Type || q.State != "" && r.State != q.State ||
			q.ResidentID != 0 && r.ResidentID != q.ResidentID {
			continue
		}
		if text != "" {
			hay := strings.ToLower(r.ID + " " + r.Subject)
			if r.ResidentID > 0 {
				res := f.residents[r.ResidentID-1]
				hay += " " + strings.ToLower(res.Name+" "+res.Reference)
			}
			if !strings.Contains(hay, text) {
				continue
			}
		}
		out = append(out, r)
	}
	return out, nil
}

// Revoke implements issuer.API.
func (f *Fake) Revoke(_ context.Context, actor issuer.Actor, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	i := f.findLocked(id)
	if i < 0 {
		return errf(issuer.CodeNotFound, http.StatusNotFound, "there is no credential %s", id)
	}
	f.records[i].State = issuer.StateRevoked
	f.record("Revoke", actor, id)
	return nil
}

// Suspend implements issuer.API.
func (f *Fake) Suspend(_ context.Context, actor issuer.Actor, id string, suspended bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	i := f.findLocked(id)
	if i < 0 {
		return errf(issuer.CodeNotFound, http.StatusNotFound, "there is no credential %s", id)
	}
	if f.records[i].State == issuer.StateRevoked {
		return errf(issuer.CodeConflict, http.StatusConflict, "the credential is revoked; it cannot be suspended or reinstated")
	}
	f.records[i].State = issuer.StateActive
	if suspended {
		f.records[i].State = issuer.StateSuspended
	}
	f.record("Suspend", actor, fmt.Sprintf("%s=%t", id, suspended))
	return nil
}

// RecoveryPlan implements issuer.API: every credential of the resident not
// revoked, replaced one per type.
func (f *Fake) RecoveryPlan(_ context.Context, residentID int64) (*issuer.RecoveryPlan, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	res, err := f.residentLocked(residentID)
	if err != nil {
		return nil, err
	}
	plan := &issuer.RecoveryPlan{Resident: res}
	seen := map[string]bool{}
	for _, r := range f.records {
		if r.ResidentID != residentID || r.State == issuer.StateRevoked {
			continue
		}
		plan.Revoke = append(plan.Revoke, r)
		if !seen[r.Type] {
			seen[r.Type] = true
			plan.Replace = append(plan.Replace, issuer.Replacement{Type: r.Type, From: r.ID, ValidFrom: r.IssuedAt, ValidUntil: r.ValidUntil})
		}
	}
	return plan, nil
}

// Recover implements issuer.API: it validates the evidence, revokes the
// resident's credentials and makes one offer (or paper record) per type.
func (f *Fake) Recover(ctx context.Context, actor issuer.Actor, req issuer.RecoveryRequest) (*issuer.Recovery, error) {
	if err := req.Evidence.Validate(); err != nil {
		return nil, err
	}
	plan, err := f.RecoveryPlan(ctx, req.ResidentID)
	if err != nil {
		return nil, err
	}
	if len(plan.Revoke) == 0 {
		return nil, errf(issuer.CodeConflict, http.StatusConflict, "resident %d has nothing to recover", req.ResidentID)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	out := &issuer.Recovery{ID: uuidURN(), ResidentID: req.ResidentID}
	for _, r := range plan.Revoke {
		f.records[f.findLocked(r.ID)].State = issuer.StateRevoked
		out.Revoked = append(out.Revoked, r.ID)
	}
	for _, rp := range plan.Replace {
		if req.Paper {
			out.Paper = append(out.Paper, f.newRecordLocked(rp.Type, "", issuer.FormatPaper, req.ResidentID, nil))
		} else {
			out.Offers = append(out.Offers, f.newOfferLocked(rp.Type, req.ResidentID))
		}
	}
	f.record("Recover", actor, fmt.Sprintf("%d evidence=%s paper=%t", req.ResidentID, req.Evidence.Kind, req.Paper))
	return out, nil
}

func (f *Fake) newOfferLocked(typeName string, residentID int64) issuer.Offer {
	code := randomHex(16)
	offer, _ := json.Marshal(map[string]any{
		"credential_issuer":            f.PublicURL(),
		"credential_configuration_ids": []string{typeName + "_ldp_vc"},
		"grants": map[string]any{
			"urn:ietf:params:oauth:grant-type:pre-authorized_code": map[string]any{
				"pre-authorized_code": code,
				"tx_code":             map[string]any{"input_mode": "numeric", "length": 6},
			},
		},
	})
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		panic(err)
	}
	o := issuer.Offer{
		ID:         uuidURN(),
		URI:        "openid-credential-offer://?credential_offer=" + url.QueryEscape(string(offer)),
		TxCode:     fmt.Sprintf("%06d", n),
		Type:       typeName,
		ResidentID: residentID,
		Expires:    f.Now().Add(15 * time.Minute),
	}
	f.offers = append(f.offers, o)
	return o
}

// CreateOffer implements issuer.API.
func (f *Fake) CreateOffer(ctx context.Context, actor issuer.Actor, typeName string, claims map[string]any, residentID int64) (*issuer.Offer, error) {
	return f.CreateOfferFor(ctx, actor, issuer.OfferRequest{Type: typeName, Claims: claims, ResidentID: residentID})
}

// CreateOfferFor implements issuer.API; the call is recorded as CreateOffer.
func (f *Fake) CreateOfferFor(_ context.Context, actor issuer.Actor, req issuer.OfferRequest) (*issuer.Offer, error) {
	typeName, claims, residentID := req.Type, req.Claims, req.ResidentID
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := checkClaims(typeName, claims); err != nil {
		return nil, err
	}
	if residentID != 0 {
		if _, err := f.residentLocked(residentID); err != nil {
			return nil, err
		}
	}
	if _, err := f.attestationLocked(req.AttestedBy); err != nil {
		return nil, err
	}
	o := f.newOfferLocked(typeName, residentID)
	f.record("CreateOffer", actor, typeName)
	return &o, nil
}

var errNotInFake = errors.New("consoletest: not implemented by the fake (the console does not use it)")

// RedeemPreAuthorizedCode implements issuer.API; the console never calls it.
func (f *Fake) RedeemPreAuthorizedCode(context.Context, string, string) (*issuer.TokenGrant, error) {
	return nil, errNotInFake
}

// NewNonce implements issuer.API; the console never calls it.
func (f *Fake) NewNonce(context.Context) (string, error) { return "", errNotInFake }

// IssueForToken implements issuer.API; the console never calls it.
func (f *Fake) IssueForToken(context.Context, string, string, issuer.Format, issuer.HolderProof, string) (*issuer.Record, error) {
	return nil, errNotInFake
}

// StatusListCredential implements issuer.API; the console never calls it.
func (f *Fake) StatusListCredential(context.Context, string) ([]byte, error) {
	return nil, errNotInFake
}

// Bundle implements issuer.API; the console never calls it.
func (f *Fake) Bundle(context.Context) ([]byte, error) { return nil, errNotInFake }

// VerifyAudit implements issuer.API; the console never calls it.
func (f *Fake) VerifyAudit(context.Context) (issuer.AuditReport, error) {
	return issuer.AuditReport{}, errNotInFake
}

// Bootstrap creates the first admin when secret matches, like the service's
// one-time bootstrap secret; it is the console's Options.Bootstrap in tests.
func (f *Fake) Bootstrap(secret string) func(ctx context.Context, got, username, password string) (*issuer.Staff, error) {
	return func(ctx context.Context, got, username, password string) (*issuer.Staff, error) {
		f.mu.Lock()
		used := len(f.staff) > 0
		f.mu.Unlock()
		if used || subtle.ConstantTimeCompare([]byte(secret), []byte(got)) != 1 {
			e := errf(issuer.CodeForbidden, http.StatusForbidden, "the bootstrap secret is wrong or was already used")
			e.Fields = []issuer.FieldError{{Path: "secret", Message: "is wrong or was already used"}}
			return nil, e
		}
		return f.CreateStaff(ctx, issuer.Actor{Kind: "system", Name: "bootstrap"}, username, password, issuer.RoleAdmin)
	}
}
