package trust

import (
	"crypto"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/cryptosigner"

	"github.com/cityid/cityid/did"
)

// MediaType is the JWS "typ" of a trust bundle.
const MediaType = "cityid-trust-bundle+json"

// BundleType is the payload's "type".
const BundleType = "CityTrustBundle"

// MaxSize bounds a bundle file (status lists included).
const MaxSize = 8 << 20

// Algorithms the bundle signature may use.
var Algorithms = []jose.SignatureAlgorithm{jose.EdDSA, jose.ES256}

// Errors a caller can name.
var (
	ErrMalformed = errors.New("trust bundle is malformed")
	ErrSignature = errors.New("trust bundle signature is not valid")
	ErrWrongRoot = errors.New("trust bundle is not signed by the pinned root key")
	ErrExpired   = errors.New("trust bundle has expired")
	ErrRollback  = errors.New("trust bundle is older than the one already trusted")
)

// Bundle is the signed content of a trust bundle.
type Bundle struct {
	Type    string `json:"type"`
	Version uint64 `json:"version"`
	// Name is the city or authority that publishes the bundle.
	Name string `json:"name,omitempty"`
	// Root is the did:key (DID URL with fragment) of the key that signs the bundle.
	Root string `json:"root"`
	// NextRoot, when set, is the did:key a later bundle may be signed with
	// instead of Root (planned root rotation).
	NextRoot  string       `json:"nextRoot,omitempty"`
	IssuedAt  time.Time    `json:"issued"`
	ExpiresAt time.Time    `json:"expires"`
	Issuers   []Issuer     `json:"issuers"`
	Status    []StatusList `json:"statusLists,omitempty"`
}

// Issuer is one trusted issuer.
type Issuer struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	// Keys are the issuer's assertion keys (verification methods).
	Keys []Key `json:"keys"`
	// Types are the credential types this issuer may issue.
	Types []string `json:"types"`
	// ValidUntil, when set, ends trust in this issuer (e.g. a retired key).
	ValidUntil *time.Time `json:"validUntil,omitempty"`
}

// Key is a verification method of an issuer.
type Key struct {
	// ID is the verification method's DID URL.
	ID                 string `json:"id"`
	PublicKeyMultibase string `json:"publicKeyMultibase"`
}

// StatusList is a status list credential cached in the bundle, so that a
// verifier can check revocation with no network.
type StatusList struct {
	// ID is the statusListCredential URL that credentials point to.
	ID string `json:"id"`
	// Credential is the signed BitstringStatusListCredential.
	Credential json.RawMessage `json:"credential"`
}

// Issuer returns the trusted issuer with the given DID.
func (b *Bundle) Issuer(id string) (*Issuer, bool) {
	for i := range b.Issuers {
		if b.Issuers[i].ID == id {
			return &b.Issuers[i], true
		}
	}
	return nil, false
}

// StatusList returns the cached status list credential with the given URL.
func (b *Bundle) StatusList(id string) (json.RawMessage, bool) {
	for _, s := range b.Status {
		if s.ID == id {
			return s.Credential, true
		}
	}
	return nil, false
}

// MayIssue reports whether the issuer may issue credentials of type t.
func (i *Issuer) MayIssue(t string) bool {
	for _, x := range i.Types {
		if x == t {
			return true
		}
	}
	return false
}

// PublicKey returns the key of the verification method vm, if the issuer has it.
func (i *Issuer) PublicKey(vm string) (crypto.PublicKey, bool) {
	for _, k := range i.Keys {
		if k.ID == vm {
			pub, err := did.DecodeMultikey(k.PublicKeyMultibase)
			return pub, err == nil
		}
	}
	return nil, false
}

// Sign checks b and signs it with the root key, returning the bundle file.
// signer must hold the key named by b.Root.
func Sign(b *Bundle, signer crypto.Signer) ([]byte, error) {
	if b.Type == "" {
		b.Type = BundleType
	}
	if err := b.check(); err != nil {
		return nil, err
	}
	rootPub, err := rootKey(b.Root)
	if err != nil {
		return nil, err
	}
	if !samePublicKey(rootPub, signer.Public()) {
		return nil, fmt.Errorf("trust: signer's key is not the bundle's root %s", b.Root)
	}
	payload, err := json.Marshal(b)
	if err != nil {
		return nil, err
	}
	opaque := cryptosigner.Opaque(signer)
	algs := opaque.Algs()
	if len(algs) == 0 {
		return nil, errors.New("trust: unsupported root key type")
	}
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: algs[0], Key: opaque}, (&jose.SignerOptions{}).
		WithType(MediaType).WithHeader(jose.HeaderKey("kid"), b.Root))
	if err != nil {
		return nil, err
	}
	obj, err := s.Sign(payload)
	if err != nil {
		return nil, err
	}
	var pretty json.RawMessage = []byte(obj.FullSerialize())
	return json.MarshalIndent(pretty, "", "  ")
}

// Open verifies a bundle file against the pinned root key (a did:key, with or
// without fragment) and returns its content. It fails when the bundle is not
// signed by that root, is malformed, or has expired at now.
func Open(data []byte, pinnedRoot string, now time.Time) (*Bundle, error) {
	b, signer, err := open(data)
	if err != nil {
		return nil, err
	}
	if !sameKeyDID(signer, pinnedRoot) {
		return nil, fmt.Errorf("%w: signed by %s, pinned root is %s", ErrWrongRoot, signer, pinnedRoot)
	}
	return b, checkTime(b, now)
}

// OpenUnpinnedUnsafe opens a bundle trusting whatever root key signed it.
// Use it only for a first bundle that reached you through a trusted channel
// (installed by the operator); then pin its Root and use Open or Update.
func OpenUnpinnedUnsafe(data []byte, now time.Time) (*Bundle, error) {
	b, _, err := open(data)
	if err != nil {
		return nil, err
	}
	return b, checkTime(b, now)
}

