package compact

import (
	"encoding/base64"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cityid/cityid/schemas"
)

// The compaction tables (the idea of CBOR-LD): every term the city's
// credentials use has a small integer code, so a credential carries numbers
// instead of URLs and names. The codes are part of the format version: a
// new code may be added, but none may ever change meaning.

// class is one credential class: an @context list and a type list together.
type class struct {
	code     uint64
	typ      string   // the city type name
	contexts []string // the @context list, in order
	claims   []uint64 // claim codes allowed in credentialSubject
}

var cityContexts = []string{schemas.CredentialsV2URL, schemas.CityContextURL}

var classes = []class{
	{1, schemas.CityIDCredential, cityContexts, []uint64{1, 2, 3, 4, 5}},
	{2, schemas.ResidencyCredential, cityContexts, []uint64{4, 6, 7, 8, 9}},
	{3, schemas.AgeOverCredential, cityContexts, []uint64{10, 11, 12}},
	{4, schemas.ServiceEligibilityCredential, cityContexts, []uint64{13, 14, 15, 16}},
}

// kind is the form of a claim value.
type kind int

const (
	kindText   kind = iota // JSON string ↔ CBOR text
	kindDate               // "YYYY-MM-DD" ↔ integer days since 1970-01-01
	kindBool               // JSON boolean ↔ CBOR true/false
	kindEnum               // one of enum ↔ its index
	kindObject             // JSON object ↔ CBOR map of member codes
	kindPhoto              // photoDigest: multibase form ↔ 32-byte string; SRI form ↔ text
)

// claimSpec is one claim term.
type claimSpec struct {
	code   uint64
	name   string
	kind   kind
	enum   []string // kindEnum
	fields []uint64 // kindObject: member codes
	nested bool     // a member of an object claim, not a claim of its own
}

var claimSpecs = []claimSpec{
	{code: 1, name: "givenName", kind: kindText},
	{code: 2, name: "familyName", kind: kindText},
	{code: 3, name: "birthDate", kind: kindDate},
	{code: 4, name: "residentOf", kind: kindText},
	{code: 5, name: "photoDigest", kind: kindPhoto},
	{code: 6, name: "housingStatus", kind: kindEnum, enum: []string{"housed", "noFixedAddress", "shelter"}},
	{code: 7, name: "address", kind: kindObject, fields: []uint64{17, 18, 19, 20}},
	{code: 8, name: "shelterName", kind: kindText},
	{code: 9, name: "residentSince", kind: kindDate},
	{code: 10, name: "ageOver18", kind: kindBool},
	{code: 11, name: "ageOver21", kind: kindBool},
	{code: 12, name: "ageOver65", kind: kindBool},
	{code: 13, name: "program", kind: kindText},
	{code: 14, name: "programName", kind: kindText},
	{code: 15, name: "eligibleFrom", kind: kindDate},
	{code: 16, name: "eligibleUntil", kind: kindDate},
	{code: 17, name: "streetAddress", kind: kindText, nested: true},
	{code: 18, name: "unit", kind: kindText, nested: true},
	{code: 19, name: "postalCode", kind: kindText, nested: true},
	{code: 20, name: "addressLocality", kind: kindText, nested: true},
}

var (
	classByCode = map[uint64]*class{}
	classByType = map[string]*class{}
	specByCode  = map[uint64]*claimSpec{}
)

func init() {
	for i := range classes {
		classByCode[classes[i].code] = &classes[i]
		classByType[classes[i].typ] = &classes[i]
	}
	for i := range claimSpecs {
		specByCode[claimSpecs[i].code] = &claimSpecs[i]
	}
}

// allows reports whether code is a claim of the class.
func (c *class) allows(code uint64) bool {
	for _, k := range c.claims {
		if k == code {
			return true
		}
	}
	return false
}

