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
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// ErrWrongPassphrase reports a passphrase that does not open the keys.
var ErrWrongPassphrase = errors.New("the passphrase does not open the issuer's keys")

// ErrCorrupt reports sealed data that cannot be read with any passphrase.
var ErrCorrupt = errors.New("sealed key data is damaged")

// Params are the Argon2id parameters and salt of a key-encryption key.
type Params struct {
	Time      uint32
	MemoryKiB uint32
	Threads   uint8
	Salt      []byte
}

// DefaultParams returns fresh parameters with a random 16-byte salt: 64 MiB,
// 3 passes, 2 lanes (RFC 9106's second recommended option, with 2 lanes for
// a 2-core machine).
func DefaultParams() (Params, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return Params{}, err
	}
	return Params{Time: 3, MemoryKiB: 64 << 10, Threads: 2, Salt: salt}, nil
}

// String encodes the parameters as "argon2id$t=3,m=65536,p=2$<salt>".
func (p Params) String() string {
	return fmt.Sprintf("argon2id$t=%d,m=%d,p=%d$%s", p.Time, p.MemoryKiB, p.Threads,
		base64.RawStdEncoding.EncodeToString(p.Salt))
}

// ParseParams reads what String wrote.
func ParseParams(s string) (Params, error) {
	parts := strings.Split(s, "$")
	if len(parts) != 3 || parts[0] != "argon2id" {
		return Params{}, fmt.Errorf("%w: unknown key derivation %q", ErrCorrupt, s)
	}
	var p Params
	for _, kv := range strings.Split(parts[1], ",") {
		k, v, _ := strings.Cut(kv, "=")
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return Params{}, fmt.Errorf("%w: bad parameter %q", ErrCorrupt, kv)
		}
		switch k {
		case "t":
			p.Time = uint32(n)
		case "m":
			p.MemoryKiB = uint32(n)
		case "p":
			if n > 255 {
				return Params{}, fmt.Errorf("%w: bad parameter %q", ErrCorrupt, kv)
			}
			p.Threads = uint8(n)
		default:
			return Params{}, fmt.Errorf("%w: unknown parameter %q", ErrCorrupt, kv)
		}
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[2])
	if err != nil || len(salt) < 8 {
		return Params{}, fmt.Errorf("%w: bad salt", ErrCorrupt)
	}
	p.Salt = salt
	if p.Time < 1 || p.Threads < 1 || p.MemoryKiB < 8*uint32(p.Threads) || p.MemoryKiB > 4<<20 || p.Time > 100 {
		return Params{}, fmt.Errorf("%w: parameters out of range", ErrCorrupt)
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
	key := argon2.IDKey(passphrase, p.Salt, p.Time, p.MemoryKiB, p.Threads, 32)
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
