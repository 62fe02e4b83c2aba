package issuer

import (
	"context"
	"crypto"
	"time"

	"github.com/cityid/cityid/schemas"
)

// Role is a staff member's role.
type Role string

// Roles. An admin manages staff and may do everything a clerk does.
const (
	RoleAdmin Role = "admin"
	RoleClerk Role = "clerk"
)

// Staff is a staff account (never carries the password hash).
type Staff struct {
	ID       int64
	Username string
	Role     Role
	Disabled bool
	Created  time.Time
}

// Actor says who performs an operation, for the audit log.
type Actor struct {
	// Kind is "staff", "cli", "wallet" or "system".
	Kind string
	// Name is the staff username, the CLI user, or the holder DID.
	Name string
	// StaffID is set when Kind is "staff".
	StaffID int64
}

// Session is a staff login session.
type Session struct {
	// Token is the secret cookie value (only its hash is stored).
	Token string
	// CSRF is the per-session token forms must echo.
	CSRF    string
	Expires time.Time
}

// Resident is an enrolled resident: the minimum the counter needs to find
// them again (a display name and an optional reference such as a case number).
type Resident struct {
	ID        int64
	Name      string
	Reference string
	Created   time.Time
}

// Format is a credential format the issuer can mint.
type Format string

// FormatPaper is the paper form: the compact "CID1:" text of
// compact.IssuePaper, every claim in the clear, no holder binding, printed
// as one QR code. Recover mints replacement credentials in it for a resident
// who leaves the counter with paper instead of a phone.
const FormatPaper Format = "cityid-paper"

// Formats. One credential (one id, one status index, one validity) may
// exist in several of them: a wallet redeeming an offer collects each form.
const (
	FormatLDP   Format = "ldp_vc"    // W3C VC 2.0 + Data Integrity eddsa-rdfc-2022
	FormatSDJWT Format = "dc+sd-jwt" // SD-JWT VC
	// FormatQR is cityid's compact QR form (docs/compact-qr.md): the
	// "CID1:" text a wallet keeps and makes QR presentations of, signed
	// with COSE over the same VC 2.0 content as ldp_vc.
	FormatQR Format = "cityid-qr"
)

// CredentialState is the revocation state of an issued credential.
type CredentialState string

// States.
const (
	StateActive    CredentialState = "active"
	StateSuspended CredentialState = "suspended"
	StateRevoked   CredentialState = "revoked"
)

// IssueRequest asks for one credential.
type IssueRequest struct {
	// Type is a schemas type name, e.g. "ResidencyCredential".
	Type string
	// Subject is the holder's DID (did:key for wallets).
	Subject string
	// Claims are the credentialSubject claims (validated with schemas.Validate).
	Claims map[string]any
	Format Format
	// ResidentID links the credential to an enrolled resident (0: none).
	ResidentID int64
	// ValidUntil overrides the type's default validity.
	ValidUntil *time.Time
	// AttestedBy names the registered, enabled attester (caseworker or
	// shelter) on whose attestation the resident's identity was established
	// (assisted enrolment, AddAttester). The credential's evidence then
	// names the kind of attestation and the attester. Empty: identity
	// documents were seen at the counter, and the credential has no evidence.
	AttestedBy string
}

// OfferRequest asks for a credential offer (CreateOffer's arguments, and the
// attester of an assisted enrolment as in IssueRequest.AttestedBy).
type OfferRequest struct {
	Type       string
	Claims     map[string]any
	ResidentID int64
	AttestedBy string
}

// Record is an issued credential as the issuer keeps it. Format and
// Credential are one form of it: the form just issued (Issue, IssueBatch,
// IssueForToken) or the form issued first (Get, Search).
type Record struct {
	ID          string // urn:uuid:...
	Type        string
	Subject     string
	Format      Format
	ResidentID  int64
	StatusIndex int
	State       CredentialState
	IssuedAt    time.Time
	// ValidFrom is the credential's validFrom: IssuedAt, except for a
	// replacement made by Recover, which keeps the validity of the credential
	// it replaces. Zero means IssuedAt.
	ValidFrom  time.Time
	ValidUntil *time.Time
	// Credential is the issued credential: JSON for ldp_vc, the compact
	// serialization for SD-JWT, the "CID1:" text for cityid-qr.
	Credential []byte
	// Forms lists every form the credential was issued in, first issued
	// first (set by Get and Search). They share ID, StatusIndex, State and
	// validity: revoking the credential revokes every form.
	Forms []Format
	// ClaimNames are the names of the credential's top-level claims,
	// sorted (set by Get and Search): what a paper form may print.
	ClaimNames []string
	// Evidence is the credential's evidence (an attestation), if any.
	Evidence []schemas.Evidence

	attesterID int64 // the attester of Evidence, 0 if none
}

// Query filters Search.
type Query struct {
	// Text matches resident name or reference, credential id or subject DID.
	Text       string
	Type       string
	State      CredentialState
	ResidentID int64
	Limit      int
}

// Offer is a credential offer made at the counter for a resident's wallet
// (OpenID4VCI pre-authorized code flow).
type Offer struct {
	ID string
	// URI is the openid-credential-offer:// URI to show as a QR code.
	URI string
	// TxCode is the short PIN the clerk reads out; shown once, stored hashed.
	TxCode     string
	Type       string
	ResidentID int64
	Expires    time.Time
	// ValidFrom and ValidUntil are the validity the offered credential will
	// have (a replacement made by Recover keeps the old one's); nil: the
	// type's default, from the time the wallet collects it.
	ValidFrom, ValidUntil *time.Time
}