// spec returns the claim of the class named name.
func (c *class) spec(name string) *claimSpec {
	for _, k := range c.claims {
		if s := specByCode[k]; s.name == name {
			return s
		}
	}
	return nil
}

// field returns the member of an object claim named name.
func (s *claimSpec) field(name string) *claimSpec {
	for _, k := range s.fields {
		if f := specByCode[k]; f.name == name {
			return f
		}
	}
	return nil
}

// Dates are carried as days since 1970-01-01 and must fall in years
// 0001 to 9999 (what "YYYY-MM-DD" can write).
const (
	minDay = -719162 // 0001-01-01
	maxDay = 2932896 // 9999-12-31
)

// compactValue turns a JSON claim value into its CBOR form.
func (s *claimSpec) compactValue(v any) (any, error) {
	switch s.kind {
	case kindText:
		str, ok := v.(string)
		if !ok || !utf8.ValidString(str) {
			return nil, errorf(ErrCredential, "%s must be UTF-8 text", s.name)
		}
		return str, nil
	case kindDate:
		str, ok := v.(string)
		if !ok {
			return nil, errorf(ErrCredential, "%s must be a date YYYY-MM-DD", s.name)
		}
		d, err := time.Parse(time.DateOnly, str)
		if err != nil || d.Format(time.DateOnly) != str {
			return nil, errorf(ErrCredential, "%s must be a date YYYY-MM-DD, not %q", s.name, str)
		}
		return d.Unix() / 86400, nil
	case kindBool:
		b, ok := v.(bool)
		if !ok {
			return nil, errorf(ErrCredential, "%s must be true or false", s.name)
		}
		return b, nil
	case kindEnum:
		str, _ := v.(string)
		for i, e := range s.enum {
			if e == str {
				return uint64(i), nil
			}
		}
		return nil, errorf(ErrCredential, "%s must be one of %s", s.name, strings.Join(s.enum, ", "))
	case kindObject:
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, errorf(ErrCredential, "%s must be an object", s.name)
		}
		out := make(map[uint64]any, len(obj))
		for name, fv := range obj {
			f := s.field(name)
			if f == nil {
				return nil, errorf(ErrCredential, "%s has no member %q in the compact form", s.name, name)
			}
			cv, err := f.compactValue(fv)
			if err != nil {
				return nil, fmt.Errorf("%s.%w", s.name, err)
			}
			out[f.code] = cv
		}
		return out, nil
	case kindPhoto:
		str, ok := v.(string)
		if !ok {
			return nil, errorf(ErrCredential, "%s must be text", s.name)
		}
		d, err := schemas.ParsePhotoDigest(str)
		if err != nil {
			return nil, errorf(ErrCredential, "%s: %v", s.name, err)
		}
		if strings.HasPrefix(str, "u") {
			return d, nil // the multibase form is rebuilt from the digest
		}
		return str, nil // the SRI form is kept as text
	}
	return nil, errorf(ErrCredential, "%s: unknown kind", s.name)
}

