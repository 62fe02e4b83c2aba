package oid4vci

import (
	"bytes"
	"context"
	"crypto"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/cityid/cityid/credential"
)

// MaxResponseSize bounds every response body the Client reads: metadata,
// tokens, nonces and credentials (whose own limit is the same,
// [credential.MaxSize]).
const MaxResponseSize = credential.MaxSize

// Client runs the pre-authorized code flow for a wallet. The zero value is
// ready to use.
type Client struct {
	// HTTP sends the requests. Nil means a client with a 30-second timeout
	// that follows no redirect (a redirect is reported as an error, so a
	// pre-authorized code or access token never travels to another URL).
	HTTP *http.Client
}

var defaultHTTP = &http.Client{
	Timeout: 30 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	},
}

func (c *Client) http() *http.Client {
	if c == nil || c.HTTP == nil {
		return defaultHTTP
	}
	return c.HTTP
}

// ResolveOffer parses an offer URI like [ParseOfferURI] and, when the offer
// is sent by reference, fetches it from its https credential_offer_uri
// (application/json, at most [MaxOfferSize] bytes).
func (c *Client) ResolveOffer(ctx context.Context, uri string) (*CredentialOffer, error) {
	offer, err := ParseOfferURI(uri)
	var ref *OfferReferenceError
	if !errors.As(err, &ref) {
		return offer, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, ref.URL, nil)
	if err != nil {
		return nil, fmt.Errorf("oid4vci: credential_offer_uri: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	body, err := c.send(req, "credential offer "+ref.URL, MaxOfferSize)
	if err != nil {
		return nil, err
	}
	return ParseOffer(body)
}

// FetchIssuerMetadata fetches the credential issuer metadata of issuer from
// its well-known URL and checks that it describes that very issuer, with
// https endpoints (http only on loopback) and at least one configuration.
func (c *Client) FetchIssuerMetadata(ctx context.Context, issuer string) (*IssuerMetadata, error) {
	u, err := WellKnownURL(issuer, WellKnownCredentialIssuer)
	if err != nil {
		return nil, fmt.Errorf("oid4vci: %w: credential issuer: %v", ErrInvalidOffer, err)
	}
	var md IssuerMetadata
	if err := c.getJSON(ctx, "credential issuer metadata "+u, u, &md); err != nil {
		return nil, err
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("oid4vci: %w: credential issuer metadata %s: %s", ErrProtocol, u, fmt.Sprintf(format, args...))
	}
	if md.CredentialIssuer != issuer {
		return nil, bad("it describes the issuer %q, not %q", md.CredentialIssuer, issuer)
	}
	if err := checkURL(md.CredentialEndpoint, false); err != nil {
		return nil, bad("credential_endpoint: %v", err)
	}
	if md.NonceEndpoint != "" {
		if err := checkURL(md.NonceEndpoint, false); err != nil {
			return nil, bad("nonce_endpoint: %v", err)
		}
	}
	if len(md.CredentialConfigurationsSupported) == 0 {
		return nil, bad("credential_configurations_supported is empty")
	}
	return &md, nil
}

// FetchAuthorizationServerMetadata fetches the RFC 8414 metadata of an
// authorization server and checks its issuer and token endpoint.
func (c *Client) FetchAuthorizationServerMetadata(ctx context.Context, server string) (*AuthorizationServerMetadata, error) {
	u, err := WellKnownURL(server, WellKnownAuthorizationServer)
	if err != nil {
		return nil, fmt.Errorf("oid4vci: %w: authorization server: %v", ErrProtocol, err)
	}
	var md AuthorizationServerMetadata
	if err := c.getJSON(ctx, "authorization server metadata "+u, u, &md); err != nil {
		return nil, err
	}
	if md.Issuer != server {
		return nil, fmt.Errorf("oid4vci: %w: authorization server metadata %s describes %q, not %q", ErrProtocol, u, md.Issuer, server)
	}
	if err := checkURL(md.TokenEndpoint, false); err != nil {
		return nil, fmt.Errorf("oid4vci: %w: authorization server metadata %s: token_endpoint: %v", ErrProtocol, u, err)
	}
	return &md, nil
}

// Receive redeems a credential offer and returns the credential bound to
// holder's did:key: the SD-JWT VC string's bytes (dc+sd-jwt), the JSON
// object (ldp_vc) or the "CID1:" text (cityid-qr). configurationID picks
// one of the offer's configurations and may be empty when the offer has only
// one. txCode is the transaction code the user was given, empty when the
// offer asks for none.
//
// It fetches the issuer and authorization server metadata, sends the token
// request (grant type pre-authorized_code with tx_code), fetches a c_nonce
// and sends the credential request with a proof JWT. If the issuer answers
// invalid_nonce it fetches a fresh nonce and tries once more. A server's
// error response is returned as an [*Error] carrying its error code.
//
// The pre-authorized code works once: to receive several configurations of
// one offer, use [Client.ReceiveAll].
func (c *Client) Receive(ctx context.Context, offer *CredentialOffer, txCode string, holder crypto.Signer, configurationID string) ([]byte, error) {
	if offer == nil {
		return nil, fmt.Errorf("oid4vci: %w: no offer", ErrInvalidOffer)
	}
	if err := offer.Validate(); err != nil {
		return nil, err
	}
	id, err := pickConfiguration(offer, configurationID)
	if err != nil {
		return nil, err
	}
	got, err := c.ReceiveAll(ctx, offer, txCode, holder, id)
	if err != nil {
		return nil, err
	}
	return got[0].Credential, got[0].Err
}

func pickConfiguration(offer *CredentialOffer, id string) (string, error) {
	ids := offer.CredentialConfigurationIDs
	switch {
	case id == "" && len(ids) == 1:
		return ids[0], nil
	case id == "":
		return "", fmt.Errorf("oid4vci: the offer has %d configurations (%s); say which one to receive", len(ids), strings.Join(ids, ", "))
	case !slices.Contains(ids, id):
		return "", fmt.Errorf("oid4vci: configuration %q is not offered (the offer has %s)", id, strings.Join(ids, ", "))
	}
	return id, nil
}

// checkBinding checks that the configuration accepts a did:key holder and
// a jwt proof signed with alg, when its metadata says anything about them.
func checkBinding(conf CredentialConfiguration, alg string) error {
	if m := conf.CryptographicBindingMethodsSupported; len(m) > 0 && !slices.Contains(m, BindingDIDKey) {
		return fmt.Errorf("oid4vci: %w: the issuer binds this credential to %s, not to a did:key", ErrProtocol, strings.Join(m, ", "))
	}
	if len(conf.ProofTypesSupported) == 0 {
		return nil
	}
	jwt, ok := conf.ProofTypesSupported[ProofTypeJWT]
	if !ok {
		return fmt.Errorf("oid4vci: %w: the issuer accepts no jwt proof for this credential", ErrProtocol)
	}
	if algs := jwt.ProofSigningAlgValuesSupported; len(algs) > 0 && !slices.Contains(algs, alg) {
		return fmt.Errorf("oid4vci: %w: the issuer accepts proofs signed with %s, not %s", ErrProtocol, strings.Join(algs, ", "), alg)
	}
	return nil
}

func pickAuthorizationServer(md *IssuerMetadata, grant *PreAuthorizedCodeGrant) (string, error) {
	if len(md.AuthorizationServers) == 0 {
		if grant.AuthorizationServer != "" {
			return "", fmt.Errorf("oid4vci: %w: the offer names an authorization server but the issuer lists none", ErrInvalidOffer)
		}
		return md.CredentialIssuer, nil
	}
	if grant.AuthorizationServer == "" {
		return md.AuthorizationServers[0], nil
	}
	if !slices.Contains(md.AuthorizationServers, grant.AuthorizationServer) {
		return "", fmt.Errorf("oid4vci: %w: the offer's authorization server %q is not one of the issuer's", ErrInvalidOffer, grant.AuthorizationServer)
	}
	return grant.AuthorizationServer, nil
}

func (c *Client) requestToken(ctx context.Context, endpoint string, tr TokenRequest) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(tr.Form().Encode()))
	if err != nil {
		return "", fmt.Errorf("oid4vci: token endpoint: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	var resp TokenResponse
	if err := c.doJSON(req, "token endpoint "+endpoint, &resp); err != nil {
		return "", err
	}
	if !strings.EqualFold(resp.TokenType, TokenTypeBearer) {
		return "", fmt.Errorf("oid4vci: %w: token endpoint %s: token_type is %q, want Bearer", ErrProtocol, endpoint, resp.TokenType)
	}
	if !isB64Token(resp.AccessToken) || len(resp.AccessToken) > maxCodeLength {
		return "", fmt.Errorf("oid4vci: %w: token endpoint %s: access_token is missing or not a bearer token", ErrProtocol, endpoint)
	}
	return resp.AccessToken, nil
}

func (c *Client) requestNonce(ctx context.Context, endpoint string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, http.NoBody)
	if err != nil {
		return "", fmt.Errorf("oid4vci: nonce endpoint: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	var resp NonceResponse
	if err := c.doJSON(req, "nonce endpoint "+endpoint, &resp); err != nil {
		return "", err
	}
	if resp.CNonce == "" || len(resp.CNonce) > maxCodeLength {
		return "", fmt.Errorf("oid4vci: %w: nonce endpoint %s: c_nonce is missing or too long", ErrProtocol, endpoint)
	}
	return resp.CNonce, nil
}

func (c *Client) requestCredential(ctx context.Context, endpoint, token string, cr CredentialRequest) (*CredentialResponse, error) {
	body, err := json.Marshal(cr)
	if err != nil {
		return nil, fmt.Errorf("oid4vci: credential request: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("oid4vci: credential endpoint: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	var resp CredentialResponse
	if err := c.doJSON(req, "credential endpoint "+endpoint, &resp); err != nil {
		return nil, err
	}
	return &resp, nil
}

// credentialOf takes the one credential out of a response and checks that
// its JSON type fits the format.
func credentialOf(resp *CredentialResponse, format, endpoint string) ([]byte, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("oid4vci: %w: credential endpoint %s: %s", ErrProtocol, endpoint, fmt.Sprintf(format, args...))
	}
	switch {
	case resp.TransactionID != "":
		return nil, bad("the issuer deferred issuance (transaction_id), which cityid does not support")
	case len(resp.Credentials) != 1:
		return nil, bad("the response holds %d credentials, want 1", len(resp.Credentials))
	}
	raw := bytes.TrimSpace(resp.Credentials[0].Credential)
	switch {
	case (format == FormatSDJWT || format == FormatCompactQR) && (len(raw) == 0 || raw[0] != '"'):
		return nil, bad("a %s credential must be a string", format)
	case format == FormatLDP && (len(raw) == 0 || raw[0] != '{'):
		return nil, bad("a %s credential must be a JSON object", format)
	}
	b, err := resp.Credentials[0].Bytes()
	if err != nil {
		return nil, fmt.Errorf("oid4vci: credential endpoint %s: %w", endpoint, err)
	}
	if format == FormatCompactQR && !IsCompactQRText(string(b)) {
		return nil, bad("a %s credential must be a CID text of QR alphanumeric characters", format)
	}
	return b, nil
}

func (c *Client) getJSON(ctx context.Context, what, u string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return fmt.Errorf("oid4vci: %s: %w", what, err)
	}
	req.Header.Set("Accept", "application/json")
	return c.doJSON(req, what, out)
}

// doJSON sends req and decodes a 2xx application/json response into out.
func (c *Client) doJSON(req *http.Request, what string, out any) error {
	body, err := c.send(req, what, MaxResponseSize)
	if err != nil {
		return err
	}
	if _, err := credential.DecodeJSON(body); err != nil {
		return fmt.Errorf("oid4vci: %w: %s: %v", ErrProtocol, what, err)
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("oid4vci: %w: %s: %v", ErrProtocol, what, err)
	}
	return nil
}

// send performs req and returns a 2xx application/json body of at most max
// bytes. An error response becomes an [*Error] when it carries an error code.
func (c *Client) send(req *http.Request, what string, max int64) ([]byte, error) {
	resp, err := c.http().Do(req)
	if err != nil {
		return nil, fmt.Errorf("oid4vci: %s: %w", what, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		return nil, fmt.Errorf("oid4vci: %s: reading the response: %w", what, err)
	}
	if int64(len(body)) > max {
		return nil, fmt.Errorf("oid4vci: %w: %s: the response is larger than %d bytes", ErrTooLarge, what, max)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, responseError(resp, body, what)
	}
	mt, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return nil, fmt.Errorf("oid4vci: %w: %s: content type %q, want application/json", ErrProtocol, what, resp.Header.Get("Content-Type"))
	}
	return body, nil
}

// responseError turns an error response into an *Error, from its JSON body
// or, for a bare 401, from the WWW-Authenticate header.
func responseError(resp *http.Response, body []byte, what string) error {
	var e Error
	if json.Unmarshal(body, &e) == nil && e.Code != "" {
		return &Error{Code: SafeDescription(e.Code), Description: SafeDescription(e.Description), Status: resp.StatusCode, Endpoint: what}
	}
	if code := bearerErrorCode(resp.Header.Get("WWW-Authenticate")); code != "" {
		return &Error{Code: code, Status: resp.StatusCode, Endpoint: what}
	}
	return fmt.Errorf("oid4vci: %w: %s answered HTTP %d without an error code", ErrProtocol, what, resp.StatusCode)
}

// bearerErrorCode reads error="..." from a Bearer WWW-Authenticate header.
func bearerErrorCode(h string) string {
	_, after, ok := strings.Cut(h, `error="`)
	if !ok {
		return ""
	}
	code, _, ok := strings.Cut(after, `"`)
	if !ok {
		return ""
	}
	return SafeDescription(code)
}

// isB64Token reports whether s is an RFC 6750 b64token.
func isB64Token(s string) bool {
	if s == "" {
		return false
	}
	t := strings.TrimRight(s, "=")
	if t == "" {
		return false
	}
	for _, r := range t {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case strings.ContainsRune("-._~+/", r):
		default:
			return false
		}
	}
	return true
}
