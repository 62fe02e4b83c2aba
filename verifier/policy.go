package verifier

import (
	"crypto"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cityid/cityid/credential"
	"github.com/cityid/cityid/credential/trust"
	"github.com/cityid/cityid/did"
)

// LegacyProofType is the VC 1.1 proof type a Policy may accept besides the
// Data Integrity cryptosuites, with a LegacyProofVerifier.
const LegacyProofType = "Ed25519Signature2020"

// LegacyProofVerifier checks the proof of a VC 1.1 credential (data, its
// JSON) with keys resolved offline by keys. It returns the verification
// method that made the proof or, when the proof does not verify, the
// Reason and an error saying why.
type LegacyProofVerifier interface {
	VerifyLegacyProof(data []byte, keys func(vm string) (crypto.PublicKey, error)) (vm string, reason Reason, err error)
}

// Supported algorithm names. A Policy may only allow names from these lists.
var (
	// SupportedCryptosuites are Data Integrity cryptosuites, plus the legacy
	// VC 1.1 proof type Ed25519Signature2020 (off by default).
	SupportedCryptosuites  = []string{"eddsa-rdfc-2022", "eddsa-jcs-2022", LegacyProofType}
	SupportedJWTAlgorithms = []string{"EdDSA", "ES256"}
	SupportedFormats       = []credential.Format{credential.FormatLDP, credential.FormatLDPPresentation, credential.FormatSDJWT, credential.FormatQR}
)

// TrustedIssuer trusts one issuer outside a trust bundle.
type TrustedIssuer struct {
	// DID of the issuer. Its keys come from did:key itself or, for did:web,
	// from Policy.PinnedWeb: never from the network.
	DID string
	// Types the issuer may issue; empty means any type.
	Types []string
}

// Policy says what a Verifier accepts. It is a required argument: there is
// no verifier without one, and New refuses a policy that trusts no issuer.
type Policy struct {
	// Trust is a trust bundle already opened against a pinned root
	// (trust.Open or trust.Update). Its issuers are trusted for their types,
	// and its cached status lists are used for revocation checks.
	Trust *trust.Bundle
	// TrustedIssuers are trusted in addition to the bundle's.
	TrustedIssuers []TrustedIssuer
	// CheckProofsOnly makes a verifier that trusts no issuer at all: it
	// checks proofs, binding and dates, and reports every credential's
	// trusted_issuer check as failed. It can never accept a credential.
	CheckProofsOnly bool
	// PinnedWeb holds pinned did:web documents, for did:web issuers and
	// holders that are not in the bundle. May be nil.
	PinnedWeb *did.PinnedWeb

	// Formats accepted; at least one.
	Formats []credential.Format
	// Cryptosuites accepted for Data Integrity proofs (see SupportedCryptosuites).
	Cryptosuites []string
	// LegacyProofs checks VC 1.1 Ed25519Signature2020 proofs; required when
	// Cryptosuites lists LegacyProofType. Package verifier/legacyproofs
	// provides it, through aries-framework-go: it is a separate package so
	// that verifiers that never accept VC 1.1 (the wallet, the kiosk) do not
	// carry that library.
	LegacyProofs LegacyProofVerifier
	// JWTAlgorithms accepted for SD-JWT (see SupportedJWTAlgorithms).
	JWTAlgorithms []string

	// Clock returns the current time; required (time.Now in production, a
	// fixed time to check a credential "as of" a moment).
	Clock func() time.Time
	// ClockSkew tolerated on validity dates.
	ClockSkew time.Duration
	// MaxAge, when non-zero, rejects credentials issued longer ago than this.
	MaxAge time.Duration

	// RequireHolderBinding rejects a bare credential: the holder must prove
	// possession of the key the credential was issued to.
	RequireHolderBinding bool
	// RequireHolderBindingFor requires holder binding for credentials of
	// these types only (type names such as "CityIDCredential"): a paper
	// credential or a code shown without its holder's proof of such a type
	// is rejected with ReasonHolderProofMissing; other types are accepted
	// without one and flagged (Result.NoHolderBinding), so the counter
	// compares the printed name with the person.
	RequireHolderBindingFor []string
	// Challenge the presentation must carry (nonce / challenge), if any.
	Challenge string
	// ChallengeOptional accepts a holder-bound QR presentation made without
	// any challenge (the resident's wallet could not read the one shown);
	// its freshness then rests on MaxPresentationAge and the replay cache.
	// One made for another challenge is refused all the same.
	ChallengeOptional bool
	// Audience the presentation must name (aud / domain), if any.
	Audience string
	// MaxPresentationAge bounds how old a holder's proof may be (default 5 minutes).
	MaxPresentationAge time.Duration

	// StatusMaxAge, when non-zero, makes a status list older than this stale
	// (a list past its own validUntil is always stale).
	StatusMaxAge time.Duration
	// StaleStatus says what a stale status list does: StaleReject (the
	// default) fails the status check; StaleWarn accepts with a warning, for
	// deployments that prefer serving residents while offline for long.
	StaleStatus StalePolicy

	// UnsafeSkipStatus accepts credentials without checking revocation.
	UnsafeSkipStatus bool
}

