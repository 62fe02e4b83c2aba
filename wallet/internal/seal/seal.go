// Package seal is the wallet's encryption at rest: a key-encryption key
// derived from the resident's PIN with Argon2id (RFC 9106), and
// XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha) for every stored value, with
// the value's name as additional data so that sealed values cannot be moved
// from one row or purpose to another without detection.
//
// A sealed value is version byte 1, a random 24-byte nonce, then the
// ciphertext and its 16-byte tag.
package seal

import (
	"crypto/rand"
	"errors"
	"fmt"

	"golang.org/x/crypto/chacha20poly1305"

	"github.com/cityid/cityid/internal/kdf"
)

// KeySize is the size of every key: 32 bytes.
const KeySize = chacha20poly1305.KeySize

const version = 1

// Overhead is how many bytes sealing adds to a value.
const Overhead = 1 + chacha20poly1305.NonceSizeX + chacha20poly1305.Overhead

// Errors.
var (
	// ErrOpen reports a sealed value that does not open with this key and
	// name: a wrong key (PIN), or data changed or moved.
	ErrOpen = errors.New("the sealed value does not open with this key")
	// ErrParams reports unreadable or unacceptable key derivation parameters.
	ErrParams = kdf.ErrParams
)

// Params are the Argon2id parameters and salt of a key-encryption key.
type Params = kdf.Params

// limits bound stored parameters: a damaged or hostile wallet file must not
// make Open allocate gigabytes or spin for minutes.
var limits = kdf.Limits{MaxTime: 16, MaxMemoryKiB: 1 << 20, MinSalt: 16, MaxSalt: 64}

// NewParams returns parameters with a fresh random 16-byte salt.
func NewParams(time, memoryKiB uint32, threads uint8) (Params, error) {
	p, err := kdf.New(time, memoryKiB, threads)
	if err != nil {
		return Params{}, err
	}
	return p, p.Check(limits)
}

// Default returns Argon2id with 9 MiB, 4 passes and 1 lane (one of the
// equivalent configurations the OWASP Password Storage Cheat Sheet
// recommends) and a fresh salt. It costs a few tens of milliseconds on a
// laptop, and its memory is small enough for the wallet's whole budget on
// a cheap phone (150 MB, with the window and its graphics); RFC 9106's
// 64 MiB option took 64 MB of that budget at every unlock. Against someone
// who copied the file, a short PIN is weak under any parameters (see
// package wallet): length is what helps.
func Default() (Params, error) { return NewParams(4, 9<<10, 1) }

// ParseParams reads what Params.String wrote and checks the limits.
func ParseParams(s string) (Params, error) { return kdf.Parse(s, limits) }

// DeriveKey derives a 32-byte key from secret (the PIN) with Argon2id.
func DeriveKey(secret []byte, p Params) ([]byte, error) {
	if err := p.Check(limits); err != nil {
		return nil, err
	}
	return p.Key(secret, KeySize), nil
}

// NewKey returns a fresh random 32-byte key.
func NewKey() ([]byte, error) {
	k := make([]byte, KeySize)
	if _, err := rand.Read(k); err != nil {
		return nil, err
	}
	return k, nil
}

// Seal encrypts plaintext under key, bound to name.
func Seal(key []byte, name string, plaintext []byte) ([]byte, error) {
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 1+aead.NonceSize(), Overhead+len(plaintext))
	out[0] = version
	if _, err := rand.Read(out[1:]); err != nil {
		return nil, err
	}
	return aead.Seal(out, out[1:], plaintext, ad(name)), nil
}

// Open decrypts what Seal made with the same key and name.
func Open(key []byte, name string, sealed []byte) ([]byte, error) {
	if len(sealed) < Overhead || sealed[0] != version {
		return nil, fmt.Errorf("%w: %q is not a sealed value", ErrOpen, name)
	}
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		return nil, err
	}
	nonce := sealed[1 : 1+aead.NonceSize()]
	pt, err := aead.Open(nil, nonce, sealed[1+aead.NonceSize():], ad(name))
	if err != nil {
		return nil, fmt.Errorf("%w: %q", ErrOpen, name)
	}
	return pt, nil
}

func ad(name string) []byte { return []byte("cityid wallet v1\x00" + name) }

// Wipe overwrites b with zeros.
func Wipe(b []byte) {
	for i := range b {
		b[i] = 0
	}
}
