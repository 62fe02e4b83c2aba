package did

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// MaxDocumentSize is the largest DID document, in bytes, that
// [ParseDocument], [PinnedWeb] and [FetchWebDocument] accept.
const MaxDocumentSize = 64 << 10

// Verification method types whose keys [VerificationMethod.PublicKey] reads.
const (
	TypeEd25519VerificationKey2020 = "Ed25519VerificationKey2020"
	TypeJSONWebKey2020             = "JsonWebKey2020"
	TypeJSONWebKey                 = "JsonWebKey"
)

// Relationship is a DID Core verification relationship: the purpose for
// which a DID subject authorizes a verification method.
type Relationship string

// The verification relationships of DID Core.
const (
	Authentication       Relationship = "authentication"
	AssertionMethod      Relationship = "assertionMethod"
	KeyAgreement         Relationship = "keyAgreement"
	CapabilityInvocation Relationship = "capabilityInvocation"
	CapabilityDelegation Relationship = "capabilityDelegation"
)

// Document is a DID document in its JSON representation. Members this
// package does not model are dropped when a document is parsed.
type Document struct {
	Context              Context              `json:"@context,omitempty"`
	ID                   string               `json:"id"`
	AlsoKnownAs          []string             `json:"alsoKnownAs,omitempty"`
	Controller           StringSet            `json:"controller,omitempty"`
	VerificationMethod   []VerificationMethod `json:"verificationMethod,omitempty"`
	Authentication       []MethodRef          `json:"authentication,omitempty"`
	AssertionMethod      []MethodRef          `json:"assertionMethod,omitempty"`
	KeyAgreement         []MethodRef          `json:"keyAgreement,omitempty"`
	CapabilityInvocation []MethodRef          `json:"capabilityInvocation,omitempty"`
	CapabilityDelegation []MethodRef          `json:"capabilityDelegation,omitempty"`
	Service              []Service            `json:"service,omitempty"`
}

// VerificationMethod is a public key published in a DID document.
type VerificationMethod struct {
	// ID is a DID URL, or a relative reference "#fragment" resolved against
	// the document's id.
	ID         string `json:"id"`
	Type       string `json:"type"`
	Controller string `json:"controller"`
	// PublicKeyMultibase holds the key of Multikey and
	// Ed25519VerificationKey2020 methods.
	PublicKeyMultibase string `json:"publicKeyMultibase,omitempty"`
	// PublicKeyJwk holds the JSON Web Key of JsonWebKey2020 and JsonWebKey
	// methods, as written.
	PublicKeyJwk json.RawMessage `json:"publicKeyJwk,omitempty"`
}

// MethodRef is one entry of a verification relationship: either a
// reference to a verification method (Ref) or an embedded method.
type MethodRef struct {
	Ref      string
	Embedded *VerificationMethod
}

// Service is a DID document service entry.
type Service struct {
	ID              string          `json:"id"`
	Type            StringSet       `json:"type"`
	ServiceEndpoint json.RawMessage `json:"serviceEndpoint"`
}

// Context is a JSON-LD @context: a list whose items are strings (URLs) or
// JSON objects (map[string]any). It reads a single value or an array and
// always writes an array.
type Context []any

// StringSet is a JSON value that is either one string or an array of
// strings. It writes a lone string when it holds exactly one.
type StringSet []string

