package oid4vci

import (
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/cityid/cityid/credential"
)

// Size limits for offers. A QR code holds under 3 KB, so an offer URI of
// 8 KiB is already generous; an offer fetched by reference may be larger.
const (
	MaxOfferURILength = 8 << 10
	MaxOfferSize      = 64 << 10
)

// Limits inside an offer.
const (
	maxConfigurationIDs  = 64
	maxTxCodeDescription = 300 // characters, set by the specification
)

// ParseOfferURI parses a credential offer URI
// (openid-credential-offer://?credential_offer=...) and validates the offer
// it carries by value. It never fetches anything: for an offer sent by
// reference (credential_offer_uri) it returns an [*OfferReferenceError]
// naming the https URL; [Client.ResolveOffer] fetches it on request.
// Errors wrap [ErrInvalidOffer], [ErrOfferByReference] or [ErrTooLarge].
func ParseOfferURI(uri string) (*CredentialOffer, error) {
	if len(uri) > MaxOfferURILength {
		return nil, fmt.Errorf("oid4vci: %w: the offer URI is longer than %d bytes", ErrTooLarge, MaxOfferURILength)
	}
	u, err := url.Parse(uri)
	if err != nil {
		return nil, fmt.Errorf("oid4vci: %w: not a URI: %v", ErrInvalidOffer, err)
	}
	if !strings.EqualFold(u.Scheme, OfferScheme) {
		return nil, fmt.Errorf("oid4vci: %w: the URI scheme is %q, want %s://", ErrInvalidOffer, u.Scheme, OfferScheme)
	}
	if u.Fragment != "" || u.User != nil {
		return nil, fmt.Errorf("oid4vci: %w: the offer URI has a fragment or user information", ErrInvalidOffer)
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return nil, fmt.Errorf("oid4vci: %w: the query is malformed: %v", ErrInvalidOffer, err)
	}
	byValue, byRef := q["credential_offer"], q["credential_offer_uri"]
	switch {
	case len(byValue) > 0 && len(byRef) > 0:
		return nil, fmt.Errorf("oid4vci: %w: credential_offer and credential_offer_uri must not both be present", ErrInvalidOffer)
	case len(byValue) > 1 || len(byRef) > 1:
		return nil, fmt.Errorf("oid4vci: %w: the offer parameter appears more than once", ErrInvalidOffer)
	case len(byRef) == 1:
		if err := checkURL(byRef[0], true); err != nil {
			return nil, fmt.Errorf("oid4vci: %w: credential_offer_uri: %v", ErrInvalidOffer, err)
		}
		return nil, &OfferReferenceError{URL: byRef[0]}
	case len(byValue) == 0:
		return nil, fmt.Errorf("oid4vci: %w: the URI has neither credential_offer nor credential_offer_uri", ErrInvalidOffer)
	}
	return ParseOffer([]byte(byValue[0]))
}

// ParseOffer parses and validates a credential offer object (JSON) of at
// most [MaxOfferSize] bytes. Unknown members are ignored; duplicate members
// are refused.
func ParseOffer(data []byte) (*CredentialOffer, error) {
	if len(data) > MaxOfferSize {
		return nil, fmt.Errorf("oid4vci: %w: the offer is larger than %d bytes", ErrTooLarge, MaxOfferSize)
	}
	if _, err := credential.DecodeJSON(data); err != nil {
		return nil, fmt.Errorf("oid4vci: %w: %v", ErrInvalidOffer, err)
	}
	var o CredentialOffer
	if err := json.Unmarshal(data, &o); err != nil {
		return nil, fmt.Errorf("oid4vci: %w: %v", ErrInvalidOffer, err)
	}
	if err := o.Validate(); err != nil {
		return nil, err
	}
	return &o, nil
}

// Validate checks an offer against the specification: an https credential
// issuer URL (http only on a loopback host) without query or fragment, a
// non-empty list of unique configuration ids, and a well-formed
// pre-authorized code grant if present. Errors wrap [ErrInvalidOffer].
func (o *CredentialOffer) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("oid4vci: %w: %s", ErrInvalidOffer, fmt.Sprintf(format, args...))
	}
	if err := CheckIssuerIdentifier(o.CredentialIssuer); err != nil {
		return bad("credential_issuer: %v", err)
	}
	ids := o.CredentialConfigurationIDs
	if len(ids) == 0 {
		return bad("credential_configuration_ids is missing or empty")
	}
	if len(ids) > maxConfigurationIDs {
		return bad("more than %d credential_configuration_ids", maxConfigurationIDs)
	}
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		switch {
		case id == "":
			return bad("credential_configuration_ids holds an empty string")
		case len(id) > maxIDLength:
			return bad("a credential configuration id is longer than %d bytes", maxIDLength)
		case seen[id]:
			return bad("credential configuration id %q is listed twice", id)
		}
		seen[id] = true
	}
	if o.Grants == nil || o.Grants.PreAuthorizedCode == nil {
		return nil
	}
	g := o.Grants.PreAuthorizedCode
	switch {
	case g.PreAuthorizedCode == "":
		return bad("the pre-authorized code grant has no pre-authorized_code")
	case len(g.PreAuthorizedCode) > maxCodeLength:
		return bad("pre-authorized_code is longer than %d bytes", maxCodeLength)
	}
	if tx := g.TxCode; tx != nil {
		switch {
		case tx.InputMode != "" && tx.InputMode != InputModeNumeric && tx.InputMode != InputModeText:
			return bad("tx_code input_mode %q is neither numeric nor text", tx.InputMode)
		case tx.Length < 0 || tx.Length > maxTxCodeLength:
			return bad("tx_code length %d is out of range (1 to %d, or absent)", tx.Length, maxTxCodeLength)
		case utf8.RuneCountInString(tx.Description) > maxTxCodeDescription:
			return bad("tx_code description is longer than %d characters", maxTxCodeDescription)
		}
	}
	return nil
}

