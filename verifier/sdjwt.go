package verifier

import (
	"crypto"
	"errors"
	"time"

	"github.com/cityid/cityid/credential"
	"github.com/cityid/cityid/credential/sdjwt"
	"github.com/cityid/cityid/did"
)

// registeredJWTClaims are JWT and SD-JWT VC claims that are not the holder's
// claims; they are reported in their own Result fields, not in Claims.
var registeredJWTClaims = map[string]bool{
	"iss": true, "sub": true, "iat": true, "nbf": true, "exp": true,
	"cnf": true, "vct": true, "vct#integrity": true, "status": true, "jti": true, "aud": true,
	"evidence": true, // reported in Result.Evidence
}

// verifySDJWT checks an SD-JWT VC, with or without a Key Binding JWT.
func (v *Verifier) verifySDJWT(r *Result, s string) {
	tok, err := sdjwt.ParseUnverifiedUnsafe(s)
	if err != nil {
		v.reportSDJWTError(r, err)
		return
	}
	// What the token claims, before verification: used only to report
	// binding and trust; Verified stays false unless the proof checks out.
	iss, _ := tok.Payload["iss"].(string)
	kid, _ := tok.Header["kid"].(string)
	vct, _ := tok.Payload["vct"].(string)
	typeName, _ := credential.TypeFromVCT(vct)
	r.Issuer = iss
	if typeName != "" {
		r.Types = []string{"VerifiableCredential", typeName}
	}
	r.Checks.IssuerBinding = checkBinding(absoluteKID(iss, kid), iss)
	r.Checks.TrustedIssuer = v.checkTrusted(iss, typeName)

	keys := func(issuer, kid string) (crypto.PublicKey, error) {
		return v.publicKey(kid, did.AssertionMethod)
	}
	opts := sdjwt.VerifyOptions{
		Algorithms:        v.p.JWTAlgorithms,
		Now:               v.now(),
		ClockSkew:         v.p.ClockSkew,
		RequireKeyBinding: v.p.RequireHolderBinding,
		Audience:          v.p.Audience,
		Nonce:             v.p.Challenge,
		MaxKeyBindingAge:  v.p.MaxPresentationAge,
	}
	if opts.RequireKeyBinding && (opts.Audience == "" || opts.Nonce == "") {
		// The holder's proof must answer this verifier's own challenge.
		r.Checks.Proof = fail(ReasonChallengeMismatch, "this verifier requires holder binding but has no challenge and audience to check it against")
		return
	}
	ver, err := sdjwt.Verify(s, keys, opts)
	if err != nil {
		v.reportSDJWTError(r, err)
		return
	}
	r.Checks.Proof = pass()
	r.Checks.Validity = v.checkValidity(laterOf(ver.NotBefore, ver.IssuedAt), ver.Expiry)
	if ver.KeyBound {
		r.Checks.HolderBinding = pass()
		r.replayKey = []byte(s)
		r.replayUntil = v.now().Add(v.p.MaxPresentationAge + 2*v.p.ClockSkew)
	}
	if sub, ok := ver.Claims["sub"].(string); ok {
		r.Subject = sub
	}
	r.Claims = map[string]any{}
	for k, val := range ver.Claims {
		if !registeredJWTClaims[k] {
			r.Claims[k] = val
		}
	}
	r.setEvidence(ver.Claims["evidence"])
	r.Checks.Status = v.checkSDJWTStatus(r, ver.Status, iss)
}

func (v *Verifier) reportSDJWTError(r *Result, err error) {
	msg := err.Error()
	switch {
	case errors.Is(err, sdjwt.ErrIssuerBinding):
		r.Checks.IssuerBinding = fail(ReasonIssuerMismatch, "the token was signed with a key that does not belong to its issuer: it may be a forgery")
		r.Checks.Proof = fail(ReasonIssuerMismatch, "the signature was not checked because the signing key is not the issuer's")
	case errors.Is(err, sdjwt.ErrExpired):
		r.Checks.Proof = pass()
		r.Checks.Validity = fail(ReasonExpired, "the credential has expired: "+msg)
	case errors.Is(err, sdjwt.ErrNotYetValid):
		r.Checks.Proof = pass()
		r.Checks.Validity = fail(ReasonNotYetValid, "the credential is not valid yet: "+msg)
	case errors.Is(err, sdjwt.ErrNonce):
		r.Checks.Proof = pass()
		r.Checks.HolderBinding = fail(ReasonChallengeMismatch, "the holder's proof answers another challenge: it may be a replay")
	case errors.Is(err, sdjwt.ErrAudience):
		r.Checks.Proof = pass()
		r.Checks.HolderBinding = fail(ReasonAudienceMismatch, "the holder's proof was made for another verifier")
	case errors.Is(err, sdjwt.ErrKeyBinding):
		r.Checks.Proof = pass()
		r.Checks.HolderBinding = fail(ReasonHolderMismatch, "the holder's proof is not valid: "+msg)
	case errors.Is(err, sdjwt.ErrDisclosure):
		r.Checks.Proof = fail(ReasonDisclosure, "a disclosed claim was not signed by the issuer: "+msg)
	case errors.Is(err, sdjwt.ErrAlgorithm):
		r.Checks.Proof = fail(ReasonUnsupportedAlg, "the token uses an algorithm this verifier does not accept: "+msg)
	case errors.Is(err, sdjwt.ErrKeyLookup):
		r.Checks.Proof = fail(ReasonKeyUnresolvable, "the key that signed the token cannot be found offline: "+msg)
	case errors.Is(err, sdjwt.ErrSignature):
		r.Checks.Proof = fail(ReasonBadSignature, "the signature does not match the content: the credential was changed after it was issued, or forged")
	default:
		r.Checks.Proof = fail(ReasonMalformed, "the SD-JWT is not valid: "+msg)
	}
}

func laterOf(a, b *time.Time) *time.Time {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	case a.After(*b):
		return a
	}
	return b
}

// absoluteKID turns a relative kid ("#key-1") into a DID URL of iss.
func absoluteKID(iss, kid string) string {
	if len(kid) > 0 && kid[0] == '#' {
		return iss + kid
	}
	return kid
}
