package verifier

import (
	"encoding/json"
	"time"

	"github.com/cityid/cityid/credential"
	"github.com/cityid/cityid/schemas"
)

// Outcome is the outcome of one check.
type Outcome int

// Outcomes.
const (
	Skipped Outcome = iota
	OK
	Failed
)

// Reason is a stable, machine-readable code for why a check failed.
type Reason string

// Failure reasons. Their meaning is stable: scripts and agencies match on them.
const (
	ReasonMalformed           Reason = "malformed"
	ReasonTooLarge            Reason = "too_large"
	ReasonUnsupportedFormat   Reason = "unsupported_format"
	ReasonUnknownContext      Reason = "unknown_context"
	ReasonUnsupportedAlg      Reason = "unsupported_algorithm"
	ReasonNoProof             Reason = "no_proof"
	ReasonBadSignature        Reason = "bad_signature"
	ReasonKeyUnresolvable     Reason = "key_unresolvable"
	ReasonWrongPurpose        Reason = "wrong_proof_purpose"
	ReasonIssuerMismatch      Reason = "issuer_key_mismatch"
	ReasonUntrustedIssuer     Reason = "untrusted_issuer"
	ReasonTypeNotAllowed      Reason = "type_not_allowed"
	ReasonIssuerRetired       Reason = "issuer_retired"
	ReasonExpired             Reason = "expired"
	ReasonNotYetValid         Reason = "not_yet_valid"
	ReasonTooOld              Reason = "too_old"
	ReasonRevoked             Reason = "revoked"
	ReasonSuspended           Reason = "suspended"
	ReasonStatusUnavailable   Reason = "status_unavailable"
	ReasonStatusInvalid       Reason = "status_invalid"
	ReasonStatusStale         Reason = "status_stale"
	ReasonHolderMismatch      Reason = "holder_mismatch"
	ReasonHolderProofMissing  Reason = "holder_proof_missing"
	ReasonChallengeMismatch   Reason = "challenge_mismatch"
	ReasonAudienceMismatch    Reason = "audience_mismatch"
	ReasonPresentationExpired Reason = "presentation_too_old"
	ReasonDisclosure          Reason = "invalid_disclosure"
	ReasonReplayed            Reason = "replayed"
)

// CheckResult is the outcome of one check, with a reason code and a plain
// sentence when it failed or was skipped.
type CheckResult struct {
	Outcome Outcome
	Reason  Reason
	Message string
}

// String is "ok", "skipped" or "fail: <message>", the form the CLI prints.
func (c CheckResult) String() string {
	switch c.Outcome {
	case OK:
		return "ok"
	case Failed:
		return "fail: " + c.Message
	}
	return "skipped"
}

// MarshalJSON writes the String form.
func (c CheckResult) MarshalJSON() ([]byte, error) { return json.Marshal(c.String()) }

// Checks holds one result per check, in the order they are reported.
type Checks struct {
	Proof         CheckResult `json:"proof"`
	IssuerBinding CheckResult `json:"issuer_binding"`
	TrustedIssuer CheckResult `json:"trusted_issuer"`
	Validity      CheckResult `json:"validity"`
	Status        CheckResult `json:"status"`
	HolderBinding CheckResult `json:"holder_binding"`
}

// Failure names one failed check for a machine reader.
type Failure struct {
	Check   string `json:"check"`
	Reason  Reason `json:"reason"`
	Message string `json:"message"`
	// StaffMessage is Reason.StaffMessage: what the reason means and what
	// to do next, in plain words for the person at the counter.
	StaffMessage string `json:"staff_message"`
}

// Result is what Verify reports. Verified is true only when every required
// check passed; Claims holds only what the holder disclosed.
type Result struct {
	Verified bool              `json:"verified"`
	Format   credential.Format `json:"format"`
	Issuer   string            `json:"issuer"`
	Types    []string          `json:"types,omitempty"`
	Subject  string            `json:"subject,omitempty"`
	Checks   Checks            `json:"checks"`
	Claims   map[string]any    `json:"claims"`
	// Paper is true for a printed paper credential (cityid's compact form
	// signed for paper: every claim in the clear, no holder key).
	Paper bool `json:"paper,omitempty"`
	// NoHolderBinding is true when the credential was checked without any
	// proof that the person showing it is its holder (a paper credential,
	// a bare credential, a copied code): the counter must compare the
	// printed name with the person.
	NoHolderBinding bool `json:"no_holder_binding,omitempty"`
	// Evidence says how the issuer established the holder's identity
	// (the credential's evidence property, in every form): e.g. attested
	// by a shelter, and which one. Empty when the credential has none,
	// which for a city credential means documents seen at the counter.
	Evidence []schemas.Evidence `json:"evidence,omitempty"`
	// Failures lists every failed check with its reason code.
	Failures []Failure `json:"failures,omitempty"`
	// Warnings are facts a clerk should know that do not fail verification.
	Warnings []string `json:"warnings,omitempty"`
	// StatusAsOf is when the oldest status list consulted was issued: how
	// current the revocation check is.
	StatusAsOf *time.Time `json:"status_as_of,omitempty"`

	// replayKey identifies a holder-bound presentation for the replay
	// cache, until replayUntil.
	replayKey   []byte
	replayUntil time.Time
}

func (r *Result) named() []struct {
	name string
	c    *CheckResult
} {
	return []struct {
		name string
		c    *CheckResult
	}{
		{"proof", &r.Checks.Proof},
		{"issuer_binding", &r.Checks.IssuerBinding},
		{"trusted_issuer", &r.Checks.TrustedIssuer},
		{"validity", &r.Checks.Validity},
		{"status", &r.Checks.Status},
		{"holder_binding", &r.Checks.HolderBinding},
	}
}

// finish computes Verified and Failures. required lists checks that must be
// OK (not merely not failed).
func (r *Result) finish(requireHolder bool) {
	r.Failures = nil
	ok := true
	for _, n := range r.named() {
		if n.c.Outcome == Failed {
			ok = false
			r.Failures = append(r.Failures, Failure{Check: n.name, Reason: n.c.Reason, Message: n.c.Message, StaffMessage: n.c.Reason.StaffMessage()})
		}
	}
	must := []CheckResult{r.Checks.Proof, r.Checks.IssuerBinding, r.Checks.TrustedIssuer, r.Checks.Validity}
	if requireHolder {
		must = append(must, r.Checks.HolderBinding)
	}
	for _, c := range must {
		if c.Outcome != OK {
			ok = false
		}
	}
	if requireHolder && r.Checks.HolderBinding.Outcome == Skipped {
		r.Failures = append(r.Failures, Failure{Check: "holder_binding", Reason: ReasonHolderProofMissing, Message: r.Checks.HolderBinding.Message,
			StaffMessage: ReasonHolderProofMissing.StaffMessage()})
	}
	if r.Claims == nil {
		r.Claims = map[string]any{}
	}
	r.Verified = ok
}

func pass() CheckResult { return CheckResult{Outcome: OK} }

func fail(reason Reason, msg string) CheckResult {
	return CheckResult{Outcome: Failed, Reason: reason, Message: msg}
}

func skip(msg string) CheckResult { return CheckResult{Outcome: Skipped, Message: msg} }
