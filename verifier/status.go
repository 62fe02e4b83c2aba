package verifier

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/cityid/cityid/credential"
	"github.com/cityid/cityid/credential/dataintegrity"
	"github.com/cityid/cityid/credential/status"
	"github.com/cityid/cityid/did"
)

// SDJWTStatusMechanism is the member of an SD-JWT VC's "status" claim that
// carries W3C BitstringStatusListEntry objects (cityid's issuer uses the same
// status lists for both forms of a credential).
const SDJWTStatusMechanism = "bitstring_status_list"

// checkStatus checks each credentialStatus entry against the status list
// credentials cached in the trust bundle. Nothing is fetched.
func (v *Verifier) checkStatus(r *Result, c *credential.Credential) CheckResult {
	return v.checkStatusEntries(r, c.Status, c.Issuer)
}

// checkSDJWTStatus checks an SD-JWT VC's status claim.
func (v *Verifier) checkSDJWTStatus(r *Result, claim map[string]any, issuer string) CheckResult {
	if claim == nil {
		return skip("the credential has no status claim (it cannot be revoked)")
	}
	list, ok := claim[SDJWTStatusMechanism].([]any)
	if !ok || len(list) == 0 {
		if v.p.UnsafeSkipStatus {
			return skip("status not checked: the policy skips revocation checks")
		}
		return fail(ReasonStatusUnavailable, "the credential's status mechanism is not one this verifier can check offline")
	}
	entries := make([]map[string]any, 0, len(list))
	for _, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			return fail(ReasonStatusInvalid, "the credential's status entries must be objects")
		}
		entries = append(entries, m)
	}
	return v.checkStatusEntries(r, entries, issuer)
}

// checkStatusEntries checks entries against the cached lists of issuer,
// applying the policy's staleness rule and reporting the lists' age in r.
func (v *Verifier) checkStatusEntries(r *Result, entries []map[string]any, issuer string) CheckResult {
	if len(entries) == 0 {
		return skip("the credential has no status entry (it cannot be revoked)")
	}
	if v.p.UnsafeSkipStatus {
		return skip("status not checked: the policy skips revocation checks")
	}
	for _, raw := range entries {
		entry, err := status.ParseEntry(raw)
		if err != nil {
			return fail(ReasonStatusInvalid, "the credential's status entry is not valid: "+err.Error())
		}
		cached, res := v.statusList(entry.ListCredential, issuer)
		if res.Outcome == Failed {
			return res
		}
		if res := v.checkFreshness(r, cached); res.Outcome == Failed {
			return res
		}
		value, err := cached.list.Status(entry)
		if err != nil {
			return fail(ReasonStatusInvalid, "the status list cannot be read for this credential: "+err.Error())
		}
		if value != 0 {
			switch entry.Purpose {
			case status.PurposeRevocation:
				return fail(ReasonRevoked, "the issuer has revoked this credential")
			case status.PurposeSuspension:
				return fail(ReasonSuspended, "the issuer has suspended this credential; the holder can ask the issuing counter why")
			default:
				msg, _ := entry.Message(value)
				return fail(ReasonStatusInvalid, fmt.Sprintf("the credential's %s status is set (%s)", entry.Purpose, msg))
			}
		}
	}
	return pass()
}

// checkFreshness applies the staleness policy to a status list: one past its
// validUntil, or older than Policy.StatusMaxAge, is stale. Stale lists fail
// the check under StaleReject and add a warning under StaleWarn. The age of
// the oldest list consulted is reported in r.StatusAsOf.
func (v *Verifier) checkFreshness(r *Result, l *cachedList) CheckResult {
	if l.validFrom != nil && (r.StatusAsOf == nil || l.validFrom.Before(*r.StatusAsOf)) {
		asOf := *l.validFrom
		r.StatusAsOf = &asOf
	}
	now := v.now()
	stale := ""
	switch {
	case l.validUntil != nil && now.After(*l.validUntil):
		stale = fmt.Sprintf("the revocation list expired on %s", l.validUntil.UTC().Format(time.DateOnly))
	case v.p.StatusMaxAge > 0 && l.validFrom != nil && now.Sub(*l.validFrom) > v.p.StatusMaxAge:
		stale = fmt.Sprintf("the revocation list is %s old, older than this verifier accepts", roundAge(now.Sub(*l.validFrom)))
	default:
		return pass()
	}
	if v.p.StaleStatus == StaleWarn {
		r.Warnings = append(r.Warnings, stale+": a recent revocation may not be known; load the city's current bundle")
		return pass()
	}
	return fail(ReasonStatusStale, stale+"; load the city's current bundle")
}

// roundAge renders a duration as days or hours.
func roundAge(d time.Duration) string {
	if d >= 48*time.Hour {
		return fmt.Sprintf("%d days", int(d.Hours()/24))
	}
	return fmt.Sprintf("%d hours", int(d.Hours()))
}

// statusList returns the verified status list credential at url, which must
// be issued by issuer. Freshness is judged by the caller.
func (v *Verifier) statusList(url, issuer string) (*cachedList, CheckResult) {
	if cached, ok := v.statusCache.Load(url); ok {
		return cached.(*cachedList), pass()
	}
	var raw json.RawMessage
	ok := false
	if v.p.Trust != nil {
		raw, ok = v.p.Trust.StatusList(url)
	}
	if !ok {
		return nil, fail(ReasonStatusUnavailable, fmt.Sprintf("the status list %s is not in this verifier's trust bundle, so revocation cannot be checked offline; load the city's current bundle", url))
	}
	doc, err := credential.DecodeJSON(raw)
	if err != nil {
		return nil, fail(ReasonStatusInvalid, "the cached status list is not readable: "+err.Error())
	}
	c, err := credential.FromDocument(doc)
	if err != nil {
		return nil, fail(ReasonStatusInvalid, "the cached status list is not well formed: "+err.Error())
	}
	if c.Issuer != issuer {
		return nil, fail(ReasonStatusInvalid, fmt.Sprintf("the status list %s was issued by %s, not by the credential's issuer", url, c.Issuer))
	}
	proof, err := v.verifyProof(doc, dataintegrity.VerifyOptions{Cryptosuites: v.p.Cryptosuites, ProofPurpose: "assertionMethod"}, did.AssertionMethod)
	if err != nil {
		return nil, fail(ReasonStatusInvalid, "the cached status list's signature is not valid: "+err.Error())
	}
	if b := checkBinding(proof.VerificationMethod, issuer); b.Outcome != OK {
		return nil, fail(ReasonStatusInvalid, "the cached status list is not signed by the issuer: "+b.Message)
	}
	if c.ID != "" && c.ID != url {
		return nil, fail(ReasonStatusInvalid, fmt.Sprintf("the cached status list's id %s does not match %s", c.ID, url))
	}
	if !containsString(c.Types, status.ListCredentialType) {
		return nil, fail(ReasonStatusInvalid, fmt.Sprintf("the cached %s is not a status list credential", url))
	}
	list, err := status.ParseListSubject(c.Subject)
	if err != nil {
		return nil, fail(ReasonStatusInvalid, "the cached status list is not readable: "+err.Error())
	}
	cl := &cachedList{list: list, validFrom: c.ValidFrom, validUntil: c.ValidUntil}
	v.statusCache.Store(url, cl)
	return cl, pass()
}

// cachedList is a status list credential already verified by this Verifier.
type cachedList struct {
	list                  *status.ListSubject
	validFrom, validUntil *time.Time
}
