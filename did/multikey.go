package did

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"fmt"

	"github.com/multiformats/go-multibase"
	"github.com/multiformats/go-multicodec"
	"github.com/multiformats/go-varint"
)

// Multikey and did:key constants.
const (
	// ContextDIDv1 is the JSON-LD context of DID documents.
	ContextDIDv1 = "https://www.w3.org/ns/did/v1"
	// ContextMultikeyV1 is the JSON-LD context defining the Multikey type.
	ContextMultikeyV1 = "https://w3id.org/security/multikey/v1"
	// TypeMultikey is the verification method type of did:key documents.
	TypeMultikey = "Multikey"
)

// maxMultikeyLength bounds the text DecodeMultikey accepts. The longest
// supported key (a P-256 key) is 49 characters; anything much longer is not a
// key this package could decode.
const maxMultikeyLength = 256

// EncodeMultikey encodes a public key as a Multikey publicKeyMultibase value:
// base58-btc multibase ('z') of the multicodec varint prefix followed by the
// raw key. Ed25519 keys use codec 0xed (the result starts "z6Mk"); P-256
// keys use codec 0x1200 with the SEC 1 compressed point (the result starts
// "zDn"). pub may be an ed25519.PublicKey or an *ecdsa.PublicKey on P-256.
func EncodeMultikey(pub crypto.PublicKey) (string, error) {
	var code multicodec.Code
	var raw []byte
	switch k := pub.(type) {
	case ed25519.PublicKey:
		if len(k) != ed25519.PublicKeySize {
			return "", fmt.Errorf("%w: Ed25519 public key is %d bytes, want %d", ErrInvalidKey, len(k), ed25519.PublicKeySize)
		}
		code, raw = multicodec.Ed25519Pub, k
	case *ecdsa.PublicKey:
		if k == nil || k.Curve != elliptic.P256() {
			return "", fmt.Errorf("%w: ECDSA key on %s (only P-256 is supported)", ErrUnsupportedKeyType, curveName(k))
		}
		u, err := k.Bytes()
		if err != nil {
			return "", fmt.Errorf("%w: P-256 public key: %v", ErrInvalidKey, err)
		}
		raw = compress(u)
		code = multicodec.P256Pub
	default:
		return "", fmt.Errorf("%w: %T (want ed25519.PublicKey or *ecdsa.PublicKey on P-256)", ErrUnsupportedKeyType, pub)
	}
	buf := append(varint.ToUvarint(uint64(code)), raw...)
	return multibase.Encode(multibase.Base58BTC, buf)
}

// DecodeMultikey decodes a Multikey publicKeyMultibase value produced by
// [EncodeMultikey]. It returns an ed25519.PublicKey or an *ecdsa.PublicKey on
// P-256; other multicodec key types (X25519, P-384, P-521, secp256k1, ...)
// fail with [ErrUnsupportedKeyType], malformed input with [ErrInvalidKey].
// Only the canonical encoding is accepted: base58-btc, a minimal varint and,
// for P-256, a compressed point that lies on the curve.
func DecodeMultikey(s string) (crypto.PublicKey, error) {
	if s == "" {
		return nil, fmt.Errorf("%w: empty multikey", ErrInvalidKey)
	}
	if len(s) > maxMultikeyLength {
		return nil, fmt.Errorf("%w: multikey of %d characters is longer than any supported key", ErrInvalidKey, len(s))
	}
	if s[0] != 'z' {
		return nil, fmt.Errorf("%w: multikey must be base58-btc multibase (prefix 'z'), got prefix %q", ErrInvalidKey, s[0])
	}
	_, buf, err := multibase.Decode(s)
	if err != nil {
		return nil, fmt.Errorf("%w: multibase: %v", ErrInvalidKey, err)
	}
	code, n, err := varint.FromUvarint(buf)
	if err != nil {
		return nil, fmt.Errorf("%w: multicodec prefix: %v", ErrInvalidKey, err)
	}
	raw := buf[n:]
	var pub crypto.PublicKey
	switch multicodec.Code(code) {
	case multicodec.Ed25519Pub:
		if len(raw) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("%w: Ed25519 public key is %d bytes, want %d", ErrInvalidKey, len(raw), ed25519.PublicKeySize)
		}
		pub = ed25519.PublicKey(append([]byte(nil), raw...))
	case multicodec.P256Pub:
		k, err := decompressP256(raw)
		if err != nil {
			return nil, err
		}
		pub = k
	default:
		return nil, fmt.Errorf("%w: multicodec %s (0x%x); only Ed25519 (0xed) and P-256 (0x1200) are supported",
			ErrUnsupportedKeyType, codecName(code), code)
	}
	// Base58 has one encoding per byte string, so this only rejects exotic
	// inputs the multibase library tolerates; it keeps DIDs unique per key.
	if again, err := EncodeMultikey(pub); err != nil || again != s {
		return nil, fmt.Errorf("%w: multikey is not in canonical form", ErrInvalidKey)
	}
	return pub, nil
}