// PublicKey returns the method's public key, an ed25519.PublicKey or an
// *ecdsa.PublicKey on P-256. Multikey and Ed25519VerificationKey2020 methods
// carry publicKeyMultibase; JsonWebKey2020 and JsonWebKey methods carry
// publicKeyJwk (kty OKP with crv Ed25519, or kty EC with crv P-256). Other
// types and curves fail with [ErrUnsupportedKeyType], malformed keys with
// [ErrInvalidKey].
func (vm *VerificationMethod) PublicKey() (crypto.PublicKey, error) {
	if vm.PublicKeyMultibase != "" && len(vm.PublicKeyJwk) > 0 {
		return nil, fmt.Errorf("%w: verification method %q has both publicKeyMultibase and publicKeyJwk", ErrInvalidKey, vm.ID)
	}
	switch vm.Type {
	case TypeMultikey, TypeEd25519VerificationKey2020:
		if vm.PublicKeyMultibase == "" {
			return nil, fmt.Errorf("%w: %s verification method %q has no publicKeyMultibase", ErrInvalidKey, vm.Type, vm.ID)
		}
		pub, err := DecodeMultikey(vm.PublicKeyMultibase)
		if err != nil {
			return nil, fmt.Errorf("verification method %q: publicKeyMultibase: %w", vm.ID, err)
		}
		if _, ok := pub.(ed25519.PublicKey); !ok && vm.Type == TypeEd25519VerificationKey2020 {
			return nil, fmt.Errorf("%w: %s verification method %q holds a non-Ed25519 key", ErrInvalidKey, vm.Type, vm.ID)
		}
		return pub, nil
	case TypeJSONWebKey2020, TypeJSONWebKey:
		if len(vm.PublicKeyJwk) == 0 {
			return nil, fmt.Errorf("%w: %s verification method %q has no publicKeyJwk", ErrInvalidKey, vm.Type, vm.ID)
		}
		pub, err := ParseJWK(vm.PublicKeyJwk)
		if err != nil {
			return nil, fmt.Errorf("verification method %q: publicKeyJwk: %w", vm.ID, err)
		}
		return pub, nil
	default:
		return nil, fmt.Errorf("%w: verification method %q has type %q (supported: Multikey, Ed25519VerificationKey2020, JsonWebKey2020, JsonWebKey)",
			ErrUnsupportedKeyType, vm.ID, vm.Type)
	}
}

// ParseDocument parses and checks a DID document in JSON. It rejects
// documents over [MaxDocumentSize] ([ErrTooLarge]); duplicate members or
// members that differ from a known name only by case; an id that is not a
// DID; verification methods without id, type or a DID controller; and
// duplicate verification method ids. Errors wrap [ErrInvalidDocument]. It
// does not decode keys: [VerificationMethod.PublicKey] does that on use.
func ParseDocument(data []byte) (*Document, error) {
	if len(data) > MaxDocumentSize {
		return nil, fmt.Errorf("%w: DID document is %d bytes, limit %d: %w", ErrInvalidDocument, len(data), MaxDocumentSize, ErrTooLarge)
	}
	if err := checkMembers(data); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidDocument, err)
	}
	var doc Document
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidDocument, err)
	}
	if err := doc.validate(); err != nil {
		return nil, err
	}
	return &doc, nil
}

func (d *Document) validate() error {
	if d.ID == "" {
		return fmt.Errorf("%w: missing id", ErrInvalidDocument)
	}
	if _, err := Parse(d.ID); err != nil {
		return fmt.Errorf("%w: id: %w", ErrInvalidDocument, err)
	}
	for _, c := range d.Controller {
		if _, err := Parse(c); err != nil {
			return fmt.Errorf("%w: controller: %w", ErrInvalidDocument, err)
		}
	}
	seen := map[string]bool{}
	addVM := func(where string, vm *VerificationMethod) error {
		if err := d.validateVM(vm); err != nil {
			return fmt.Errorf("%w: %s: %w", ErrInvalidDocument, where, err)
		}
		abs := d.absolute(vm.ID)
		if seen[abs] {
			return fmt.Errorf("%w: %s: duplicate verification method id %q", ErrInvalidDocument, where, abs)
		}
		seen[abs] = true
		return nil
	}
	for i := range d.VerificationMethod {
		if err := addVM(fmt.Sprintf("verificationMethod[%d]", i), &d.VerificationMethod[i]); err != nil {
			return err
		}
	}
	for _, rel := range relationships {
		for i, r := range d.refs(rel) {
			where := fmt.Sprintf("%s[%d]", rel, i)
			if r.Embedded != nil {
				if err := addVM(where, r.Embedded); err != nil {
					return err
				}
				continue
			}
			if _, err := ParseURL(d.absolute(r.Ref)); err != nil {
				return fmt.Errorf("%w: %s: reference: %w", ErrInvalidDocument, where, err)
			}
		}
	}
	return nil
}

func (d *Document) validateVM(vm *VerificationMethod) error {
	if vm.ID == "" {
		return errors.New("verification method without id")
	}
	if _, err := ParseURL(d.absolute(vm.ID)); err != nil {
		return fmt.Errorf("verification method id: %w", err)
	}
	if vm.Type == "" {
		return fmt.Errorf("verification method %q without type", vm.ID)
	}
	if _, err := Parse(vm.Controller); err != nil {
		return fmt.Errorf("verification method %q controller: %w", vm.ID, err)
	}
	return nil
}

var relationships = []Relationship{Authentication, AssertionMethod, KeyAgreement, CapabilityInvocation, CapabilityDelegation}

