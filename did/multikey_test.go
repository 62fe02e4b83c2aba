package did

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"strings"
	"testing"

	"github.com/multiformats/go-multibase"
	"github.com/multiformats/go-varint"
)

func mb(t testing.TB, enc multibase.Encoding, b []byte) string {
	t.Helper()
	s, err := multibase.Encode(enc, b)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestMultikeyRoundTrip(t *testing.T) {
	edPub, _, _ := ed25519.GenerateKey(rand.Reader)
	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	for _, tc := range []struct {
		pub    crypto.PublicKey
		prefix string
	}{
		{edPub, "z6Mk"},
		{&ecKey.PublicKey, "zDn"},
	} {
		s, err := EncodeMultikey(tc.pub)
		if err != nil || !strings.HasPrefix(s, tc.prefix) {
			t.Fatalf("EncodeMultikey = %q, %v; want prefix %s", s, err, tc.prefix)
		}
		got, err := DecodeMultikey(s)
		if err != nil || !got.(interface{ Equal(crypto.PublicKey) bool }).Equal(tc.pub) {
			t.Fatalf("DecodeMultikey(%q) = %v, %v", s, got, err)
		}
		d, err := KeyDID(tc.pub)
		if err != nil || d != "did:key:"+s {
			t.Fatalf("KeyDID = %q, %v", d, err)
		}
		vm, err := KeyVerificationMethod(tc.pub)
		if err != nil || vm != d+"#"+s {
			t.Fatalf("KeyVerificationMethod = %q, %v", vm, err)
		}
	}
}

func TestMultikeyRejects(t *testing.T) {
	edPub := make([]byte, 32)
	edPub[0] = 1
	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	uncompressed, _ := ecKey.PublicKey.Bytes()
	compressed := compress(uncompressed)
	offCurve := bytes.Clone(compressed)
	offCurve[0] = 0x02
	copy(offCurve[1:], bytes.Repeat([]byte{0xff}, 32)) // x >= p: not a field element
	prefixed := func(code uint64, raw []byte) []byte { return append(varint.ToUvarint(code), raw...) }
	good := mb(t, multibase.Base58BTC, prefixed(0xed, edPub))
	for _, tc := range []struct {
		name string
		in   string
		want error
	}{
		{"empty", "", ErrInvalidKey},
		{"base64url multibase", mb(t, multibase.Base64url, prefixed(0xed, edPub)), ErrInvalidKey},
		{"base58 without multibase prefix", good[1:], ErrInvalidKey},
		{"bad base58 character", "z0OIl", ErrInvalidKey},
		{"no varint", "z", ErrInvalidKey},
		{"non-minimal varint", mb(t, multibase.Base58BTC, append([]byte{0xed, 0x81, 0x00}, edPub...)), ErrInvalidKey},
		{"short Ed25519", mb(t, multibase.Base58BTC, prefixed(0xed, edPub[:31])), ErrInvalidKey},
		{"long Ed25519", mb(t, multibase.Base58BTC, prefixed(0xed, append(edPub, 0))), ErrInvalidKey},
		{"uncompressed P-256", mb(t, multibase.Base58BTC, prefixed(0x1200, uncompressed)), ErrInvalidKey},
		{"P-256 bad prefix byte", mb(t, multibase.Base58BTC, prefixed(0x1200, append([]byte{0x04}, compressed[1:]...))), ErrInvalidKey},
		{"P-256 off curve", mb(t, multibase.Base58BTC, prefixed(0x1200, offCurve)), ErrInvalidKey},
		{"X25519", mb(t, multibase.Base58BTC, prefixed(0xec, edPub)), ErrUnsupportedKeyType},
		{"secp256k1", mb(t, multibase.Base58BTC, prefixed(0xe7, compressed)), ErrUnsupportedKeyType},
		{"unknown codec", mb(t, multibase.Base58BTC, prefixed(0x7777, edPub)), ErrUnsupportedKeyType},
		{"over-long input", "z" + strings.Repeat("2", 300), ErrInvalidKey},
	} {
		_, err := DecodeMultikey(tc.in)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: DecodeMultikey error = %v, want %v", tc.name, err, tc.want)
		}
	}
	if _, err := DecodeMultikey(good); err != nil {
		t.Errorf("control: %v", err)
	}
}

func TestEncodeMultikeyRejects(t *testing.T) {
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	for _, pub := range []crypto.PublicKey{
		nil, ed25519.PublicKey(make([]byte, 31)), &p384.PublicKey, (*ecdsa.PublicKey)(nil), "key",
	} {
		if s, err := EncodeMultikey(pub); err == nil {
			t.Errorf("EncodeMultikey(%T) = %q, want error", pub, s)
		}
		if s, err := KeyDID(pub); err == nil {
			t.Errorf("KeyDID(%T) = %q, want error", pub, s)
		}
	}
	if _, err := EncodeMultikey(&p384.PublicKey); !errors.Is(err, ErrUnsupportedKeyType) {
		t.Errorf("P-384: %v, want ErrUnsupportedKeyType", err)
	}
}

func TestParseKeyDIDRejects(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want error
	}{
		{"did:web:city.example", ErrUnsupportedMethod},
		{"did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp#z6Mk", ErrInvalidDID},
		{"did:key:1.0:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp", ErrInvalidKey},
		{"did:key:m7QAB", ErrInvalidKey},
		{"did:key:", ErrInvalidDID},
	} {
		if _, err := ParseKeyDID(tc.in); !errors.Is(err, tc.want) {
			t.Errorf("ParseKeyDID(%q) error = %v, want %v", tc.in, err, tc.want)
		}
	}
}

// FuzzDecodeMultikey checks that DecodeMultikey never panics, that what it
// accepts is a supported key that encodes back to the same string, and that
// every failure names a reason.
func FuzzDecodeMultikey(f *testing.F) {
	for _, s := range []string{
		"z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp",
		"zDnaerx9CtbPJ1q36T5Ln5wYt3MQYeGRG5ehnPAmxcf5mDZpv",
		"z6LShs9GGnqk85isEBzzshkuVWrVKsRp24GnDuHk8QWkARMW",
		"z82Lm1MpAkeJcix9K8TMiLd5NMAhnwkjjCBeWHXyu3U4oT2MVJJKXkcVBgjGhnLBn2Kaau9",
		"z", "z1", "m7QA", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		pub, err := DecodeMultikey(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidKey) && !errors.Is(err, ErrUnsupportedKeyType) {
				t.Fatalf("DecodeMultikey(%q) error %v wraps no sentinel", s, err)
			}
			return
		}
		switch k := pub.(type) {
		case ed25519.PublicKey:
			if len(k) != ed25519.PublicKeySize {
				t.Fatalf("Ed25519 key of %d bytes", len(k))
			}
		case *ecdsa.PublicKey:
			if k.Curve != elliptic.P256() {
				t.Fatalf("ECDSA key on %s", k.Curve.Params().Name)
			}
		default:
			t.Fatalf("decoded %T", pub)
		}
		again, err := EncodeMultikey(pub)
		if err != nil || again != s {
			t.Fatalf("EncodeMultikey(DecodeMultikey(%q)) = %q, %v", s, again, err)
		}
		d, err := KeyDID(pub)
		if err != nil {
			t.Fatal(err)
		}
		if back, err := ParseKeyDID(d); err != nil || !back.(interface{ Equal(crypto.PublicKey) bool }).Equal(pub) {
			t.Fatalf("ParseKeyDID(%q) = %v, %v", d, back, err)
		}
	})
}
