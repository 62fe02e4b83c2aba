// Package keystore seals the issuer's private keys at rest: a key-encryption
// key is derived from the operator's passphrase with Argon2id (RFC 9106) and
// every secret is encrypted with AES-256-GCM under it, with the secret's name
// as additional data so that sealed values cannot be swapped between names.
//
// The derivation parameters and salt travel with the sealed values (Params),
// together with a check value that tells a wrong passphrase apart from
// damaged data.
package keystore

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"

	"github.com/cityid/cityid/internal/kdf"
)

// ErrWrongPassphrase reports a passphrase that does not open the keys.
var ErrWrongPassphrase = errors.New("the passphrase does not open the issuer's keys")

// ErrCorrupt reports sealed data that cannot be read with any passphrase.
var ErrCorrupt = errors.New("sealed key data is damaged")

// Params are the Argon2id parameters and salt of a key-encryption key.
type Params = kdf.Params

// limits bound the parameters read back from the database.
var limits = kdf.Limits{MaxTime: 100, MaxMemoryKiB: 4 << 20, MinSalt: 8}

// DefaultParams returns fresh parameters with a random 16-byte salt: 64 MiB,
// 3 passes, 2 lanes (RFC 9106's second recommended option, with 2 lanes for
// a 2-core machine).
func DefaultParams() (Params, error) { return kdf.New(3, 64<<10, 2) }

// ParseParams reads what Params.String wrote.
func ParseParams(s string) (Params, error) {
	p, err := kdf.Parse(s, limits)
	if err != nil {
		return Params{}, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	return p, nil
}

// KEK is a key-encryption key derived from a passphrase.
type KEK struct {
	aead cipher.AEAD
}

// Derive derives the key-encryption key of passphrase under p.
func Derive(passphrase []byte, p Params) (*KEK, error) {
	if len(passphrase) == 0 {
		return nil, errors.New("keystore: empty passphrase")
	}
	key := p.Key(passphrase, 32)
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &KEK{aead: aead}, nil
}

// Seal encrypts secret under name: a random 12-byte nonce followed by the
// AES-GCM ciphertext.
func (k *KEK) Seal(name string, secret []byte) ([]byte, error) {
	nonce := make([]byte, k.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return k.aead.Seal(nonce, nonce, secret, []byte("cityid-key:"+name)), nil
}

// Open decrypts a value sealed under name. Any failure is ErrWrongPassphrase:
// GCM cannot tell a wrong key from tampering; use the check value to decide.
func (k *KEK) Open(name string, sealed []byte) ([]byte, error) {
	n := k.aead.NonceSize()
	if len(sealed) < n+k.aead.Overhead() {
		return nil, ErrCorrupt
	}
	out, err := k.aead.Open(nil, sealed[:n], sealed[n:], []byte("cityid-key:"+name))
	if err != nil {
		return nil, ErrWrongPassphrase
	}
	return out, nil
}

const checkName, checkValue = "passphrase-check", "cityid keystore v1"

// CheckValue returns the sealed check value stored next to the parameters.
func (k *KEK) CheckValue() ([]byte, error) {
	return k.Seal(checkName, []byte(checkValue))
}

// Verify reports ErrWrongPassphrase when the check value does not open with
// this key.
func (k *KEK) Verify(check []byte) error {
	out, err := k.Open(checkName, check)
	if err != nil {
		return err
	}
	if string(out) != checkValue {
		return ErrCorrupt
	}
	return nil
}
