package did

import (
	"crypto"
	"fmt"
)

// Resolver returns the DID document of a DID. Implementations must return
// a document whose id equals the DID asked for, and must not use the network
// when they are used to verify something.
type Resolver interface {
	Resolve(did string) (*Document, error)
}

// NewResolver returns the offline resolver: did:key documents are computed
// from the key, did:web documents come from web (a nil web resolves no
// did:web DID), and every other method fails with [ErrUnsupportedMethod].
// The resolver never fetches anything; see [FetchWebDocument] for pinning.
func NewResolver(web *PinnedWeb) Resolver { return &resolver{web: web} }

type resolver struct{ web *PinnedWeb }

func (r *resolver) Resolve(s string) (*Document, error) {
	d, err := Parse(s)
	if err != nil {
		return nil, err
	}
	switch d.Method {
	case "key":
		return ResolveKeyDID(s)
	case "web":
		if r.web == nil {
			return nil, fmt.Errorf("%w: no pinned did:web documents, so %q cannot be resolved", ErrNotFound, s)
		}
		return r.web.Resolve(s)
	default:
		return nil, fmt.Errorf("%w: did:%s (supported: did:key, did:web)", ErrUnsupportedMethod, d.Method)
	}
}

// ResolveVerificationMethod resolves the verification method a DID URL such
// as did:key:z6Mk...#z6Mk... or did:web:city.example#key-1 names and checks
// that the DID subject authorizes it for rel. It fails with
//
//   - [ErrInvalidDID] if vmURL is not a DID URL with a fragment (paths and
//     queries are not supported);
//   - whatever r returns if the DID does not resolve ([ErrNotFound],
//     [ErrUnsupportedMethod], ...), or [ErrInvalidDocument] if r returns a
//     document for another DID;
//   - [ErrNotFound] if the document has no method with that id;
//   - [ErrNotAuthorized] if the method's controller is not the DID, or the
//     method is not listed (by reference or embedded) under rel;
//   - [ErrUnsupportedKeyType] or [ErrInvalidKey] if its key cannot be used.
//
// Method ids in the document may be absolute or relative ("#key-1"); the
// returned method is a copy whose ID is the absolute vmURL.
func ResolveVerificationMethod(r Resolver, vmURL string, rel Relationship) (*VerificationMethod, crypto.PublicKey, error) {
	u, err := ParseURL(vmURL)
	if err != nil {
		return nil, nil, err
	}
	if u.Path != "" || u.Query != "" {
		return nil, nil, syntaxErr(vmURL, len(u.DID.String()), true, "verification method URLs with a path or query are not supported")
	}
	if u.Fragment == "" {
		return nil, nil, syntaxErr(vmURL, -1, true, "verification method URL has no fragment")
	}
	if !knownRelationship(rel) {
		return nil, nil, fmt.Errorf("did: unknown verification relationship %q", rel)
	}
	subject := u.DID.String()
	doc, err := r.Resolve(subject)
	if err != nil {
		return nil, nil, err
	}
	if doc == nil || doc.ID != subject {
		got := "<nil>"
		if doc != nil {
			got = doc.ID
		}
		return nil, nil, fmt.Errorf("%w: resolving %q returned the document of %q", ErrInvalidDocument, subject, got)
	}
	vm, err := doc.findMethod(vmURL)
	if err != nil {
		return nil, nil, err
	}
	if vm.Controller != subject {
		return nil, nil, fmt.Errorf("%w: %q is controlled by %q, not by %q", ErrNotAuthorized, vmURL, vm.Controller, subject)
	}
	if !doc.lists(rel, vmURL) {
		return nil, nil, fmt.Errorf("%w: %q is not listed under %s of %q", ErrNotAuthorized, vmURL, rel, subject)
	}
	pub, err := vm.PublicKey()
	if err != nil {
		return nil, nil, err
	}
	out := *vm
	out.ID = vmURL
	return &out, pub, nil
}

func knownRelationship(rel Relationship) bool {
	for _, r := range relationships {
		if r == rel {
			return true
		}
	}
	return false
}

// findMethod returns the verification method with absolute id vmURL,
// declared under verificationMethod or embedded in a relationship.
func (d *Document) findMethod(vmURL string) (*VerificationMethod, error) {
	var found *VerificationMethod
	consider := func(vm *VerificationMethod) error {
		if d.absolute(vm.ID) != vmURL {
			return nil
		}
		if found != nil {
			return fmt.Errorf("%w: %q declares verification method %q more than once", ErrInvalidDocument, d.ID, vmURL)
		}
		found = vm
		return nil
	}
	for i := range d.VerificationMethod {
		if err := consider(&d.VerificationMethod[i]); err != nil {
			return nil, err
		}
	}
	for _, rel := range relationships {
		for _, ref := range d.refs(rel) {
			if ref.Embedded != nil {
				if err := consider(ref.Embedded); err != nil {
					return nil, err
				}
			}
		}
	}
	if found == nil {
		return nil, fmt.Errorf("%w: the document of %q has no verification method %q", ErrNotFound, d.ID, vmURL)
	}
	return found, nil
}

// lists reports whether rel lists the method with absolute id vmURL.
func (d *Document) lists(rel Relationship, vmURL string) bool {
	for _, ref := range d.refs(rel) {
		id := ref.Ref
		if ref.Embedded != nil {
			id = ref.Embedded.ID
		}
		if d.absolute(id) == vmURL {
			return true
		}
	}
	return false
}
