// Package kdf holds the Argon2id (RFC 9106) parameters that cityid stores
// beside what they protect — the issuer's sealed keys, the wallet's PIN-derived
// key — in one text form, "argon2id$t=3,m=65536,p=2$<salt>",
// read back with limits so that a damaged or hostile file cannot make a
// reader allocate gigabytes or spin for minutes.
package kdf

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// ErrParams reports unreadable or unacceptable parameters.
var ErrParams = errors.New("bad key derivation parameters")

// SaltSize is the size of the salts New makes.
const SaltSize = 16

// Params are the Argon2id parameters and salt of a derived key.
type Params struct {
	Time      uint32
	MemoryKiB uint32
	Threads   uint8
	Salt      []byte
}

// Limits bound the parameters a reader accepts.
type Limits struct {
	MaxTime      uint32
	MaxMemoryKiB uint32
	MinSalt      int
	MaxSalt      int
}

// New returns parameters with a fresh random salt of SaltSize bytes.
func New(time, memoryKiB uint32, threads uint8) (Params, error) {
	salt := make([]byte, SaltSize)
	if _, err := rand.Read(salt); err != nil {
		return Params{}, err
	}
	return Params{Time: time, MemoryKiB: memoryKiB, Threads: threads, Salt: salt}, nil
}

// Check reports parameters outside l, or that Argon2id cannot use.
func (p Params) Check(l Limits) error {
	switch {
	case p.Time < 1 || p.Time > l.MaxTime:
		return fmt.Errorf("%w: %d passes (1 to %d)", ErrParams, p.Time, l.MaxTime)
	case p.Threads < 1:
		return fmt.Errorf("%w: no lanes", ErrParams)
	case p.MemoryKiB < 8*uint32(p.Threads) || p.MemoryKiB > l.MaxMemoryKiB:
		return fmt.Errorf("%w: %d KiB of memory", ErrParams, p.MemoryKiB)
	case len(p.Salt) < l.MinSalt || (l.MaxSalt > 0 && len(p.Salt) > l.MaxSalt):
		return fmt.Errorf("%w: a salt of %d bytes", ErrParams, len(p.Salt))
	}
	return nil
}

// String encodes the parameters as "argon2id$t=3,m=65536,p=2$<salt>".
func (p Params) String() string {
	return fmt.Sprintf("argon2id$t=%d,m=%d,p=%d$%s", p.Time, p.MemoryKiB, p.Threads,
		base64.RawStdEncoding.EncodeToString(p.Salt))
}

// Parse reads what String wrote and checks it against l.
func Parse(s string, l Limits) (Params, error) {
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
	return p, p.Check(l)
}

// Key derives a key of size bytes from secret under p.
func (p Params) Key(secret []byte, size uint32) []byte {
	return argon2.IDKey(secret, p.Salt, p.Time, p.MemoryKiB, p.Threads, size)
}
