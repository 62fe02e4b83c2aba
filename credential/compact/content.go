package compact

import (
	"crypto"
	"crypto/ed25519"
	"slices"
	"time"

	"github.com/cityid/cityid/credential"
	"github.com/cityid/cityid/did"
	"github.com/cityid/cityid/schemas"
)

// content is a credential in compact form, as every form carries it.
type content struct {
	class      *class
	validFrom  *int64 // Unix seconds; nil when absent
	validUntil *int64
	status     []statusEntry
	holder     ed25519.PublicKey // nil when not bound to a holder
	subject    string            // credentialSubject.id; "" when absent
	claims     []claim           // sorted by code
	evidence   []schemas.Evidence
}

// maxTime is 9999-12-31T23:59:59Z, the last second RFC 3339 can write.
const maxTime = 253402300799

// fromVC reads an unsigned VC 2.0 city credential. It refuses what the
// compact form cannot carry, except the credential's own id, which it drops:
// an id would make every presentation of the credential linkable, and the
// status entry already names the credential for revocation.
func fromVC(vc map[string]any, holderKey crypto.PublicKey) (*content, string, error) {
	for k := range vc {
		switch k {
		case "@context", "id", "type", "issuer", "validFrom", "validUntil", "credentialSubject", "credentialStatus", "evidence":
		case "proof":
			return nil, "", errorf(ErrCredential, "the credential already has a proof: give the unsigned credential")
		default:
			return nil, "", errorf(ErrCredential, "the compact form cannot carry the member %q", k)
		}
	}
	ctx, ok := stringList(vc["@context"])
	if !ok || !slices.Equal(ctx, cityContexts) {
		return nil, "", errorf(ErrCredential, "@context must be [%q, %q]", cityContexts[0], cityContexts[1])
	}
	types, ok := stringList(vc["type"])
	if !ok || len(types) != 2 || types[0] != "VerifiableCredential" || classByType[types[1]] == nil {
		return nil, "", errorf(ErrCredential, "type must be [\"VerifiableCredential\", a city credential type]")
	}
	c := &content{class: classByType[types[1]]}
	issuer, err := credential.IDOf(vc["issuer"])
	if err != nil || issuer == "" {
		return nil, "", errorf(ErrCredential, "issuer must be a DID")
	}
	if _, ok := vc["issuer"].(string); !ok {
		return nil, "", errorf(ErrCredential, "issuer must be a DID string (an issuer object with a name cannot be made compact)")
	}
	if c.validFrom, err = compactTime(vc, "validFrom"); err != nil {
		return nil, "", err
	}
	if c.validUntil, err = compactTime(vc, "validUntil"); err != nil {
		return nil, "", err
	}
	if c.status, err = compactStatus(vc["credentialStatus"]); err != nil {
		return nil, "", err
	}
	if c.evidence, err = compactEvidence(vc["evidence"]); err != nil {
		return nil, "", err
	}
	subject, ok := vc["credentialSubject"].(map[string]any)
	if !ok {
		return nil, "", errorf(ErrCredential, "credentialSubject must be one object")
	}
	if err := schemas.Validate(c.class.typ, subject); err != nil {
		return nil, "", errorf(ErrCredential, "%v", err)
	}
	claims := make(map[string]any, len(subject))
	for k, v := range subject {
		if k == "id" {
			c.subject, _ = v.(string)
			continue
		}
		claims[k] = v
	}
	if c.claims, err = compactClaims(c.class, claims); err != nil {
		return nil, "", err
	}
	if len(c.claims) > MaxClaims {
		return nil, "", errorf(ErrCredential, "more than %d claims", MaxClaims)
	}
	if holderKey != nil {
		kb, err := holderKeyBytes(holderKey)
		if err != nil {
			return nil, "", err
		}
		c.holder = ed25519.PublicKey(kb)
	}
	return c, issuer, nil
}

func stringList(v any) ([]string, bool) {
	switch l := v.(type) {
	case []string:
		return l, true
	case []any:
		out := make([]string, len(l))
		for i, x := range l {
			s, ok := x.(string)
			if !ok {
				return nil, false
			}
			out[i] = s
		}
		return out, true
	}
	return nil, false
}

// compactTime reads an optional dateTime member as Unix seconds. Fractions
// of a second cannot be carried; an offset is kept as the same instant in
// UTC.
func compactTime(vc map[string]any, name string) (*int64, error) {
	v, ok := vc[name]
	if !ok {
		return nil, nil
	}
	s, ok := v.(string)
	if !ok {
		return nil, errorf(ErrCredential, "%s must be a dateTime string", name)
	}
	t, err := credential.ParseTime(s)
	if err != nil {
		return nil, errorf(ErrCredential, "%s: %v", name, err)
	}
	if t.Nanosecond() != 0 || t.Unix() < 0 || t.Unix() > maxTime {
		return nil, errorf(ErrCredential, "%s must be a whole second between 1970 and 9999", name)
	}
	u := t.Unix()
	return &u, nil
}

func timeValue(t *int64) any {
	if t == nil {
		return nil
	}
	return uint64(*t)
}

func decodeTime(v any, name string) (*int64, error) {
	if v == nil {
		return nil, nil
	}
	u, ok := v.(uint64)
	if !ok || u > maxTime {
		return nil, errorf(ErrCBOR, "%s is not a time", name)
	}
	t := int64(u)
	return &t, nil
}

