package base45

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// RFC 9285 sections 4.3 and 4.4 give these examples.
var rfcVectors = []struct{ raw, enc string }{
	{"AB", "BB8"},
	{"Hello!!", "%69 VD92EX0"},
	{"base-45", "UJCLQE7W581"},
	{"ietf!", "QED8WEX0"},
	{"", ""},
}

func TestRFC9285Vectors(t *testing.T) {
	for _, v := range rfcVectors {
		if got := Encode([]byte(v.raw)); got != v.enc {
			t.Errorf("Encode(%q) = %q, want %q", v.raw, got, v.enc)
		}
		got, err := Decode(v.enc)
		if err != nil || string(got) != v.raw {
			t.Errorf("Decode(%q) = %q, %v; want %q", v.enc, got, err, v.raw)
		}
	}
}

func TestEdgeValues(t *testing.T) {
	cases := []struct {
		raw []byte
		enc string
	}{
		{[]byte{0}, "00"},
		{[]byte{0xff}, "U5"},        // 255 = 30 + 5*45
		{[]byte{0, 0}, "000"},       // smallest group
		{[]byte{0xff, 0xff}, "FGW"}, // 65535 = 15 + 16*45 + 32*2025
		{[]byte{0xff, 0xff, 0xff}, "FGWU5"},
	}
	for _, c := range cases {
		if got := Encode(c.raw); got != c.enc {
			t.Errorf("Encode(%x) = %q, want %q", c.raw, got, c.enc)
		}
		if got, err := Decode(c.enc); err != nil || !bytes.Equal(got, c.raw) {
			t.Errorf("Decode(%q) = %x, %v", c.enc, got, err)
		}
	}
}

func TestDecodeRejects(t *testing.T) {
	cases := []struct {
		in     string
		want   error
		offset int
	}{
		{"GGW", ErrOverflow, 0},        // 65536
		{"ZZZ", ErrOverflow, 0},        // 91124
		{"BB8V5", ErrOverflow, 3},      // final pair 256
		{"::", ErrOverflow, 0},         // final pair 2024
		{"A", ErrLength, 0},            // 3k+1
		{"BB8A", ErrLength, 3},         // 3k+1
		{"bb8", ErrCharacter, 0},       // lower case is not in the alphabet
		{"BB#", ErrCharacter, 2},       // '#'
		{"BB\x00", ErrCharacter, 2},    // NUL
		{"B\xc3\xa9", ErrCharacter, 1}, // é in UTF-8
		{"QED8WE\n0", ErrCharacter, 6},
	}
	for _, c := range cases {
		_, err := Decode(c.in)
		var ce *CorruptInputError
		if !errors.Is(err, c.want) || !errors.As(err, &ce) || ce.Offset != c.offset {
			t.Errorf("Decode(%q) error = %v, want %v at offset %d", c.in, err, c.want, c.offset)
		}
	}
}

func TestLengths(t *testing.T) {
	for n := 0; n < 100; n++ {
		src := bytes.Repeat([]byte{0xa5}, n)
		enc := Encode(src)
		if len(enc) != EncodedLen(n) || DecodedLen(len(enc)) != n {
			t.Fatalf("n=%d: len %d, EncodedLen %d, DecodedLen %d", n, len(enc), EncodedLen(n), DecodedLen(len(enc)))
		}
		if strings.Trim(enc, Alphabet) != "" {
			t.Fatalf("n=%d: %q leaves the alphabet", n, enc)
		}
	}
}

// Every 2-byte value round-trips, and every 3-character group that decodes
// is the encoding of what it decodes to (one encoding per byte string).
func TestExhaustiveGroups(t *testing.T) {
	for n := 0; n <= 0xffff; n++ {
		src := []byte{byte(n >> 8), byte(n)}
		got, err := Decode(Encode(src))
		if err != nil || !bytes.Equal(got, src) {
			t.Fatalf("%04x: %x, %v", n, got, err)
		}
	}
	for c := 0; c < 45*45*45; c++ {
		s := string([]byte{Alphabet[c%45], Alphabet[c/45%45], Alphabet[c/2025]})
		got, err := Decode(s)
		if (err == nil) != (c <= 0xffff) {
			t.Fatalf("%q: err %v", s, err)
		}
		if err == nil && Encode(got) != s {
			t.Fatalf("%q decodes to %x which encodes to %q", s, got, Encode(got))
		}
	}
}

func FuzzDecode(f *testing.F) {
	for _, v := range rfcVectors {
		f.Add(v.enc)
	}
	f.Add("GGW")
	f.Add("A")
	f.Fuzz(func(t *testing.T, s string) {
		b, err := Decode(s)
		if err != nil {
			return
		}
		if Encode(b) != s {
			t.Fatalf("Decode(%q) = %x, which encodes to %q", s, b, Encode(b))
		}
	})
}

func FuzzEncode(f *testing.F) {
	f.Add([]byte("Hello!!"))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := Decode(Encode(b))
		if err != nil || !bytes.Equal(got, b) {
			t.Fatalf("round trip of %x: %x, %v", b, got, err)
		}
	})
}
