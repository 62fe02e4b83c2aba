package did

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"sort"
	"sync"
)

// KeyType names a signing key algorithm a [KeyManager] can create.
type KeyType string

// Key types.
const (
	// Ed25519 keys sign with pure Ed25519 (EdDSA, RFC 8032).
	Ed25519 KeyType = "Ed25519"
	// P256 keys sign with ECDSA on NIST P-256 over SHA-256 (ES256).
	P256 KeyType = "P-256"
)

// KeyInfo describes a key held by a [KeyManager].
type KeyInfo struct {
	// ID names the key inside its KeyManager. For the soft key manager it
	// is the key's Multikey encoding (z6Mk... or zDn...).
	ID   string
	Type KeyType
	// DID is the did:key DID of the public key.
	DID string
	// VerificationMethod is the DID URL of the key: did:key:X#X.
	VerificationMethod string
}

// KeyManager creates signing keys and signs with them without handing out
// private key material, so that keys can move to an HSM or a cloud KMS
// behind the same interface.
//
// Signers follow [crypto.Signer]: an Ed25519 signer signs the message itself
// and requires opts.HashFunc() == crypto.Hash(0); a P-256 signer signs a
// SHA-256 digest, requires opts.HashFunc() == crypto.SHA256 and returns an
// ASN.1 DER ECDSA-Sig-Value, which JOSE (ES256) callers must convert to the
// 64-byte r||s form.
type KeyManager interface {
	CreateKey(ctx context.Context, kt KeyType) (KeyInfo, error)
	Signer(ctx context.Context, id string) (crypto.Signer, error)
	PublicKey(ctx context.Context, id string) (crypto.PublicKey, error)
}

// SoftKeyManager is a [KeyManager] that keeps private keys in memory. It is
// safe for concurrent use. Keys can be exported and imported as PKCS#8 so a
// caller can store them (encrypted) at rest.
type SoftKeyManager struct {
	mu   sync.RWMutex
	keys map[string]softKey
	rand io.Reader
}

type softKey struct {
	info KeyInfo
	priv crypto.Signer // ed25519.PrivateKey or *ecdsa.PrivateKey on P-256
}

var _ KeyManager = (*SoftKeyManager)(nil)

// NewSoftKeyManager returns an empty in-memory key manager that draws
// randomness from crypto/rand.
func NewSoftKeyManager() *SoftKeyManager {
	return &SoftKeyManager{keys: map[string]softKey{}, rand: rand.Reader}
}

// CreateKey generates a new key of type kt.
func (m *SoftKeyManager) CreateKey(ctx context.Context, kt KeyType) (KeyInfo, error) {
	if err := ctx.Err(); err != nil {
		return KeyInfo{}, err
	}
	var priv crypto.Signer
	switch kt {
	case Ed25519:
		_, k, err := ed25519.GenerateKey(m.rand)
		if err != nil {
			return KeyInfo{}, err
		}
		priv = k
	case P256:
		k, err := ecdsa.GenerateKey(elliptic.P256(), m.rand)
		if err != nil {
			return KeyInfo{}, err
		}
		priv = k
	default:
		return KeyInfo{}, fmt.Errorf("%w: key type %q (want %q or %q)", ErrUnsupportedKeyType, kt, Ed25519, P256)
	}
	return m.ImportKey(priv)
}

// ImportKey adds an existing private key: an ed25519.PrivateKey or an
// *ecdsa.PrivateKey on P-256. Importing the same key twice returns the same
// KeyInfo.
func (m *SoftKeyManager) ImportKey(priv crypto.Signer) (KeyInfo, error) {
	var kt KeyType
	switch k := priv.(type) {
	case ed25519.PrivateKey:
		if len(k) != ed25519.PrivateKeySize {
			return KeyInfo{}, fmt.Errorf("%w: Ed25519 private key is %d bytes, want %d", ErrInvalidKey, len(k), ed25519.PrivateKeySize)
		}
		// Rebuild from the seed: this copies the caller's slice and
		// ignores a public half that does not match the seed.
		priv, kt = ed25519.NewKeyFromSeed(k.Seed()), Ed25519
	case *ecdsa.PrivateKey:
		if k == nil || k.Curve != elliptic.P256() {
			return KeyInfo{}, fmt.Errorf("%w: ECDSA key on %s (only P-256 is supported)", ErrUnsupportedKeyType, curveName(pubOf(k)))
		}
		b, err := k.Bytes()
		if err != nil {
			return KeyInfo{}, fmt.Errorf("%w: %v", ErrInvalidKey, err)
		}
		c, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), b)
		if err != nil {
			return KeyInfo{}, fmt.Errorf("%w: %v", ErrInvalidKey, err)
		}
		priv, kt = c, P256
	default:
		return KeyInfo{}, fmt.Errorf("%w: %T (want ed25519.PrivateKey or *ecdsa.PrivateKey on P-256)", ErrUnsupportedKeyType, priv)
	}
	mk, err := EncodeMultikey(priv.Public())
	if err != nil {
		return KeyInfo{}, err
	}
	info := KeyInfo{ID: mk, Type: kt, DID: "did:key:" + mk, VerificationMethod: "did:key:" + mk + "#" + mk}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.keys == nil {
		m.keys = map[string]softKey{}
	}
	m.keys[mk] = softKey{info: info, priv: priv}
	return info, nil
}

