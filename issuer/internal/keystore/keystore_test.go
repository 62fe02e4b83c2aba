package keystore

import (
	"bytes"
	"errors"
	"testing"
)

func fastParams(t testing.TB) Params {
	p, err := DefaultParams()
	if err != nil {
		t.Fatal(err)
	}
	p.MemoryKiB, p.Time = 64, 1 // tests only
	return p
}

func TestSealOpen(t *testing.T) {
	p := fastParams(t)
	p2, err := ParseParams(p.String())
	if err != nil || p2.String() != p.String() {
		t.Fatalf("params round trip: %v %v", p2, err)
	}
	k, err := Derive([]byte("pass"), p2)
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := k.Seal("issuer", []byte("secret key"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, []byte("secret key")) {
		t.Fatal("not encrypted")
	}
	got, err := k.Open("issuer", sealed)
	if err != nil || string(got) != "secret key" {
		t.Fatalf("%q %v", got, err)
	}
	if _, err := k.Open("root", sealed); !errors.Is(err, ErrWrongPassphrase) {
		t.Fatalf("opened under another name: %v", err)
	}
	check, _ := k.CheckValue()
	wrong, _ := Derive([]byte("other"), p)
	if err := wrong.Verify(check); !errors.Is(err, ErrWrongPassphrase) {
		t.Fatalf("wrong passphrase: %v", err)
	}
	if err := k.Verify(check); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Open("issuer", sealed[:10]); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("short data: %v", err)
	}
}

func FuzzParseParams(f *testing.F) {
	f.Add("argon2id$t=3,m=65536,p=2$c2FsdHNhbHRzYWx0")
	f.Add("argon2id$t=0,m=1,p=0$")
	f.Add("scrypt$N=1$x")
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParseParams(s)
		if err != nil {
			return
		}
		q, err := ParseParams(p.String())
		if err != nil || q.String() != p.String() {
			t.Fatalf("%q -> %q does not round-trip: %v", s, p.String(), err)
		}
		if p.Time < 1 || p.Threads < 1 || len(p.Salt) < 8 {
			t.Fatalf("accepted unusable %+v", p)
		}
	})
}
