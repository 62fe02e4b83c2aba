// Package legacyproofs lets a verifier accept VC 1.1 credentials with
// Ed25519Signature2020 proofs: set Policy.LegacyProofs to Verifier{} and
// list verifier.LegacyProofType in Policy.Cryptosuites. The proofs are
// checked by package credential/legacy, through aries-framework-go; the
// verifier still checks issuer binding, trust, validity and status itself.
// Only verifiers that need VC 1.1 import this package, so the wallet and
// the kiosk do not carry aries-framework-go.
package legacyproofs

import (
	"crypto"
	"errors"

	"github.com/cityid/cityid/credential/legacy"
	"github.com/cityid/cityid/verifier"
)

// Verifier checks Ed25519Signature2020 proofs with credential/legacy.
type Verifier struct{}

var _ verifier.LegacyProofVerifier = Verifier{}

// VerifyLegacyProof implements verifier.LegacyProofVerifier.
func (Verifier) VerifyLegacyProof(data []byte, keys func(vm string) (crypto.PublicKey, error)) (string, verifier.Reason, error) {
	proof, err := legacy.Verify(data, keys)
	if err != nil {
		for _, e := range []struct {
			err    error
			reason verifier.Reason
		}{
			{legacy.ErrNoProof, verifier.ReasonNoProof},
			{legacy.ErrKey, verifier.ReasonKeyUnresolvable},
			{legacy.ErrBadSignature, verifier.ReasonBadSignature},
			{legacy.ErrUnsupported, verifier.ReasonUnsupportedAlg},
		} {
			if errors.Is(err, e.err) {
				return "", e.reason, err
			}
		}
		return "", verifier.ReasonMalformed, err
	}
	return proof.VerificationMethod, "", nil
}
