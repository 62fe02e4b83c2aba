package kdf

import (
	"bytes"
	"errors"
	"testing"
)

var limits = Limits{MaxTime: 16, MaxMemoryKiB: 1 << 20, MinSalt: 16, MaxSalt: 64}

func TestRoundTrip(t *testing.T) {
	p, err := New(3, 64<<10, 2)
	if err != nil {
		t.Fatal(err)
	}
	q, err := Parse(p.String(), limits)
	if err != nil || q.Time != 3 || q.MemoryKiB != 64<<10 || q.Threads != 2 || !bytes.Equal(q.Salt, p.Salt) {
		t.Fatalf("%v %+v", err, q)
	}
	small := Params{Time: 1, MemoryKiB: 8, Threads: 1, Salt: p.Salt}
	if !bytes.Equal(small.Key([]byte("pin"), 32), small.Key([]byte("pin"), 32)) || bytes.Equal(small.Key([]byte("pin"), 32), small.Key([]byte("pim"), 32)) {
		t.Fatal("Key is not a function of the secret")
	}
}

func TestParseRejects(t *testing.T) {
	salt := "AAAAAAAAAAAAAAAAAAAAAA" // 16 bytes
	for _, s := range []string{
		"", "scrypt$t=1$" + salt, "argon2id$t=1,m=64,p=1", "argon2id$t=x,m=64,p=1$" + salt,
		"argon2id$t=1,t=2,m=64,p=1$" + salt, "argon2id$t=1,m=64,p=300$" + salt, "argon2id$t=1,m=64,p=1,q=2$" + salt,
		"argon2id$t=0,m=64,p=1$" + salt, "argon2id$t=99,m=64,p=1$" + salt, "argon2id$t=1,m=4,p=1$" + salt,
		"argon2id$t=1,m=99999999,p=1$" + salt, "argon2id$t=1,m=64,p=0$" + salt, "argon2id$t=1,m=64,p=1$AAAA",
		"argon2id$t=1,m=64,p=1$!!",
	} {
		if _, err := Parse(s, limits); !errors.Is(err, ErrParams) {
			t.Errorf("Parse(%q) = %v, want ErrParams", s, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add("argon2id$t=3,m=65536,p=2$AAAAAAAAAAAAAAAAAAAAAA")
	f.Fuzz(func(t *testing.T, s string) {
		p, err := Parse(s, limits)
		if err != nil {
			return
		}
		q, err := Parse(p.String(), limits)
		if err != nil || q.String() != p.String() {
			t.Fatalf("round trip: %v", err)
		}
	})
}
