package oid4vci

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/cityid/cityid/credential"
	"github.com/cityid/cityid/did"
)

// MaxProofLength bounds a proof JWT. A proof with a did:key kid is about
// 400 bytes; an embedded P-256 jwk adds about 150.
const MaxProofLength = 8 << 10

// ProofClockSkew is how far in the future a proof's iat may lie: phones'
// clocks drift, and the specification lets issuers accept a proof dated
// seconds ahead. Freshness rests on the single-use nonce.
const ProofClockSkew = 60 * time.Second

var b64 = base64.RawURLEncoding.Strict()

// proofAlgs is the allow-list handed to go-jose before anything else is read.
var proofAlgs = []jose.SignatureAlgorithm{jose.EdDSA, jose.ES256}

// Header members that name a key in a way cityid does not accept.
var unsupportedKeyHeaders = []string{"x5c", "x5u", "jku", "trust_chain", "key_attestation"}

// NewProofJWT makes a jwt key proof (openid4vci-proof+jwt) for the
// credential issuer audience: header alg (EdDSA for Ed25519, ES256 for
// P-256), typ and kid; claims aud, iat and, unless empty, nonce (the
// c_nonce from the nonce endpoint). kid must be the did:key DID URL of the
// holder key (did:key:X#X, see [did.KeyVerificationMethod]); iss is omitted,
// as anonymous pre-authorized access requires.
func NewProofJWT(holder crypto.Signer, kid, audience, nonce string, iat time.Time) (string, error) {
	if holder == nil {
		return "", errors.New("oid4vci: NewProofJWT: no holder key")
	}
	alg, err := algFor(holder.Public())
	if err != nil {
		return "", fmt.Errorf("oid4vci: NewProofJWT: %w", err)
	}
	_, pub, err := keyFromKID(kid)
	if err != nil {
		return "", fmt.Errorf("oid4vci: NewProofJWT: %w", err)
	}
	if !sameKey(pub, holder.Public()) {
		return "", fmt.Errorf("oid4vci: NewProofJWT: kid %s names another key than the holder's", kid)
	}
	if audience == "" {
		return "", errors.New("oid4vci: NewProofJWT: the audience (credential issuer) is empty")
	}
	header, err := json.Marshal(struct {
		Alg string `json:"alg"`
		Typ string `json:"typ"`
		Kid string `json:"kid"`
	}{alg, ProofJWTType, kid})
	if err != nil {
		return "", err
	}
	claims, err := json.Marshal(struct {
		Aud   string `json:"aud"`
		Iat   int64  `json:"iat"`
		Nonce string `json:"nonce,omitempty"`
	}{audience, iat.Unix(), nonce})
	if err != nil {
		return "", err
	}
	input := b64.EncodeToString(header) + "." + b64.EncodeToString(claims)
	sig, err := signJWS(holder, alg, []byte(input))
	if err != nil {
		return "", fmt.Errorf("oid4vci: NewProofJWT: signing: %w", err)
	}
	return input + "." + b64.EncodeToString(sig), nil
}

