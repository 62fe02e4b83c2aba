package status

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"errors"
	"fmt"
	"io"

	"github.com/multiformats/go-multibase"
)

const (
	// MinLength is the minimum (and default) number of bits of a list:
	// 131,072 entries, 16 KiB uncompressed, the spec's herd-privacy minimum.
	MinLength = 131072
	// MaxDecodedBytes bounds the decompressed size Decode accepts (16 MiB,
	// 134,217,728 one-bit entries), so that a small zip bomb cannot exhaust
	// memory.
	MaxDecodedBytes = 16 << 20
	// MaxStatusSize is the largest statusSize (bits per status) supported.
	MaxStatusSize = 8
)

// maxEncodedLen bounds the encodedList string before decoding: generous room
// for GZIP's worst-case expansion of MaxDecodedBytes.
var maxEncodedLen = 1 + base64.RawURLEncoding.EncodedLen(MaxDecodedBytes+MaxDecodedBytes/64+1024)

// Failure reasons; errors from this package wrap exactly one of them.
var (
	// ErrMalformed is the spec's MALFORMED_VALUE_ERROR: a value that does
	// not have the required form (bad multibase, bad GZIP, a non-decimal
	// index, a missing field).
	ErrMalformed = errors.New("malformed status list value")
	// ErrRange is the spec's RANGE_ERROR: an index outside the list.
	ErrRange = errors.New("status list index out of range")
	// ErrListLength is the spec's STATUS_LIST_LENGTH_ERROR: a list shorter
	// than MinLength bits (or a length not a multiple of 8).
	ErrListLength = errors.New("status list length error")
	// ErrVerification is the spec's STATUS_VERIFICATION_ERROR: the entry's
	// statusPurpose is not a purpose of the list.
	ErrVerification = errors.New("status verification error")
	// ErrListTooLarge: the list decompresses to more than MaxDecodedBytes.
	ErrListTooLarge = errors.New("status list too large")
)

// List is a status bitstring. Its zero value is not usable; use New or
// NewWithLength. A List is not safe for concurrent mutation.
type List struct {
	bits []byte
}

// New returns an all-zero list of MinLength (131,072) bits.
func New() *List {
	return &List{bits: make([]byte, MinLength/8)}
}

// NewWithLength returns an all-zero list of length bits. length must be at
// least MinLength, a multiple of 8 (the encoded form holds whole bytes), and
// at most MaxDecodedBytes*8.
func NewWithLength(length int) (*List, error) {
	switch {
	case length < MinLength:
		return nil, fmt.Errorf("status: %w: length %d is below the minimum %d", ErrListLength, length, MinLength)
	case length%8 != 0:
		return nil, fmt.Errorf("status: %w: length %d is not a multiple of 8", ErrListLength, length)
	case length/8 > MaxDecodedBytes:
		return nil, fmt.Errorf("status: %w: length %d exceeds %d bits", ErrListTooLarge, length, MaxDecodedBytes*8)
	}
	return &List{bits: make([]byte, length/8)}, nil
}

// Len returns the number of bits in the list.
func (l *List) Len() int { return len(l.bits) * 8 }

// Get reports the bit at index i.
func (l *List) Get(i int) (bool, error) {
	if i < 0 || i >= l.Len() {
		return false, fmt.Errorf("status: %w: index %d, list has %d entries", ErrRange, i, l.Len())
	}
	return l.bits[i/8]&(0x80>>(i%8)) != 0, nil
}

// Set sets the bit at index i to v.
func (l *List) Set(i int, v bool) error {
	if i < 0 || i >= l.Len() {
		return fmt.Errorf("status: %w: index %d, list has %d entries", ErrRange, i, l.Len())
	}
	if v {
		l.bits[i/8] |= 0x80 >> (i % 8)
	} else {
		l.bits[i/8] &^= 0x80 >> (i % 8)
	}
	return nil
}

// Value returns the status of entry index when each status is size bits
// wide (statusSize): the bits index*size .. index*size+size-1, most
// significant first.
func (l *List) Value(index, size int) (uint64, error) {
	start, err := l.span(index, size)
	if err != nil {
		return 0, err
	}
	var v uint64
	for b := start; b < start+size; b++ {
		v = v<<1 | uint64(l.bits[b/8]>>(7-b%8)&1)
	}
	return v, nil
}