// TokenGrant is the result of redeeming a pre-authorized code.
type TokenGrant struct {
	AccessToken string
	ExpiresIn   time.Duration
}

// HolderProof is the holder key a wallet proved possession of (OpenID4VCI
// proof of possession, already verified by the caller).
type HolderProof struct {
	DID       string // did:key of the holder
	PublicKey crypto.PublicKey
}

// AuditReport is the result of checking the audit chain.
type AuditReport struct {
	Entries int
	// Problems lists every broken link, edited or missing row, in plain words.
	Problems []string
}

// Error is an error with a machine-readable code, an HTTP status and, for
// claim errors, field-level details. Every Service method returns *Error for
// bad input, so HTTP handlers and the CLI report it the same way.
type Error struct {
	Code    string       `json:"error"`
	Message string       `json:"error_description"`
	Fields  []FieldError `json:"fields,omitempty"`
	Status  int          `json:"-"`
}

// FieldError names one invalid field.
type FieldError struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Error codes.
const (
	CodeInvalidRequest = "invalid_request"
	CodeUnknownType    = "unknown_type"
	CodeInvalidClaims  = "invalid_claims"
	CodeInvalidDID     = "invalid_did"
	CodeNotFound       = "not_found"
	CodeConflict       = "conflict"
	CodeUnauthorized   = "unauthorized"
	CodeForbidden      = "forbidden"
	CodeOfferUsed      = "offer_used"
	CodeOfferExpired   = "offer_expired"
	CodeInvalidGrant   = "invalid_grant"     // OpenID4VCI / OAuth token errors
	CodeInvalidToken   = "invalid_token"     // bad or expired access token
	CodeInvalidProof   = "invalid_proof"     // OpenID4VCI proof of possession
	CodeInvalidNonce   = "invalid_nonce"     // OpenID4VCI c_nonce
	CodeTooManyTries   = "too_many_attempts" // tx_code brute force
)

// API is what the HTTP server, the console, the OpenID4VCI endpoints and the
// CLI need from the issuer. *Service implements it; handlers accept the
// smallest subset they use, so they can be tested with fakes.
type API interface {
	// Identity of this issuer.
	DID() string
	PublicURL() string

	// Staff and sessions.
	Authenticate(ctx context.Context, username, password string) (*Staff, error)
	NewSession(ctx context.Context, staff *Staff) (Session, error)
	LookupSession(ctx context.Context, token string) (*Staff, Session, error)
	EndSession(ctx context.Context, token string) error
	CreateStaff(ctx context.Context, actor Actor, username, password string, role Role) (*Staff, error)
	SetRole(ctx context.Context, actor Actor, username string, role Role) error
	ListStaff(ctx context.Context) ([]Staff, error)

	// Attesters: caseworkers and shelters that may attest a resident's
	// identity (admin only, but for the list, which clerks need to issue).
	AddAttester(ctx context.Context, actor Actor, name string, kind AttesterKind) (*Attester, error)
	SetAttesterDisabled(ctx context.Context, actor Actor, name string, disabled bool) error
	ListAttesters(ctx context.Context) ([]Attester, error)

	// Residents and credentials.
	Enrol(ctx context.Context, actor Actor, name, reference string) (*Resident, error)
	Resident(ctx context.Context, id int64) (*Resident, error)
	Issue(ctx context.Context, actor Actor, req IssueRequest) (*Record, error)
	Get(ctx context.Context, id string) (*Record, error)
	Search(ctx context.Context, q Query) ([]Record, error)
	Revoke(ctx context.Context, actor Actor, id string) error
	Suspend(ctx context.Context, actor Actor, id string, suspended bool) error
	// PrintPaper signs a paper form of a credential (chosen claims, no
	// holder binding) for printing; see Service.PrintPaper.
	PrintPaper(ctx context.Context, actor Actor, id string, claims []string) (*PaperCredential, error)
	// RecoveryPlan says what Recover would revoke and replace for the
	// resident, for the clerk to confirm; it changes nothing.
	RecoveryPlan(ctx context.Context, residentID int64) (*RecoveryPlan, error)
	// Recover is the counter recovery after a lost phone: it revokes every
	// credential of the resident and replaces them, for a new wallet
	// (offers) or on paper, in one transaction.
	Recover(ctx context.Context, actor Actor, req RecoveryRequest) (*Recovery, error)

	// OpenID4VCI.
	CreateOffer(ctx context.Context, actor Actor, typeName string, claims map[string]any, residentID int64) (*Offer, error)
	// CreateOfferFor is CreateOffer with an attestation (assisted enrolment).
	CreateOfferFor(ctx context.Context, actor Actor, req OfferRequest) (*Offer, error)
	RedeemPreAuthorizedCode(ctx context.Context, code, txCode string) (*TokenGrant, error)
	NewNonce(ctx context.Context) (string, error)
	// IssueForToken issues the offered credential to the proven holder key,
	// once per access token and configuration.
	IssueForToken(ctx context.Context, accessToken string, typeName string, format Format, holder HolderProof, nonce string) (*Record, error)

	// Publication.
	StatusListCredential(ctx context.Context, id string) ([]byte, error)
	Bundle(ctx context.Context) ([]byte, error)
	VerifyAudit(ctx context.Context) (AuditReport, error)
}
