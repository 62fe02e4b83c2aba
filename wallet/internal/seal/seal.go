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
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20poly1305"
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
	ErrParams = errors.New("bad key derivation parameters")
)

// Params are the Argon2id parameters and salt of a key-encryption key.
type Params struct {
	Time      uint32
	MemoryKiB uint32
	Threads   uint8
	Salt      []byte
}

// Limits on stored parameters: a damaged or hostile wallet file must not
// make Open allocate gigabytes or spin for minutes.
const (
	maxTime      = 16
	maxMemoryKiB = 1 << 20 // 1 GiB
	minSaltLen   = 16
)

// NewParams returns parameters with a fresh random 16-byte salt.
func NewParams(time, memoryKiB uint32, threads uint8) (Params, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return Params{}, err
	}
	p := Params{Time: time, MemoryKiB: memoryKiB, Threads: threads, Salt: salt}
	return p, p.check()
}

// Default returns RFC 9106's second recommended option (64 MiB, 3 passes)
// with 2 lanes, and a fresh salt. It costs about a tenth of a second on a
// laptop and fits the memory of a cheap phone.
func Default() (Params, error) { return NewParams(3, 64<<10, 2) }

func (p Params) check() error {
	switch {
	case p.Time < 1 || p.Time > maxTime:
		return fmt.Errorf("%w: %d passes (1 to %d)", ErrParams, p.Time, maxTime)
	case p.MemoryKiB < 8*uint32(p.Threads) || p.MemoryKiB > maxMemoryKiB:
		return fmt.Errorf("%w: %d KiB of memory", ErrParams, p.MemoryKiB)
	case p.Threads < 1:
		return fmt.Errorf("%w: no lanes", ErrParams)
	case len(p.Salt) < minSaltLen || len(p.Salt) > 64:
		return fmt.Errorf("%w: a salt of %d bytes", ErrParams, len(p.Salt))
	}
	return nil
}

// String encodes the parameters as "argon2id$t=3,m=65536,p=2$<salt>".
func (p Params) String() string {
	return fmt.Sprintf("argon2id$t=%d,m=%d,p=%d$%s", p.Time, p.MemoryKiB, p.Threads,
		base64.RawStdEncoding.EncodeToString(p.Salt))
}

// ParseParams reads what String wrote and checks the limits.
func ParseParams(s string) (Params, error) {
	parts := strings.Split(s, "$")
	if len(parts) != 3 || parts[0] != "argon2id" {
		return Params{}, fmt.Errorf("%w: unknown key derivation %q", ErrParams, s)
	}
	var p Params
	seen := map[string]bool{}
	for _, kv := range strings.Split(parts[1], ",") {
		k, v, _ := strings.Cut(kv, "=")
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil || seen[k] {
			return Params{}, fmt.Errorf("%w: bad parameter %q", ErrParams, kv)
		}
		seen[k] = true
		switch k {
		case "t":
			p.Time = uint32(n)
		case "m":
			p.MemoryKiB = uint32(n)
		case "p":
			if n > 255 {
				return Params{}, fmt.Errorf("%w: bad parameter %q", ErrParams, kv)
			}
			p.Threads = uint8(n)
		default:
			return Params{}, fmt.Errorf("%w: unknown parameter %q", ErrParams, kv)
		}
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[2])
	if err != nil {
		return Params{}, fmt.Errorf("%w: bad salt", ErrParams)
	}
	p.Salt = salt
	return p, p.check()
}

// DeriveKey derives a 32-byte key from secret (the PIN) with Argon2id.
func DeriveKey(secret []byte, p Params) ([]byte, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	return argon2.IDKey(secret, p.Salt, p.Time, p.MemoryKiB, p.Threads, KeySize), nil
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
