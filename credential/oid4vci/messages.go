package oid4vci

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// Protocol identifiers.
const (
	// GrantTypePreAuthorizedCode is the OAuth grant type of the
	// pre-authorized code flow.
	GrantTypePreAuthorizedCode = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
	// ProofTypeJWT is the jwt key proof type.
	ProofTypeJWT = "jwt"
	// ProofJWTType is the typ header of a jwt key proof.
	ProofJWTType = "openid4vci-proof+jwt"
	// OfferScheme is the URI scheme of a credential offer sent to a wallet.
	OfferScheme = "openid-credential-offer"
	// WellKnownCredentialIssuer is the well-known path of the credential
	// issuer metadata, inserted between host and path of the issuer URL.
	WellKnownCredentialIssuer = "/.well-known/openid-credential-issuer"
	// WellKnownAuthorizationServer is the RFC 8414 well-known path of the
	// authorization server metadata.
	WellKnownAuthorizationServer = "/.well-known/oauth-authorization-server"
	// BindingDIDKey is the cryptographic binding method of a did:key holder.
	BindingDIDKey = "did:key"
	// TokenTypeBearer is the only access token type cityid issues.
	TokenTypeBearer = "Bearer"
)

// Credential format identifiers.
const (
	FormatSDJWT = "dc+sd-jwt" // IETF SD-JWT VC
	FormatLDP   = "ldp_vc"    // W3C VC secured with Data Integrity
	// FormatCompactQR is cityid's compact QR form (docs/compact-qr.md), a
	// format identifier cityid defines: the credential is the stored
	// "CID1:" text (Base45 of CBOR signed with COSE) as a JSON string; the
	// configuration describes it with a credential_definition (@context and
	// type of the W3C credential it carries) and claims paths below
	// credentialSubject, like ldp_vc.
	FormatCompactQR = "cityid-qr"
)

// JWS algorithms accepted for key proofs.
const (
	AlgEdDSA = "EdDSA" // Ed25519
	AlgES256 = "ES256" // ECDSA P-256 with SHA-256
)

// Transaction code input modes.
const (
	InputModeNumeric = "numeric"
	InputModeText    = "text"
)

// Error codes of OAuth 2.0 (RFC 6749 §5.2), bearer tokens (RFC 6750 §3.1)
// and OpenID4VCI credential requests (§8.3.1.2).
const (
	CodeInvalidRequest                 = "invalid_request"
	CodeInvalidClient                  = "invalid_client"
	CodeInvalidGrant                   = "invalid_grant"
	CodeUnsupportedGrantType           = "unsupported_grant_type"
	CodeInvalidToken                   = "invalid_token"
	CodeInsufficientScope              = "insufficient_scope"
	CodeInvalidCredentialRequest       = "invalid_credential_request"
	CodeUnknownCredentialConfiguration = "unknown_credential_configuration"
	CodeUnknownCredentialIdentifier    = "unknown_credential_identifier"
	CodeInvalidProof                   = "invalid_proof"
	CodeInvalidNonce                   = "invalid_nonce"
	CodeInvalidEncryptionParameters    = "invalid_encryption_parameters"
	CodeCredentialRequestDenied        = "credential_request_denied"
	CodeServerError                    = "server_error"
)

// CredentialOffer is a credential offer (§4.1.1).
type CredentialOffer struct {
	CredentialIssuer           string   `json:"credential_issuer"`
	CredentialConfigurationIDs []string `json:"credential_configuration_ids"`
	Grants                     *Grants  `json:"grants,omitempty"`
}

// Grants lists the grant types an offer can be redeemed with.
type Grants struct {
	PreAuthorizedCode *PreAuthorizedCodeGrant `json:"urn:ietf:params:oauth:grant-type:pre-authorized_code,omitempty"`
	AuthorizationCode *AuthorizationCodeGrant `json:"authorization_code,omitempty"`
}

// PreAuthorizedCodeGrant is the pre-authorized code grant of an offer.
type PreAuthorizedCodeGrant struct {
	PreAuthorizedCode string `json:"pre-authorized_code"`
	// TxCode, when not nil (even empty), says the token request must carry
	// a transaction code.
	TxCode              *TxCode `json:"tx_code,omitempty"`
	AuthorizationServer string  `json:"authorization_server,omitempty"`
}

// AuthorizationCodeGrant is the authorization code grant of an offer; cityid
// does not run that flow but parses it.
type AuthorizationCodeGrant struct {
	IssuerState         string `json:"issuer_state,omitempty"`
	AuthorizationServer string `json:"authorization_server,omitempty"`
}

// TxCode describes the transaction code the wallet must ask the user for.
type TxCode struct {
	// InputMode is "numeric" (the default when empty) or "text".
	InputMode string `json:"input_mode,omitempty"`
	// Length is the number of characters; 0 when not told.
	Length int `json:"length,omitempty"`
	// Description tells the user where the code comes from (at most 300
	// characters).
	Description string `json:"description,omitempty"`
}

