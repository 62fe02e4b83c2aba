// Package legacy checks VC 1.1 credentials secured with the older
// Ed25519Signature2020 Linked Data proof, which some agencies still issue.
// The proof's mathematics is checked by aries-framework-go (through the
// core's one adapter package); everything aries does not check — which key
// may sign, whether it belongs to the issuer — is left to the caller, which
// receives the proof's verification method to check it.
package legacy

import (
	"crypto"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/cityid/cityid/credential/internal/aries"
)

// ProofType is the one proof type this package checks.
const ProofType = aries.ProofTypeEd25519Signature2020

// KeyFunc resolves a verification method (a DID URL) to its public key.
type KeyFunc func(verificationMethod string) (crypto.PublicKey, error)

// Errors a caller can name.
var (
	ErrNoProof      = aries.ErrProofMissing
	ErrUnsupported  = aries.ErrProofUnsupported
	ErrBadSignature = aries.ErrSignature
	ErrInvalid      = aries.ErrInvalidCredential
	ErrKey          = errors.New("legacy: cannot resolve the verification method's key")
)

// Proof is what a verified legacy proof says.
type Proof struct {
	VerificationMethod string
	Created            time.Time
}

// Verify checks the Ed25519Signature2020 proof of a VC 1.1 credential with
// the key keys returns for the proof's verification method.
func Verify(vc []byte, keys KeyFunc) (*Proof, error) {
	vm, err := proofMethod(vc)
	if err != nil {
		return nil, err
	}
	pub, err := keys(vm)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrKey, vm, err)
	}
	edPub, ok := pub.(ed25519.PublicKey)
	if !ok {
		return nil, fmt.Errorf("%w: %s is not an Ed25519 key", ErrUnsupported, vm)
	}
	res, err := aries.VerifyLDProof(vc, edPub)
	if err != nil {
		return nil, err
	}
	if res.VerificationMethod != vm {
		return nil, fmt.Errorf("%w: proof names %s, checked %s", ErrUnsupported, res.VerificationMethod, vm)
	}
	return &Proof{VerificationMethod: res.VerificationMethod, Created: res.Created}, nil
}

// proofMethod reads the verification method of the credential's one proof.
func proofMethod(vc []byte) (string, error) {
	var doc struct {
		Proof json.RawMessage `json:"proof"`
	}
	if err := json.Unmarshal(vc, &doc); err != nil {
		return "", fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if len(doc.Proof) == 0 || string(doc.Proof) == "null" {
		return "", ErrNoProof
	}
	var p struct {
		Type               string `json:"type"`
		VerificationMethod string `json:"verificationMethod"`
	}
	if err := json.Unmarshal(doc.Proof, &p); err != nil {
		return "", fmt.Errorf("%w: the credential must carry exactly one proof object", ErrUnsupported)
	}
	if p.Type != ProofType {
		return "", fmt.Errorf("%w: proof type %q", ErrUnsupported, p.Type)
	}
	if p.VerificationMethod == "" {
		return "", fmt.Errorf("%w: proof has no verificationMethod", ErrUnsupported)
	}
	return p.VerificationMethod, nil
}

// Sign adds an Ed25519Signature2020 proof to a VC 1.1 credential (contexts
// credentials/v1 and ed25519-2020/v1). New city credentials use VC 2.0 and
// Data Integrity; this exists for agencies that must still issue VC 1.1.
func Sign(vc []byte, priv ed25519.PrivateKey, verificationMethod string, created time.Time) ([]byte, error) {
	return aries.SignEd25519Signature2020(vc, priv, verificationMethod, created)
}