// URI returns the offer as an openid-credential-offer:// URI carrying the
// offer by value, to show as a QR code or link.
func (o *CredentialOffer) URI() string {
	b, err := json.Marshal(o)
	if err != nil {
		// Only strings, slices and pointers to plain structs: cannot fail.
		panic("oid4vci: encoding a credential offer: " + err.Error())
	}
	return OfferScheme + "://?" + url.Values{"credential_offer": {string(b)}}.Encode()
}

// PreAuthorized returns the offer's pre-authorized code grant, or nil.
func (o *CredentialOffer) PreAuthorized() *PreAuthorizedCodeGrant {
	if o == nil || o.Grants == nil {
		return nil
	}
	return o.Grants.PreAuthorizedCode
}

// CheckTxCode tells whether code fits the transaction code the offer asks
// for: present exactly when asked, digits only in numeric mode, of the
// announced length. Errors wrap [ErrTxCode].
func (o *CredentialOffer) CheckTxCode(code string) error {
	g := o.PreAuthorized()
	if g == nil {
		return fmt.Errorf("oid4vci: %w: the offer has no pre-authorized code grant", ErrTxCode)
	}
	if g.TxCode == nil {
		if code != "" {
			return fmt.Errorf("oid4vci: %w: the offer asks for no transaction code", ErrTxCode)
		}
		return nil
	}
	tx := g.TxCode
	switch {
	case code == "":
		return fmt.Errorf("oid4vci: %w: the offer asks for a transaction code (%s)", ErrTxCode, orDefault(tx.Description, "ask the issuer"))
	case len(code) > maxTxCodeLength:
		return fmt.Errorf("oid4vci: %w: the transaction code is longer than %d bytes", ErrTxCode, maxTxCodeLength)
	case tx.Length > 0 && utf8.RuneCountInString(code) != tx.Length:
		return fmt.Errorf("oid4vci: %w: the transaction code must have %d characters", ErrTxCode, tx.Length)
	case tx.InputMode != InputModeText && strings.Trim(code, "0123456789") != "":
		return fmt.Errorf("oid4vci: %w: the transaction code must be digits only", ErrTxCode)
	}
	return nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// CheckIssuerIdentifier checks a credential issuer identifier: an absolute
// https URL with a host and no query, fragment or user information. Plain
// http is allowed only for a loopback host (localhost, 127.0.0.0/8, ::1),
// for tests and local development.
func CheckIssuerIdentifier(s string) error {
	if err := checkURL(s, false); err != nil {
		return err
	}
	u, _ := url.Parse(s)
	if u.RawQuery != "" || u.ForceQuery {
		return fmt.Errorf("%q has a query component", s)
	}
	return nil
}

// checkURL checks an https URL (http on loopback only) without fragment or
// user information; a query is allowed. httpsOnly refuses loopback http.
func checkURL(s string, httpsOnly bool) error {
	if s == "" {
		return fmt.Errorf("the URL is empty")
	}
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("%q is not a URL: %v", s, err)
	}
	switch {
	case u.Opaque != "" || u.Host == "":
		return fmt.Errorf("%q is not an absolute URL with a host", s)
	case u.User != nil:
		return fmt.Errorf("%q carries user information", s)
	case u.Fragment != "" || strings.Contains(s, "#"):
		return fmt.Errorf("%q has a fragment", s)
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && !httpsOnly && isLoopback(u.Hostname()):
		return nil
	}
	return fmt.Errorf("%q must use https", s)
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// WellKnownURL returns the URL of a well-known document for an issuer
// identifier, inserting wellKnown (e.g. [WellKnownCredentialIssuer]) between
// the host and the path: https://h/tenant gives
// https://h/.well-known/openid-credential-issuer/tenant.
func WellKnownURL(issuer, wellKnown string) (string, error) {
	if err := CheckIssuerIdentifier(issuer); err != nil {
		return "", err
	}
	u, _ := url.Parse(issuer)
	path := strings.TrimSuffix(u.EscapedPath(), "/")
	return u.Scheme + "://" + u.Host + wellKnown + path, nil
}
