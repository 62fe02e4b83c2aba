package sdjwt

import (
	"crypto"
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// plain re-decodes v through JSON into float64-based values so that results
// holding json.Number compare equal to expectations read from files.
func plain(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestRFC9901DisclosureDigests checks disclosure decoding and digests
// against the examples of RFC 9901 §4.2, §5.1, §6 and Appendix A.3.
func TestRFC9901DisclosureDigests(t *testing.T) {
	var file struct {
		Vectors []struct {
			Source     string `json:"source"`
			Disclosure string `json:"disclosure"`
			Digest     string `json:"digest"`
			Contents   []any  `json:"contents"`
		} `json:"vectors"`
	}
	readJSON(t, "testdata/rfc9901/disclosures.json", &file)
	if len(file.Vectors) < 20 {
		t.Fatalf("only %d vectors loaded", len(file.Vectors))
	}
	digests := map[string]string{}
	for _, v := range file.Vectors {
		t.Run(v.Source, func(t *testing.T) {
			d, err := parseDisclosure(v.Disclosure)
			if err != nil {
				t.Fatal(err)
			}
			if v.Digest != "" && d.Digest != v.Digest {
				t.Errorf("digest %s, RFC says %s", d.Digest, v.Digest)
			}
			if prev, dup := digests[d.Digest]; dup {
				t.Errorf("digest collides with %s: digests must be over the encoded form", prev)
			}
			digests[d.Digest] = v.Source
			got := []any{d.Salt}
			if !d.ArrayElement {
				got = append(got, d.Name)
			}
			got = append(got, d.Value)
			if !reflect.DeepEqual(plain(t, got), plain(t, v.Contents)) {
				t.Errorf("contents %v, RFC says %v", got, v.Contents)
			}
			if d.ArrayElement != (len(v.Contents) == 2) {
				t.Errorf("ArrayElement = %v for %d-element contents", d.ArrayElement, len(v.Contents))
			}
		})
	}
}

// TestRFC9901Processing applies disclosures to the payloads of RFC 9901
// §4.2.4 and §6 and compares with the documented results.
func TestRFC9901Processing(t *testing.T) {
	var file struct {
		Cases []struct {
			Source      string          `json:"source"`
			Payload     json.RawMessage `json:"payload"`
			Disclosures []string        `json:"disclosures"`
			Expect      any             `json:"expect"`
		} `json:"cases"`
	}
	readJSON(t, "testdata/rfc9901/processing.json", &file)
	for _, c := range file.Cases {
		t.Run(c.Source, func(t *testing.T) {
			var claims map[string]any
			if err := decodeJSON(c.Payload, &claims); err != nil {
				t.Fatal(err)
			}
			if _, err := process(claims, c.Disclosures); err != nil {
				t.Fatal(err)
			}
			if got := plain(t, claims); !reflect.DeepEqual(got, c.Expect) {
				t.Errorf("processed payload\n got %v\nwant %v", got, c.Expect)
			}
		})
	}
}

type presentationCase struct {
	Name       string         `json:"name"`
	Source     string         `json:"source"`
	Token      string         `json:"token"`
	Typ        string         `json:"typ"`
	SDJWTVC    bool           `json:"sd_jwt_vc"`
	Now        int64          `json:"now"`
	KeyBinding bool           `json:"key_binding"`
	Nonce      string         `json:"nonce"`
	Aud        string         `json:"aud"`
	Expect     map[string]any `json:"expect"`
	Disclosed  []string       `json:"expect_disclosed"`
}

func loadPresentations(t *testing.T) (crypto.PublicKey, []presentationCase) {
	var file struct {
		IssuerJWK jose.JSONWebKey    `json:"issuer_jwk"`
		Cases     []presentationCase `json:"cases"`
	}
	readJSON(t, "testdata/rfc9901/presentations.json", &file)
	return file.IssuerJWK.Key, file.Cases
}

// TestRFC9901Presentations verifies the complete, signed examples of
// RFC 9901 §5 and Appendix A.3 (ES256 issuer and holder keys), including
// their Key Binding JWTs, and compares the processed payloads.
func TestRFC9901Presentations(t *testing.T) {
	issuerPub, cases := loadPresentations(t)
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			keys := func(iss, kid string) (crypto.PublicKey, error) {
				if iss != c.Expect["iss"] || kid != "" {
					t.Errorf("KeyFunc(%q, %q)", iss, kid)
				}
				return issuerPub, nil
			}
			opts := VerifyOptions{
				Algorithms:        []string{AlgES256},
				Now:               time.Unix(c.Now, 0),
				RequireKeyBinding: c.KeyBinding,
				Audience:          c.Aud,
				Nonce:             c.Nonce,
			}
			prof := profile{types: []string{c.Typ}, requireVCT: c.SDJWTVC}
			v, err := verify(c.Token, keys, opts, prof)
			if err != nil {
				t.Fatal(err)
			}
			if got := plain(t, v.Claims); !reflect.DeepEqual(got, plain(t, c.Expect)) {
				t.Errorf("processed payload\n got %v\nwant %v", got, c.Expect)
			}
			if !reflect.DeepEqual(v.Disclosed, c.Disclosed) {
				t.Errorf("Disclosed = %v, want %v", v.Disclosed, c.Disclosed)
			}
			if v.KeyBound != c.KeyBinding || v.HolderKey == nil {
				t.Errorf("KeyBound = %v, HolderKey = %v", v.KeyBound, v.HolderKey)
			}
			if c.SDJWTVC {
				// The public entry point accepts the SD-JWT VC example as is.
				if _, err := Verify(c.Token, keys, opts); err != nil {
					t.Errorf("Verify: %v", err)
				}
			} else if _, err := Verify(c.Token, keys, opts); err == nil {
				t.Errorf("Verify accepted typ %q as an SD-JWT VC", c.Typ)
			}
		})
	}
}

