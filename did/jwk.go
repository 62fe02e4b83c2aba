package did

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"encoding/base64"
	"encoding/json"
	"fmt"
)

// jwkPrivateMembers are JWK members that carry private or symmetric key
// material; a public key must have none of them.
var jwkPrivateMembers = []string{"d", "p", "q", "dp", "dq", "qi", "k", "oth"}

// ParseJWK reads a public Ed25519 (kty OKP) or P-256 (kty EC) JSON Web Key.
func ParseJWK(raw []byte) (crypto.PublicKey, error) {
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("%w: JWK is not a JSON object: %v", ErrInvalidKey, err)
	}
	return PublicKeyFromJWK(m)
}

// PublicKeyFromJWK reads a public Ed25519 or P-256 key from a decoded JWK
// (as found in a JWS header or an SD-JWT cnf claim). It refuses private
// members, wrong lengths and EC points that are not on the curve.
func PublicKeyFromJWK(jwk map[string]any) (crypto.PublicKey, error) {
	if jwk == nil {
		return nil, fmt.Errorf("%w: JWK is not a JSON object", ErrInvalidKey)
	}
	for _, m := range jwkPrivateMembers {
		if _, ok := jwk[m]; ok {
			return nil, fmt.Errorf("%w: JWK contains the private or symmetric key member %q", ErrInvalidKey, m)
		}
	}
	coord := func(name string) ([]byte, error) {
		s, _ := jwk[name].(string)
		b, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil || len(b) != 32 {
			return nil, fmt.Errorf("%w: JWK member %q must be 32 bytes of base64url", ErrInvalidKey, name)
		}
		return b, nil
	}
	kty, _ := jwk["kty"].(string)
	crv, _ := jwk["crv"].(string)
	switch {
	case kty == "OKP" && crv == "Ed25519":
		x, err := coord("x")
		if err != nil {
			return nil, err
		}
		return ed25519.PublicKey(x), nil
	case kty == "EC" && crv == "P-256":
		x, err := coord("x")
		if err != nil {
			return nil, err
		}
		y, err := coord("y")
		if err != nil {
			return nil, err
		}
		pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), append(append([]byte{4}, x...), y...))
		if err != nil {
			return nil, fmt.Errorf("%w: not a P-256 point: %v", ErrInvalidKey, err)
		}
		return pub, nil
	}
	return nil, fmt.Errorf("%w: JWK kty %q crv %q (supported: OKP Ed25519, EC P-256)", ErrUnsupportedKeyType, kty, crv)
}
