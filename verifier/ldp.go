package verifier

import (
	"crypto"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/cityid/cityid/credential"
	"github.com/cityid/cityid/credential/dataintegrity"
	"github.com/cityid/cityid/did"
)

var diReasons = []reasonEntry{
	{dataintegrity.ErrNoProof, ReasonNoProof},
	{dataintegrity.ErrUnsupportedCryptosuite, ReasonUnsupportedAlg},
	{dataintegrity.ErrWrongPurpose, ReasonWrongPurpose},
	{dataintegrity.ErrKeyResolution, ReasonKeyUnresolvable},
	{dataintegrity.ErrUnknownContext, ReasonUnknownContext},
	{dataintegrity.ErrBadSignature, ReasonBadSignature},
	{dataintegrity.ErrMalformedProof, ReasonMalformed},
	{dataintegrity.ErrContextMismatch, ReasonMalformed},
}

// verifyLDP checks a W3C credential secured with a Data Integrity proof.
func (v *Verifier) verifyLDP(r *Result, data []byte) {
	doc, err := credential.DecodeJSON(data)
	if err != nil {
		r.Checks.Proof = fail(ReasonMalformed, "the credential is not readable: "+err.Error())
		return
	}
	v.checkLDPCredential(r, doc)
}

// checkLDPCredential fills r's credential checks for a decoded document.
func (v *Verifier) checkLDPCredential(r *Result, doc map[string]any) *credential.Credential {
	c, err := credential.FromDocument(doc)
	if err != nil {
		r.Checks.Proof = fail(ReasonMalformed, "the credential is not well formed: "+err.Error())
		return nil
	}
	r.Issuer, r.Types, r.Subject = c.Issuer, c.Types, c.SubjectID()
	r.Claims = subjectClaims(c.Subject)
	r.setEvidence(doc["evidence"])
	var vm string
	if c.IsV2() {
		proof, err := v.verifyProof(doc, dataintegrity.VerifyOptions{Cryptosuites: v.p.Cryptosuites, ProofPurpose: "assertionMethod"}, did.AssertionMethod)
		if err != nil {
			r.Checks.Proof = fail(reasonOf(err, diReasons, ReasonBadSignature), proofMessage(err))
		} else {
			r.Checks.Proof, vm = pass(), proof.VerificationMethod
		}
	} else {
		vm = v.verifyLegacyProof(r, doc)
	}
	if vm != "" {
		r.Checks.IssuerBinding = checkBinding(vm, c.Issuer)
	}
	r.Checks.TrustedIssuer = v.checkTrusted(c.Issuer, c.CityType())
	r.Checks.Validity = v.checkValidity(c.ValidFrom, c.ValidUntil)
	r.Checks.Status = v.checkStatus(r, c)
	return c
}

// verifyLegacyProof checks a VC 1.1 credential's Ed25519Signature2020 proof,
// when the policy accepts that legacy proof type, and returns its method.
func (v *Verifier) verifyLegacyProof(r *Result, doc map[string]any) string {
	if !containsString(v.p.Cryptosuites, LegacyProofType) {
		r.Checks.Proof = fail(ReasonUnsupportedAlg, "this is an older (VC 1.1) credential, and this verifier's policy does not accept its Ed25519Signature2020 proof")
		return ""
	}
	data, err := json.Marshal(doc)
	if err != nil {
		r.Checks.Proof = fail(ReasonMalformed, "the credential is not readable: "+err.Error())
		return ""
	}
	vm, reason, err := v.p.LegacyProofs.VerifyLegacyProof(data, func(vm string) (crypto.PublicKey, error) { return v.publicKey(vm, did.AssertionMethod) })
	if err != nil {
		if reason == "" {
			reason = ReasonMalformed
		}
		r.Checks.Proof = fail(reason, "the legacy proof is not valid: "+err.Error())
		return ""
	}
	r.Checks.Proof = pass()
	return vm
}

// verifyProof checks the proof's math with keys resolved offline. It returns
// the proof even when the signature fails, when the proof could be read.
func (v *Verifier) verifyProof(doc map[string]any, opts dataintegrity.VerifyOptions, rel did.Relationship) (*dataintegrity.Proof, error) {
	keys := func(vm string) (crypto.PublicKey, error) { return v.publicKey(vm, rel) }
	opts.Now = v.now()
	return dataintegrity.Verify(doc, keys, opts)
}

func proofMessage(err error) string {
	switch {
	case errors.Is(err, dataintegrity.ErrNoProof):
		return "the credential carries no proof, so nothing shows who issued it"
	case errors.Is(err, dataintegrity.ErrBadSignature):
		return "the signature does not match the content: the credential was changed after it was issued, or forged"
	case errors.Is(err, dataintegrity.ErrUnknownContext):
		return "the credential uses a vocabulary (JSON-LD context) this verifier does not know: " + err.Error()
	case errors.Is(err, dataintegrity.ErrKeyResolution):
		return "the key that signed the credential cannot be found offline: " + err.Error()
	}
	return fmt.Sprintf("the proof is not valid: %v", err)
}

// subjectClaims returns the credentialSubject claims, without the holder id.
func subjectClaims(subject map[string]any) map[string]any {
	out := make(map[string]any, len(subject))
	for k, val := range subject {
		if k != "id" {
			out[k] = val
		}
	}
	return out
}
