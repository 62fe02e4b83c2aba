package verifier

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/cityid/cityid/credential"
	"github.com/cityid/cityid/credential/compact"
	"github.com/cityid/cityid/did"
)

// compactReasons maps compact-format errors to the check they fail and why.
var compactReasons = []struct {
	err    error
	check  string
	reason Reason
	msg    string
}{
	{compact.ErrUnknownKey, "trusted_issuer", ReasonUntrustedIssuer, "the code was signed by a key that is not one of this verifier's trusted issuers"},
	{compact.ErrSignature, "proof", ReasonBadSignature, "the issuer's signature does not match the content: the code was changed or forged"},
	{compact.ErrDisclosure, "proof", ReasonDisclosure, "a shown claim was not signed by the issuer"},
	{compact.ErrAlgorithm, "proof", ReasonUnsupportedAlg, "the code uses an algorithm this verifier does not accept"},
	{compact.ErrNotHolderBound, "holder_binding", ReasonHolderProofMissing, "this verifier needs the holder's proof, and this code has none (it is a paper or unbound credential)"},
	{compact.ErrChallenge, "holder_binding", ReasonChallengeMismatch, "the code answers another challenge: ask the resident to show it again for this kiosk"},
	{compact.ErrStale, "holder_binding", ReasonPresentationExpired, "the code was made too long ago (or its time is wrong): ask the resident to show it again"},
	{compact.ErrHolderSignature, "holder_binding", ReasonHolderMismatch, "the holder's signature is not valid: the code was not made by the credential's holder"},
	{compact.ErrHolderKey, "holder_binding", ReasonHolderMismatch, "the code was not made with the holder's key"},
	{compact.ErrExpired, "validity", ReasonExpired, "the credential has expired"},
	{compact.ErrNotYetValid, "validity", ReasonNotYetValid, "the credential is not valid yet"},
	{compact.ErrUnknownStatusList, "status", ReasonStatusUnavailable, "the code's revocation list is not in this verifier's trust bundle; load the city's current bundle"},
}

// compactTrust builds, once per Verifier, the key and status-list lookups the
// compact format needs: its codes name issuer keys and status lists by short
// references, resolved here from the trust bundle and the trusted did:keys.
func (v *Verifier) compactTrust() (compact.KeyFunc, compact.StatusFunc, error) {
	v.compactOnce.Do(func() {
		var keys []compact.IssuerKey
		if v.p.Trust != nil {
			for _, iss := range v.p.Trust.Issuers {
				for _, k := range iss.Keys {
					pub, err := did.DecodeMultikey(k.PublicKeyMultibase)
					if err != nil {
						continue
					}
					keys = append(keys, compact.IssuerKey{Issuer: iss.ID, VerificationMethod: k.ID, PublicKey: pub})
				}
			}
		}
		for _, t := range v.p.TrustedIssuers {
			pub, err := did.ParseKeyDID(t.DID)
			if err != nil {
				continue // did:web issuers outside the bundle sign W3C or SD-JWT forms only
			}
			vm, _ := did.KeyVerificationMethod(pub)
			keys = append(keys, compact.IssuerKey{Issuer: t.DID, VerificationMethod: vm, PublicKey: pub})
		}
		v.compactKeys, v.compactErr = compact.Keys(keys...)
		if v.compactErr != nil {
			return
		}
		var lists []compact.StatusList
		if v.p.Trust != nil {
			for _, s := range v.p.Trust.Status {
				var doc struct {
					Subject struct {
						Purpose any `json:"statusPurpose"`
					} `json:"credentialSubject"`
				}
				if json.Unmarshal(s.Credential, &doc) != nil {
					continue
				}
				purposes, _ := doc.Subject.Purpose.([]any)
				if p, ok := doc.Subject.Purpose.(string); ok {
					purposes = []any{p}
				}
				for _, p := range purposes {
					if ps, ok := p.(string); ok {
						lists = append(lists, compact.StatusList{URL: s.ID, Purpose: ps})
					}
				}
			}
		}
		v.compactStatus, v.compactErr = compact.StatusLists(lists...)
	})
	return v.compactKeys, v.compactStatus, v.compactErr
}

