package verifier

import (
	"fmt"
	"time"

	"github.com/cityid/cityid/credential"
	"github.com/cityid/cityid/credential/dataintegrity"
	"github.com/cityid/cityid/did"
)

// verifyLDPresentation checks a W3C Verifiable Presentation that carries one
// city credential and the holder's Data Integrity proof (purpose
// authentication, with the verifier's challenge and domain).
func (v *Verifier) verifyLDPPresentation(r *Result, data []byte) {
	doc, err := credential.DecodeJSON(data)
	if err != nil {
		r.Checks.Proof = fail(ReasonMalformed, "the presentation is not readable: "+err.Error())
		return
	}
	vc, err := onlyCredential(doc["verifiableCredential"])
	if err != nil {
		r.Checks.Proof = fail(ReasonMalformed, "the presentation is not well formed: "+err.Error())
		return
	}
	c := v.checkLDPCredential(r, vc)
	if c == nil {
		return
	}
	r.Checks.HolderBinding = v.checkHolderProof(doc, c)
	if r.Checks.HolderBinding.Outcome == OK {
		r.replayKey = data
		r.replayUntil = v.now().Add(v.p.MaxPresentationAge + 2*v.p.ClockSkew)
	}
}

func (v *Verifier) checkHolderProof(doc map[string]any, c *credential.Credential) CheckResult {
	opts := dataintegrity.VerifyOptions{
		Cryptosuites: v.p.Cryptosuites,
		ProofPurpose: "authentication",
		Challenge:    v.p.Challenge,
		Domain:       v.p.Audience,
	}
	proof, err := v.verifyProof(doc, opts, did.Authentication)
	if err != nil {
		reason := reasonOf(err, []reasonEntry{
			{dataintegrity.ErrChallengeMismatch, ReasonChallengeMismatch},
			{dataintegrity.ErrDomainMismatch, ReasonAudienceMismatch},
		}, ReasonHolderMismatch)
		return fail(reason, "the holder's proof is not valid: "+err.Error())
	}
	signer, err := did.ParseURL(proof.VerificationMethod)
	if err != nil {
		return fail(ReasonHolderMismatch, "the holder's proof key is not a DID URL")
	}
	if holder, ok := doc["holder"]; ok {
		if id, err := credential.IDOf(holder); err != nil || id != signer.DID.String() {
			return fail(ReasonHolderMismatch, "the presentation was signed by someone other than the holder it names")
		}
	}
	if subject := c.SubjectID(); subject != signer.DID.String() {
		return fail(ReasonHolderMismatch, fmt.Sprintf("the credential was issued to %s but presented by %s", displayID(subject), signer.DID))
	}
	if proof.Created.IsZero() {
		return fail(ReasonPresentationExpired, "the holder's proof has no creation time, so it could be a replay")
	}
	age := v.now().Sub(proof.Created)
	if age > v.p.MaxPresentationAge+v.p.ClockSkew || age < -v.p.ClockSkew {
		return fail(ReasonPresentationExpired, fmt.Sprintf("the holder's proof was made at %s, outside the %s this verifier accepts: ask the holder to show it again", proof.Created.UTC().Format(time.RFC3339), v.p.MaxPresentationAge))
	}
	return pass()
}

func onlyCredential(v any) (map[string]any, error) {
	switch x := v.(type) {
	case map[string]any:
		return x, nil
	case []any:
		if len(x) != 1 {
			return nil, fmt.Errorf("it must carry exactly one credential, found %d", len(x))
		}
		if m, ok := x[0].(map[string]any); ok {
			return m, nil
		}
	}
	return nil, fmt.Errorf("verifiableCredential must be a credential object")
}

func displayID(s string) string {
	if s == "" {
		return "nobody in particular (no subject id)"
	}
	return s
}
