package issuer

import (
	"context"
	"testing"
)

func FuzzParseConfigurationID(f *testing.F) {
	for _, s := range []string{"ResidencyCredential_sd-jwt", "CityIDCredential_ldp", "AgeOverCredential_qr", "_qr", "x_y_ldp", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		typ, format, ok := ParseConfigurationID(id)
		if !ok {
			return
		}
		if got := ConfigurationID(typ, format); got != id {
			t.Fatalf("%q parsed as %q %q, which prints as %q", id, typ, format, got)
		}
	})
}

func FuzzParseStatusListID(f *testing.F) {
	for _, s := range []string{"revocation-0", "suspension-12", "revocation-01", "refresh-1", "revocation--1", "revocation-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		p, n, ok := parseStatusListID(id)
		if !ok {
			return
		}
		if n < 0 || statusListID(p, n) != id {
			t.Fatalf("%q parsed as %q %d", id, p, n)
		}
	})
}

func FuzzParsePasswordHash(f *testing.F) {
	f.Add("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g")
	f.Add("$argon2id$v=19$m=8,t=1,p=1$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA")
	f.Add("$argon2i$v=19$m=1,t=1,p=1$$")
	f.Fuzz(func(t *testing.T, s string) {
		h, err := parsePasswordHash(s)
		if err != nil {
			return
		}
		if h.time < 1 || h.threads < 1 || h.memory < 8*uint32(h.threads) || len(h.salt) < 8 || len(h.key) < 16 {
			t.Fatalf("accepted unusable parameters %+v from %q", h, s)
		}
	})
}

func FuzzCheckNonce(f *testing.F) {
	s := newService(f)
	good, err := s.NewNonce(context.Background())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add("")
	f.Add(good[:len(good)-1] + "A")
	f.Fuzz(func(t *testing.T, nonce string) {
		_, err := s.checkNonce(nonce)
		if err == nil && nonce != good {
			t.Fatalf("forged nonce %q accepted", nonce)
		}
		if err != nil && nonce == good {
			t.Fatalf("good nonce refused: %v", err)
		}
	})
}