// VerifyProofJWT checks a jwt key proof for the credential issuer audience
// at time now and returns the holder's did:key DID, its public key and the
// proof's nonce claim ("" when absent). It checks, in order:
//
//   - size and compact form, alg from the allow-list EdDSA, ES256 (so none
//     and MAC algorithms fail before anything else is read);
//   - typ openid4vci-proof+jwt (with or without "application/");
//   - the key: exactly one of kid, a did:key DID URL whose key is taken from
//     the DID itself (never fetched), or jwk, a public Ed25519 or P-256 key
//     whose did:key is returned; x5c, trust_chain and key_attestation are
//     refused; alg must match the key;
//   - the signature;
//   - aud equals audience; iat is present, at most maxAge old and at most
//     [ProofClockSkew] ahead; exp and nbf, if present, admit now.
//
// The nonce is only returned: the caller must check that it issued it and
// that it is used once. Failures wrap [ErrInvalidProof] and one reason.
func VerifyProofJWT(jwt, audience string, now time.Time, maxAge time.Duration) (holderDID string, pub crypto.PublicKey, nonce string, err error) {
	if maxAge <= 0 || audience == "" {
		return "", nil, "", errors.New("oid4vci: VerifyProofJWT needs an audience and a positive maxAge")
	}
	fail := func(reason error, format string, args ...any) (string, crypto.PublicKey, string, error) {
		return "", nil, "", fmt.Errorf("oid4vci: %w: %w: %s", ErrInvalidProof, reason, fmt.Sprintf(format, args...))
	}
	if len(jwt) > MaxProofLength {
		return fail(ErrProofMalformed, "the proof JWT is longer than %d bytes", MaxProofLength)
	}
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" {
		return fail(ErrProofMalformed, "a proof must be a compact JWS: header.payload.signature")
	}
	jws, err := jose.ParseSignedCompact(jwt, proofAlgs)
	if err != nil {
		var unexpected *jose.ErrUnexpectedSignatureAlgorithm
		if errors.As(err, &unexpected) {
			return fail(ErrProofAlgorithm, "alg %s is not allowed (EdDSA or ES256)", unexpected.Got)
		}
		return fail(ErrProofMalformed, "%v", err)
	}
	header, err := decodeSegment(parts[0], "header")
	if err != nil {
		return fail(ErrProofMalformed, "%v", err)
	}
	alg, _ := header["alg"].(string)
	if typ, _ := header["typ"].(string); !isProofType(typ) {
		return fail(ErrProofType, "typ is %q, want %s", typ, ProofJWTType)
	}
	for _, name := range unsupportedKeyHeaders {
		if _, ok := header[name]; ok {
			return fail(ErrProofKey, "the %s header is not supported; name the key with a did:key kid", name)
		}
	}
	kidRaw, hasKID := header["kid"]
	jwkRaw, hasJWK := header["jwk"]
	switch {
	case hasKID && hasJWK:
		return fail(ErrProofKey, "kid and jwk must not both be present")
	case hasKID:
		kid, ok := kidRaw.(string)
		if !ok {
			return fail(ErrProofKey, "kid is not a string")
		}
		if holderDID, pub, err = keyFromKID(kid); err != nil {
			return fail(ErrProofKey, "%v", err)
		}
	case hasJWK:
		if pub, err = publicJWK(jwkRaw); err != nil {
			return fail(ErrProofKey, "jwk: %v", err)
		}
		if holderDID, err = did.KeyDID(pub); err != nil {
			return fail(ErrProofKey, "jwk: %v", err)
		}
	default:
		return fail(ErrProofKey, "the header names no key: use a did:key kid")
	}
	if want, err := algFor(pub); err != nil {
		return fail(ErrProofKey, "%v", err)
	} else if alg != want {
		return fail(ErrProofAlgorithm, "alg %s does not match the holder's key (%s)", alg, want)
	}
	payload, err := jws.Verify(pub)
	if err != nil {
		return fail(ErrProofSignature, "the signature does not verify with the key of %s", holderDID)
	}
	claims, err := decodeJSONObject(payload, "claims")
	if err != nil {
		return fail(ErrProofMalformed, "%v", err)
	}
	aud, ok := claims["aud"].(string)
	if !ok {
		return fail(ErrProofAudience, "aud is missing or not a string")
	}
	if aud != audience {
		return fail(ErrProofAudience, "aud is %q, want the credential issuer %q", aud, audience)
	}
	iat, err := numericDate(claims, "iat")
	if err != nil {
		return fail(ErrProofMalformed, "%v", err)
	}
	switch {
	case iat == nil:
		return fail(ErrProofMalformed, "iat is missing")
	case iat.After(now.Add(ProofClockSkew)):
		return fail(ErrProofTime, "iat %s is in the future (now %s)", iat.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	case now.Sub(*iat) > maxAge:
		return fail(ErrProofTime, "the proof was made at %s, more than %s ago", iat.UTC().Format(time.RFC3339), maxAge)
	}
	if exp, err := numericDate(claims, "exp"); err != nil {
		return fail(ErrProofMalformed, "%v", err)
	} else if exp != nil && !now.Before(*exp) {
		return fail(ErrProofTime, "the proof expired at %s", exp.UTC().Format(time.RFC3339))
	}
	if nbf, err := numericDate(claims, "nbf"); err != nil {
		return fail(ErrProofMalformed, "%v", err)
	} else if nbf != nil && nbf.After(now.Add(ProofClockSkew)) {
		return fail(ErrProofTime, "the proof is not valid before %s", nbf.UTC().Format(time.RFC3339))
	}
	if v, ok := claims["nonce"]; ok {
		if nonce, ok = v.(string); !ok {
			return fail(ErrProofMalformed, "nonce is not a string")
		}
	}
	if v, ok := claims["iss"]; ok {
		if _, ok := v.(string); !ok {
			return fail(ErrProofMalformed, "iss is not a string")
		}
	}
	return holderDID, pub, nonce, nil
}

// isProofType compares typ with openid4vci-proof+jwt as RFC 7515 §4.1.9
// asks: case-insensitively, "application/" optional.
func isProofType(typ string) bool {
	t := strings.ToLower(typ)
	return strings.TrimPrefix(t, "application/") == ProofJWTType
}

