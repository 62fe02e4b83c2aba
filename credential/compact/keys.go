package compact

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/veraison/go-cose"

	"github.com/cityid/cityid/did"
)

// KeyIDSize is the length in bytes of an issuer key id.
const KeyIDSize = 4

// KeyFunc resolves an issuer key id (as KeyID writes it) to the issuer DID,
// the verification method (a DID URL of the issuer) and its public key.
// A verifier builds it from its trust bundle; it must fail for keys it does
// not trust. Keys builds one from a list.
type KeyFunc func(keyID string) (issuerDID, verificationMethod string, pub crypto.PublicKey, err error)

// KeyID returns the compact key id of an issuer public key: the first
// KeyIDSize bytes of the SHA-256 of its Multikey text (the
// publicKeyMultibase a trust bundle lists, "z6Mk…" or "zDn…"), in lower-case
// hex. Ed25519 and P-256 keys are supported.
func KeyID(pub crypto.PublicKey) (string, error) {
	mk, err := did.EncodeMultikey(pub)
	if err != nil {
		return "", errorf(ErrAlgorithm, "%v", err)
	}
	sum := sha256.Sum256([]byte(mk))
	return hex.EncodeToString(sum[:KeyIDSize]), nil
}

// IssuerKey is one trusted issuer key, for Keys.
type IssuerKey struct {
	Issuer             string // the issuer DID
	VerificationMethod string // a DID URL of Issuer, e.g. "did:web:city.example#key-1"
	PublicKey          crypto.PublicKey
}

// Keys returns a KeyFunc that knows exactly the given keys. It fails if a
// verification method is not a DID URL of its issuer, a key type is not
// supported, or two different keys share a key id.
func Keys(keys ...IssuerKey) (KeyFunc, error) {
	m := make(map[string]IssuerKey, len(keys))
	for _, k := range keys {
		if !strings.HasPrefix(k.VerificationMethod, k.Issuer+"#") {
			return nil, errorf(ErrUnknownKey, "verification method %q is not a key of %s", k.VerificationMethod, k.Issuer)
		}
		id, err := KeyID(k.PublicKey)
		if err != nil {
			return nil, err
		}
		if old, ok := m[id]; ok && (old.Issuer != k.Issuer || old.VerificationMethod != k.VerificationMethod) {
			return nil, errorf(ErrUnknownKey, "keys %s and %s share the key id %s", old.VerificationMethod, k.VerificationMethod, id)
		}
		m[id] = k
	}
	return func(keyID string) (string, string, crypto.PublicKey, error) {
		k, ok := m[keyID]
		if !ok {
			return "", "", nil, errorf(ErrUnknownKey, "no trusted issuer has key id %s", keyID)
		}
		return k.Issuer, k.VerificationMethod, k.PublicKey, nil
	}, nil
}

// algorithmFor returns the COSE algorithm for an issuer key type.
func algorithmFor(pub crypto.PublicKey) (cose.Algorithm, error) {
	switch k := pub.(type) {
	case ed25519.PublicKey:
		if len(k) == ed25519.PublicKeySize {
			return cose.AlgorithmEdDSA, nil
		}
	case *ecdsa.PublicKey:
		if k.Curve == elliptic.P256() {
			return cose.AlgorithmES256, nil
		}
	}
	return 0, errorf(ErrAlgorithm, "issuer keys must be Ed25519 or P-256, not %T", pub)
}

// holderKeyBytes returns the 32 bytes of an Ed25519 holder key.
func holderKeyBytes(pub crypto.PublicKey) ([]byte, error) {
	k, ok := pub.(ed25519.PublicKey)
	if !ok || len(k) != ed25519.PublicKeySize {
		return nil, errorf(ErrHolderKey, "holder keys must be Ed25519, not %T", pub)
	}
	return []byte(k), nil
}

// checkVerificationMethod checks that a verification method DID URL belongs
// to issuer and, for did:key, that it is the key pub.
func checkVerificationMethod(vm, issuer string, pub crypto.PublicKey) error {
	u, err := did.ParseURL(vm)
	if err != nil || u.Fragment == "" {
		return errorf(ErrCredential, "KeyID %q must be a DID URL with a fragment", vm)
	}
	if u.DID.String() != issuer {
		return errorf(ErrCredential, "KeyID %s is not a key of the issuer %s", vm, issuer)
	}
	if u.DID.Method == "key" {
		kp, err := did.ParseKeyDID(issuer)
		if err != nil {
			return errorf(ErrCredential, "issuer: %v", err)
		}
		a, _ := did.EncodeMultikey(kp)
		b, err := did.EncodeMultikey(pub)
		if err != nil || a != b {
			return errorf(ErrCredential, "the signer's key is not the key of %s", issuer)
		}
	}
	return nil
}

// coseSign signs payload as an untagged COSE_Sign1 with the protected header
// {alg, kid} and returns its encoding, with the payload attached or, when
// attach is false, detached (null).
func coseSign(signer crypto.Signer, payload []byte, attach bool) ([]byte, error) {
	alg, err := algorithmFor(signer.Public())
	if err != nil {
		return nil, err
	}
	kid, _ := KeyID(signer.Public())
	kidBytes, _ := hex.DecodeString(kid)
	cs, err := cose.NewSigner(alg, signer)
	if err != nil {
		return nil, errorf(ErrCrypto, "%v", err)
	}
	msg := &cose.UntaggedSign1Message{Payload: payload}
	msg.Headers.Protected = cose.ProtectedHeader{cose.HeaderLabelAlgorithm: alg, cose.HeaderLabelKeyID: kidBytes}
	if err := msg.Sign(rand.Reader, nil, cs); err != nil {
		return nil, errorf(ErrCrypto, "signing: %v", err)
	}
	if !attach {
		msg.Payload = nil
	}
	out, err := msg.MarshalCBOR()
	if err != nil {
		return nil, fmt.Errorf("compact: encoding COSE_Sign1: %w", err)
	}
	return out, nil
}
