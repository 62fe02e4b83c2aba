package seal

import (
	"bytes"
	"encoding/hex"
	"errors"
	"testing"
)

func TestSealOpen(t *testing.T) {
	key, err := NewKey()
	if err != nil {
		t.Fatal(err)
	}
	msg := []byte("givenName Ana")
	s, err := Seal(key, "credential:1", msg)
	if err != nil {
		t.Fatal(err)
	}
	if len(s) != len(msg)+Overhead || bytes.Contains(s, msg) {
		t.Fatalf("sealed value %x", s)
	}
	got, err := Open(key, "credential:1", s)
	if err != nil || !bytes.Equal(got, msg) {
		t.Fatalf("Open: %q %v", got, err)
	}
	s2, _ := Seal(key, "credential:1", msg)
	if bytes.Equal(s, s2) {
		t.Fatal("two seals of the same value are equal: the nonce is not random")
	}
	// Moved to another name, other key, every changed byte: refused.
	if _, err := Open(key, "credential:2", s); !errors.Is(err, ErrOpen) {
		t.Fatalf("moved value: %v", err)
	}
	other, _ := NewKey()
	if _, err := Open(other, "credential:1", s); !errors.Is(err, ErrOpen) {
		t.Fatalf("other key: %v", err)
	}
	for i := range s {
		bad := bytes.Clone(s)
		bad[i] ^= 0x01
		if _, err := Open(key, "credential:1", bad); !errors.Is(err, ErrOpen) {
			t.Fatalf("byte %d changed: %v", i, err)
		}
	}
	if _, err := Open(key, "x", s[:Overhead-1]); !errors.Is(err, ErrOpen) {
		t.Fatalf("truncated: %v", err)
	}
}

func TestParams(t *testing.T) {
	p, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if p.Time != 4 || p.MemoryKiB != 9<<10 || p.Threads != 1 || len(p.Salt) != 16 {
		t.Fatalf("default params %+v", p)
	}
	q, err := ParseParams(p.String())
	if err != nil || q.String() != p.String() {
		t.Fatalf("round trip: %v %v", q, err)
	}
	for _, bad := range []string{
		"", "scrypt$t=1$AAAAAAAAAAAAAAAAAAAAAA", "argon2id$t=1,m=64,p=1$short",
		"argon2id$t=0,m=1024,p=1$AAAAAAAAAAAAAAAAAAAAAA", "argon2id$t=1,m=99999999,p=1$AAAAAAAAAAAAAAAAAAAAAA",
		"argon2id$t=1,t=2,m=1024,p=1$AAAAAAAAAAAAAAAAAAAAAA", "argon2id$t=1,m=1024,p=1,x=2$AAAAAAAAAAAAAAAAAAAAAA",
		"argon2id$t=1,m=1024,p=0$AAAAAAAAAAAAAAAAAAAAAA",
	} {
		if _, err := ParseParams(bad); !errors.Is(err, ErrParams) {
			t.Errorf("ParseParams(%q) = %v, want ErrParams", bad, err)
		}
	}
}

func TestDeriveKey(t *testing.T) {
	p, err := NewParams(1, 64, 1)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := DeriveKey([]byte("123456"), p)
	b, _ := DeriveKey([]byte("123456"), p)
	c, _ := DeriveKey([]byte("123457"), p)
	if len(a) != KeySize || !bytes.Equal(a, b) || bytes.Equal(a, c) {
		t.Fatalf("keys %x %x %x", a, b, c)
	}
	p.Salt[0] ^= 1
	d, _ := DeriveKey([]byte("123456"), p)
	if bytes.Equal(a, d) {
		t.Fatal("the salt does not change the key")
	}
}

func FuzzParseParams(f *testing.F) {
	f.Add("argon2id$t=3,m=65536,p=2$AAAAAAAAAAAAAAAAAAAAAA")
	f.Add("argon2id$$")
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParseParams(s)
		if err != nil {
			return
		}
		if _, err := ParseParams(p.String()); err != nil {
			t.Fatalf("%q parsed, but its String %q does not: %v", s, p.String(), err)
		}
	})
}

// vector is "hello" sealed under the all-zero key with the name "n": it
// pins the format (version, nonce, additional data) so stored wallets keep
// opening after a change to this package.
const vector = "018b8f0b4971815c821fba264ea0dd8584aa6bf05fb3bd93c79cda299e99c72057ec29e354718b2ea3639666959c"

func TestVector(t *testing.T) {
	s, _ := hex.DecodeString(vector)
	got, err := Open(make([]byte, KeySize), "n", s)
	if err != nil || string(got) != "hello" {
		t.Fatalf("Open(vector) = %q, %v", got, err)
	}
}

func FuzzOpen(f *testing.F) {
	key := make([]byte, KeySize)
	s, _ := hex.DecodeString(vector)
	f.Add(bytes.Clone(s))
	f.Fuzz(func(t *testing.T, b []byte) {
		// Only the one value sealed under this key opens: anything else
		// would be a forgery.
		if _, err := Open(key, "n", b); err == nil && !bytes.Equal(b, s) {
			t.Fatalf("a value that was never sealed opened: %x", b)
		}
	})
}
