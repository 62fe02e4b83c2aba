package oid4vci

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/cityid/cityid/credential"
)

// MaxRequestSize bounds a token or credential request body. A credential
// request carries a configuration id and one proof JWT: a few kilobytes.
const MaxRequestSize = 64 << 10

// Limits on single parameters.
const (
	maxCodeLength   = 1024 // pre-authorized code, access token, nonce
	maxTxCodeLength = 64
	maxIDLength     = 256 // credential configuration id
)

// Error is an OAuth 2.0 / OpenID4VCI error response. The request parsers
// return it with the code and HTTP status a server should answer with; a
// [Client] returns it, with Status and Endpoint set, when a server answered
// with an error.
type Error struct {
	Code        string `json:"error"`
	Description string `json:"error_description,omitempty"`
	// Status is the HTTP status code.
	Status int `json:"-"`
	// Endpoint names the endpoint that answered (client side only).
	Endpoint string `json:"-"`
}

// NewError returns an error response. The description is made safe for the
// error_description parameter, which allows printable ASCII except '"' and
// '\': other characters are replaced.
func NewError(status int, code, description string) *Error {
	return &Error{Code: code, Description: SafeDescription(description), Status: status}
}

// SafeDescription maps s to the characters error_description allows
// (%x20-21 / %x23-5B / %x5D-7E) and cuts it to 500 characters.
func SafeDescription(s string) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		if n == 500 {
			break
		}
		n++
		switch {
		case r == '"':
			b.WriteByte('\'')
		case r == '\\':
			b.WriteByte('/')
		case r >= 0x20 && r <= 0x7e:
			b.WriteRune(r)
		case r == '\n' || r == '\t':
			b.WriteByte(' ')
		default:
			b.WriteByte('?')
		}
	}
	return b.String()
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("oid4vci: ")
	if e.Endpoint != "" {
		b.WriteString(e.Endpoint)
		b.WriteString(": ")
	}
	b.WriteString(e.Code)
	if e.Description != "" {
		b.WriteString(": ")
		b.WriteString(e.Description)
	}
	if e.Status != 0 && e.Endpoint != "" {
		fmt.Fprintf(&b, " (HTTP %d)", e.Status)
	}
	return b.String()
}

// TokenRequest is a token request of the pre-authorized code flow, sent
// form-encoded (RFC 6749 §4.1.3, OpenID4VCI §6.1).
type TokenRequest struct {
	GrantType         string
	PreAuthorizedCode string
	// TxCode is the transaction code; empty when the offer asks for none.
	TxCode string
}

// Form returns the request's form parameters.
func (r TokenRequest) Form() url.Values {
	v := url.Values{
		"grant_type":          {r.GrantType},
		"pre-authorized_code": {r.PreAuthorizedCode},
	}
	if r.TxCode != "" {
		v.Set("tx_code", r.TxCode)
	}
	return v
}

// ParseTokenRequest reads a token request's form parameters. Unknown
// parameters are ignored, as OAuth requires; any parameter sent twice, a
// missing or foreign grant type and a missing code are refused. Errors are
// [*Error] values (invalid_request or unsupported_grant_type, HTTP 400).
func ParseTokenRequest(form url.Values) (*TokenRequest, error) {
	names := make([]string, 0, len(form))
	for name := range form {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if len(form[name]) > 1 {
			return nil, NewError(http.StatusBadRequest, CodeInvalidRequest,
				fmt.Sprintf("the parameter %s is sent more than once", name))
		}
	}
	r := &TokenRequest{
		GrantType:         form.Get("grant_type"),
		PreAuthorizedCode: form.Get("pre-authorized_code"),
		TxCode:            form.Get("tx_code"),
	}
	switch {
	case r.GrantType == "":
		return nil, NewError(http.StatusBadRequest, CodeInvalidRequest, "grant_type is missing")
	case r.GrantType != GrantTypePreAuthorizedCode:
		return nil, NewError(http.StatusBadRequest, CodeUnsupportedGrantType,
			fmt.Sprintf("grant type %s is not supported; use %s", r.GrantType, GrantTypePreAuthorizedCode))
	case r.PreAuthorizedCode == "":
		return nil, NewError(http.StatusBadRequest, CodeInvalidRequest, "pre-authorized_code is missing")
	case len(r.PreAuthorizedCode) > maxCodeLength:
		return nil, NewError(http.StatusBadRequest, CodeInvalidRequest,
			fmt.Sprintf("pre-authorized_code is longer than %d bytes", maxCodeLength))
	case len(r.TxCode) > maxTxCodeLength:
		return nil, NewError(http.StatusBadRequest, CodeInvalidRequest,
			fmt.Sprintf("tx_code is longer than %d bytes", maxTxCodeLength))
	}
	return r, nil
}

