package credential

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cityid/cityid/schemas"
)

// MaxSize is the largest credential or presentation the core parses.
// City credentials are a few kilobytes; anything far larger is refused
// before it is parsed.
const MaxSize = 256 << 10

// Format names a form a credential or presentation travels in.
type Format string

// The supported forms.
const (
	// FormatLDP is a W3C VC (or VP) as JSON-LD secured with a Data Integrity proof.
	FormatLDP Format = "ldp_vc"
	// FormatLDPPresentation is a W3C Verifiable Presentation with a Data Integrity proof.
	FormatLDPPresentation Format = "ldp_vp"
	// FormatSDJWT is an SD-JWT VC (RFC 9901 with the SD-JWT VC profile).
	FormatSDJWT Format = "dc+sd-jwt"
	// FormatQR is cityid's compact QR form (docs/compact-qr.md): a
	// holder-bound presentation or a paper credential.
	FormatQR Format = "cityid-qr"
	// FormatUnknown is input that is none of the above.
	FormatUnknown Format = ""
)

// Errors a caller can name.
var (
	ErrTooLarge  = fmt.Errorf("input is larger than %d bytes", MaxSize)
	ErrMalformed = errors.New("malformed credential")
)

// Detect tells which form data is in, by its shape alone (no verification).
func Detect(data []byte) Format {
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return FormatUnknown
	}
	if data[0] == '{' {
		var probe struct {
			Type json.RawMessage `json:"type"`
		}
		if json.Unmarshal(data, &probe) != nil {
			return FormatLDP // JSON, but broken: parsing will say where
		}
		types, _ := stringOrList(probe.Type)
		for _, t := range types {
			if t == "VerifiablePresentation" {
				return FormatLDPPresentation
			}
		}
		return FormatLDP
	}
	// An SD-JWT: a JWS in compact form followed by '~'-separated disclosures.
	if bytes.Count(data, []byte{'.'}) >= 2 && bytes.IndexByte(data, '~') > 0 {
		return FormatSDJWT
	}
	return FormatUnknown
}

// Credential is a parsed W3C VC 2.0 (or legacy 1.1) credential: the fields
// every part of cityid reads, plus the whole document for proof checking.
type Credential struct {
	Contexts   []string
	ID         string
	Types      []string
	Issuer     string
	ValidFrom  *time.Time
	ValidUntil *time.Time
	// Subject is the first (for city credentials: the only) credentialSubject.
	Subject map[string]any
	// Status holds the credentialStatus entries, if any.
	Status []map[string]any
	// Document is the whole JSON object, proof included.
	Document map[string]any
}

// IsV2 reports whether the credential uses the VC Data Model 2.0 context.
func (c *Credential) IsV2() bool {
	return len(c.Contexts) > 0 && c.Contexts[0] == schemas.CredentialsV2URL
}

// SubjectID returns the credentialSubject id (the holder's DID), if any.
func (c *Credential) SubjectID() string {
	id, _ := c.Subject["id"].(string)
	return id
}

// CityType returns the first type that is not VerifiableCredential.
func (c *Credential) CityType() string {
	for _, t := range c.Types {
		if t != "VerifiableCredential" {
			return t
		}
	}
	return ""
}

// DecodeJSON decodes a JSON object with the core's limits: at most MaxSize
// bytes, one object, no duplicate member names at any depth (a duplicate can
// make two parsers read two different credentials from the same bytes).
func DecodeJSON(data []byte) (map[string]any, error) {
	if len(data) > MaxSize {
		return nil, ErrTooLarge
	}
	if err := checkDuplicateKeys(data); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("%w: not a JSON object: %v", ErrMalformed, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: trailing data after the JSON object", ErrMalformed)
	}
	if doc == nil {
		return nil, fmt.Errorf("%w: not a JSON object", ErrMalformed)
	}
	return doc, nil
}

// Parse decodes and checks the shape of a JSON credential (no proof check).
func Parse(data []byte) (*Credential, error) {
	doc, err := DecodeJSON(data)
	if err != nil {
		return nil, err
	}
	return FromDocument(doc)
}

