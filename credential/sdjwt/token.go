package sdjwt

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Media types and algorithm names used on the wire.
const (
	// TypeSDJWTVC is the typ header of an SD-JWT VC per the current
	// draft-ietf-oauth-sd-jwt-vc (and what @sd-jwt/sd-jwt-vc 0.15 emits).
	TypeSDJWTVC = "dc+sd-jwt"
	// TypeSDJWTVCLegacy is the typ of earlier SD-JWT VC drafts; Verify still
	// accepts it.
	TypeSDJWTVCLegacy = "vc+sd-jwt"
	// TypeKeyBinding is the typ header of a Key Binding JWT (RFC 9901 §4.3).
	TypeKeyBinding = "kb+jwt"
	// HashSHA256 is the only _sd_alg this package produces or accepts.
	HashSHA256 = "sha-256"

	// AlgEdDSA and AlgES256 are the JWS algorithms this package supports.
	AlgEdDSA = "EdDSA"
	AlgES256 = "ES256"
)

// Input limits applied before any parsing.
const (
	// MaxTokenSize bounds the length of a serialized SD-JWT or SD-JWT+KB.
	MaxTokenSize = 64 << 10
	// MaxDisclosures bounds the number of disclosures in one token.
	MaxDisclosures = 256
	// maxDepth bounds the JSON nesting walked while processing digests.
	maxDepth = 32
)

// Claim names with a fixed meaning.
const (
	claimSD    = "_sd"
	claimSDAlg = "_sd_alg"
	claimDots  = "..."
)

// neverDisclosable lists the SD-JWT VC claims that must stay in the clear
// (draft-ietf-oauth-sd-jwt-vc, "Registered JWT Claims"). A verifier rejects a
// disclosure that would set one of them at the top level.
var neverDisclosable = map[string]bool{
	"iss": true, "nbf": true, "exp": true, "cnf": true,
	"vct": true, "vct#integrity": true, "status": true,
}

// Token is an SD-JWT or SD-JWT+KB split into its parts and decoded, with no
// check of any signature or digest. Only ParseUnverifiedUnsafe creates one.
type Token struct {
	// JWT is the compact issuer-signed JWT, exactly as received.
	JWT string
	// Header is the decoded JOSE header of the issuer-signed JWT.
	Header map[string]any
	// Payload is the decoded issuer-signed payload, digests and all.
	Payload map[string]any
	// Disclosures are the disclosures in the order received.
	Disclosures []Disclosure
	// KeyBinding is the compact Key Binding JWT, or "" when absent.
	KeyBinding string
}

// Disclosure is one decoded disclosure (RFC 9901 §4.2).
type Disclosure struct {
	// Raw is the base64url string as it appears in the token.
	Raw string
	// Digest is base64url(SHA-256(Raw)), the value the payload refers to.
	Digest string
	// Salt is the disclosure's salt.
	Salt string
	// Name is the claim name; empty for an array element.
	Name string
	// ArrayElement reports a two-element (salt, value) disclosure.
	ArrayElement bool
	// Value is the disclosed claim value.
	Value any
}

// ParseUnverifiedUnsafe splits and decodes an SD-JWT or SD-JWT+KB without
// verifying the issuer signature, the disclosure digests or the key binding.
// Use it to display a credential or to read iss and kid before calling
// Verify; never base a decision on what it returns.
func ParseUnverifiedUnsafe(s string) (*Token, error) {
	p, err := split(s)
	if err != nil {
		return nil, err
	}
	t := &Token{JWT: p.jwt, KeyBinding: p.kb}
	hdr, payload, err := decodeCompact(p.jwt, "issuer-signed JWT")
	if err != nil {
		return nil, err
	}
	if err := decodeJSON(hdr, &t.Header); err != nil || t.Header == nil {
		return nil, fmt.Errorf("%w: issuer-signed JWT header is not a JSON object", ErrMalformed)
	}
	if err := decodeJSON(payload, &t.Payload); err != nil || t.Payload == nil {
		return nil, fmt.Errorf("%w: issuer-signed JWT payload is not a JSON object", ErrMalformed)
	}
	if p.kb != "" {
		if _, _, err := decodeCompact(p.kb, "key binding JWT"); err != nil {
			return nil, err
		}
	}
	t.Disclosures = make([]Disclosure, len(p.disclosures))
	for i, raw := range p.disclosures {
		d, err := parseDisclosure(raw)
		if err != nil {
			return nil, err
		}
		t.Disclosures[i] = *d
	}
	return t, nil
}

// Serialize returns the token in compact form: the issuer-signed JWT, each
// disclosure followed by '~', then the Key Binding JWT (or nothing).
func (t *Token) Serialize() string {
	var b strings.Builder
	b.WriteString(t.JWT)
	b.WriteByte('~')
	for _, d := range t.Disclosures {
		b.WriteString(d.Raw)
		b.WriteByte('~')
	}
	b.WriteString(t.KeyBinding)
	return b.String()
}