// SetValue sets the status of entry index, each status size bits wide, to
// v, which must fit in size bits.
func (l *List) SetValue(index, size int, v uint64) error {
	start, err := l.span(index, size)
	if err != nil {
		return err
	}
	if size < 64 && v>>size != 0 {
		return fmt.Errorf("status: %w: value %d does not fit in %d bits", ErrRange, v, size)
	}
	for b := start; b < start+size; b++ {
		bit := v >> (size - 1 - (b - start)) & 1
		if bit == 1 {
			l.bits[b/8] |= 0x80 >> (b % 8)
		} else {
			l.bits[b/8] &^= 0x80 >> (b % 8)
		}
	}
	return nil
}

// span returns the first bit of entry index of width size, checking bounds
// without overflow.
func (l *List) span(index, size int) (int, error) {
	if size < 1 || size > 64 {
		return 0, fmt.Errorf("status: %w: statusSize %d is not between 1 and 64", ErrMalformed, size)
	}
	if index < 0 || index >= l.Len()/size {
		return 0, fmt.Errorf("status: %w: index %d with statusSize %d, list has %d bits", ErrRange, index, size, l.Len())
	}
	return index * size, nil
}

// Encode returns the list as an encodedList value: the bitstring compressed
// with GZIP, then multibase base64url without padding ("u" prefix).
func (l *List) Encode() (string, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
	if err != nil {
		return "", fmt.Errorf("status: gzip: %w", err)
	}
	if _, err := zw.Write(l.bits); err != nil {
		return "", fmt.Errorf("status: gzip: %w", err)
	}
	if err := zw.Close(); err != nil {
		return "", fmt.Errorf("status: gzip: %w", err)
	}
	s, err := multibase.Encode(multibase.Base64url, buf.Bytes())
	if err != nil {
		return "", fmt.Errorf("status: multibase: %w", err)
	}
	return s, nil
}

// Decode parses an encodedList value. It accepts only multibase base64url
// without padding ("u" prefix, alphabet A-Z a-z 0-9 - _), a valid GZIP
// stream, and a decompressed bitstring of MinLength bits or more and at most
// MaxDecodedBytes bytes; it stops decompressing at that limit.
func Decode(encoded string) (*List, error) {
	if encoded == "" {
		return nil, fmt.Errorf("status: %w: encodedList is empty", ErrMalformed)
	}
	if len(encoded) > maxEncodedLen {
		return nil, fmt.Errorf("status: %w: encodedList is %d characters", ErrListTooLarge, len(encoded))
	}
	if encoded[0] != byte(multibase.Base64url) {
		return nil, fmt.Errorf("status: %w: encodedList must be multibase base64url (prefix %q), got prefix %q",
			ErrMalformed, rune(multibase.Base64url), encoded[:1])
	}
	body := encoded[1:]
	for i := 0; i < len(body); i++ {
		c := body[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return nil, fmt.Errorf("status: %w: encodedList has character %q at offset %d, not base64url without padding",
				ErrMalformed, c, i+1)
		}
	}
	compressed, err := base64.RawURLEncoding.Strict().DecodeString(body)
	if err != nil {
		return nil, fmt.Errorf("status: %w: encodedList is not base64url: %v", ErrMalformed, err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(compressed))
	if err != nil {
		return nil, fmt.Errorf("status: %w: encodedList is not GZIP: %v", ErrMalformed, err)
	}
	bits, err := io.ReadAll(io.LimitReader(zr, MaxDecodedBytes+1))
	if err != nil {
		return nil, fmt.Errorf("status: %w: encodedList GZIP stream: %v", ErrMalformed, err)
	}
	if len(bits) > MaxDecodedBytes {
		return nil, fmt.Errorf("status: %w: encodedList decompresses to more than %d bytes", ErrListTooLarge, MaxDecodedBytes)
	}
	if len(bits)*8 < MinLength {
		return nil, fmt.Errorf("status: %w: decoded list has %d bits, the minimum is %d", ErrListLength, len(bits)*8, MinLength)
	}
	return &List{bits: bits}, nil
}
