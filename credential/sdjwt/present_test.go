package sdjwt

import (
	"reflect"
	"sort"
	"strings"
	"testing"
)

func TestPresentSelection(t *testing.T) {
	sd := mustIssue(t, issuerKey, issueOpts(holderKey.Public()))
	for _, tc := range []struct {
		disclose []string
		want     []string // Verified.Disclosed
	}{
		{nil, []string{}},
		{[]string{"resident"}, []string{}}, // always visible: nothing to add
		{[]string{"given_name"}, []string{"given_name"}},
		{[]string{"address"}, []string{"address", "address.locality", "address.postal_code"}},
		{[]string{"address.postal_code"}, []string{"address", "address.postal_code"}},
		{[]string{"address.street_address"}, []string{"address"}}, // plain inside a disclosure
		{[]string{"nationalities"}, []string{"nationalities.0", "nationalities.1"}},
		{[]string{"nationalities.1", "birthdate"}, []string{"birthdate", "nationalities.1"}},
	} {
		t.Run(strings.Join(tc.disclose, ","), func(t *testing.T) {
			pres := mustPresent(t, sd, tc.disclose, holderKey)
			tok, err := ParseUnverifiedUnsafe(pres)
			if err != nil {
				t.Fatal(err)
			}
			if len(tok.Disclosures) != len(tc.want) {
				t.Errorf("%d disclosures sent, want %d", len(tok.Disclosures), len(tc.want))
			}
			v, err := Verify(pres, cityKeys, kbPolicy())
			if err != nil {
				t.Fatal(err)
			}
			got := append([]string{}, v.Disclosed...)
			sort.Strings(got)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Disclosed = %v, want %v", got, tc.want)
			}
			for _, hidden := range []string{"given_name", "family_name", "birthdate"} {
				if _, shown := v.Claims[hidden]; shown && !contains(tc.want, hidden) {
					t.Errorf("%s revealed without being asked for", hidden)
				}
			}
		})
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func TestPresentWithoutKeyBinding(t *testing.T) {
	sd := mustIssue(t, issuerKey, issueOpts(holderKey.Public()))
	pres, err := Present(sd, []string{"given_name"}, nil, KeyBindingOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(pres, "~") {
		t.Fatalf("presentation without key binding must end in '~': %q", pres[len(pres)-10:])
	}
	v, err := Verify(pres, cityKeys, VerifyOptions{Algorithms: []string{AlgEdDSA}, Now: tNow})
	if err != nil || v.KeyBound {
		t.Fatalf("Verify: %v, KeyBound %v", err, v != nil && v.KeyBound)
	}
	_, err = Verify(pres, cityKeys, kbPolicy())
	wantErr(t, err, ErrKeyBinding)
}

func TestPresentRejects(t *testing.T) {
	sd := mustIssue(t, issuerKey, issueOpts(holderKey.Public()))
	unbound := mustIssue(t, issuerKey, issueOpts(nil))
	pres := mustPresent(t, sd, []string{"given_name"}, holderKey)
	kb := KeyBindingOptions{Audience: verifier, Nonce: nonce, IssuedAt: tPres}

	for _, tc := range []struct {
		name     string
		sd       string
		disclose []string
		kb       KeyBindingOptions
		want     error
	}{
		{"unknown claim", sd, []string{"shoe_size"}, kb, ErrUnknownClaim},
		{"unknown nested claim", sd, []string{"address.country"}, kb, ErrUnknownClaim},
		{"already key-bound", pres, nil, kb, ErrMalformed},
		{"no audience", sd, nil, KeyBindingOptions{Nonce: nonce}, ErrOptions},
		{"no nonce", sd, nil, KeyBindingOptions{Audience: verifier}, ErrOptions},
		{"credential without cnf", unbound, nil, kb, ErrKeyBinding},
		{"not an SD-JWT", "eyJhbGciOiJFZERTQSJ9.e30.AAAA", nil, kb, ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Present(tc.sd, tc.disclose, holderKey, tc.kb)
			wantErr(t, err, tc.want)
		})
	}
	t.Run("holder key is not cnf.jwk", func(t *testing.T) {
		_, err := Present(sd, nil, attackerKey, kb)
		wantErr(t, err, ErrKeyBinding)
	})
}

// TestParseRoundTrip: parsing then serializing reproduces the input, for
// issued tokens and key-bound presentations.
func TestParseRoundTrip(t *testing.T) {
	sd := mustIssue(t, issuerKey, issueOpts(holderKey.Public()))
	for _, s := range []string{sd, mustPresent(t, sd, []string{"address"}, holderKey)} {
		tok, err := ParseUnverifiedUnsafe(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := tok.Serialize(); got != s {
			t.Errorf("round trip changed the token:\n%s\n%s", s, got)
		}
	}
}