// keyFromKID reads a did:key DID URL naming the DID's only key
// (did:key:X#X) and returns the DID and the key.
func keyFromKID(kid string) (string, crypto.PublicKey, error) {
	u, err := did.ParseURL(kid)
	if err != nil {
		return "", nil, fmt.Errorf("kid %q is not a DID URL: %w", kid, err)
	}
	if u.DID.Method != "key" {
		return "", nil, fmt.Errorf("kid %q is a did:%s URL; only did:key is accepted", kid, u.DID.Method)
	}
	if u.Path != "" || u.Query != "" || u.Fragment != u.DID.ID {
		return "", nil, fmt.Errorf("kid %q must be did:key:X#X, naming the DID's key", kid)
	}
	pub, err := did.ParseKeyDID(u.DID.String())
	if err != nil {
		return "", nil, fmt.Errorf("kid %q: %w", kid, err)
	}
	return u.DID.String(), pub, nil
}

// publicJWK reads a public Ed25519 (OKP) or P-256 (EC) JWK from a decoded
// header; any private member is refused.
func publicJWK(v any) (crypto.PublicKey, error) {
	jwk, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("not a JSON object")
	}
	return did.PublicKeyFromJWK(jwk)
}

// algFor returns the JWS algorithm for a supported public key.
func algFor(pub crypto.PublicKey) (string, error) {
	switch k := pub.(type) {
	case ed25519.PublicKey:
		if len(k) == ed25519.PublicKeySize {
			return AlgEdDSA, nil
		}
	case *ecdsa.PublicKey:
		if k != nil && k.Curve == elliptic.P256() {
			return AlgES256, nil
		}
	}
	return "", fmt.Errorf("key type %T is not supported (Ed25519 or ECDSA P-256)", pub)
}

func sameKey(a, b crypto.PublicKey) bool {
	k, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && k.Equal(b)
}

// signJWS signs a JWS signing input, converting ECDSA's ASN.1 signature to
// the r||s form of RFC 7518 §3.4.
func signJWS(s crypto.Signer, alg string, input []byte) ([]byte, error) {
	if alg == AlgEdDSA {
		return s.Sign(rand.Reader, input, crypto.Hash(0))
	}
	sum := sha256.Sum256(input)
	der, err := s.Sign(rand.Reader, sum[:], crypto.SHA256)
	if err != nil {
		return nil, err
	}
	var sig struct{ R, S *big.Int }
	if rest, err := asn1.Unmarshal(der, &sig); err != nil || len(rest) != 0 {
		return nil, errors.New("the ECDSA signer returned a signature that is not ASN.1")
	}
	if sig.R.Sign() <= 0 || sig.S.Sign() <= 0 || sig.R.BitLen() > 256 || sig.S.BitLen() > 256 {
		return nil, errors.New("the ECDSA signature is out of range")
	}
	out := make([]byte, 64)
	sig.R.FillBytes(out[:32])
	sig.S.FillBytes(out[32:])
	return out, nil
}

// decodeSegment decodes a base64url JWS segment holding a JSON object.
func decodeSegment(seg, what string) (map[string]any, error) {
	raw, err := b64.DecodeString(seg)
	if err != nil {
		return nil, fmt.Errorf("the %s is not base64url without padding", what)
	}
	return decodeJSONObject(raw, what)
}

// decodeJSONObject decodes one JSON object without duplicate members,
// keeping numbers as json.Number.
func decodeJSONObject(raw []byte, what string) (map[string]any, error) {
	if _, err := credential.DecodeJSON(raw); err != nil {
		return nil, fmt.Errorf("the %s: %v", what, err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil || m == nil {
		return nil, fmt.Errorf("the %s is not a JSON object", what)
	}
	return m, nil
}

// numericDate reads an optional NumericDate claim (RFC 7519 §2).
func numericDate(claims map[string]any, name string) (*time.Time, error) {
	v, ok := claims[name]
	if !ok {
		return nil, nil
	}
	n, ok := v.(json.Number)
	if !ok {
		return nil, fmt.Errorf("%s is not a number", name)
	}
	if i, err := n.Int64(); err == nil {
		if i < 0 || i > 1e12 {
			return nil, fmt.Errorf("%s is out of range", name)
		}
		t := time.Unix(i, 0)
		return &t, nil
	}
	f, err := n.Float64()
	if err != nil || math.IsNaN(f) || f < 0 || f > 1e12 {
		return nil, fmt.Errorf("%s is not a valid NumericDate", name)
	}
	sec, frac := math.Modf(f)
	t := time.Unix(int64(sec), int64(frac*1e9))
	return &t, nil
}