// TestRFC9901PresentationsTampered shows the RFC examples failing for the
// right reason once a single aspect is changed.
func TestRFC9901PresentationsTampered(t *testing.T) {
	issuerPub, cases := loadPresentations(t)
	var c presentationCase
	for _, cc := range cases {
		if strings.HasPrefix(cc.Name, "A.3") {
			c = cc
		}
	}
	keys := func(string, string) (crypto.PublicKey, error) { return issuerPub, nil }
	base := VerifyOptions{Algorithms: []string{AlgES256}, Now: time.Unix(c.Now, 0),
		RequireKeyBinding: true, Audience: c.Aud, Nonce: c.Nonce}
	parts := splitTilde(c.Token)
	dropped := strings.Join(append(append([]string{}, parts[:2]...), parts[3:]...), "~")

	for _, tc := range []struct {
		name  string
		token string
		edit  func(*VerifyOptions)
		want  error
	}{
		{"other nonce", c.Token, func(o *VerifyOptions) { o.Nonce = "0987654321" }, ErrNonce},
		{"other audience", c.Token, func(o *VerifyOptions) { o.Audience = "https://evil.example" }, ErrAudience},
		{"stale key binding", c.Token, func(o *VerifyOptions) { o.Now = o.Now.Add(time.Hour) }, ErrKeyBinding},
		{"expired credential", c.Token, func(o *VerifyOptions) { o.Now = time.Unix(1883000000+1, 0) }, ErrExpired},
		{"disclosure removed after key binding", dropped, nil, ErrKeyBinding},
		{"EdDSA-only allow-list", c.Token, func(o *VerifyOptions) { o.Algorithms = []string{AlgEdDSA} }, ErrAlgorithm},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := base
			if tc.edit != nil {
				tc.edit(&opts)
			}
			_, err := Verify(tc.token, keys, opts)
			wantErr(t, err, tc.want)
		})
	}
}
