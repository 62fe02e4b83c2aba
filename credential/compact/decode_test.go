package compact

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/cityid/cityid/schemas"
)

// Bad input of every kind gets a named error, never a panic.
func TestDecodeErrors(t *testing.T) {
	in := issueAll(t, schemas.CityIDCredential, cityID)
	good := present(t, in.stored, claimNames(cityID), "")
	data, _ := decodeText(good)
	body := good[len(Prefix):]
	nested := bytes.Repeat([]byte{0x81}, 10) // [[[[[[[[[[0]]]]]]]]]]
	nested = append(nested, 0)
	big := []byte{0x98, 100} // an array of 100 members
	for i := 0; i < 100; i++ {
		big = append(big, 0)
	}
	bomb := zlibForTest(t, append([]byte{0x82}, make([]byte, 1<<20)...))
	cases := []struct {
		name string
		text string
		want error
	}{
		{"empty", "", ErrPrefix},
		{"another QR format", "HC1:" + body, ErrPrefix},
		{"lower-case prefix", "cid1:" + body, ErrPrefix},
		{"URL", "https://cityid.dev/?q=" + body, ErrPrefix},
		{"JSON credential", `{"@context":["https://www.w3.org/ns/credentials/v2"]}`, ErrPrefix},
		{"version 2", "CID2:" + body, ErrVersion},
		{"version 10", "CID10:" + body, ErrVersion},
		{"prefix only", Prefix, ErrCBOR},
		{"truncated by one character", good[:len(good)-1], ErrBase45},
		{"last two bytes cut", Prefix + base45Encode(data[:len(data)-2]), ErrCBOR},
		{"first half only", Prefix + base45Encode(data[:len(data)/2]), ErrCBOR},
		{"trailing newline from a scanner", good + "\n", ErrBase45},
		{"lower case", Prefix + strings.ToLower(body), ErrBase45},
		{"group over 65535", Prefix + "GGW", ErrBase45},
		{"oversize", Prefix + strings.Repeat("0", MaxTextSize), ErrTooLarge},
		{"garbage base45", Prefix + "QED8WEX0", ErrCBOR},
		{"two items", Prefix + base45Encode(append(append([]byte{}, data...), 0)), ErrCBOR},
		{"not an array", Prefix + base45Encode([]byte{0xa0}), ErrCBOR},
		{"empty array", Prefix + base45Encode([]byte{0x80}), ErrCBOR},
		{"unknown kind", Prefix + base45Encode([]byte{0x81, 0x07}), ErrCBOR},
		{"too deep", Prefix + base45Encode(nested), ErrTooLarge},
		{"too many members", Prefix + base45Encode(big), ErrTooLarge},
		{"indefinite length", Prefix + base45Encode([]byte{0x9f, 0x02, 0xff}), ErrCBOR},
		{"tag", Prefix + base45Encode([]byte{0xd2, 0x84, 0x40, 0xa0, 0xf6, 0x40}), ErrCBOR},
		{"integer not in shortest form", Prefix + base45Encode(append([]byte{data[0], 0x18, 0x02}, data[2:]...)), ErrCBOR},
		{"zip bomb", Prefix + base45Encode(bomb), ErrTooLarge},
		{"corrupt zlib", Prefix + base45Encode(append(zlibForTest(t, data)[:20], 1, 2, 3)), ErrInflate},
		{"zlib of something else", Prefix + base45Encode(zlibForTest(t, []byte("hello"))), ErrCBOR},
	}
	keys := testKeys(t, issuerPriv)
	for _, c := range cases {
		if _, err := Verify(c.text, keys, verifyOpts(t)); !errors.Is(err, c.want) {
			t.Errorf("%s: Verify error %v, want %v", c.name, err, c.want)
		}
		if _, err := ParseUnsafe(c.text); !errors.Is(err, c.want) {
			t.Errorf("%s: ParseUnsafe error %v, want %v", c.name, err, c.want)
		}
	}
}

func TestDetect(t *testing.T) {
	for s, want := range map[string]bool{
		"CID1:ABC": true, "CID2:ABC": true, "CID12:": true, "CID1": false, "CID:": false,
		"CIDX:": false, "HC1:ABC": false, "": false, "CID123456:": false,
	} {
		if Detect(s) != want {
			t.Errorf("Detect(%q) = %v", s, !want)
		}
	}
}
