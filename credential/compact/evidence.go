package compact

import (
	"github.com/cityid/cityid/schemas"
)

// Evidence kind codes (docs/compact-qr.md section 2). Like claim codes, a
// code never changes meaning; a new kind gets a new code.
var evidenceKinds = []struct {
	code uint64
	kind string
}{
	{1, schemas.EvidenceDocuments},
	{2, schemas.EvidenceCaseworker},
	{3, schemas.EvidenceShelter},
}

func evidenceCode(kind string) (uint64, bool) {
	for _, k := range evidenceKinds {
		if k.kind == kind {
			return k.code, true
		}
	}
	return 0, false
}

func evidenceKind(code uint64) (string, bool) {
	for _, k := range evidenceKinds {
		if k.code == code {
			return k.kind, true
		}
	}
	return "", false
}

// compactEvidence reads a credential's evidence member.
func compactEvidence(v any) ([]schemas.Evidence, error) {
	list, err := schemas.ParseEvidence(v)
	if err != nil {
		return nil, errorf(ErrCredential, "%v", err)
	}
	return list, nil
}

// evidenceValue is the compact evidence member: [[kind, attester], ...],
// an entry without attester being [kind]. Nil when there is no evidence
// (the member is then left out of the form altogether).
func (c *content) evidenceValue() any {
	if len(c.evidence) == 0 {
		return nil
	}
	out := make([]any, len(c.evidence))
	for i, e := range c.evidence {
		code, _ := evidenceCode(e.Kind)
		entry := []any{code}
		if e.Attester != "" {
			entry = append(entry, e.Attester)
		}
		out[i] = entry
	}
	return out
}

// withEvidence appends the evidence member to a form's members, when there is
// evidence.
func (c *content) withEvidence(members []any) []any {
	if v := c.evidenceValue(); v != nil {
		return append(members, v)
	}
	return members
}

// decodeEvidence reads what evidenceValue wrote.
func (c *content) decodeEvidence(v any) error {
	arr, ok := v.([]any)
	if !ok || len(arr) == 0 || len(arr) > schemas.MaxEvidence {
		return errorf(ErrCBOR, "the evidence is not an array of 1 to %d entries", schemas.MaxEvidence)
	}
	for _, x := range arr {
		entry, ok := x.([]any)
		if !ok || len(entry) < 1 || len(entry) > 2 {
			return errorf(ErrCBOR, "an evidence entry is not [kind] or [kind, attester]")
		}
		code, _ := entry[0].(uint64)
		kind, ok := evidenceKind(code)
		if !ok {
			return errorf(ErrCBOR, "unknown evidence kind %v", entry[0])
		}
		e := schemas.Evidence{Kind: kind}
		if len(entry) == 2 {
			if e.Attester, ok = entry[1].(string); !ok {
				return errorf(ErrCBOR, "the attester is not text")
			}
		}
		if err := e.Check(); err != nil {
			return errorf(ErrCBOR, "%v", err)
		}
		c.evidence = append(c.evidence, e)
	}
	return nil
}