// KeyDID returns the did:key DID of a public key ("did:key:" followed by
// the key's [EncodeMultikey] value).
func KeyDID(pub crypto.PublicKey) (string, error) {
	mk, err := EncodeMultikey(pub)
	if err != nil {
		return "", err
	}
	return "did:key:" + mk, nil
}

// KeyVerificationMethod returns the verification method URL of a did:key
// DID's only key: did:key:X#X.
func KeyVerificationMethod(pub crypto.PublicKey) (string, error) {
	mk, err := EncodeMultikey(pub)
	if err != nil {
		return "", err
	}
	return "did:key:" + mk + "#" + mk, nil
}

// ParseKeyDID returns the public key a did:key DID encodes. The input must
// be a DID, not a DID URL; see [ParseURL] to split off a fragment first.
func ParseKeyDID(s string) (crypto.PublicKey, error) {
	d, err := Parse(s)
	if err != nil {
		return nil, err
	}
	return keyFromDID(d)
}

func keyFromDID(d DID) (crypto.PublicKey, error) {
	if d.Method != "key" {
		return nil, fmt.Errorf("%w: %q is a did:%s DID, not did:key", ErrUnsupportedMethod, d.String(), d.Method)
	}
	pub, err := DecodeMultikey(d.ID)
	if err != nil {
		return nil, fmt.Errorf("did:key %q: %w", d.String(), err)
	}
	return pub, nil
}

// ResolveKeyDID returns the DID document of a did:key DID, as the did:key
// method specification derives it: one Multikey verification method with
// id did:key:X#X, controlled by the DID, listed under authentication,
// assertionMethod, capabilityInvocation and capabilityDelegation. No
// keyAgreement key is derived.
func ResolveKeyDID(s string) (*Document, error) {
	pub, err := ParseKeyDID(s)
	if err != nil {
		return nil, err
	}
	mk, err := EncodeMultikey(pub)
	if err != nil {
		return nil, err
	}
	id := "did:key:" + mk
	vmID := id + "#" + mk
	ref := []MethodRef{{Ref: vmID}}
	return &Document{
		Context: Context{ContextDIDv1, ContextMultikeyV1},
		ID:      id,
		VerificationMethod: []VerificationMethod{{
			ID:                 vmID,
			Type:               TypeMultikey,
			Controller:         id,
			PublicKeyMultibase: mk,
		}},
		Authentication:       ref,
		AssertionMethod:      cloneRefs(ref),
		CapabilityInvocation: cloneRefs(ref),
		CapabilityDelegation: cloneRefs(ref),
	}, nil
}

func cloneRefs(r []MethodRef) []MethodRef { return append([]MethodRef(nil), r...) }

// compress turns an uncompressed SEC 1 point (0x04 || X || Y) into its
// compressed form (0x02 or 0x03 by the parity of Y, then X).
func compress(u []byte) []byte {
	n := (len(u) - 1) / 2
	out := make([]byte, 1+n)
	out[0] = 0x02 | u[len(u)-1]&1
	copy(out[1:], u[1:1+n])
	return out
}

// decompressP256 parses a compressed P-256 point and checks it is on the
// curve.
func decompressP256(raw []byte) (*ecdsa.PublicKey, error) {
	if len(raw) != 33 || (raw[0] != 0x02 && raw[0] != 0x03) {
		return nil, fmt.Errorf("%w: P-256 key must be a 33-byte compressed point, got %d bytes", ErrInvalidKey, len(raw))
	}
	x, y := elliptic.UnmarshalCompressed(elliptic.P256(), raw)
	if x == nil {
		return nil, fmt.Errorf("%w: P-256 key is not a point on the curve", ErrInvalidKey)
	}
	u := make([]byte, 65)
	u[0] = 0x04
	x.FillBytes(u[1:33])
	y.FillBytes(u[33:])
	k, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), u)
	if err != nil {
		return nil, fmt.Errorf("%w: P-256 key: %v", ErrInvalidKey, err)
	}
	return k, nil
}

func codecName(code uint64) string { return multicodec.Code(code).String() }

func curveName(k *ecdsa.PublicKey) string {
	if k == nil || k.Curve == nil {
		return "no curve"
	}
	return k.Curve.Params().Name
}