// subjectValue is the compact subject member: null (no id), 0 (the id is
// the did:key of the holder key) or the id as text.
func (c *content) subjectValue() any {
	if c.subject == "" {
		return nil
	}
	if c.holder != nil {
		if d, err := did.KeyDID(c.holder); err == nil && d == c.subject {
			return uint64(0)
		}
	}
	return c.subject
}

func (c *content) holderValue() any {
	if c.holder == nil {
		return nil
	}
	return []byte(c.holder)
}

// untilValue is the compact validUntil: null, Unix seconds, or, when it is
// a whole number n > 0 of days after validFrom, the negative integer -n
// (3 bytes instead of 5 for the usual validity of whole years).
func (c *content) untilValue() any {
	if c.validUntil == nil {
		return nil
	}
	if d, ok := wholeDays(c.validFrom, *c.validUntil); ok {
		return -d
	}
	return uint64(*c.validUntil)
}

func wholeDays(from *int64, until int64) (int64, bool) {
	if from == nil || until <= *from || (until-*from)%86400 != 0 {
		return 0, false
	}
	return (until - *from) / 86400, true
}

func (c *content) decodeUntil(v any) error {
	if n, ok := v.(int64); ok {
		if c.validFrom == nil || n < -(maxTime/86400) {
			return errorf(ErrCBOR, "validUntil in days needs a validFrom")
		}
		u := *c.validFrom - n*86400
		if u > maxTime {
			return errorf(ErrCBOR, "validUntil is out of range")
		}
		c.validUntil = &u
		return nil
	}
	var err error
	if c.validUntil, err = decodeTime(v, "validUntil"); err != nil {
		return err
	}
	if c.validUntil != nil {
		if _, ok := wholeDays(c.validFrom, *c.validUntil); ok {
			return errorf(ErrCBOR, "validUntil is a whole number of days after validFrom and must be written in days")
		}
	}
	return nil
}

// header returns the members every form starts with: class, validFrom,
// validUntil, status and, when withHolder, holder; then subject.
func (c *content) header(withHolder bool) []any {
	h := []any{c.class.code, timeValue(c.validFrom), c.untilValue(), encodeStatus(c.status)}
	if withHolder {
		h = append(h, c.holderValue())
	}
	return append(h, c.subjectValue())
}

// decodeHeader reads what header wrote.
func decodeHeader(h []any, withHolder bool) (*content, error) {
	code, ok := h[0].(uint64)
	c := &content{class: classByCode[code]}
	if !ok || c.class == nil {
		return nil, errorf(ErrCBOR, "unknown credential class %v", h[0])
	}
	var err error
	if c.validFrom, err = decodeTime(h[1], "validFrom"); err != nil {
		return nil, err
	}
	if err = c.decodeUntil(h[2]); err != nil {
		return nil, err
	}
	if c.status, err = decodeStatus(h[3]); err != nil {
		return nil, err
	}
	sub := h[4]
	if withHolder {
		switch k := h[4].(type) {
		case nil:
		case []byte:
			if len(k) != ed25519.PublicKeySize {
				return nil, errorf(ErrCBOR, "the holder key is not 32 bytes")
			}
			c.holder = ed25519.PublicKey(k)
		default:
			return nil, errorf(ErrCBOR, "the holder key is not a byte string")
		}
		sub = h[5]
	}
	switch s := sub.(type) {
	case nil:
	case uint64:
		if s != 0 || c.holder == nil {
			return nil, errorf(ErrCBOR, "the subject refers to a holder key that is not there")
		}
		c.subject, _ = did.KeyDID(c.holder)
	case string:
		if _, err := did.Parse(s); err != nil {
			return nil, errorf(ErrCBOR, "the subject id is not a DID")
		}
		if c.holder != nil && s == mustKeyDID(c.holder) {
			return nil, errorf(ErrCBOR, "the subject id is the holder's did:key and must be written as 0")
		}
		c.subject = s
	default:
		return nil, errorf(ErrCBOR, "the subject is a %T", sub)
	}
	return c, nil
}

func mustKeyDID(pub ed25519.PublicKey) string {
	d, _ := did.KeyDID(pub)
	return d
}

// expand returns the VC 2.0 data model form of c with the given claims only.
func (c *content) expand(issuer string, claims []claim, statusEntries []any) map[string]any {
	subject := make(map[string]any, len(claims)+1)
	if c.subject != "" {
		subject["id"] = c.subject
	}
	for _, cl := range claims {
		subject[cl.spec.name] = cl.json
	}
	vc := map[string]any{
		"@context":          []any{c.class.contexts[0], c.class.contexts[1]},
		"type":              []any{"VerifiableCredential", c.class.typ},
		"credentialSubject": subject,
	}
	if issuer != "" {
		vc["issuer"] = issuer
	}
	if c.validFrom != nil {
		vc["validFrom"] = time.Unix(*c.validFrom, 0).UTC().Format(time.RFC3339)
	}
	if c.validUntil != nil {
		vc["validUntil"] = time.Unix(*c.validUntil, 0).UTC().Format(time.RFC3339)
	}
	if len(statusEntries) > 0 {
		vc["credentialStatus"] = statusEntries
	}
	if len(c.evidence) > 0 {
		vc["evidence"] = schemas.EvidenceList(c.evidence)
	}
	return vc
}
