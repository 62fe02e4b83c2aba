package sdjwt

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/asn1"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/cityid/cityid/did"
)

// algFor returns the JWS algorithm for a supported public key: EdDSA for
// Ed25519, ES256 for ECDSA on P-256.
func algFor(pub crypto.PublicKey) (string, error) {
	switch k := pub.(type) {
	case ed25519.PublicKey:
		if len(k) != ed25519.PublicKeySize {
			return "", fmt.Errorf("%w: Ed25519 public key has %d bytes", ErrAlgorithm, len(k))
		}
		return AlgEdDSA, nil
	case *ecdsa.PublicKey:
		if k == nil || k.Curve != elliptic.P256() {
			return "", fmt.Errorf("%w: ECDSA keys must use P-256 (ES256)", ErrAlgorithm)
		}
		return AlgES256, nil
	}
	return "", fmt.Errorf("%w: unsupported key type %T (want Ed25519 or ECDSA P-256)", ErrAlgorithm, pub)
}

// publicJWK renders a supported public key as a JWK object for cnf.jwk.
func publicJWK(pub crypto.PublicKey) (map[string]any, error) {
	if _, err := algFor(pub); err != nil {
		return nil, err
	}
	js, err := jose.JSONWebKey{Key: pub}.MarshalJSON()
	if err != nil {
		return nil, fmt.Errorf("%w: encoding public key as JWK: %v", ErrAlgorithm, err)
	}
	var m map[string]any
	if err := json.Unmarshal(js, &m); err != nil {
		return nil, fmt.Errorf("%w: encoding public key as JWK: %v", ErrAlgorithm, err)
	}
	return m, nil
}

// cnfKey extracts the public key from a cnf claim value ({"jwk": {...}}).
// It returns nil, nil when there is no cnf claim. The JWK (RFC 7517, RFC
// 8037 for OKP) is read straight from the decoded payload by
// did.PublicKeyFromJWK (Ed25519, or a P-256 point validated on the curve;
// private members refused).
func cnfKey(cnf any) (crypto.PublicKey, error) {
	if cnf == nil {
		return nil, nil
	}
	obj, ok := cnf.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: cnf is not an object", ErrMalformed)
	}
	jwk, ok := obj["jwk"].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: cnf has no jwk object (other confirmation methods are not supported)", ErrMalformed)
	}
	pub, err := did.PublicKeyFromJWK(jwk)
	switch {
	case errors.Is(err, did.ErrUnsupportedKeyType):
		return nil, fmt.Errorf("%w: cnf.jwk: %v", ErrAlgorithm, err)
	case err != nil:
		return nil, fmt.Errorf("%w: cnf.jwk: %v", ErrMalformed, err)
	}
	return pub, nil
}

// sameKey reports whether two supported public keys are equal.
func sameKey(a, b crypto.PublicKey) bool {
	k, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && k.Equal(b)
}

// joseSigner adapts any crypto.Signer holding an Ed25519 or P-256 key to
// go-jose's OpaqueSigner, converting ECDSA's ASN.1 signatures to the JWS
// r||s form (RFC 7518 §3.4).
type joseSigner struct {
	signer crypto.Signer
	alg    jose.SignatureAlgorithm
	kid    string
}

func newJoseSigner(s crypto.Signer, kid string) (*joseSigner, error) {
	if s == nil {
		return nil, fmt.Errorf("%w: no signer", ErrOptions)
	}
	alg, err := algFor(s.Public())
	if err != nil {
		return nil, err
	}
	return &joseSigner{signer: s, alg: jose.SignatureAlgorithm(alg), kid: kid}, nil
}

func (j *joseSigner) Public() *jose.JSONWebKey {
	return &jose.JSONWebKey{Key: j.signer.Public(), KeyID: j.kid, Algorithm: string(j.alg)}
}

func (j *joseSigner) Algs() []jose.SignatureAlgorithm { return []jose.SignatureAlgorithm{j.alg} }

func (j *joseSigner) SignPayload(payload []byte, alg jose.SignatureAlgorithm) ([]byte, error) {
	if alg != j.alg {
		return nil, fmt.Errorf("%w: signer holds a %s key, asked for %s", ErrAlgorithm, j.alg, alg)
	}
	if alg == jose.EdDSA {
		return j.signer.Sign(rand.Reader, payload, crypto.Hash(0))
	}
	sum := sha256.Sum256(payload)
	der, err := j.signer.Sign(rand.Reader, sum[:], crypto.SHA256)
	if err != nil {
		return nil, err
	}
	var sig struct{ R, S *big.Int }
	if rest, err := asn1.Unmarshal(der, &sig); err != nil || len(rest) != 0 {
		return nil, fmt.Errorf("%w: ECDSA signer returned a non-ASN.1 signature", ErrAlgorithm)
	}
	if sig.R.Sign() <= 0 || sig.S.Sign() <= 0 || sig.R.BitLen() > 256 || sig.S.BitLen() > 256 {
		return nil, fmt.Errorf("%w: ECDSA signature out of range", ErrAlgorithm)
	}
	out := make([]byte, 64)
	sig.R.FillBytes(out[:32])
	sig.S.FillBytes(out[32:])
	return out, nil
}

// signJWS produces a compact JWS over payload with the given typ and kid.
func signJWS(s crypto.Signer, typ, kid string, payload []byte) (string, error) {
	js, err := newJoseSigner(s, kid)
	if err != nil {
		return "", err
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: js.alg, Key: js},
		(&jose.SignerOptions{}).WithType(jose.ContentType(typ)))
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrAlgorithm, err)
	}
	obj, err := signer.Sign(payload)
	if err != nil {
		return "", fmt.Errorf("%w: signing: %w", ErrCrypto, err)
	}
	out, err := obj.CompactSerialize()
	if err != nil {
		return "", fmt.Errorf("%w: serializing JWS: %w", ErrCrypto, err)
	}
	return out, nil
}

// bindKeyID enforces issuer binding (what aries-framework-go omitted): a kid
// that is a DID URL must name a key of the DID in iss. A relative kid
// ("#key-1") is resolved against a DID issuer. Other kids pass unchanged;
// the KeyFunc is then responsible for tying them to the issuer.
func bindKeyID(iss, kid string) (string, error) {
	if strings.HasPrefix(kid, "#") && strings.HasPrefix(iss, "did:") {
		return iss + kid, nil
	}
	if !strings.HasPrefix(kid, "did:") {
		return kid, nil
	}
	u, err := did.ParseURL(kid)
	if err != nil {
		return "", fmt.Errorf("%w: kid %q is not a valid DID URL: %v", ErrMalformed, kid, err)
	}
	if owner := u.DID.String(); owner != iss {
		return "", fmt.Errorf("%w: kid %q belongs to %q, but iss is %q", ErrIssuerBinding, kid, owner, iss)
	}
	return kid, nil
}