// UnverifiedClaims applies the token's disclosures to its payload as a
// verifier would (RFC 9901 §7.1 step 3), without checking any signature or
// validity time. It returns the processed claims and the paths of the
// disclosed claims. Like everything on Token, the result is unverified.
func (t *Token) UnverifiedClaims() (map[string]any, []string, error) {
	p, err := split(t.Serialize())
	if err != nil {
		return nil, nil, err
	}
	_, payload, err := decodeCompact(p.jwt, "issuer-signed JWT")
	if err != nil {
		return nil, nil, err
	}
	var claims map[string]any
	if err := decodeJSON(payload, &claims); err != nil || claims == nil {
		return nil, nil, fmt.Errorf("%w: issuer-signed JWT payload is not a JSON object", ErrMalformed)
	}
	pr, err := process(claims, p.disclosures)
	if err != nil {
		return nil, nil, err
	}
	return claims, pr.disclosedPaths(), nil
}

// parts is a compact SD-JWT split at its '~' separators.
type parts struct {
	jwt         string
	disclosures []string
	kb          string
	// presented is everything up to and including the last '~': the input
	// of the Key Binding JWT's sd_hash (RFC 9901 §4.3.1).
	presented string
}

// split separates a compact SD-JWT (RFC 9901 §4) into its parts and checks
// the ABNF shape of each: base64url characters only, three-part JWTs.
func split(s string) (*parts, error) {
	if len(s) > MaxTokenSize {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(s), MaxTokenSize)
	}
	first := strings.IndexByte(s, '~')
	if first < 0 {
		return nil, fmt.Errorf("%w: no '~' separator; a bare JWT is not an SD-JWT", ErrMalformed)
	}
	last := strings.LastIndexByte(s, '~')
	p := &parts{jwt: s[:first], kb: s[last+1:], presented: s[:last+1]}
	if err := checkJWTShape(p.jwt, "issuer-signed JWT"); err != nil {
		return nil, err
	}
	if p.kb != "" {
		if err := checkJWTShape(p.kb, "key binding JWT"); err != nil {
			return nil, err
		}
	}
	if last > first {
		middle := s[first+1 : last]
		n := strings.Count(middle, "~") + 1
		if n > MaxDisclosures {
			return nil, fmt.Errorf("%w: %d disclosures, limit %d", ErrTooLarge, n, MaxDisclosures)
		}
		p.disclosures = strings.Split(middle, "~")
		for i, d := range p.disclosures {
			if d == "" {
				return nil, fmt.Errorf("%w: disclosure %d is empty ('~~')", ErrMalformed, i+1)
			}
			if !isBase64URL(d) {
				return nil, fmt.Errorf("%w: disclosure %d is not base64url", ErrMalformed, i+1)
			}
		}
	}
	return p, nil
}

// checkJWTShape checks "BASE64URL.BASE64URL.BASE64URL" (RFC 9901 ABNF).
func checkJWTShape(jwt, what string) error {
	segs := strings.Split(jwt, ".")
	if len(segs) != 3 {
		return fmt.Errorf("%w: %s has %d dot-separated parts, want 3", ErrMalformed, what, len(segs))
	}
	for i, seg := range segs {
		if seg == "" || !isBase64URL(seg) {
			return fmt.Errorf("%w: %s part %d is not base64url", ErrMalformed, what, i+1)
		}
	}
	return nil
}

func isBase64URL(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

var b64 = base64.RawURLEncoding.Strict()

// decodeCompact returns the decoded header and payload of a compact JWS.
func decodeCompact(jwt, what string) (header, payload []byte, err error) {
	h, rest, _ := strings.Cut(jwt, ".")
	pl, _, _ := strings.Cut(rest, ".")
	if header, err = b64.DecodeString(h); err != nil {
		return nil, nil, fmt.Errorf("%w: %s header: %v", ErrMalformed, what, err)
	}
	if payload, err = b64.DecodeString(pl); err != nil {
		return nil, nil, fmt.Errorf("%w: %s payload: %v", ErrMalformed, what, err)
	}
	return header, payload, nil
}

// decodeJSON decodes exactly one JSON value, keeping numbers as json.Number
// so that integers beyond 2^53 survive, and rejects trailing data.
func decodeJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("trailing data after JSON value")
	}
	return nil
}

// digestOf is base64url(SHA-256(ASCII bytes of s)) (RFC 9901 §4.2.3).
func digestOf(s string) string {
	sum := sha256.Sum256([]byte(s))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// parseDisclosure decodes one disclosure and checks its shape (RFC 9901
// §4.2.1, §4.2.2): [salt, name, value] or [salt, value], salt and name
// strings.
func parseDisclosure(raw string) (*Disclosure, error) {
	js, err := b64.DecodeString(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: disclosure %.16s...: not base64url: %v", ErrMalformed, raw, err)
	}
	var arr []any
	if err := decodeJSON(js, &arr); err != nil {
		return nil, fmt.Errorf("%w: disclosure %.16s...: not a JSON array: %v", ErrDisclosure, raw, err)
	}
	d := &Disclosure{Raw: raw, Digest: digestOf(raw)}
	var ok bool
	switch len(arr) {
	case 3:
		if d.Name, ok = arr[1].(string); !ok {
			return nil, fmt.Errorf("%w: disclosure %.16s...: claim name is not a string", ErrDisclosure, raw)
		}
		d.Value = arr[2]
	case 2:
		d.ArrayElement = true
		d.Value = arr[1]
	default:
		return nil, fmt.Errorf("%w: disclosure %.16s...: has %d elements, want 2 or 3", ErrDisclosure, raw, len(arr))
	}
	if d.Salt, ok = arr[0].(string); !ok {
		return nil, fmt.Errorf("%w: disclosure %.16s...: salt is not a string", ErrDisclosure, raw)
	}
	return d, nil
}
