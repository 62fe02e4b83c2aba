package sdjwt

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"sort"
	"strings"
	"testing"
)

func TestIssueStructure(t *testing.T) {
	sd := mustIssue(t, issuerKey, issueOpts(holderKey.Public()))
	tok, err := ParseUnverifiedUnsafe(sd)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(sd, "~") || tok.KeyBinding != "" {
		t.Fatalf("issued SD-JWT must end in '~' without key binding")
	}
	h := tok.Header
	if h["typ"] != TypeSDJWTVC || h["alg"] != AlgEdDSA || h["kid"] != cityKID {
		t.Errorf("header = %v", h)
	}
	p := tok.Payload
	for _, name := range []string{"iss", "vct", "iat", "exp", "cnf", "_sd_alg", "_sd", "resident"} {
		if _, ok := p[name]; !ok {
			t.Errorf("payload lacks %q", name)
		}
	}
	for _, name := range []string{"given_name", "family_name", "birthdate", "address"} {
		if _, ok := p[name]; ok {
			t.Errorf("disclosable claim %q is in the clear", name)
		}
	}
	if p["_sd_alg"] != HashSHA256 {
		t.Errorf("_sd_alg = %v", p["_sd_alg"])
	}
	// given_name, family_name, birthdate, address + 2 decoys at the top.
	top := p["_sd"].([]any)
	if len(top) != 4+2 {
		t.Errorf("top-level _sd has %d digests, want 6", len(top))
	}
	if !sort.SliceIsSorted(top, func(i, j int) bool { return top[i].(string) < top[j].(string) }) {
		t.Errorf("_sd is not sorted: order would leak claim order")
	}
	nat := p["nationalities"].([]any)
	for i, el := range nat {
		if m, ok := el.(map[string]any); !ok || len(m) != 1 || m["..."] == nil {
			t.Errorf("nationalities[%d] = %v, want a {\"...\": digest} placeholder", i, el)
		}
	}
	// 8 disclosures; the address one carries the digests of its children.
	if len(tok.Disclosures) != len(sampleDisclosable) {
		t.Fatalf("%d disclosures, want %d", len(tok.Disclosures), len(sampleDisclosable))
	}
	salts := map[string]bool{}
	for _, d := range tok.Disclosures {
		raw, err := base64.RawURLEncoding.DecodeString(d.Salt)
		if err != nil || len(raw) < 16 {
			t.Errorf("salt %q is not 128 bits of base64url", d.Salt)
		}
		if salts[d.Salt] {
			t.Errorf("salt %q reused", d.Salt)
		}
		salts[d.Salt] = true
		if d.Name == "address" {
			addr := d.Value.(map[string]any)
			if _, ok := addr["locality"]; ok {
				t.Errorf("address disclosure reveals locality: %v", addr)
			}
			if n := len(addr["_sd"].([]any)); n != 2+2 {
				t.Errorf("address _sd has %d digests, want 2 + 2 decoys", n)
			}
		}
	}
	claims, paths, err := tok.UnverifiedClaims()
	if err != nil {
		t.Fatal(err)
	}
	if got := plain(t, claims["address"]); got.(map[string]any)["postal_code"] != "12345" {
		t.Errorf("processed address = %v", got)
	}
	if len(paths) != len(sampleDisclosable) {
		t.Errorf("paths = %v", paths)
	}
}

func TestIssueDoesNotModifyClaims(t *testing.T) {
	claims := sampleClaims()
	before, _ := json.Marshal(claims)
	if _, err := Issue(claims, issuerKey, issueOpts(nil)); err != nil {
		t.Fatal(err)
	}
	after, _ := json.Marshal(claims)
	if string(before) != string(after) {
		t.Errorf("Issue modified its input:\n%s\n%s", before, after)
	}
}

// opaque hides the concrete key type, as an HSM- or KMS-backed
// crypto.Signer would.
type opaque struct{ crypto.Signer }

func TestIssueSigners(t *testing.T) {
	ec := p256(t)
	for _, tc := range []struct {
		name   string
		signer crypto.Signer
		alg    string
	}{
		{"ed25519.PrivateKey", issuerKey, AlgEdDSA},
		{"*ecdsa.PrivateKey", ec, AlgES256},
		{"opaque Ed25519 signer", opaque{issuerKey}, AlgEdDSA},
		{"opaque P-256 signer (ASN.1 signatures)", opaque{ec}, AlgES256},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sd := mustIssue(t, tc.signer, issueOpts(holderKey.Public()))
			keys := keysFor(cityDID, cityKID, tc.signer.Public())
			v, err := Verify(sd, keys, VerifyOptions{Algorithms: []string{tc.alg}, Now: tNow})
			if err != nil {
				t.Fatal(err)
			}
			if v.KeyID != cityKID || v.VCT != cityVCT || v.KeyBound {
				t.Errorf("verified = %+v", v)
			}
		})
	}
}