// expandValue turns a decoded CBOR value back into the JSON claim value.
// It is strict about types: the issuer signed exactly one CBOR form per
// value.
func (s *claimSpec) expandValue(v any) (any, error) {
	switch s.kind {
	case kindText:
		str, ok := v.(string)
		if !ok || !utf8.ValidString(str) {
			return nil, errorf(ErrCBOR, "%s is not text", s.name)
		}
		return str, nil
	case kindDate:
		d, ok := asInt(v)
		if !ok || d < minDay || d > maxDay {
			return nil, errorf(ErrCBOR, "%s is not a day number", s.name)
		}
		return time.Unix(d*86400, 0).UTC().Format(time.DateOnly), nil
	case kindBool:
		b, ok := v.(bool)
		if !ok {
			return nil, errorf(ErrCBOR, "%s is not a boolean", s.name)
		}
		return b, nil
	case kindEnum:
		i, ok := v.(uint64)
		if !ok || i >= uint64(len(s.enum)) {
			return nil, errorf(ErrCBOR, "%s is not one of its %d values", s.name, len(s.enum))
		}
		return s.enum[i], nil
	case kindObject:
		m, ok := v.(map[any]any)
		if um, isU := v.(map[uint64]any); isU { // built by compactValue
			m, ok = make(map[any]any, len(um)), true
			for k, fv := range um {
				m[k] = fv
			}
		}
		if !ok || len(m) == 0 {
			return nil, errorf(ErrCBOR, "%s is not a map", s.name)
		}
		out := make(map[string]any, len(m))
		for k, fv := range m {
			code, ok := k.(uint64)
			f := specByCode[code]
			if !ok || f == nil || !s.hasField(code) {
				return nil, errorf(ErrCBOR, "%s has an unknown member %v", s.name, k)
			}
			ev, err := f.expandValue(fv)
			if err != nil {
				return nil, err
			}
			out[f.name] = ev
		}
		return out, nil
	case kindPhoto:
		switch p := v.(type) {
		case []byte:
			if len(p) != 32 {
				return nil, errorf(ErrCBOR, "%s is not a 32-byte digest", s.name)
			}
			return "u" + base64.RawURLEncoding.EncodeToString(append([]byte{0x12, 0x20}, p...)), nil
		case string:
			if !strings.HasPrefix(p, "sha256-") {
				return nil, errorf(ErrCBOR, "%s text is not an SRI digest", s.name)
			}
			if _, err := schemas.ParsePhotoDigest(p); err != nil {
				return nil, errorf(ErrCBOR, "%s: %v", s.name, err)
			}
			return p, nil
		}
		return nil, errorf(ErrCBOR, "%s is not a digest", s.name)
	}
	return nil, errorf(ErrCBOR, "%s: unknown kind", s.name)
}

func (s *claimSpec) hasField(code uint64) bool {
	for _, f := range s.fields {
		if f == code {
			return true
		}
	}
	return false
}

// asInt reads a CBOR integer (uint64 or negative int64) as int64.
func asInt(v any) (int64, bool) {
	switch n := v.(type) {
	case uint64:
		if n > 1<<62 {
			return 0, false
		}
		return int64(n), true
	case int64:
		return n, true
	}
	return 0, false
}

// claim is one credentialSubject claim in compact form.
type claim struct {
	spec  *claimSpec
	value any // CBOR form
	json  any // the VC 2.0 (JSON) form
}

// compactClaims turns a credentialSubject (without id) into claims sorted by
// code, the order in which the issuer commits to them.
func compactClaims(c *class, subject map[string]any) ([]claim, error) {
	out := make([]claim, 0, len(subject))
	for name, v := range subject {
		s := c.spec(name)
		if s == nil {
			return nil, errorf(ErrCredential, "%s has no claim %q", c.typ, name)
		}
		cv, err := s.compactValue(v)
		if err != nil {
			return nil, err
		}
		jv, err := s.expandValue(cv)
		if err != nil {
			return nil, err
		}
		out = append(out, claim{s, cv, jv})
	}
	if len(out) == 0 {
		return nil, errorf(ErrCredential, "credentialSubject has no claims")
	}
	sort.Slice(out, func(i, j int) bool { return out[i].spec.code < out[j].spec.code })
	return out, nil
}

// decodeClaim reads one [code, value] pair of the class, checking that code
// follows prev (codes strictly increase).
func decodeClaim(c *class, code, value any, prev uint64) (claim, error) {
	k, ok := code.(uint64)
	if !ok || !c.allows(k) {
		return claim{}, errorf(ErrCBOR, "claim code %v is not a claim of %s", code, c.typ)
	}
	if k <= prev {
		return claim{}, errorf(ErrCBOR, "claim codes are not in increasing order")
	}
	s := specByCode[k]
	jv, err := s.expandValue(value)
	if err != nil {
		return claim{}, err
	}
	return claim{s, value, jv}, nil
}