// FromDocument checks the shape of a decoded credential document.
func FromDocument(doc map[string]any) (*Credential, error) {
	c := &Credential{Document: doc}
	var err error
	if c.Contexts, err = contextList(doc["@context"]); err != nil {
		return nil, err
	}
	first := c.Contexts[0]
	if first != schemas.CredentialsV2URL && first != schemas.CredentialsV1URL {
		return nil, fmt.Errorf("%w: @context must start with %s, found %q", ErrMalformed, schemas.CredentialsV2URL, first)
	}
	if id, ok := doc["id"]; ok {
		if c.ID, ok = id.(string); !ok || c.ID == "" {
			return nil, fmt.Errorf("%w: id must be a URL string", ErrMalformed)
		}
	}
	if c.Types, err = anyStrings(doc["type"]); err != nil || !contains(c.Types, "VerifiableCredential") {
		return nil, fmt.Errorf("%w: type must list VerifiableCredential", ErrMalformed)
	}
	if c.Issuer, err = IDOf(doc["issuer"]); err != nil {
		return nil, fmt.Errorf("%w: issuer: %v", ErrMalformed, err)
	}
	validFromKey, validUntilKey := "validFrom", "validUntil"
	if !c.IsV2() {
		validFromKey, validUntilKey = "issuanceDate", "expirationDate"
	}
	if c.ValidFrom, err = optionalTime(doc, validFromKey); err != nil {
		return nil, err
	}
	if c.ValidUntil, err = optionalTime(doc, validUntilKey); err != nil {
		return nil, err
	}
	switch s := doc["credentialSubject"].(type) {
	case map[string]any:
		c.Subject = s
	case []any:
		if len(s) == 0 {
			return nil, fmt.Errorf("%w: credentialSubject is empty", ErrMalformed)
		}
		m, ok := s[0].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%w: credentialSubject must be an object", ErrMalformed)
		}
		c.Subject = m
	default:
		return nil, fmt.Errorf("%w: credentialSubject is missing", ErrMalformed)
	}
	switch s := doc["credentialStatus"].(type) {
	case nil:
	case map[string]any:
		c.Status = []map[string]any{s}
	case []any:
		for _, e := range s {
			m, ok := e.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("%w: credentialStatus entries must be objects", ErrMalformed)
			}
			c.Status = append(c.Status, m)
		}
	default:
		return nil, fmt.Errorf("%w: credentialStatus must be an object or a list", ErrMalformed)
	}
	return c, nil
}

// IDOf returns the id of a value that is a URL string or an object with id
// (the two shapes VC 2.0 allows for issuer and holder).
func IDOf(v any) (string, error) {
	switch x := v.(type) {
	case string:
		if x != "" && strings.Contains(x, ":") {
			return x, nil
		}
	case map[string]any:
		if id, ok := x["id"].(string); ok && strings.Contains(id, ":") {
			return id, nil
		}
	case nil:
		return "", errors.New("missing")
	}
	return "", errors.New("must be a URL or an object with a URL id")
}

// ParseTime parses an XML Schema dateTime as VC 2.0 requires it (RFC 3339,
// with a time zone).
func ParseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date-time like 2026-01-31T09:00:00Z", s)
	}
	return t, nil
}

func optionalTime(doc map[string]any, key string) (*time.Time, error) {
	v, ok := doc[key]
	if !ok {
		return nil, nil
	}
	s, ok := v.(string)
	if !ok {
		return nil, fmt.Errorf("%w: %s must be a date-time string", ErrMalformed, key)
	}
	t, err := ParseTime(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrMalformed, key, err)
	}
	return &t, nil
}

func contextList(v any) ([]string, error) {
	var out []string
	switch x := v.(type) {
	case string:
		out = []string{x}
	case []any:
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("%w: @context entries must be URLs (embedded context objects are not accepted)", ErrMalformed)
			}
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: @context is missing", ErrMalformed)
	}
	return out, nil
}

func anyStrings(v any) ([]string, error) {
	switch x := v.(type) {
	case string:
		return []string{x}, nil
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, errors.New("not a string")
			}
			out = append(out, s)
		}
		return out, nil
	}
	return nil, errors.New("missing")
}

func stringOrList(raw json.RawMessage) ([]string, error) {
	var v any
	if len(raw) == 0 || json.Unmarshal(raw, &v) != nil {
		return nil, errors.New("missing")
	}
	return anyStrings(v)
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}
