package schemas

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The VC Data Model 2.0 evidence property (section 5.6) of a city credential
// says how the city established the resident's identity before issuing it.
// Each entry is an object
//
//	{"type": ["Evidence", "IdentityEvidence"], "evidenceKind": KIND, "attester": NAME}
//
// with KIND one of the Evidence* constants and NAME the registered
// caseworker's or shelter's name (no attester for EvidenceDocuments). The
// city context defines every term. A credential without evidence was
// issued on identity documents seen at the counter, the usual path.
const (
	// EvidenceType is the city's evidence type, listed after "Evidence".
	EvidenceType = "IdentityEvidence"
	// EvidenceDocuments: identity documents were seen at the city counter.
	EvidenceDocuments = "documentsSeen"
	// EvidenceCaseworker: an authorised caseworker attested the resident's identity.
	EvidenceCaseworker = "caseworkerAttestation"
	// EvidenceShelter: an authorised shelter attested the resident's identity.
	EvidenceShelter = "shelterAttestation"
)

// EvidenceKinds lists the evidence kinds, in the order of their compact codes.
func EvidenceKinds() []string {
	return []string{EvidenceDocuments, EvidenceCaseworker, EvidenceShelter}
}

// Limits of the evidence property.
const (
	// MaxEvidence is the most evidence entries a city credential carries.
	MaxEvidence = 4
	// MaxAttesterName is the longest attester name, in characters.
	MaxAttesterName = 80
)

// Evidence is one entry of a credential's evidence, in plain fields.
type Evidence struct {
	// Kind is EvidenceDocuments, EvidenceCaseworker or EvidenceShelter.
	Kind string `json:"kind"`
	// Attester is the name of the caseworker or shelter that attested, as
	// the issuer registered it; empty for EvidenceDocuments.
	Attester string `json:"attester,omitempty"`
}

// ErrEvidence is wrapped by every error about an evidence value.
var ErrEvidence = errors.New("evidence is not valid")

// Check reports whether e is a well-formed entry.
func (e Evidence) Check() error {
	switch e.Kind {
	case EvidenceDocuments:
		if e.Attester != "" {
			return fmt.Errorf("%w: documents seen at the counter have no attester", ErrEvidence)
		}
		return nil
	case EvidenceCaseworker, EvidenceShelter:
		return CheckAttesterName(e.Attester)
	}
	return fmt.Errorf("%w: the kind %q is not one of %s", ErrEvidence, e.Kind, strings.Join(EvidenceKinds(), ", "))
}

// CheckAttesterName checks an attester's name: 1 to MaxAttesterName
// characters of printable text, without leading or trailing spaces.
func CheckAttesterName(name string) error {
	n := utf8.RuneCountInString(name)
	switch {
	case n == 0:
		return fmt.Errorf("%w: an attestation must name its attester", ErrEvidence)
	case n > MaxAttesterName:
		return fmt.Errorf("%w: the attester's name is longer than %d characters", ErrEvidence, MaxAttesterName)
	case !utf8.ValidString(name) || strings.TrimSpace(name) != name:
		return fmt.Errorf("%w: the attester's name has spaces at its ends or is not text", ErrEvidence)
	}
	for _, r := range name {
		if !unicode.IsPrint(r) {
			return fmt.Errorf("%w: the attester's name holds a control character", ErrEvidence)
		}
	}
	return nil
}

// Map returns the JSON-LD object of e, for a credential's evidence list.
func (e Evidence) Map() map[string]any {
	m := map[string]any{"type": []any{"Evidence", EvidenceType}, "evidenceKind": e.Kind}
	if e.Attester != "" {
		m["attester"] = e.Attester
	}
	return m
}

// EvidenceList returns the value of a credential's evidence property.
func EvidenceList(list []Evidence) []any {
	out := make([]any, len(list))
	for i, e := range list {
		out[i] = e.Map()
	}
	return out
}

// ParseEvidence reads a credential's evidence property (an object or a list
// of objects, as decoded from JSON). It accepts only the city's evidence
// entries, exactly as Map writes them, so that what a verifier reports is
// what the issuer wrote; nil gives no entries.
func ParseEvidence(v any) ([]Evidence, error) {
	var list []any
	switch x := v.(type) {
	case nil:
		return nil, nil
	case map[string]any:
		list = []any{x}
	case []any:
		list = x
	default:
		return nil, fmt.Errorf("%w: it must be an object or a list of objects", ErrEvidence)
	}
	if len(list) == 0 || len(list) > MaxEvidence {
		return nil, fmt.Errorf("%w: it must hold 1 to %d entries", ErrEvidence, MaxEvidence)
	}
	out := make([]Evidence, 0, len(list))
	for _, x := range list {
		m, ok := x.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%w: an entry is not an object", ErrEvidence)
		}
		if !isEvidenceType(m["type"]) {
			return nil, fmt.Errorf("%w: an entry's type must be [\"Evidence\", %q]", ErrEvidence, EvidenceType)
		}
		var e Evidence
		for k, val := range m {
			s, isText := val.(string)
			switch k {
			case "type":
			case "evidenceKind":
				if !isText {
					return nil, fmt.Errorf("%w: evidenceKind must be text", ErrEvidence)
				}
				e.Kind = s
			case "attester":
				if !isText || s == "" {
					return nil, fmt.Errorf("%w: the attester must be a name", ErrEvidence)
				}
				e.Attester = s
			default:
				return nil, fmt.Errorf("%w: an entry has the unknown member %q", ErrEvidence, k)
			}
		}
		if err := e.Check(); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

func isEvidenceType(v any) bool {
	l, ok := v.([]any)
	if !ok || len(l) != 2 {
		return false
	}
	return l[0] == "Evidence" && l[1] == EvidenceType
}

// Describe says in plain words how identity was established, for staff:
// "Identity attested by a shelter (Downtown Shelter)".
func (e Evidence) Describe() string {
	switch e.Kind {
	case EvidenceDocuments:
		return "Identity established from documents seen at the city counter"
	case EvidenceCaseworker:
		return "Identity attested by a caseworker (" + e.Attester + ")"
	case EvidenceShelter:
		return "Identity attested by a shelter (" + e.Attester + ")"
	}
	return "Identity evidence of an unknown kind"
}