// IssuerMetadata is the credential issuer metadata (§12.2).
type IssuerMetadata struct {
	CredentialIssuer                  string                             `json:"credential_issuer"`
	AuthorizationServers              []string                           `json:"authorization_servers,omitempty"`
	CredentialEndpoint                string                             `json:"credential_endpoint"`
	NonceEndpoint                     string                             `json:"nonce_endpoint,omitempty"`
	Display                           []Display                          `json:"display,omitempty"`
	CredentialConfigurationsSupported map[string]CredentialConfiguration `json:"credential_configurations_supported"`
}

// Display holds display properties for one locale.
type Display struct {
	Name        string `json:"name,omitempty"`
	Locale      string `json:"locale,omitempty"`
	Description string `json:"description,omitempty"`
	Logo        *Logo  `json:"logo,omitempty"`
}

// Logo is a logo of the issuer or of a credential.
type Logo struct {
	URI     string `json:"uri"`
	AltText string `json:"alt_text,omitempty"`
}

// CredentialConfiguration describes one credential the issuer can issue.
type CredentialConfiguration struct {
	Format string `json:"format"`
	Scope  string `json:"scope,omitempty"`
	// VCT is the SD-JWT VC type (format dc+sd-jwt).
	VCT string `json:"vct,omitempty"`
	// CredentialDefinition describes a W3C credential (formats ldp_vc and
	// cityid-qr).
	CredentialDefinition                 *CredentialDefinition `json:"credential_definition,omitempty"`
	CredentialSigningAlgValuesSupported  AlgValues             `json:"credential_signing_alg_values_supported,omitempty"`
	CryptographicBindingMethodsSupported []string              `json:"cryptographic_binding_methods_supported,omitempty"`
	ProofTypesSupported                  map[string]ProofType  `json:"proof_types_supported,omitempty"`
	CredentialMetadata                   *CredentialMetadata   `json:"credential_metadata,omitempty"`
}

// CredentialDefinition is the W3C credential's @context and type.
type CredentialDefinition struct {
	Context []string `json:"@context,omitempty"`
	Type    []string `json:"type"`
}

// ProofType describes a supported key proof type.
type ProofType struct {
	ProofSigningAlgValuesSupported AlgValues `json:"proof_signing_alg_values_supported"`
}

// CredentialMetadata carries display information for a credential.
type CredentialMetadata struct {
	Display []Display          `json:"display,omitempty"`
	Claims  []ClaimDescription `json:"claims,omitempty"`
}

// ClaimDescription describes one claim for display (§13.2).
type ClaimDescription struct {
	// Path is a claims path pointer: strings, non-negative integers or nil.
	Path      []any     `json:"path"`
	Mandatory bool      `json:"mandatory,omitempty"`
	Display   []Display `json:"display,omitempty"`
}

// AlgValues is a list of algorithm identifiers. Most formats use strings;
// mso_mdoc uses numeric COSE identifiers, which are kept as decimal strings
// so that metadata of any issuer can be read.
type AlgValues []string

// UnmarshalJSON accepts strings and numbers.
func (a *AlgValues) UnmarshalJSON(b []byte) error {
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	out := make(AlgValues, 0, len(raw))
	for _, r := range raw {
		var s string
		if json.Unmarshal(r, &s) == nil {
			out = append(out, s)
			continue
		}
		var n json.Number
		if err := json.Unmarshal(r, &n); err != nil {
			return fmt.Errorf("algorithm identifier %s is neither a string nor a number", r)
		}
		if _, err := strconv.ParseInt(n.String(), 10, 64); err != nil {
			return fmt.Errorf("algorithm identifier %s is not an integer", r)
		}
		out = append(out, n.String())
	}
	*a = out
	return nil
}

// AuthorizationServerMetadata is the OAuth 2.0 authorization server
// metadata (RFC 8414) with the OpenID4VCI parameter for anonymous access.
type AuthorizationServerMetadata struct {
	Issuer                                     string   `json:"issuer"`
	TokenEndpoint                              string   `json:"token_endpoint"`
	GrantTypesSupported                        []string `json:"grant_types_supported,omitempty"`
	TokenEndpointAuthMethodsSupported          []string `json:"token_endpoint_auth_methods_supported,omitempty"`
	ResponseTypesSupported                     []string `json:"response_types_supported,omitempty"`
	PreAuthorizedGrantAnonymousAccessSupported bool     `json:"pre-authorized_grant_anonymous_access_supported"`
}

// TokenResponse is a successful token response (RFC 6749 §5.1).
type TokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	// ExpiresIn is the lifetime of the access token in seconds.
	ExpiresIn int64 `json:"expires_in,omitempty"`
}

// NonceResponse is the nonce endpoint's response (§7.2).
type NonceResponse struct {
	CNonce string `json:"c_nonce"`
}

// CredentialResponse is the credential endpoint's response (§8.3).
type CredentialResponse struct {
	Credentials    []IssuedCredential `json:"credentials,omitempty"`
	TransactionID  string             `json:"transaction_id,omitempty"`
	Interval       int64              `json:"interval,omitempty"`
	NotificationID string             `json:"notification_id,omitempty"`
}

// IssuedCredential is one element of CredentialResponse.Credentials: a
// string (SD-JWT VC, cityid-qr) or a JSON object (ldp_vc).
type IssuedCredential struct {
	Credential json.RawMessage `json:"credential"`
}
