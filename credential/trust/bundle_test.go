package trust_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cityid/cityid/credential/trust"
	"github.com/cityid/cityid/did"
)

var update = flag.Bool("update", false, "rewrite the golden vector files")

// seedKey makes a deterministic root key from a one-byte seed.
func seedKey(b byte) ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{b}, ed25519.SeedSize))
}

func rootVM(t testing.TB, k ed25519.PrivateKey) string {
	t.Helper()
	vm, err := did.KeyVerificationMethod(k.Public())
	if err != nil {
		t.Fatal(err)
	}
	return vm
}

func sampleBundle(t testing.TB, root ed25519.PrivateKey, version uint64) *trust.Bundle {
	t.Helper()
	issuerKey := seedKey(0x42)
	issuerDID, _ := did.KeyDID(issuerKey.Public())
	issuerVM := rootVM(t, issuerKey)
	mk, _ := did.EncodeMultikey(issuerKey.Public())
	return &trust.Bundle{
		Type:      trust.BundleType,
		Version:   version,
		Name:      "City of Springfield",
		Root:      rootVM(t, root),
		IssuedAt:  time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC),
		ExpiresAt: time.Date(2027, 2, 1, 9, 0, 0, 0, time.UTC),
		Issuers: []trust.Issuer{{
			ID:    issuerDID,
			Name:  "Springfield Residents Office",
			Keys:  []trust.Key{{ID: issuerVM, PublicKeyMultibase: mk}},
			Types: []string{"ResidencyCredential", "AgeOverCredential"},
		}},
	}
}

var now = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

// TestVector regenerates the golden signed bundle byte for byte: the format
// described in docs/trust-bundle.md is fixed by this file.
func TestVector(t *testing.T) {
	root := seedKey(0x01)
	signed, err := trust.Sign(sampleBundle(t, root, 1), root)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "vector-1.json")
	if *update {
		if err := os.WriteFile(path, signed, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(signed, want) {
		t.Fatalf("signed bundle differs from %s:\n%s", path, signed)
	}
	b, err := trust.Open(want, rootVM(t, root), now)
	if err != nil {
		t.Fatal(err)
	}
	if b.Version != 1 || len(b.Issuers) != 1 || !b.Issuers[0].MayIssue("ResidencyCredential") || b.Issuers[0].MayIssue("CityIDCredential") {
		t.Fatalf("unexpected content: %+v", b)
	}
	if _, ok := b.Issuers[0].PublicKey(b.Issuers[0].Keys[0].ID); !ok {
		t.Fatal("issuer key not found")
	}
}

func TestOpenRejects(t *testing.T) {
	root, attacker := seedKey(0x01), seedKey(0x66)
	good, err := trust.Sign(sampleBundle(t, root, 1), root)
	if err != nil {
		t.Fatal(err)
	}
	forged, err := trust.Sign(sampleBundle(t, attacker, 1), attacker)
	if err != nil {
		t.Fatal(err)
	}
	var env map[string]string
	if err := json.Unmarshal(good, &env); err != nil {
		t.Fatal(err)
	}
	tamper := func(field string, f func(string) string) []byte {
		e := map[string]string{}
		for k, v := range env {
			e[k] = v
		}
		e[field] = f(e[field])
		out, _ := json.Marshal(e)
		return out
	}
	flip := func(s string) string {
		b := []byte(s)
		if b[10] == 'A' {
			b[10] = 'B'
		} else {
			b[10] = 'A'
		}
		return string(b)
	}
	cases := []struct {
		name string
		data []byte
		root string
		at   time.Time
		want error
	}{
		{"signed by another root", forged, rootVM(t, root), now, trust.ErrWrongRoot},
		{"payload changed", tamper("payload", flip), rootVM(t, root), now, trust.ErrSignature},
		{"signature changed", tamper("signature", flip), rootVM(t, root), now, trust.ErrSignature},
		{"expired", good, rootVM(t, root), time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC), trust.ErrExpired},
		{"not JSON", []byte("hello"), rootVM(t, root), now, trust.ErrMalformed},
		{"empty", nil, rootVM(t, root), now, trust.ErrMalformed},
		{"too large", bytes.Repeat([]byte(" "), trust.MaxSize+1), rootVM(t, root), now, trust.ErrMalformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := trust.Open(c.data, c.root, c.at)
			if !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
			if err.Error() == "" || strings.Contains(err.Error(), "%!") {
				t.Fatalf("bad message %q", err)
			}
		})
	}
}

