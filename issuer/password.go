package issuer

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// MinPasswordLength is the shortest staff password accepted, in characters.
const MinPasswordLength = 10

// maxPasswordLength bounds the work one login attempt can cause.
const maxPasswordLength = 1024

// Password hashing parameters for new hashes (OWASP's Argon2id baseline:
// 19 MiB, 2 passes, 1 lane). Stored with each hash, so they can change.
const (
	pwTime    = 2
	pwMemory  = 19 * 1024
	pwThreads = 1
	pwKeyLen  = 32
)

// hashPassword returns a PHC-style Argon2id hash:
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash> (unpadded standard base64).
func hashPassword(password string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, pwTime, pwMemory, pwThreads, pwKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, pwMemory, pwTime, pwThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

type passwordHash struct {
	memory, time uint32
	threads      uint8
	salt, key    []byte
}

var errBadHash = errors.New("malformed password hash")

// parsePasswordHash reads a hash written by hashPassword.
func parsePasswordHash(s string) (passwordHash, error) {
	var h passwordHash
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != "v=19" {
		return h, errBadHash
	}
	for _, kv := range strings.Split(parts[3], ",") {
		k, v, _ := strings.Cut(kv, "=")
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return h, errBadHash
		}
		switch k {
		case "m":
			h.memory = uint32(n)
		case "t":
			h.time = uint32(n)
		case "p":
			if n > 255 {
				return h, errBadHash
			}
			h.threads = uint8(n)
		default:
			return h, errBadHash
		}
	}
	var err error
	if h.salt, err = base64.RawStdEncoding.DecodeString(parts[4]); err != nil || len(h.salt) < 8 {
		return h, errBadHash
	}
	if h.key, err = base64.RawStdEncoding.DecodeString(parts[5]); err != nil || len(h.key) < 16 || len(h.key) > 64 {
		return h, errBadHash
	}
	if h.time < 1 || h.time > 20 || h.threads < 1 || h.memory < 8*uint32(h.threads) || h.memory > 1<<20 {
		return h, errBadHash
	}
	return h, nil
}

// checkPassword reports whether password matches the stored hash, comparing
// in constant time.
func checkPassword(stored, password string) bool {
	h, err := parsePasswordHash(stored)
	if err != nil {
		return false
	}
	key := argon2.IDKey([]byte(password), h.salt, h.time, h.memory, h.threads, uint32(len(h.key)))
	return subtle.ConstantTimeCompare(key, h.key) == 1
}

// dummyHash is checked against when the user does not exist, so that an
// unknown username costs as much time as a wrong password.
var dummyHash = sync.OnceValue(func() string {
	h, err := hashPassword("not a real password, only for timing")
	if err != nil {
		panic(err)
	}
	return h
})

// checkNewPassword enforces the password rules.
func checkNewPassword(password string) error {
	n := utf8.RuneCountInString(password)
	switch {
	case !utf8.ValidString(password):
		return errorf(CodeInvalidRequest, "the password is not valid text")
	case n < MinPasswordLength:
		return errorf(CodeInvalidRequest, "the password must be at least %d characters long", MinPasswordLength)
	case len(password) > maxPasswordLength:
		return errorf(CodeInvalidRequest, "the password must be at most %d bytes long", maxPasswordLength)
	}
	return nil
}

// hashSecret hashes a high-entropy secret (token, code) for storage.
func hashSecret(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}