// Update accepts a newer bundle only when it is signed by the current
// bundle's root (or the NextRoot it announced) and has a higher version.
func Update(current *Bundle, data []byte, now time.Time) (*Bundle, error) {
	b, signer, err := open(data)
	if err != nil {
		return nil, err
	}
	if !sameKeyDID(signer, current.Root) && (current.NextRoot == "" || !sameKeyDID(signer, current.NextRoot)) {
		return nil, fmt.Errorf("%w: signed by %s, trusted root is %s", ErrWrongRoot, signer, current.Root)
	}
	if b.Version <= current.Version {
		return nil, fmt.Errorf("%w: version %d is not newer than trusted version %d", ErrRollback, b.Version, current.Version)
	}
	return b, checkTime(b, now)
}

func open(data []byte) (*Bundle, string, error) {
	if len(data) > MaxSize {
		return nil, "", fmt.Errorf("%w: larger than %d bytes", ErrMalformed, MaxSize)
	}
	jws, err := jose.ParseSigned(strings.TrimSpace(string(data)), Algorithms)
	if err != nil {
		return nil, "", fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if len(jws.Signatures) != 1 {
		return nil, "", fmt.Errorf("%w: want exactly one signature", ErrMalformed)
	}
	h := jws.Signatures[0].Protected
	if typ, _ := h.ExtraHeaders[jose.HeaderType].(string); typ != MediaType {
		return nil, "", fmt.Errorf("%w: typ is %q, want %q", ErrMalformed, typ, MediaType)
	}
	pub, err := rootKey(h.KeyID)
	if err != nil {
		return nil, "", err
	}
	payload, err := jws.Verify(pub)
	if err != nil {
		return nil, "", ErrSignature
	}
	var b Bundle
	if err := json.Unmarshal(payload, &b); err != nil {
		return nil, "", fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if err := b.check(); err != nil {
		return nil, "", err
	}
	if !sameKeyDID(h.KeyID, b.Root) {
		return nil, "", fmt.Errorf("%w: signature kid %s differs from the bundle's root %s", ErrMalformed, h.KeyID, b.Root)
	}
	return &b, h.KeyID, nil
}

func (b *Bundle) check() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrMalformed}, args...)...)
	}
	if b.Type != BundleType {
		return bad("type is %q, want %q", b.Type, BundleType)
	}
	if b.Version == 0 {
		return bad("version must be 1 or more")
	}
	if b.IssuedAt.IsZero() || b.ExpiresAt.IsZero() || !b.ExpiresAt.After(b.IssuedAt) {
		return bad("issued and expires must be set, expires after issued")
	}
	if _, err := rootKey(b.Root); err != nil {
		return err
	}
	if b.NextRoot != "" {
		if _, err := rootKey(b.NextRoot); err != nil {
			return err
		}
	}
	seen := map[string]bool{}
	for _, iss := range b.Issuers {
		if _, err := did.Parse(iss.ID); err != nil {
			return bad("issuer %q: %v", iss.ID, err)
		}
		if seen[iss.ID] {
			return bad("issuer %s is listed twice", iss.ID)
		}
		seen[iss.ID] = true
		if len(iss.Keys) == 0 || len(iss.Types) == 0 {
			return bad("issuer %s needs at least one key and one credential type", iss.ID)
		}
		for _, k := range iss.Keys {
			u, err := did.ParseURL(k.ID)
			if err != nil || u.DID.String() != iss.ID || u.Fragment == "" {
				return bad("issuer %s: key id %q must be a DID URL of the issuer with a fragment", iss.ID, k.ID)
			}
			if _, err := did.DecodeMultikey(k.PublicKeyMultibase); err != nil {
				return bad("issuer %s: key %s: %v", iss.ID, k.ID, err)
			}
			if strings.HasPrefix(iss.ID, "did:key:") {
				if pub, err := did.ParseKeyDID(iss.ID); err != nil || !sameMultikey(pub, k.PublicKeyMultibase) {
					return bad("issuer %s: key %s does not match the did:key", iss.ID, k.ID)
				}
			}
		}
	}
	for _, s := range b.Status {
		if s.ID == "" || len(s.Credential) == 0 {
			return bad("status list entries need an id and a credential")
		}
	}
	return nil
}

func checkTime(b *Bundle, now time.Time) error {
	if now.After(b.ExpiresAt) {
		return fmt.Errorf("%w: it expired on %s; load the city's current bundle", ErrExpired, b.ExpiresAt.Format(time.RFC3339))
	}
	return nil
}

// rootKey decodes a did:key (with or without a fragment) to its public key.
func rootKey(s string) (crypto.PublicKey, error) {
	d := strings.SplitN(s, "#", 2)[0]
	if !strings.HasPrefix(d, "did:key:") {
		return nil, fmt.Errorf("%w: root %q must be a did:key", ErrMalformed, s)
	}
	pub, err := did.ParseKeyDID(d)
	if err != nil {
		return nil, fmt.Errorf("%w: root %q: %v", ErrMalformed, s, err)
	}
	return pub, nil
}

func sameKeyDID(a, b string) bool {
	return strings.SplitN(a, "#", 2)[0] == strings.SplitN(b, "#", 2)[0]
}

func samePublicKey(a, b crypto.PublicKey) bool {
	type equaler interface{ Equal(crypto.PublicKey) bool }
	e, ok := a.(equaler)
	return ok && e.Equal(b)
}

func sameMultikey(pub crypto.PublicKey, multikey string) bool {
	other, err := did.DecodeMultikey(multikey)
	return err == nil && samePublicKey(pub, other)
}
