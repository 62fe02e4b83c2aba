package compact

import (
	"bytes"
	"compress/zlib"
	"errors"
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/fxamacker/cbor/v2"

	"github.com/cityid/cityid/credential/compact/base45"
)

// Prefix starts every text of this format version: "CID" for cityid, the
// version, and a colon. The rest of the text is Base45.
const Prefix = "CID1:"

// Limits on what the decoder accepts, checked before the work they bound.
const (
	// MaxTextSize is the longest text accepted, in characters: a wallet's
	// stored credential is well under 2 KiB, a QR code holds at most 4,296
	// alphanumeric characters.
	MaxTextSize = 8 << 10
	// MaxDataSize bounds the decoded (and inflated) binary data: a zip bomb
	// is cut off here.
	MaxDataSize = 8 << 10
	// MaxClaims bounds the claims of one credential.
	MaxClaims = 24
)

var (
	encMode cbor.EncMode
	decMode cbor.DecMode
)

func init() {
	var err error
	// RFC 8949 section 4.2.1 core deterministic encoding: shortest integer
	// and length forms, definite lengths, map keys in bytewise order.
	if encMode, err = cbor.CoreDetEncOptions().EncMode(); err != nil {
		panic(err)
	}
	decMode, err = cbor.DecOptions{
		DupMapKey:        cbor.DupMapKeyEnforcedAPF,
		IndefLength:      cbor.IndefLengthForbidden,
		TagsMd:           cbor.TagsForbidden,
		MaxNestedLevels:  5,
		MaxArrayElements: 64,
		MaxMapPairs:      32,
		UTF8:             cbor.UTF8RejectInvalid,
	}.DecMode()
	if err != nil {
		panic(err)
	}
}

// encode is the deterministic CBOR encoding of v.
func encode(v any) []byte {
	b, err := encMode.Marshal(v)
	if err != nil {
		panic("compact: encoding a value built by this package: " + err.Error())
	}
	return b
}

// Detect reports whether text looks like a compact credential of any
// version ("CID", digits, ":"), so a caller can route it here; Verify then
// says whether this version is supported.
func Detect(text string) bool {
	rest, ok := strings.CutPrefix(text, "CID")
	if !ok {
		return false
	}
	i := 0
	for i < len(rest) && i < 4 && rest[i] >= '0' && rest[i] <= '9' {
		i++
	}
	return i > 0 && i < len(rest) && rest[i] == ':'
}

// zlibWriters recycles compressors, which take about a megabyte each.
var zlibWriters = sync.Pool{New: func() any {
	w, _ := zlib.NewWriterLevel(nil, zlib.BestCompression)
	return w
}}

// encodeText wraps CBOR data in the text form: the prefix and the Base45 of
// the data, zlib-compressed only when that makes it shorter.
func encodeText(data []byte) string {
	var z bytes.Buffer
	w := zlibWriters.Get().(*zlib.Writer)
	w.Reset(&z)
	w.Write(data)
	w.Close()
	zlibWriters.Put(w)
	if z.Len() < len(data) {
		data = z.Bytes()
	}
	return Prefix + base45.Encode(data)
}

// decodeText reverses encodeText, with the size limits. It returns the CBOR
// data.
func decodeText(text string) ([]byte, error) {
	if len(text) > MaxTextSize {
		return nil, errorf(ErrTooLarge, "the text has %d characters, more than %d", len(text), MaxTextSize)
	}
	rest, ok := strings.CutPrefix(text, Prefix)
	if !ok {
		if Detect(text) {
			v, _, _ := strings.Cut(strings.TrimPrefix(text, "CID"), ":")
			return nil, errorf(ErrVersion, "version %s (this verifier reads version 1)", strconv.Quote(v))
		}
		return nil, ErrPrefix
	}
	data, err := base45.Decode(rest)
	if err != nil {
		return nil, errorf(ErrBase45, "%v", err)
	}
	if len(data) == 0 {
		return nil, errorf(ErrCBOR, "no data after the prefix")
	}
	// A CBOR item of this format is an array (major type 4, 0x80-0x9f); a
	// zlib stream starts with a CMF byte whose low nibble is 8 (deflate).
	if data[0]&0xe0 == 0x80 {
		return data, nil
	}
	if data[0]&0x0f != 8 {
		return nil, errorf(ErrCBOR, "the data is neither a CBOR array nor zlib-compressed")
	}
	r, err := zlib.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, errorf(ErrInflate, "%v", err)
	}
	out, err := io.ReadAll(io.LimitReader(r, MaxDataSize+1))
	if err != nil {
		return nil, errorf(ErrInflate, "%v", err)
	}
	if len(out) > MaxDataSize {
		return nil, errorf(ErrTooLarge, "the data inflates to more than %d bytes", MaxDataSize)
	}
	if err := r.Close(); err != nil {
		return nil, errorf(ErrInflate, "%v", err)
	}
	if len(out) == 0 || out[0]&0xe0 != 0x80 {
		return nil, errorf(ErrCBOR, "the inflated data is not a CBOR array")
	}
	return out, nil
}

// decodeCBOR decodes data into generic values (uint64, int64, string,
// []byte, bool, nil, []any, map[any]any) and checks that data is exactly the
// deterministic encoding of what it decodes to: a second encoding of the same
// values (longer integers, unsorted maps) is refused, so one presentation has
// one byte string and one Digest.
func decodeCBOR(data []byte) ([]any, error) {
	var v any
	if err := decMode.Unmarshal(data, &v); err != nil {
		var me *cbor.MaxNestedLevelError
		var ae *cbor.MaxArrayElementsError
		var mp *cbor.MaxMapPairsError
		if errors.As(err, &me) || errors.As(err, &ae) || errors.As(err, &mp) {
			return nil, errorf(ErrTooLarge, "%v", err)
		}
		return nil, errorf(ErrCBOR, "%v", err)
	}
	again, err := encMode.Marshal(v)
	if err != nil || !bytes.Equal(again, data) {
		return nil, errorf(ErrCBOR, "not in deterministic CBOR encoding")
	}
	arr, ok := v.([]any)
	if !ok {
		return nil, errorf(ErrCBOR, "the data is not a CBOR array")
	}
	return arr, nil
}