// verifyCompact checks cityid's compact QR form: a holder-bound presentation
// or a paper credential.
func (v *Verifier) verifyCompact(r *Result, text string) {
	keys, lists, err := v.compactTrust()
	if err != nil {
		r.Checks.Proof = fail(ReasonKeyUnresolvable, "this verifier's trust bundle cannot be used for QR codes: "+err.Error())
		return
	}
	ver, err := compact.Verify(text, keys, compact.VerifyOptions{
		Now:               v.now(),
		Challenge:         v.p.Challenge,
		ChallengeOptional: v.p.ChallengeOptional,
		MaxAge:            v.p.MaxPresentationAge + v.p.ClockSkew,
		RequireHolder:     v.p.RequireHolderBinding,
		StatusLists:       lists,
	})
	if err != nil {
		v.reportCompactError(r, err)
		return
	}
	c, err := credential.FromDocument(ver.Credential)
	if err != nil {
		r.Checks.Proof = fail(ReasonMalformed, "the code does not expand to a well-formed credential: "+err.Error())
		return
	}
	r.Issuer, r.Types = ver.Issuer, c.Types
	r.Claims = subjectClaims(c.Subject)
	r.setEvidence(ver.Credential["evidence"])
	r.Checks.Proof = pass()
	r.Checks.IssuerBinding = checkBinding(ver.KeyID, ver.Issuer)
	r.Checks.TrustedIssuer = v.checkTrusted(ver.Issuer, ver.Type)
	r.Checks.Validity = v.checkValidity(c.ValidFrom, c.ValidUntil)
	r.Checks.Status = v.checkStatus(r, c)
	if ver.HolderBound {
		if holder, err := did.KeyDID(ver.HolderKey); err == nil {
			r.Subject = holder
		}
		r.Checks.HolderBinding = pass()
		r.replayKey = ver.Digest
		r.replayUntil = ver.PresentedAt.Add(v.p.MaxPresentationAge + 2*v.p.ClockSkew)
	} else if ver.Paper {
		r.Paper = true
		r.Checks.HolderBinding = skip("a paper credential: check the holder's identity by other means (it carries no holder proof)")
	}
}

func (v *Verifier) reportCompactError(r *Result, err error) {
	for _, e := range compactReasons {
		if !errors.Is(err, e.err) {
			continue
		}
		res := fail(e.reason, e.msg)
		switch e.check {
		case "proof":
			r.Checks.Proof = res
		case "trusted_issuer":
			r.Checks.Proof = fail(ReasonKeyUnresolvable, "the key that signed the code is unknown to this verifier")
			r.Checks.TrustedIssuer = res
		case "holder_binding":
			r.Checks.HolderBinding = res
		case "validity":
			r.Checks.Validity = res
		case "status":
			r.Checks.Status = res
		}
		return
	}
	switch {
	case errors.Is(err, compact.ErrVersion):
		r.Checks.Proof = fail(ReasonUnsupportedFormat, "the code was made for a newer version of cityid than this verifier reads: update the verifier, or ask for the paper credential")
	case errors.Is(err, compact.ErrForm):
		r.Checks.Proof = fail(ReasonUnsupportedFormat, "this is the wallet's stored copy of the credential, not a code to show: ask the resident to show the code from the wallet's Show screen")
	default: // Base45, zlib, CBOR, sizes: the content does not read
		r.Checks.Proof = fail(ReasonMalformed, DamagedCodeMessage+"; ask for the paper credential or a new code, or send the resident to the city counter (detail: "+err.Error()+")")
	}
}

// replayCache remembers holder-bound presentations already accepted, until
// their acceptance window ends, so the same code cannot be shown twice.
type replayCache struct {
	mu     sync.Mutex
	seen   map[[sha256.Size]byte]seenEntry
	lastGC time.Time
}

type seenEntry struct {
	at, until time.Time
}

// check records key at now, or reports when it was seen before.
func (c *replayCache) check(key []byte, now, until time.Time) (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seen == nil {
		c.seen = map[[sha256.Size]byte]seenEntry{}
	}
	if now.Sub(c.lastGC) > time.Minute {
		for k, e := range c.seen {
			if now.After(e.until) {
				delete(c.seen, k)
			}
		}
		c.lastGC = now
	}
	k := sha256.Sum256(key)
	if e, ok := c.seen[k]; ok && !now.After(e.until) {
		return e.at, true
	}
	c.seen[k] = seenEntry{at: now, until: until}
	return time.Time{}, false
}

// checkReplay refuses a holder-bound presentation this verifier has already
// accepted. It runs last, on presentations that passed every other check.
func (v *Verifier) checkReplay(r *Result) {
	if r.replayKey == nil || !r.Verified {
		return
	}
	if at, seen := v.replays.check(r.replayKey, v.now(), r.replayUntil); seen {
		r.Checks.HolderBinding = fail(ReasonReplayed, fmt.Sprintf("this code was already shown at %s: ask the resident to show a new one", at.Local().Format("15:04:05")))
		r.finish(v.holderRequired(r))
	}
}