// CredentialRequest is a credential request (§8.2). It is always sent in
// the 1.0 shape; [ParseCredentialRequest] also reads the earlier draft shape
// "proof": {"proof_type": "jwt", "jwt": ...} into Proofs.
type CredentialRequest struct {
	CredentialIdentifier      string  `json:"credential_identifier,omitempty"`
	CredentialConfigurationID string  `json:"credential_configuration_id,omitempty"`
	Proofs                    *Proofs `json:"proofs,omitempty"`
	// CredentialResponseEncryption is kept raw: cityid does not encrypt
	// responses, and an issuer refuses a request that asks for it.
	CredentialResponseEncryption json.RawMessage `json:"credential_response_encryption,omitempty"`
}

// Proofs holds key proofs by proof type; only jwt is supported.
type Proofs struct {
	JWT []string `json:"jwt"`
}

// ParseCredentialRequest decodes a credential request body of at most
// [MaxRequestSize] bytes. It checks the request's shape: one JSON object
// without duplicate members, exactly one of credential_identifier and
// credential_configuration_id, proofs with exactly one proof type whose
// value is a non-empty array of strings (or the draft "proof" object, not
// both). Proofs is nil when the request has none. Errors are [*Error]
// values: invalid_credential_request (HTTP 400, or 413 when too large) or
// invalid_proof.
func ParseCredentialRequest(data []byte) (*CredentialRequest, error) {
	bad := func(format string, args ...any) error {
		return NewError(http.StatusBadRequest, CodeInvalidCredentialRequest, fmt.Sprintf(format, args...))
	}
	if len(data) > MaxRequestSize {
		return nil, NewError(http.StatusRequestEntityTooLarge, CodeInvalidCredentialRequest,
			fmt.Sprintf("the request body is larger than %d bytes", MaxRequestSize))
	}
	if _, err := credential.DecodeJSON(data); err != nil {
		return nil, bad("the request body is not one JSON object: %v", err)
	}
	var w struct {
		CredentialIdentifier      json.RawMessage            `json:"credential_identifier"`
		CredentialConfigurationID json.RawMessage            `json:"credential_configuration_id"`
		Proofs                    json.RawMessage            `json:"proofs"`
		Proof                     map[string]json.RawMessage `json:"proof"`
		Encryption                json.RawMessage            `json:"credential_response_encryption"`
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return nil, bad("proof must be an object: %v", err)
	}
	req := &CredentialRequest{}
	var err error
	if req.CredentialIdentifier, err = optionalString(w.CredentialIdentifier, "credential_identifier", maxIDLength); err != nil {
		return nil, bad("%v", err)
	}
	if req.CredentialConfigurationID, err = optionalString(w.CredentialConfigurationID, "credential_configuration_id", maxIDLength); err != nil {
		return nil, bad("%v", err)
	}
	switch {
	case req.CredentialIdentifier != "" && req.CredentialConfigurationID != "":
		return nil, bad("credential_identifier and credential_configuration_id must not both be present")
	case req.CredentialIdentifier == "" && req.CredentialConfigurationID == "":
		return nil, bad("credential_configuration_id is missing")
	}
	if len(w.Encryption) > 0 && !isNull(w.Encryption) {
		req.CredentialResponseEncryption = w.Encryption
	}
	hasProofs := len(w.Proofs) > 0 && !isNull(w.Proofs)
	switch {
	case hasProofs && w.Proof != nil:
		return nil, bad("proofs and proof must not both be present")
	case hasProofs:
		if req.Proofs, err = parseProofs(w.Proofs); err != nil {
			return nil, err
		}
	case w.Proof != nil:
		if req.Proofs, err = parseDraftProof(w.Proof); err != nil {
			return nil, err
		}
	}
	return req, nil
}

func parseProofs(raw json.RawMessage) (*Proofs, error) {
	invalid := func(format string, args ...any) error {
		return NewError(http.StatusBadRequest, CodeInvalidProof, fmt.Sprintf(format, args...))
	}
	var byType map[string]json.RawMessage
	if err := json.Unmarshal(raw, &byType); err != nil {
		return nil, invalid("proofs must be an object")
	}
	if len(byType) != 1 {
		return nil, invalid("proofs must hold exactly one proof type, not %d", len(byType))
	}
	jwts, ok := byType[ProofTypeJWT]
	if !ok {
		for t := range byType {
			return nil, invalid("proof type %s is not supported; use jwt", t)
		}
	}
	var list []string
	if err := json.Unmarshal(jwts, &list); err != nil {
		return nil, invalid("proofs.jwt must be an array of strings")
	}
	if len(list) == 0 {
		return nil, invalid("proofs.jwt is empty")
	}
	for i, j := range list {
		if j == "" {
			return nil, invalid("proofs.jwt[%d] is empty", i)
		}
	}
	return &Proofs{JWT: list}, nil
}

func parseDraftProof(p map[string]json.RawMessage) (*Proofs, error) {
	invalid := func(format string, args ...any) error {
		return NewError(http.StatusBadRequest, CodeInvalidProof, fmt.Sprintf(format, args...))
	}
	typ, err := optionalString(p["proof_type"], "proof.proof_type", 64)
	if err != nil {
		return nil, invalid("%v", err)
	}
	if typ != ProofTypeJWT {
		return nil, invalid("proof.proof_type must be jwt, not %q", typ)
	}
	jwt, err := optionalString(p["jwt"], "proof.jwt", MaxRequestSize)
	if err != nil {
		return nil, invalid("%v", err)
	}
	if jwt == "" {
		return nil, invalid("proof.jwt is missing")
	}
	return &Proofs{JWT: []string{jwt}}, nil
}

