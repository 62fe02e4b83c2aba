// Package base45 implements the Base45 data encoding of RFC 9285
// (https://www.rfc-editor.org/rfc/rfc9285), which maps bytes onto the 45
// characters of the QR code alphanumeric mode: a QR code stores 3 such
// characters in 16.5 bits, so Base45 text carries 2 bytes in 3 characters
// with about 3 % less space than the bytes themselves in binary mode, and far
// less than base64 in binary mode.
//
// Every 2 bytes [a, b] become n = a*256 + b, written as 3 characters c, d, e
// with n = c + d*45 + e*45*45 (least significant first); a final single byte
// becomes 2 characters. Decode is strict: it refuses characters outside the
// alphabet (lower case too), a length of 3k+1, and groups whose value does not
// fit 16 bits (or 8 bits for a final pair), so every byte string has exactly
// one encoding.
package base45

import (
	"errors"
	"fmt"
	"strings"
)

// Alphabet is the Base45 alphabet: value i is Alphabet[i].
const Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"

// Errors Decode wraps (in a *CorruptInputError) to name the reason.
var (
	// ErrCharacter: a character outside Alphabet.
	ErrCharacter = errors.New("base45: character outside the alphabet")
	// ErrLength: the length is 3k+1, which no byte string encodes to.
	ErrLength = errors.New("base45: invalid length")
	// ErrOverflow: a group's value exceeds 65535 (or 255 for a final pair
	// of characters).
	ErrOverflow = errors.New("base45: group value out of range")
)

// CorruptInputError reports where and why Base45 input is invalid. It wraps
// ErrCharacter, ErrLength or ErrOverflow.
type CorruptInputError struct {
	Offset int // index of the first character of the offending group (or the character)
	Err    error
}

func (e *CorruptInputError) Error() string {
	return fmt.Sprintf("%v at offset %d", e.Err, e.Offset)
}

func (e *CorruptInputError) Unwrap() error { return e.Err }

// decodeMap maps a character to its value + 1 (0 means invalid).
var decodeMap = func() (m [256]byte) {
	for i := 0; i < len(Alphabet); i++ {
		m[Alphabet[i]] = byte(i + 1)
	}
	return m
}()

// EncodedLen returns the length of the Base45 encoding of n bytes.
func EncodedLen(n int) int { return n/2*3 + n%2*2 }

// DecodedLen returns the number of bytes an encoding of n characters decodes
// to; n must be a valid length (not 3k+1).
func DecodedLen(n int) int { return n/3*2 + n%3/2 }

// Encode returns the Base45 encoding of src.
func Encode(src []byte) string {
	var b strings.Builder
	b.Grow(EncodedLen(len(src)))
	for i := 0; i+1 < len(src); i += 2 {
		n := int(src[i])<<8 | int(src[i+1])
		b.WriteByte(Alphabet[n%45])
		b.WriteByte(Alphabet[n/45%45])
		b.WriteByte(Alphabet[n/(45*45)])
	}
	if len(src)%2 == 1 {
		n := int(src[len(src)-1])
		b.WriteByte(Alphabet[n%45])
		b.WriteByte(Alphabet[n/45])
	}
	return b.String()
}

// Decode returns the bytes that s encodes. Errors are *CorruptInputError.
func Decode(s string) ([]byte, error) {
	if len(s)%3 == 1 {
		return nil, &CorruptInputError{Offset: len(s) - 1, Err: ErrLength}
	}
	out := make([]byte, 0, DecodedLen(len(s)))
	for i := 0; i < len(s); i += 3 {
		end := min(i+3, len(s))
		n, mul := 0, 1
		for j := i; j < end; j++ {
			v := decodeMap[s[j]]
			if v == 0 {
				return nil, &CorruptInputError{Offset: j, Err: ErrCharacter}
			}
			n += int(v-1) * mul
			mul *= 45
		}
		if end-i == 3 {
			if n > 0xffff {
				return nil, &CorruptInputError{Offset: i, Err: ErrOverflow}
			}
			out = append(out, byte(n>>8), byte(n))
		} else {
			if n > 0xff {
				return nil, &CorruptInputError{Offset: i, Err: ErrOverflow}
			}
			out = append(out, byte(n))
		}
	}
	return out, nil
}
