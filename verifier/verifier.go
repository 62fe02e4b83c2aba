package verifier

import (
	"bytes"
	"context"
	"crypto"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/cityid/cityid/credential"
	"github.com/cityid/cityid/credential/compact"
	"github.com/cityid/cityid/did"
	"github.com/cityid/cityid/schemas"
)

// Verifier checks credentials and presentations under one Policy. It is safe
// for concurrent use.
type Verifier struct {
	p        Policy
	resolver did.Resolver
	// statusCache holds status list credentials already verified, by URL.
	statusCache sync.Map
	// replays remembers accepted holder-bound presentations.
	replays replayCache

	compactOnce   sync.Once
	compactKeys   compact.KeyFunc
	compactStatus compact.StatusFunc
	compactErr    error
}

// New returns a Verifier for the policy, or an error naming what the policy lacks.
func New(p Policy) (*Verifier, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	p.Formats = append([]credential.Format(nil), p.Formats...)
	p.Cryptosuites = append([]string(nil), p.Cryptosuites...)
	p.JWTAlgorithms = append([]string(nil), p.JWTAlgorithms...)
	p.TrustedIssuers = append([]TrustedIssuer(nil), p.TrustedIssuers...)
	p.RequireHolderBindingFor = append([]string(nil), p.RequireHolderBindingFor...)
	return &Verifier{p: p, resolver: did.NewResolver(p.PinnedWeb)}, nil
}

// Verify checks data, a credential or presentation in any supported form,
// and reports every check. It never returns nil; an unreadable input gives a
// Result whose proof check failed with ReasonMalformed. ctx is honoured for
// cancellation only: nothing here does I/O.
func (v *Verifier) Verify(ctx context.Context, data []byte) *Result {
	r := &Result{}
	defer v.checkReplay(r)
	defer v.finish(r)
	r.Checks.HolderBinding = skip("no holder proof: the credential was shown on its own")
	if err := ctx.Err(); err != nil {
		r.Checks.Proof = fail(ReasonMalformed, "verification cancelled: "+err.Error())
		return r
	}
	if len(data) > credential.MaxSize {
		r.Checks.Proof = fail(ReasonTooLarge, fmt.Sprintf("the input is larger than %d bytes, far larger than any city credential", credential.MaxSize))
		return r
	}
	data = bytes.TrimSpace(data)
	if compact.Detect(string(data)) {
		r.Format = credential.FormatQR
		if !containsFormat(v.p.Formats, r.Format) {
			r.Checks.Proof = fail(ReasonUnsupportedFormat, "this verifier's policy does not accept QR codes")
			return r
		}
		v.verifyCompact(r, string(data))
		return r
	}
	r.Format = credential.Detect(data)
	if r.Format == credential.FormatUnknown {
		r.Checks.Proof = fail(ReasonUnsupportedFormat, "this is not a credential cityid can read (expected a W3C credential or presentation in JSON, or an SD-JWT)")
		return r
	}
	if !containsFormat(v.p.Formats, r.Format) {
		r.Checks.Proof = fail(ReasonUnsupportedFormat, fmt.Sprintf("this verifier's policy does not accept the %s form", r.Format))
		return r
	}
	switch r.Format {
	case credential.FormatLDP:
		v.verifyLDP(r, data)
	case credential.FormatLDPPresentation:
		v.verifyLDPPresentation(r, data)
	case credential.FormatSDJWT:
		v.verifySDJWT(r, string(data))
	}
	return r
}

// holderRequired reports whether the policy requires holder binding for r:
// for every credential, or for r's type.
func (v *Verifier) holderRequired(r *Result) bool {
	if v.p.RequireHolderBinding {
		return true
	}
	for _, t := range r.Types {
		if containsString(v.p.RequireHolderBindingFor, t) {
			return true
		}
	}
	return false
}

// finish applies the holder binding policy and computes the verdict.
func (v *Verifier) finish(r *Result) {
	required := v.holderRequired(r)
	if required && !v.p.RequireHolderBinding && r.Checks.HolderBinding.Outcome == Skipped {
		what := "this code carries no holder proof"
		if r.Paper {
			what = "this is a paper credential, which carries no holder proof"
		}
		r.Checks.HolderBinding = fail(ReasonHolderProofMissing, fmt.Sprintf(
			"this verifier requires the holder's proof for %s credentials, and %s: ask for a code made by the resident's wallet",
			typeName(cityTypeOf(r.Types)), what))
	}
	hb := r.Checks.HolderBinding
	r.NoHolderBinding = r.Checks.Proof.Outcome == OK &&
		(hb.Outcome == Skipped || hb.Outcome == Failed && hb.Reason == ReasonHolderProofMissing)
	r.finish(required)
}

// cityTypeOf is the credential's type other than VerifiableCredential.
func cityTypeOf(types []string) string {
	for _, t := range types {
		if t != "VerifiableCredential" {
			return t
		}
	}
	return ""
}

// now is the policy's clock.
func (v *Verifier) now() time.Time { return v.p.Clock() }