// Signer returns a signer for key id (see [KeyManager] for the signing
// conventions). The signer does not expose the private key.
func (m *SoftKeyManager) Signer(ctx context.Context, id string) (crypto.Signer, error) {
	k, err := m.get(ctx, id)
	if err != nil {
		return nil, err
	}
	return &softSigner{priv: k.priv, kt: k.info.Type}, nil
}

// PublicKey returns the public key of key id.
func (m *SoftKeyManager) PublicKey(ctx context.Context, id string) (crypto.PublicKey, error) {
	k, err := m.get(ctx, id)
	if err != nil {
		return nil, err
	}
	return k.priv.Public(), nil
}

// Info returns the description of key id.
func (m *SoftKeyManager) Info(ctx context.Context, id string) (KeyInfo, error) {
	k, err := m.get(ctx, id)
	return k.info, err
}

// Keys returns the descriptions of all keys, sorted by ID.
func (m *SoftKeyManager) Keys() []KeyInfo {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := make([]KeyInfo, 0, len(m.keys))
	for _, k := range m.keys {
		out = append(out, k.info)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// ExportPKCS8 returns key id's private key as unencrypted PKCS#8 DER. The
// caller is responsible for protecting it (encrypt it before storing it).
func (m *SoftKeyManager) ExportPKCS8(ctx context.Context, id string) ([]byte, error) {
	k, err := m.get(ctx, id)
	if err != nil {
		return nil, err
	}
	return x509.MarshalPKCS8PrivateKey(k.priv)
}

// ImportPKCS8 adds a private key given as PKCS#8 DER (Ed25519 or P-256).
func (m *SoftKeyManager) ImportPKCS8(der []byte) (KeyInfo, error) {
	key, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return KeyInfo{}, fmt.Errorf("%w: PKCS#8: %v", ErrInvalidKey, err)
	}
	s, ok := key.(crypto.Signer)
	if !ok {
		return KeyInfo{}, fmt.Errorf("%w: PKCS#8 holds %T", ErrUnsupportedKeyType, key)
	}
	return m.ImportKey(s)
}

func (m *SoftKeyManager) get(ctx context.Context, id string) (softKey, error) {
	if err := ctx.Err(); err != nil {
		return softKey{}, err
	}
	m.mu.RLock()
	k, ok := m.keys[id]
	m.mu.RUnlock()
	if !ok {
		return softKey{}, fmt.Errorf("%w: %q", ErrKeyNotFound, id)
	}
	return k, nil
}

// softSigner signs with a soft key and checks the signing options, so that
// a caller that hashes when it should not (or the reverse) gets an error
// instead of a signature nobody can verify.
type softSigner struct {
	priv crypto.Signer
	kt   KeyType
}

func (s *softSigner) Public() crypto.PublicKey { return s.priv.Public() }

// Sign signs message (Ed25519, opts crypto.Hash(0)) or a SHA-256 digest
// (P-256, opts crypto.SHA256; the result is ASN.1 DER).
func (s *softSigner) Sign(r io.Reader, msg []byte, opts crypto.SignerOpts) ([]byte, error) {
	if opts == nil {
		return nil, errors.New("did: signer: nil SignerOpts")
	}
	switch s.kt {
	case Ed25519:
		if o, ok := opts.(*ed25519.Options); ok && o.Context != "" {
			return nil, errors.New("did: Ed25519 signer: Ed25519ctx contexts are not supported")
		}
		if opts.HashFunc() != crypto.Hash(0) {
			return nil, fmt.Errorf("did: Ed25519 signer signs the message itself (pure Ed25519): want opts crypto.Hash(0), got %v", opts.HashFunc())
		}
	case P256:
		if opts.HashFunc() != crypto.SHA256 || len(msg) != 32 {
			return nil, fmt.Errorf("did: P-256 signer signs a SHA-256 digest: want opts crypto.SHA256 and 32 bytes, got %v and %d bytes", opts.HashFunc(), len(msg))
		}
		if r == nil {
			r = rand.Reader
		}
	}
	return s.priv.Sign(r, msg, opts)
}

func pubOf(k *ecdsa.PrivateKey) *ecdsa.PublicKey {
	if k == nil {
		return nil
	}
	return &k.PublicKey
}
