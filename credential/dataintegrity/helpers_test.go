package dataintegrity

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"fmt"
	"strings"
	"testing"

	"github.com/multiformats/go-multibase"
)

// ed25519PubPrefix is the multicodec ed25519-pub code 0xed as a varint.
var ed25519PubPrefix = []byte{0xed, 0x01}

// didKey returns the did:key DID and verification method of pub.
func didKey(t testing.TB, pub ed25519.PublicKey) (did, vm string) {
	t.Helper()
	mb, err := multibase.Encode(multibase.Base58BTC, append(append([]byte{}, ed25519PubPrefix...), pub...))
	if err != nil {
		t.Fatal(err)
	}
	return "did:key:" + mb, "did:key:" + mb + "#" + mb
}

// resolveDIDKey is a KeyFunc for Ed25519 did:key verification methods whose
// fragment repeats the key, as did:key documents have them.
func resolveDIDKey(vm string) (crypto.PublicKey, error) {
	rest, ok := strings.CutPrefix(vm, "did:key:")
	if !ok {
		return nil, fmt.Errorf("%q is not a did:key", vm)
	}
	id, frag, ok := strings.Cut(rest, "#")
	if !ok || id != frag {
		return nil, fmt.Errorf("%q is not a did:key key reference", vm)
	}
	enc, b, err := multibase.Decode(id)
	if err != nil || enc != multibase.Base58BTC || !bytes.HasPrefix(b, ed25519PubPrefix) || len(b) != 34 {
		return nil, fmt.Errorf("%q is not an Ed25519 did:key", vm)
	}
	return ed25519.PublicKey(b[2:]), nil
}

// testKey derives a deterministic key from a one-byte seed pattern.
func testKey(fill byte) ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{fill}, ed25519.SeedSize))
}

// cloneJSON deep-copies a JSON value made of maps, slices and scalars.
func cloneJSON(v any) any {
	switch t := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, x := range t {
			m[k] = cloneJSON(x)
		}
		return m
	case []any:
		s := make([]any, len(t))
		for i, x := range t {
			s[i] = cloneJSON(x)
		}
		return s
	}
	return v
}

func cloneDoc(m map[string]any) map[string]any { return cloneJSON(m).(map[string]any) }
