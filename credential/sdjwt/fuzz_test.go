package sdjwt

import (
	"encoding/json"
	"os"
	"reflect"
	"testing"
)

// fuzzSeeds are real tokens: issued, presented, and the RFC examples.
func fuzzSeeds(f *testing.F) []string {
	sd := mustIssue(f, issuerKey, issueOpts(holderKey.Public()))
	seeds := []string{
		sd,
		mustPresent(f, sd, []string{"address.locality", "nationalities.0"}, holderKey),
		"a.b.c~", "~", "a.b.c~WyJzIiwibiIsMV0~", "a.b.c~~d.e.f",
	}
	var file struct {
		Cases []struct {
			Token string `json:"token"`
		} `json:"cases"`
	}
	if b, err := os.ReadFile("testdata/rfc9901/presentations.json"); err == nil && json.Unmarshal(b, &file) == nil {
		for _, c := range file.Cases {
			seeds = append(seeds, c.Token)
		}
	}
	return seeds
}

// FuzzParse: ParseUnverifiedUnsafe never panics, and whatever it accepts
// serializes back to the exact input and parses again to the same token.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tok, err := ParseUnverifiedUnsafe(s)
		if err != nil {
			return
		}
		out := tok.Serialize()
		if out != s {
			t.Fatalf("round trip changed the token:\n in %q\nout %q", s, out)
		}
		again, err := ParseUnverifiedUnsafe(out)
		if err != nil {
			t.Fatalf("reparse failed: %v", err)
		}
		if !reflect.DeepEqual(tok, again) {
			t.Fatalf("reparse differs")
		}
		for _, d := range tok.Disclosures {
			if d.Digest != digestOf(d.Raw) || d.ArrayElement && d.Name != "" {
				t.Fatalf("inconsistent disclosure %+v", d)
			}
		}
		// Processing the unverified token must not panic either; when it
		// succeeds no digest machinery is left in the claims.
		if claims, _, err := tok.UnverifiedClaims(); err == nil {
			assertNoDigests(t, claims)
		}
	})
}

func assertNoDigests(t *testing.T, v any) {
	t.Helper()
	switch c := v.(type) {
	case map[string]any:
		for _, k := range []string{claimSD, claimDots} {
			if _, ok := c[k]; ok {
				t.Fatalf("processed claims still hold %q: %v", k, c)
			}
		}
		for _, child := range c {
			assertNoDigests(t, child)
		}
	case []any:
		for _, child := range c {
			assertNoDigests(t, child)
		}
	}
}

// FuzzVerify: Verify never panics on mutated tokens, and anything it
// accepts is consistent: every disclosure sent was used, the issuer is the
// one whose key the KeyFunc knows, and the result has no digests left.
func FuzzVerify(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	opts := VerifyOptions{Algorithms: []string{AlgEdDSA, AlgES256}, Now: tNow}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := Verify(s, cityKeys, opts)
		if err != nil {
			if v != nil {
				t.Fatal("result returned with an error")
			}
			return
		}
		tok, perr := ParseUnverifiedUnsafe(s)
		if perr != nil {
			t.Fatalf("Verify accepted what the parser rejects: %v", perr)
		}
		if len(v.Disclosed) != len(tok.Disclosures) {
			t.Fatalf("%d disclosures sent, %d used", len(tok.Disclosures), len(v.Disclosed))
		}
		if v.Issuer != cityDID || v.KeyID != cityKID {
			t.Fatalf("accepted issuer %q kid %q", v.Issuer, v.KeyID)
		}
		assertNoDigests(t, v.Claims)
	})
}

// FuzzProcess: disclosure processing on arbitrary payloads and disclosures
// never panics, and success leaves no _sd or "..." behind.
func FuzzProcess(f *testing.F) {
	f.Add(`{"_sd":["X9yH0Ajrdm1Oij4tWso9UzzKJvPoDxwmuEcO3XAdRC0"],"given_name":"Alice"}`,
		"WyJfMjZiYzRMVC1hYzZxMktJNmNCVzVlcyIsICJmYW1pbHlfbmFtZSIsICJNw7ZiaXVzIl0")
	f.Add(`{"nationalities":["DE",{"...":"w0I8EKcdCtUPkGCNUrfwVp2xEgNjtoIDlOxc9-PlOhs"},"US"]}`,
		"WyJsa2x4RjVqTVlsR1RQVW92TU5JdkNBIiwgIkZSIl0")
	f.Add(`{"a":{"_sd":[]},"b":[{"...":"x"}],"_sd_alg":"sha-256"}`, "")
	f.Fuzz(func(t *testing.T, payload, disc string) {
		var claims map[string]any
		if decodeJSON([]byte(payload), &claims) != nil || claims == nil {
			return
		}
		var discs []string
		if disc != "" {
			discs = []string{disc}
		}
		pr, err := process(claims, discs)
		if err != nil {
			return
		}
		if len(pr.path) != len(discs) {
			t.Fatalf("%d disclosures, %d paths", len(discs), len(pr.path))
		}
		assertNoDigests(t, claims)
	})
}