func TestSignRejectsBadContent(t *testing.T) {
	root := seedKey(0x01)
	mutate := map[string]func(b *trust.Bundle){
		"zero version":          func(b *trust.Bundle) { b.Version = 0 },
		"expires before issued": func(b *trust.Bundle) { b.ExpiresAt = b.IssuedAt.Add(-time.Hour) },
		"issuer without types":  func(b *trust.Bundle) { b.Issuers[0].Types = nil },
		"issuer listed twice":   func(b *trust.Bundle) { b.Issuers = append(b.Issuers, b.Issuers[0]) },
		"key of another DID": func(b *trust.Bundle) {
			b.Issuers[0].Keys[0].ID = rootVM(t, seedKey(0x07))
		},
		"did:key key mismatch": func(b *trust.Bundle) {
			other, _ := did.EncodeMultikey(seedKey(0x07).Public())
			b.Issuers[0].Keys[0].PublicKeyMultibase = other
		},
		"root not a did:key": func(b *trust.Bundle) { b.Root = "did:web:example.com#k" },
	}
	for name, m := range mutate {
		t.Run(name, func(t *testing.T) {
			b := sampleBundle(t, root, 1)
			m(b)
			if _, err := trust.Sign(b, root); err == nil {
				t.Fatal("Sign accepted a bad bundle")
			}
		})
	}
	if _, err := trust.Sign(sampleBundle(t, root, 1), seedKey(0x02)); err == nil {
		t.Fatal("Sign accepted a signer that is not the root")
	}
}

func TestUpdate(t *testing.T) {
	root, next, attacker := seedKey(0x01), seedKey(0x02), seedKey(0x66)
	v1 := sampleBundle(t, root, 1)
	v1.NextRoot = rootVM(t, next)
	data1, err := trust.Sign(v1, root)
	if err != nil {
		t.Fatal(err)
	}
	cur, err := trust.Open(data1, rootVM(t, root), now)
	if err != nil {
		t.Fatal(err)
	}
	sign := func(k ed25519.PrivateKey, version uint64) []byte {
		data, err := trust.Sign(sampleBundle(t, k, version), k)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	if _, err := trust.Update(cur, sign(root, 1), now); !errors.Is(err, trust.ErrRollback) {
		t.Fatalf("same version: got %v", err)
	}
	if _, err := trust.Update(cur, sign(attacker, 9), now); !errors.Is(err, trust.ErrWrongRoot) {
		t.Fatalf("attacker root: got %v", err)
	}
	v2, err := trust.Update(cur, sign(root, 2), now)
	if err != nil || v2.Version != 2 {
		t.Fatalf("newer version from the pinned root: %v", err)
	}
	v3, err := trust.Update(cur, sign(next, 3), now)
	if err != nil || v3.Version != 3 {
		t.Fatalf("bundle from the announced next root: %v", err)
	}
	// v3 did not announce a next root, so only next may sign v4.
	if _, err := trust.Update(v3, sign(root, 4), now); !errors.Is(err, trust.ErrWrongRoot) {
		t.Fatalf("retired root after rotation: got %v", err)
	}
}

func FuzzOpen(f *testing.F) {
	root := seedKey(0x01)
	good, err := trust.Sign(sampleBundle(f, root, 1), root)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte(`{"protected":"","payload":"","signature":""}`))
	f.Add([]byte(`a.b.c`))
	vm := rootVM(f, root)
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := trust.Open(data, vm, now)
		if err == nil {
			// Anything that opens was signed by the root: re-signing its
			// content must give a bundle that opens to the same content.
			again, err := trust.Sign(b, root)
			if err != nil {
				t.Fatalf("opened bundle does not re-sign: %v", err)
			}
			b2, err := trust.Open(again, vm, now)
			if err != nil || b2.Version != b.Version || len(b2.Issuers) != len(b.Issuers) {
				t.Fatalf("round trip changed the bundle: %v", err)
			}
		}
	})
}