// StalePolicy says what to do with a stale status list.
type StalePolicy int

// Staleness policies.
const (
	StaleReject StalePolicy = iota
	StaleWarn
)

// DefaultPolicy is the policy a counter kiosk starts from: the bundle's
// issuers, every supported form, eddsa-rdfc-2022 and EdDSA/ES256, the system
// clock with five minutes of skew.
func DefaultPolicy(b *trust.Bundle) Policy {
	return Policy{
		Trust:              b,
		Formats:            append([]credential.Format(nil), SupportedFormats...),
		Cryptosuites:       []string{"eddsa-rdfc-2022"},
		JWTAlgorithms:      []string{"EdDSA", "ES256"},
		Clock:              time.Now,
		ClockSkew:          5 * time.Minute,
		MaxPresentationAge: 5 * time.Minute,
	}
}

// ErrPolicy is wrapped by every error New returns.
var ErrPolicy = errors.New("verifier policy")

func (p *Policy) check() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrPolicy}, args...)...)
	}
	if p.Trust == nil && len(p.TrustedIssuers) == 0 && !p.CheckProofsOnly {
		return bad("trusts no issuer: set Trust (a trust bundle) or TrustedIssuers")
	}
	if p.Clock == nil {
		return bad("Clock is required (time.Now, or a fixed time)")
	}
	if len(p.Formats) == 0 {
		return bad("accepts no format")
	}
	for _, f := range p.Formats {
		if !containsFormat(SupportedFormats, f) {
			return bad("unsupported format %q", f)
		}
	}
	if (containsFormat(p.Formats, credential.FormatLDP) || containsFormat(p.Formats, credential.FormatLDPPresentation)) && len(p.Cryptosuites) == 0 {
		return bad("accepts W3C credentials but no cryptosuite")
	}
	for _, c := range p.Cryptosuites {
		if !containsString(SupportedCryptosuites, c) {
			return bad("unsupported cryptosuite %q", c)
		}
	}
	if containsString(p.Cryptosuites, LegacyProofType) && p.LegacyProofs == nil {
		return bad("accepts %s proofs but has no LegacyProofs to check them (verifier/legacyproofs)", LegacyProofType)
	}
	if containsFormat(p.Formats, credential.FormatSDJWT) && len(p.JWTAlgorithms) == 0 {
		return bad("accepts SD-JWT but no algorithm")
	}
	for _, a := range p.JWTAlgorithms {
		if !containsString(SupportedJWTAlgorithms, a) {
			return bad("unsupported JWT algorithm %q", a)
		}
	}
	for _, t := range p.TrustedIssuers {
		if _, err := did.Parse(t.DID); err != nil {
			return bad("trusted issuer %q: %v", t.DID, err)
		}
	}
	for _, t := range p.RequireHolderBindingFor {
		if t == "" || t == "VerifiableCredential" || strings.TrimSpace(t) != t {
			return bad("RequireHolderBindingFor: %q is not a credential type name such as CityIDCredential", t)
		}
	}
	if p.StaleStatus != StaleReject && p.StaleStatus != StaleWarn {
		return bad("unknown staleness policy %d", p.StaleStatus)
	}
	if p.ClockSkew < 0 || p.MaxAge < 0 || p.MaxPresentationAge < 0 || p.StatusMaxAge < 0 {
		return bad("durations must not be negative")
	}
	if p.MaxPresentationAge == 0 {
		p.MaxPresentationAge = 5 * time.Minute
	}
	return nil
}

func containsFormat(list []credential.Format, f credential.Format) bool {
	for _, x := range list {
		if x == f {
			return true
		}
	}
	return false
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
