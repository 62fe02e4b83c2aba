package did

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"testing"
)

func TestPublicKeyFromJWK(t *testing.T) {
	b64 := base64.RawURLEncoding.EncodeToString
	edPub, _, _ := ed25519.GenerateKey(rand.Reader)
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	raw, _ := ec.PublicKey.Bytes() // 0x04 || X || Y
	x, y := raw[1:33], raw[33:]

	got, err := PublicKeyFromJWK(map[string]any{"kty": "OKP", "crv": "Ed25519", "x": b64(edPub)})
	if err != nil || !edPub.Equal(got) {
		t.Fatalf("Ed25519: %v", err)
	}
	got, err = PublicKeyFromJWK(map[string]any{"kty": "EC", "crv": "P-256", "x": b64(x), "y": b64(y)})
	if err != nil || !ec.PublicKey.Equal(got) {
		t.Fatalf("P-256: %v", err)
	}
	offCurve := append([]byte(nil), y...)
	offCurve[31] ^= 1
	bad := map[string]struct {
		jwk  map[string]any
		want error
	}{
		"private member":    {map[string]any{"kty": "OKP", "crv": "Ed25519", "x": b64(edPub), "d": "AAAA"}, ErrInvalidKey},
		"symmetric key":     {map[string]any{"kty": "oct", "k": "AAAA"}, ErrInvalidKey},
		"short x":           {map[string]any{"kty": "OKP", "crv": "Ed25519", "x": b64(edPub[:31])}, ErrInvalidKey},
		"not base64url":     {map[string]any{"kty": "OKP", "crv": "Ed25519", "x": "!!"}, ErrInvalidKey},
		"point off curve":   {map[string]any{"kty": "EC", "crv": "P-256", "x": b64(x), "y": b64(offCurve)}, ErrInvalidKey},
		"unsupported curve": {map[string]any{"kty": "EC", "crv": "P-384", "x": b64(x), "y": b64(y)}, ErrUnsupportedKeyType},
		"RSA":               {map[string]any{"kty": "RSA", "n": "AQAB", "e": "AQAB"}, ErrUnsupportedKeyType},
		"nil":               {nil, ErrInvalidKey},
	}
	for name, c := range bad {
		if _, err := PublicKeyFromJWK(c.jwk); !errors.Is(err, c.want) {
			t.Errorf("%s: got %v, want %v", name, err, c.want)
		}
	}
}

// FuzzParseJWK: arbitrary bytes never panic, and any key read re-encodes to
// a JWK that reads back to the same key.
func FuzzParseJWK(f *testing.F) {
	f.Add([]byte(`{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}`))
	f.Add([]byte(`{"kty":"EC","crv":"P-256","x":"igrFmi0whuihKnj9R3Om1SoMph72wUGeFaBbzG2vzns","y":"efsX5b10x8yjyrj4ny3pGfLcY7Xby1KzgqOdqnsrJIM"}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		pub, err := ParseJWK(data)
		if err != nil {
			if !errors.Is(err, ErrInvalidKey) && !errors.Is(err, ErrUnsupportedKeyType) {
				t.Fatalf("unnamed error %v", err)
			}
			return
		}
		mk, err := EncodeMultikey(pub)
		if err != nil {
			t.Fatalf("read a key that cannot be encoded: %v", err)
		}
		back, err := DecodeMultikey(mk)
		if err != nil || !equalKeys(pub, back) {
			t.Fatalf("round trip changed the key: %v", err)
		}
	})
}

func equalKeys(a, b any) bool {
	switch k := a.(type) {
	case ed25519.PublicKey:
		return k.Equal(b)
	case *ecdsa.PublicKey:
		return k.Equal(b)
	}
	return false
}
