package sdjwt

import (
	"crypto"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// KeyFunc returns the public key (ed25519.PublicKey or *ecdsa.PublicKey on
// P-256) that signs for issuer under kid. kid is
// the JOSE kid header; when it is relative ("#key-1") and the issuer is a
// DID it has already been made absolute. Verify has already checked that a
// DID URL kid belongs to issuer. The function must not fetch anything over
// the network while verifying (resolve from a trust bundle or cache).
type KeyFunc func(issuer, kid string) (crypto.PublicKey, error)

// DefaultMaxKeyBindingAge is the freshness window for a Key Binding JWT's
// iat when VerifyOptions.MaxKeyBindingAge is zero.
const DefaultMaxKeyBindingAge = 5 * time.Minute

// VerifyOptions is the verifier's policy. There are no defaults for what
// matters: an empty Algorithms list is an error, and RequireKeyBinding
// demands both Audience and Nonce.
type VerifyOptions struct {
	// Algorithms is the JWS algorithm allow-list for both the issuer JWT and
	// the Key Binding JWT; entries must be "EdDSA" and/or "ES256".
	Algorithms []string
	// Now is the verification time; zero means time.Now().
	Now time.Time
	// ClockSkew is the tolerance applied to exp, nbf and iat checks.
	ClockSkew time.Duration
	// RequireKeyBinding rejects presentations without a valid Key Binding
	// JWT. A Key Binding JWT that is present is always checked.
	RequireKeyBinding bool
	// Audience and Nonce are the expected aud and nonce of the Key Binding
	// JWT; required with RequireKeyBinding, and checked whenever set.
	Audience, Nonce string
	// MaxKeyBindingAge bounds how old the Key Binding JWT's iat may be;
	// zero means DefaultMaxKeyBindingAge.
	MaxKeyBindingAge time.Duration
}

// Verified is what Verify establishes about a presentation.
type Verified struct {
	// Issuer is iss; KeyID the (absolute) kid that verified the signature.
	Issuer, KeyID string
	// VCT is the credential type.
	VCT string
	// IssuedAt, Expiry and NotBefore are iat, exp and nbf when present.
	IssuedAt, Expiry, NotBefore *time.Time
	// Claims is the processed payload (RFC 9901 §7.1): plain claims plus
	// the disclosed ones, without _sd, _sd_alg or undisclosed array
	// elements. Numbers are json.Number.
	Claims map[string]any
	// Disclosed lists the paths of the claims revealed by disclosures,
	// sorted (e.g. "address", "address.locality", "nationalities.1").
	Disclosed []string
	// KeyBound reports a verified Key Binding JWT.
	KeyBound bool
	// HolderKey is the key from cnf.jwk, or nil.
	HolderKey crypto.PublicKey
	// Status is the status claim, or nil.
	Status map[string]any
}

// profile is what a token type demands beyond RFC 9901 itself.
type profile struct {
	types      []string
	requireVCT bool
}

// sdJWTVC is the SD-JWT VC profile Verify applies.
var sdJWTVC = profile{types: []string{TypeSDJWTVC, TypeSDJWTVCLegacy}, requireVCT: true}

// Verify checks an SD-JWT VC presentation (with or without Key Binding JWT)
// per RFC 9901 §7.1 and §7.3 and the SD-JWT VC profile, and returns its
// processed claims. Every failure wraps one of the package's sentinel
// errors.
func Verify(s string, keys KeyFunc, opts VerifyOptions) (*Verified, error) {
	return verify(s, keys, opts, sdJWTVC)
}

func verify(s string, keys KeyFunc, opts VerifyOptions, prof profile) (*Verified, error) {
	algs, err := opts.check(keys)
	if err != nil {
		return nil, err
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	p, err := split(s)
	if err != nil {
		return nil, err
	}

	// Issuer-signed JWT: alg allow-list, typ, issuer binding, signature.
	jws, err := jose.ParseSignedCompact(p.jwt, algs)
	if err != nil {
		return nil, joseParseError(err, "issuer-signed JWT")
	}
	hdr := jws.Signatures[0].Header
	if err := checkType(hdr, prof.types...); err != nil {
		return nil, err
	}
	var claims map[string]any
	if err := decodeJSON(jws.UnsafePayloadWithoutVerification(), &claims); err != nil || claims == nil {
		return nil, fmt.Errorf("%w: issuer-signed JWT payload is not a JSON object", ErrMalformed)
	}
	iss, ok := claims["iss"].(string)
	if !ok || iss == "" {
		return nil, fmt.Errorf("%w: iss is missing or not a string", ErrMalformed)
	}
	kid, err := bindKeyID(iss, hdr.KeyID)
	if err != nil {
		return nil, err
	}
	key, err := keys(iss, kid)
	if err != nil {
		return nil, fmt.Errorf("%w: issuer %q kid %q: %w", ErrKeyLookup, iss, kid, err)
	}
	if key == nil {
		return nil, fmt.Errorf("%w: issuer %q kid %q: no key", ErrKeyLookup, iss, kid)
	}
	if alg, err := algFor(key); err != nil {
		return nil, err
	} else if alg != hdr.Algorithm {
		return nil, fmt.Errorf("%w: header alg %s does not match the issuer's %s key", ErrAlgorithm, hdr.Algorithm, alg)
	}
	if _, err := jws.Verify(key); err != nil {
		return nil, fmt.Errorf("%w: issuer-signed JWT: %v", ErrSignature, err)
	}

	// Claims the profile fixes, read before disclosures can touch anything.
	v := &Verified{Issuer: iss, KeyID: kid}
	if v.VCT, err = optString(claims, "vct"); err != nil {
		return nil, err
	}
	if prof.requireVCT && v.VCT == "" {
		return nil, fmt.Errorf("%w: vct is missing", ErrMalformed)
	}
	if v.HolderKey, err = cnfKey(claims["cnf"]); err != nil {
		return nil, err
	}
	if st, ok := claims["status"]; ok {
		if v.Status, ok = st.(map[string]any); !ok {
			return nil, fmt.Errorf("%w: status is not an object", ErrMalformed)
		}
	}

	// Disclosures (RFC 9901 §7.1 step 3-5).
	pr, err := process(claims, p.disclosures)
	if err != nil {
		return nil, err
	}
	v.Claims, v.Disclosed = claims, pr.disclosedPaths()

	// Validity window (step 6), on the processed payload.
	if err := v.checkTimes(claims, now, opts.ClockSkew); err != nil {
		return nil, err
	}

	// Key binding (§7.3).
	switch {
	case p.kb == "" && opts.RequireKeyBinding:
		return nil, fmt.Errorf("%w: a key binding JWT is required but the presentation ends in '~'", ErrKeyBinding)
	case p.kb != "":
		if err := checkKeyBinding(p, v.HolderKey, algs, opts, now); err != nil {
			return nil, err
		}
		v.KeyBound = true
	}
	return v, nil
}

func (o *VerifyOptions) check(keys KeyFunc) ([]jose.SignatureAlgorithm, error) {
	if keys == nil {
		return nil, fmt.Errorf("%w: a KeyFunc is required", ErrOptions)
	}
	if len(o.Algorithms) == 0 {
		return nil, fmt.Errorf("%w: Algorithms allow-list is empty", ErrOptions)
	}
	algs := make([]jose.SignatureAlgorithm, 0, len(o.Algorithms))
	for _, a := range o.Algorithms {
		if a != AlgEdDSA && a != AlgES256 {
			return nil, fmt.Errorf("%w: %q cannot be allowed (supported: EdDSA, ES256)", ErrOptions, a)
		}
		algs = append(algs, jose.SignatureAlgorithm(a))
	}
	if o.RequireKeyBinding && (o.Audience == "" || o.Nonce == "") {
		return nil, fmt.Errorf("%w: RequireKeyBinding needs both Audience and Nonce", ErrOptions)
	}
	if o.ClockSkew < 0 || o.MaxKeyBindingAge < 0 {
		return nil, fmt.Errorf("%w: ClockSkew and MaxKeyBindingAge must not be negative", ErrOptions)
	}
	return algs, nil
}

// joseParseError classifies a go-jose parse failure.
func joseParseError(err error, what string) error {
	var unexpected *jose.ErrUnexpectedSignatureAlgorithm
	if errors.As(err, &unexpected) {
		return fmt.Errorf("%w: %s: %v", ErrAlgorithm, what, err)
	}
	return fmt.Errorf("%w: %s: %v", ErrMalformed, what, err)
}

// checkType compares the typ header with the wanted media types, which
// RFC 7515 §4.1.9 lets senders write with or without "application/" and
// compares case-insensitively.
func checkType(hdr jose.Header, want ...string) error {
	typ, _ := hdr.ExtraHeaders[jose.HeaderType].(string)
	norm := strings.ToLower(typ)
	norm = strings.TrimPrefix(norm, "application/")
	for _, w := range want {
		if norm == w {
			return nil
		}
	}
	return fmt.Errorf("%w: typ %q, want %s", ErrType, typ, strings.Join(want, " or "))
}

func optString(claims map[string]any, name string) (string, error) {
	v, ok := claims[name]
	if !ok {
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%w: %s is not a string", ErrMalformed, name)
	}
	return s, nil
}

// numericDate reads a NumericDate claim (RFC 7519 §2).
func numericDate(claims map[string]any, name string) (*time.Time, error) {
	v, ok := claims[name]
	if !ok {
		return nil, nil
	}
	n, ok := v.(json.Number)
	if !ok {
		return nil, fmt.Errorf("%w: %s is not a number", ErrMalformed, name)
	}
	var t time.Time
	if i, err := n.Int64(); err == nil {
		t = time.Unix(i, 0)
	} else if f, err := n.Float64(); err == nil && !math.IsInf(f, 0) && math.Abs(f) < 1e15 {
		sec, frac := math.Modf(f)
		t = time.Unix(int64(sec), int64(frac*1e9))
	} else {
		return nil, fmt.Errorf("%w: %s is not a valid NumericDate", ErrMalformed, name)
	}
	return &t, nil
}

func (v *Verified) checkTimes(claims map[string]any, now time.Time, skew time.Duration) error {
	var err error
	if v.IssuedAt, err = numericDate(claims, "iat"); err != nil {
		return err
	}
	if v.NotBefore, err = numericDate(claims, "nbf"); err != nil {
		return err
	}
	if v.Expiry, err = numericDate(claims, "exp"); err != nil {
		return err
	}
	if v.Expiry != nil && now.After(v.Expiry.Add(skew)) {
		return fmt.Errorf("%w: exp %s is before %s", ErrExpired, v.Expiry.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	if v.NotBefore != nil && now.Before(v.NotBefore.Add(-skew)) {
		return fmt.Errorf("%w: nbf %s is after %s", ErrNotYetValid, v.NotBefore.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	if v.IssuedAt != nil && now.Before(v.IssuedAt.Add(-skew)) {
		return fmt.Errorf("%w: iat %s is in the future (now %s)", ErrNotYetValid, v.IssuedAt.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	return nil
}

// kbClaims is the Key Binding JWT payload (RFC 9901 §4.3).
type kbClaims struct {
	IssuedAt  json.Number     `json:"iat"`
	Expiry    json.Number     `json:"exp"`
	NotBefore json.Number     `json:"nbf"`
	Audience  json.RawMessage `json:"aud"`
	Nonce     *string         `json:"nonce"`
	SDHash    *string         `json:"sd_hash"`
}

// checkKeyBinding verifies the Key Binding JWT of p against the holder key
// (RFC 9901 §7.3 step 5).
func checkKeyBinding(p *parts, holder crypto.PublicKey, algs []jose.SignatureAlgorithm, opts VerifyOptions, now time.Time) error {
	if holder == nil {
		return fmt.Errorf("%w: presentation has a key binding JWT but the credential has no cnf.jwk", ErrKeyBinding)
	}
	jws, err := jose.ParseSignedCompact(p.kb, algs)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrKeyBinding, joseParseError(err, "key binding JWT"))
	}
	hdr := jws.Signatures[0].Header
	if err := checkType(hdr, TypeKeyBinding); err != nil {
		return fmt.Errorf("%w: %w", ErrKeyBinding, err)
	}
	if alg, _ := algFor(holder); alg != hdr.Algorithm {
		return fmt.Errorf("%w: %w: key binding JWT alg %s does not match the holder's %s key", ErrKeyBinding, ErrAlgorithm, hdr.Algorithm, alg)
	}
	body, err := jws.Verify(holder)
	if err != nil {
		return fmt.Errorf("%w: signature by the cnf.jwk key does not verify: %v", ErrKeyBinding, err)
	}
	var c kbClaims
	if err := decodeJSON(body, &c); err != nil {
		return fmt.Errorf("%w: %w: key binding JWT payload: %v", ErrKeyBinding, ErrMalformed, err)
	}
	var aud string
	if len(c.Audience) == 0 || json.Unmarshal(c.Audience, &aud) != nil || c.Nonce == nil || c.SDHash == nil || c.IssuedAt == "" {
		return fmt.Errorf("%w: key binding JWT needs iat, a single-string aud, nonce and sd_hash", ErrKeyBinding)
	}
	if *c.SDHash != sdHash(p.presented) {
		return fmt.Errorf("%w: sd_hash does not match this presentation (disclosures changed after signing?)", ErrKeyBinding)
	}
	iat, err := numericDate(map[string]any{"iat": c.IssuedAt}, "iat")
	if err != nil {
		return fmt.Errorf("%w: %w", ErrKeyBinding, err)
	}
	maxAge := opts.MaxKeyBindingAge
	if maxAge == 0 {
		maxAge = DefaultMaxKeyBindingAge
	}
	if iat.After(now.Add(opts.ClockSkew)) {
		return fmt.Errorf("%w: key binding JWT iat %s is in the future", ErrKeyBinding, iat.UTC().Format(time.RFC3339))
	}
	if now.Sub(*iat) > maxAge+opts.ClockSkew {
		return fmt.Errorf("%w: key binding JWT is %s old, limit %s (replayed?)", ErrKeyBinding, now.Sub(*iat).Round(time.Second), maxAge)
	}
	// Optional exp and nbf: the KB-JWT must be valid in all other respects
	// (RFC 9901 §7.3 step 5.8). These wrap ErrKeyBinding only: ErrExpired
	// and ErrNotYetValid are about the credential.
	for name, v := range map[string]json.Number{"exp": c.Expiry, "nbf": c.NotBefore} {
		if v == "" {
			continue
		}
		at, err := numericDate(map[string]any{name: v}, name)
		if err != nil {
			return fmt.Errorf("%w: key binding JWT %s: %v", ErrKeyBinding, name, err)
		}
		if name == "exp" && now.After(at.Add(opts.ClockSkew)) || name == "nbf" && now.Before(at.Add(-opts.ClockSkew)) {
			return fmt.Errorf("%w: key binding JWT is outside its %s %s", ErrKeyBinding, name, at.UTC().Format(time.RFC3339))
		}
	}
	if opts.Nonce != "" && *c.Nonce != opts.Nonce {
		return fmt.Errorf("%w: got %q, want %q", ErrNonce, *c.Nonce, opts.Nonce)
	}
	if opts.Audience != "" && aud != opts.Audience {
		return fmt.Errorf("%w: got %q, want %q", ErrAudience, aud, opts.Audience)
	}
	return nil
}