func TestIssueHolderKeys(t *testing.T) {
	ec := p256(t)
	for name, holder := range map[string]crypto.Signer{"Ed25519": holderKey, "P-256": ec} {
		t.Run(name, func(t *testing.T) {
			sd := mustIssue(t, issuerKey, issueOpts(holder.Public()))
			pres := mustPresent(t, sd, []string{"given_name"}, holder)
			v, err := Verify(pres, cityKeys, kbPolicy())
			if err != nil {
				t.Fatal(err)
			}
			if !v.KeyBound || !sameKey(v.HolderKey, holder.Public()) {
				t.Errorf("KeyBound %v, holder key %v", v.KeyBound, v.HolderKey)
			}
		})
	}
}

func TestIssueStatus(t *testing.T) {
	opts := issueOpts(nil)
	opts.Status = map[string]any{"status_list": map[string]any{"idx": 7, "uri": "https://city.example/status/1"}}
	sd := mustIssue(t, issuerKey, opts)
	v, err := Verify(sd, cityKeys, VerifyOptions{Algorithms: []string{AlgEdDSA}, Now: tNow})
	if err != nil {
		t.Fatal(err)
	}
	if sl, _ := v.Status["status_list"].(map[string]any); sl["uri"] != "https://city.example/status/1" {
		t.Errorf("Status = %v", v.Status)
	}
}

func TestIssueRejects(t *testing.T) {
	for _, tc := range []struct {
		name   string
		claims func(map[string]any)
		opts   func(*IssueOptions)
	}{
		{"no issuer", nil, func(o *IssueOptions) { o.Issuer = "" }},
		{"no vct", nil, func(o *IssueOptions) { o.VCT = "" }},
		{"kid of another DID", nil, func(o *IssueOptions) { o.KeyID = "did:key:z6MkAttacker#z6MkAttacker" }},
		{"iss in claims", func(c map[string]any) { c["iss"] = "did:web:evil.example" }, nil},
		{"cnf in claims", func(c map[string]any) { c["cnf"] = map[string]any{} }, nil},
		{"_sd in claims", func(c map[string]any) { c["_sd"] = []any{"x"} }, nil},
		{"nested ... key", func(c map[string]any) { c["address"].(map[string]any)["..."] = "x" }, nil},
		{"disclosable iat", nil, func(o *IssueOptions) { o.Disclosable = []string{"iat"} }},
		{"disclosable vct", nil, func(o *IssueOptions) { o.Disclosable = []string{"vct"} }},
		{"disclosable unknown claim", nil, func(o *IssueOptions) { o.Disclosable = []string{"shoe_size"} }},
		{"disclosable bad index", nil, func(o *IssueOptions) { o.Disclosable = []string{"nationalities.2"} }},
		{"disclosable empty segment", nil, func(o *IssueOptions) { o.Disclosable = []string{"address..locality"} }},
		{"too many decoys", nil, func(o *IssueOptions) { o.Decoys = 1000 }},
		{"expiry before issuance", nil, func(o *IssueOptions) { o.Expiry = o.IssuedAt.Add(-1) }},
		{"unsupported holder key", nil, func(o *IssueOptions) { o.HolderKey = []byte("not a key") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			claims := sampleClaims()
			if tc.claims != nil {
				tc.claims(claims)
			}
			opts := issueOpts(holderKey.Public())
			if tc.opts != nil {
				tc.opts(&opts)
			}
			_, err := Issue(claims, issuerKey, opts)
			if err == nil {
				t.Fatal("Issue succeeded")
			}
			if !errorsIsAny(err, ErrOptions, ErrAlgorithm) {
				t.Errorf("error %v wraps neither ErrOptions nor ErrAlgorithm", err)
			}
		})
	}
}

func TestIssueUnsupportedSigner(t *testing.T) {
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []crypto.Signer{p384, badSigner{}} {
		_, err := Issue(sampleClaims(), s, issueOpts(nil))
		wantErr(t, err, ErrAlgorithm)
	}
}

// failingSigner is a signer whose backend (an HSM, say) is down.
type failingSigner struct{ crypto.Signer }

func (failingSigner) Sign(io.Reader, []byte, crypto.SignerOpts) ([]byte, error) {
	return nil, errors.New("token not present")
}

func TestIssueSignerFailure(t *testing.T) {
	_, err := Issue(sampleClaims(), failingSigner{issuerKey}, issueOpts(nil))
	wantErr(t, err, ErrCrypto)
	sd := mustIssue(t, issuerKey, issueOpts(holderKey.Public()))
	_, err = Present(sd, nil, failingSigner{holderKey}, KeyBindingOptions{Audience: verifier, Nonce: nonce})
	wantErr(t, err, ErrCrypto)
}

type badSigner struct{}

func (badSigner) Public() crypto.PublicKey { return "not a key" }
func (badSigner) Sign(io.Reader, []byte, crypto.SignerOpts) ([]byte, error) {
	return nil, nil
}

func TestIssueRandomnessFailure(t *testing.T) {
	opts := issueOpts(nil)
	opts.Rand = strings.NewReader("short")
	_, err := Issue(sampleClaims(), issuerKey, opts)
	wantErr(t, err, ErrCrypto)
}

func errorsIsAny(err error, targets ...error) bool {
	for _, t := range targets {
		if errors.Is(err, t) {
			return true
		}
	}
	return false
}