// assertionKey resolves the public key of a verification method used to
// sign a credential. Keys of bundle issuers come from the bundle only.
func (v *Verifier) publicKey(vm string, rel did.Relationship) (crypto.PublicKey, error) {
	u, err := did.ParseURL(vm)
	if err != nil {
		return nil, fmt.Errorf("verification method %q is not a DID URL: %v", vm, err)
	}
	if v.p.Trust != nil {
		if iss, ok := v.p.Trust.Issuer(u.DID.String()); ok && rel == did.AssertionMethod {
			if pub, ok := iss.PublicKey(vm); ok {
				return pub, nil
			}
			return nil, fmt.Errorf("key %s is not one of issuer %s's keys in the trust bundle", vm, iss.ID)
		}
	}
	_, pub, err := did.ResolveVerificationMethod(v.resolver, vm, rel)
	if err != nil {
		return nil, err
	}
	return pub, nil
}

// setEvidence reads a credential's evidence property into r. Evidence that
// is not the city's (another issuer's vocabulary) is not reported as city
// evidence; a warning says it is there.
func (r *Result) setEvidence(v any) {
	ev, err := schemas.ParseEvidence(v)
	if err != nil {
		r.Warnings = append(r.Warnings, "the credential carries evidence this verifier cannot read, so it does not say how the holder's identity was established")
		return
	}
	r.Evidence = ev
}

// checkBinding checks that verification method vm belongs to issuer.
func checkBinding(vm, issuer string) CheckResult {
	u, err := did.ParseURL(vm)
	if err != nil {
		return fail(ReasonIssuerMismatch, fmt.Sprintf("the proof's key %q is not a DID URL", vm))
	}
	if u.DID.String() != issuer {
		return fail(ReasonIssuerMismatch, fmt.Sprintf("the proof was made with a key of %s, not of the issuer %s: it may be a forgery", u.DID, issuer))
	}
	return pass()
}

// checkTrusted checks that issuer is trusted to issue credentialType.
func (v *Verifier) checkTrusted(issuer, credentialType string) CheckResult {
	if v.p.Trust != nil {
		if iss, ok := v.p.Trust.Issuer(issuer); ok {
			if iss.ValidUntil != nil && v.now().After(*iss.ValidUntil) {
				return fail(ReasonIssuerRetired, fmt.Sprintf("issuer %s was trusted only until %s", issuerName(iss.Name, issuer), iss.ValidUntil.Format(time.DateOnly)))
			}
			if !iss.MayIssue(credentialType) {
				return fail(ReasonTypeNotAllowed, fmt.Sprintf("issuer %s is not trusted to issue %s credentials", issuerName(iss.Name, issuer), typeName(credentialType)))
			}
			return pass()
		}
	}
	for _, t := range v.p.TrustedIssuers {
		if t.DID != issuer {
			continue
		}
		if len(t.Types) > 0 && !containsString(t.Types, credentialType) {
			return fail(ReasonTypeNotAllowed, fmt.Sprintf("issuer %s is not trusted to issue %s credentials", issuer, typeName(credentialType)))
		}
		return pass()
	}
	return fail(ReasonUntrustedIssuer, fmt.Sprintf("the issuer %s is not on this verifier's list of trusted issuers", issuer))
}

// checkValidity checks the validity period and the policy's maximum age.
func (v *Verifier) checkValidity(validFrom, validUntil *time.Time) CheckResult {
	now, skew := v.now(), v.p.ClockSkew
	if validFrom != nil && now.Add(skew).Before(*validFrom) {
		return fail(ReasonNotYetValid, "the credential is not valid until "+validFrom.UTC().Format(time.RFC3339))
	}
	if validUntil != nil && now.Add(-skew).After(*validUntil) {
		return fail(ReasonExpired, "the credential expired on "+validUntil.UTC().Format(time.RFC3339))
	}
	if v.p.MaxAge > 0 {
		if validFrom == nil {
			return fail(ReasonTooOld, "the credential has no issue date, and this verifier accepts only recent credentials")
		}
		if now.Sub(*validFrom) > v.p.MaxAge {
			return fail(ReasonTooOld, fmt.Sprintf("the credential was issued on %s, longer ago than this verifier accepts", validFrom.UTC().Format(time.DateOnly)))
		}
	}
	return pass()
}

func issuerName(name, id string) string {
	if name != "" {
		return fmt.Sprintf("%q (%s)", name, id)
	}
	return id
}

// typeName turns ResidencyCredential into "residency".
func typeName(t string) string {
	if t == "" {
		return "untyped"
	}
	return strings.TrimSuffix(t, "Credential")
}

// reasonOf returns the first reason whose sentinel err wraps.
func reasonOf(err error, table []reasonEntry, fallback Reason) Reason {
	for _, e := range table {
		if errors.Is(err, e.err) {
			return e.reason
		}
	}
	return fallback
}

type reasonEntry struct {
	err    error
	reason Reason
}