// refs returns the entries listed under a relationship, or nil for an
// unknown one.
func (d *Document) refs(r Relationship) []MethodRef {
	switch r {
	case Authentication:
		return d.Authentication
	case AssertionMethod:
		return d.AssertionMethod
	case KeyAgreement:
		return d.KeyAgreement
	case CapabilityInvocation:
		return d.CapabilityInvocation
	case CapabilityDelegation:
		return d.CapabilityDelegation
	}
	return nil
}

// absolute resolves a relative reference "#fragment" against the document
// id; other references are returned unchanged.
func (d *Document) absolute(ref string) string {
	if strings.HasPrefix(ref, "#") {
		return d.ID + ref
	}
	return ref
}

// MarshalJSON writes a reference as a string and an embedded method as an
// object.
func (r MethodRef) MarshalJSON() ([]byte, error) {
	if r.Embedded != nil {
		return json.Marshal(r.Embedded)
	}
	return json.Marshal(r.Ref)
}

// UnmarshalJSON reads a string reference or an embedded method object.
func (r *MethodRef) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		*r = MethodRef{}
		return json.Unmarshal(b, &r.Ref)
	}
	if len(b) > 0 && b[0] == '{' {
		var vm VerificationMethod
		if err := json.Unmarshal(b, &vm); err != nil {
			return err
		}
		*r = MethodRef{Embedded: &vm}
		return nil
	}
	return errors.New("verification relationship entry must be a string or an object")
}

// UnmarshalJSON reads one context value or an array of them; each must be a
// string or an object.
func (c *Context) UnmarshalJSON(b []byte) error {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	items, ok := v.([]any)
	if !ok {
		items = []any{v}
	}
	for _, it := range items {
		switch it.(type) {
		case string, map[string]any:
		default:
			return errors.New("@context items must be strings or objects")
		}
	}
	*c = items
	return nil
}

// MarshalJSON writes a lone string when the set has one element, an array
// otherwise.
func (s StringSet) MarshalJSON() ([]byte, error) {
	if len(s) == 1 {
		return json.Marshal(s[0])
	}
	return json.Marshal([]string(s))
}

// UnmarshalJSON reads a string or an array of strings.
func (s *StringSet) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var one string
		if err := json.Unmarshal(b, &one); err != nil {
			return err
		}
		*s = StringSet{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return errors.New("must be a string or an array of strings")
	}
	*s = many
	return nil
}

// clone returns a deep copy of d, so that a caller can modify a resolved
// document without changing the copy a resolver holds.
func (d *Document) clone() *Document {
	out := *d
	out.Context = make(Context, len(d.Context))
	for i, item := range d.Context {
		if m, ok := item.(map[string]any); ok {
			var c map[string]any
			b, _ := json.Marshal(m) // came from JSON, so it marshals
			_ = json.Unmarshal(b, &c)
			item = c
		}
		out.Context[i] = item
	}
	if d.Context == nil {
		out.Context = nil
	}
	out.AlsoKnownAs = slices.Clone(d.AlsoKnownAs)
	out.Controller = slices.Clone(d.Controller)
	out.VerificationMethod = make([]VerificationMethod, len(d.VerificationMethod))
	for i, vm := range d.VerificationMethod {
		out.VerificationMethod[i] = vm.clone()
	}
	if d.VerificationMethod == nil {
		out.VerificationMethod = nil
	}
	cloneRel := func(refs []MethodRef) []MethodRef {
		if refs == nil {
			return nil
		}
		c := make([]MethodRef, len(refs))
		for i, r := range refs {
			c[i] = r
			if r.Embedded != nil {
				vm := r.Embedded.clone()
				c[i].Embedded = &vm
			}
		}
		return c
	}
	out.Authentication = cloneRel(d.Authentication)
	out.AssertionMethod = cloneRel(d.AssertionMethod)
	out.KeyAgreement = cloneRel(d.KeyAgreement)
	out.CapabilityInvocation = cloneRel(d.CapabilityInvocation)
	out.CapabilityDelegation = cloneRel(d.CapabilityDelegation)
	out.Service = slices.Clone(d.Service)
	for i := range out.Service {
		out.Service[i].Type = slices.Clone(d.Service[i].Type)
		out.Service[i].ServiceEndpoint = bytes.Clone(d.Service[i].ServiceEndpoint)
	}
	return &out
}

func (vm VerificationMethod) clone() VerificationMethod {
	vm.PublicKeyJwk = bytes.Clone(vm.PublicKeyJwk)
	return vm
}