// optionalString reads an optional string member; absent and null read as "".
func optionalString(raw json.RawMessage, name string, max int) (string, error) {
	if len(raw) == 0 || isNull(raw) {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf("%s must be a string", name)
	}
	if len(s) > max {
		return "", fmt.Errorf("%s is longer than %d bytes", name, max)
	}
	return s, nil
}

// maxCompactQRText bounds a compact QR credential text (the compact
// format's own limit, MaxTextSize of package credential/compact).
const maxCompactQRText = 8 << 10

// IsCompactQRText reports whether s has the form of a cityid-qr credential:
// "CID", a version number, ":" and Base45 text (the QR alphanumeric
// characters 0-9, A-Z, space and $%*+-./:), at most 8 KiB. It checks the
// form only; package credential/compact reads and verifies the content.
func IsCompactQRText(s string) bool {
	rest, ok := strings.CutPrefix(s, "CID")
	if !ok || len(s) > maxCompactQRText {
		return false
	}
	i := 0
	for i < len(rest) && i < 4 && rest[i] >= '0' && rest[i] <= '9' {
		i++
	}
	if i == 0 || i >= len(rest) || rest[i] != ':' || i+1 == len(rest) {
		return false
	}
	for _, c := range []byte(rest[i+1:]) {
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || strings.IndexByte(" $%*+-./:", c) >= 0) {
			return false
		}
	}
	return true
}

func isNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }

// NewIssuedCredential wraps a credential for a CredentialResponse: an SD-JWT
// VC (format dc+sd-jwt) or a compact QR text (cityid-qr) as a JSON string, a
// W3C credential (ldp_vc) as the JSON object itself.
func NewIssuedCredential(format string, data []byte) (IssuedCredential, error) {
	switch format {
	case FormatCompactQR:
		if !IsCompactQRText(string(data)) {
			return IssuedCredential{}, fmt.Errorf("oid4vci: a %s credential must be a CID text of QR alphanumeric characters", FormatCompactQR)
		}
		raw, err := json.Marshal(string(data))
		if err != nil {
			return IssuedCredential{}, fmt.Errorf("oid4vci: encoding the %s credential: %w", FormatCompactQR, err)
		}
		return IssuedCredential{Credential: raw}, nil
	case FormatSDJWT:
		s := string(data)
		if s == "" || strings.ContainsAny(s, " \t\r\n\"") {
			return IssuedCredential{}, fmt.Errorf("oid4vci: an SD-JWT VC must be a compact serialization without spaces or quotes")
		}
		raw, err := json.Marshal(s)
		if err != nil {
			return IssuedCredential{}, fmt.Errorf("oid4vci: encoding the SD-JWT VC: %w", err)
		}
		return IssuedCredential{Credential: raw}, nil
	case FormatLDP:
		if _, err := credential.DecodeJSON(data); err != nil {
			return IssuedCredential{}, fmt.Errorf("oid4vci: an ldp_vc credential must be one JSON object: %w", err)
		}
		var buf bytes.Buffer
		if err := json.Compact(&buf, data); err != nil {
			return IssuedCredential{}, fmt.Errorf("oid4vci: an ldp_vc credential must be one JSON object: %w", err)
		}
		return IssuedCredential{Credential: buf.Bytes()}, nil
	}
	return IssuedCredential{}, fmt.Errorf("oid4vci: unknown credential format %q", format)
}

// Bytes returns the credential: the SD-JWT VC string's bytes, or the JSON
// object of a W3C credential.
func (c IssuedCredential) Bytes() ([]byte, error) {
	raw := bytes.TrimSpace(c.Credential)
	switch {
	case len(raw) > 0 && raw[0] == '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil || s == "" {
			return nil, fmt.Errorf("%w: the credential is not a valid JSON string", ErrProtocol)
		}
		return []byte(s), nil
	case len(raw) > 0 && raw[0] == '{':
		if _, err := credential.DecodeJSON(raw); err != nil {
			return nil, fmt.Errorf("%w: the credential object: %v", ErrProtocol, err)
		}
		return append([]byte(nil), raw...), nil
	}
	return nil, fmt.Errorf("%w: the credential is neither a string nor a JSON object", ErrProtocol)
}

// BearerToken extracts the access token from an Authorization header value
// of the Bearer scheme (RFC 6750 §2.1). It reports false when the header is
// empty, uses another scheme or does not hold a b64token.
func BearerToken(authorization string) (string, bool) {
	scheme, token, ok := strings.Cut(authorization, " ")
	if !ok || !strings.EqualFold(scheme, TokenTypeBearer) {
		return "", false
	}
	token = strings.TrimLeft(token, " ")
	if len(token) > maxCodeLength || !isB64Token(token) {
		return "", false
	}
	return token, true
}
