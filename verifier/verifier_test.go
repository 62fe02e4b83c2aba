package verifier_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/cityid/cityid/credential/sdjwt"
	"github.com/cityid/cityid/schemas"
	"github.com/cityid/cityid/verifier"
)

func TestNewRequiresPolicy(t *testing.T) {
	w := newWorld(t)
	cases := map[string]func(*verifier.Policy){
		"no trust":              func(p *verifier.Policy) { p.Trust = nil },
		"no clock":              func(p *verifier.Policy) { p.Clock = nil },
		"no formats":            func(p *verifier.Policy) { p.Formats = nil },
		"no cryptosuite":        func(p *verifier.Policy) { p.Cryptosuites = nil },
		"unknown cryptosuite":   func(p *verifier.Policy) { p.Cryptosuites = []string{"rsa-2048-please"} },
		"alg none":              func(p *verifier.Policy) { p.JWTAlgorithms = []string{"none"} },
		"HS256":                 func(p *verifier.Policy) { p.JWTAlgorithms = []string{"HS256"} },
		"bad trusted issuer":    func(p *verifier.Policy) { p.TrustedIssuers = []verifier.TrustedIssuer{{DID: "not a did"}} },
		"negative clock skew":   func(p *verifier.Policy) { p.ClockSkew = -time.Second },
		"unsupported format":    func(p *verifier.Policy) { p.Formats = append(p.Formats, "mso_mdoc") },
		"SD-JWT without algs":   func(p *verifier.Policy) { p.JWTAlgorithms = nil },
		"negative max age":      func(p *verifier.Policy) { p.MaxAge = -time.Hour },
		"negative presentation": func(p *verifier.Policy) { p.MaxPresentationAge = -time.Hour },
	}
	for name, edit := range cases {
		t.Run(name, func(t *testing.T) {
			p := verifier.DefaultPolicy(w.bundle)
			edit(&p)
			if _, err := verifier.New(p); err == nil {
				t.Fatal("New accepted a policy it must refuse")
			}
		})
	}
}

// expect describes the outcome a case must have: the failing check and its reason.
type expect struct {
	verified bool
	check    string
	reason   verifier.Reason
}

func checkResult(t *testing.T, res *verifier.Result, want expect) {
	t.Helper()
	out, _ := json.MarshalIndent(res, "", "  ")
	if res.Verified != want.verified {
		t.Fatalf("verified = %v, want %v\n%s", res.Verified, want.verified, out)
	}
	if want.verified {
		if len(res.Failures) != 0 {
			t.Fatalf("verified with failures\n%s", out)
		}
		return
	}
	for _, f := range res.Failures {
		if f.Check == want.check && f.Reason == want.reason {
			if f.Message == "" {
				t.Fatalf("failure without a message\n%s", out)
			}
			return
		}
	}
	t.Fatalf("want failure %s/%s\n%s", want.check, want.reason, out)
}

func TestLDPCredentials(t *testing.T) {
	w := newWorld(t)
	v := w.verifier(t)
	cases := []struct {
		name string
		make func(t *testing.T) []byte
		want expect
	}{
		{"valid", func(t *testing.T) []byte {
			return mustJSON(t, w.signLDP(t, w.issuer, w.residency(w.issuer.did, 3)))
		}, expect{verified: true}},
		{"tampered claim", func(t *testing.T) []byte {
			signed := w.signLDP(t, w.issuer, w.residency(w.issuer.did, 3))
			signed["credentialSubject"].(map[string]any)["residentOf"] = "Shelbyville"
			return mustJSON(t, signed)
		}, expect{check: "proof", reason: verifier.ReasonBadSignature}},
		{"tampered validity", func(t *testing.T) []byte {
			signed := w.signLDP(t, w.issuer, w.residency(w.issuer.did, 3))
			signed["validUntil"] = now.Add(100 * 365 * 24 * time.Hour).Format(time.RFC3339)
			return mustJSON(t, signed)
		}, expect{check: "proof", reason: verifier.ReasonBadSignature}},
		{"forged issuer key: city as issuer, attacker's did:key signs", func(t *testing.T) []byte {
			return mustJSON(t, w.signLDP(t, w.attacker, w.residency(w.issuer.did, 3)))
		}, expect{check: "issuer_binding", reason: verifier.ReasonIssuerMismatch}},
		{"forged issuer key: attacker names the city's key", func(t *testing.T) []byte {
			return mustJSON(t, signWith(t, w.attacker.key, w.issuer.vm, w.residency(w.issuer.did, 3)))
		}, expect{check: "proof", reason: verifier.ReasonBadSignature}},
		{"untrusted issuer", func(t *testing.T) []byte {
			return mustJSON(t, w.signLDP(t, w.attacker, w.residency(w.attacker.did, -1)))
		}, expect{check: "trusted_issuer", reason: verifier.ReasonUntrustedIssuer}},
		{"type the issuer may not issue", func(t *testing.T) []byte {
			doc := w.residency(w.issuer.did, -1)
			doc["type"] = []any{"VerifiableCredential", schemas.CityIDCredential}
			doc["credentialSubject"] = map[string]any{"id": w.holder.did, "givenName": "Ana", "familyName": "Silva", "birthDate": "1990-04-30"}
			return mustJSON(t, w.signLDP(t, w.issuer, doc))
		}, expect{check: "trusted_issuer", reason: verifier.ReasonTypeNotAllowed}},
		{"unknown context", func(t *testing.T) []byte {
			doc := w.residency(w.issuer.did, 3)
			signed := w.signLDP(t, w.issuer, doc)
			signed["@context"] = []any{schemas.CredentialsV2URL, "https://evil.example/context"}
			return mustJSON(t, signed)
		}, expect{check: "proof", reason: verifier.ReasonUnknownContext}},
		{"context swapped after signing", func(t *testing.T) []byte {
			signed := w.signLDP(t, w.issuer, w.residency(w.issuer.did, 3))
			signed["@context"] = []any{schemas.CredentialsV2URL, schemas.ExamplesV2URL}
			return mustJSON(t, signed)
		}, expect{check: "proof", reason: verifier.ReasonBadSignature}},
		{"expired", func(t *testing.T) []byte {
			doc := w.residency(w.issuer.did, 3)
			doc["validUntil"] = now.Add(-time.Hour).Format(time.RFC3339)
			return mustJSON(t, w.signLDP(t, w.issuer, doc))
		}, expect{check: "validity", reason: verifier.ReasonExpired}},
		{"not yet valid", func(t *testing.T) []byte {
			doc := w.residency(w.issuer.did, 3)
			doc["validFrom"] = now.Add(24 * time.Hour).Format(time.RFC3339)
			return mustJSON(t, w.signLDP(t, w.issuer, doc))
		}, expect{check: "validity", reason: verifier.ReasonNotYetValid}},
		{"revoked", func(t *testing.T) []byte {
			return mustJSON(t, w.signLDP(t, w.issuer, w.residency(w.issuer.did, revokedIndex)))
		}, expect{check: "status", reason: verifier.ReasonRevoked}},
		{"status list not in bundle", func(t *testing.T) []byte {
			doc := w.residency(w.issuer.did, 3)
			st := doc["credentialStatus"].(map[string]any)
			st["statusListCredential"] = "https://id.springfield.example/status/99"
			return mustJSON(t, w.signLDP(t, w.issuer, doc))
		}, expect{check: "status", reason: verifier.ReasonStatusUnavailable}},
		{"proof removed", func(t *testing.T) []byte {
			signed := w.signLDP(t, w.issuer, w.residency(w.issuer.did, 3))
			delete(signed, "proof")
			return mustJSON(t, signed)
		}, expect{check: "proof", reason: verifier.ReasonNoProof}},
		{"not JSON", func(t *testing.T) []byte { return []byte("{not json") },
			expect{check: "proof", reason: verifier.ReasonMalformed}},
		{"too large", func(t *testing.T) []byte { return []byte("{" + strings.Repeat(" ", 300<<10) + "}") },
			expect{check: "proof", reason: verifier.ReasonTooLarge}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			checkResult(t, v.Verify(context.Background(), c.make(t)), c.want)
		})
	}
}

func TestLDPClaimsAndChecks(t *testing.T) {
	w := newWorld(t)
	res := w.verifier(t).Verify(context.Background(), mustJSON(t, w.signLDP(t, w.issuer, w.residency(w.issuer.did, 3))))
	if !res.Verified || res.Issuer != w.issuer.did || res.Subject != w.holder.did || res.Format != "ldp_vc" {
		t.Fatalf("unexpected result %+v", res)
	}
	if res.Claims["shelterName"] != "Eastside Night Shelter" || res.Claims["id"] != nil {
		t.Fatalf("claims %v", res.Claims)
	}
	got := map[string]string{}
	b, _ := json.Marshal(res.Checks)
	_ = json.Unmarshal(b, &got)
	want := map[string]string{"proof": "ok", "issuer_binding": "ok", "trusted_issuer": "ok", "validity": "ok", "status": "ok"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("check %s = %q, want %q", k, got[k], v)
		}
	}
	if !strings.HasPrefix(got["holder_binding"], "skipped") {
		t.Errorf("holder_binding = %q", got["holder_binding"])
	}
}

func TestRequireHolderBindingRejectsBareCredential(t *testing.T) {
	w := newWorld(t)
	v := w.verifier(t, func(p *verifier.Policy) { p.RequireHolderBinding = true })
	res := v.Verify(context.Background(), mustJSON(t, w.signLDP(t, w.issuer, w.residency(w.issuer.did, 3))))
	checkResult(t, res, expect{check: "holder_binding", reason: verifier.ReasonHolderProofMissing})
}

func TestMaxAge(t *testing.T) {
	w := newWorld(t)
	v := w.verifier(t, func(p *verifier.Policy) { p.MaxAge = 24 * time.Hour })
	res := v.Verify(context.Background(), mustJSON(t, w.signLDP(t, w.issuer, w.residency(w.issuer.did, 3))))
	checkResult(t, res, expect{check: "validity", reason: verifier.ReasonTooOld})
}

func TestSDJWT(t *testing.T) {
	w := newWorld(t)
	v := w.verifier(t)
	valid := now.Add(30 * 24 * time.Hour)
	present := func(t *testing.T, tok, aud, nonce string, at time.Time) []byte {
		p, err := sdjwt.Present(tok, []string{"residentOf"}, w.holder.key, sdjwt.KeyBindingOptions{Audience: aud, Nonce: nonce, IssuedAt: at})
		if err != nil {
			t.Fatal(err)
		}
		return []byte(p)
	}
	kb := w.verifier(t, func(p *verifier.Policy) {
		p.RequireHolderBinding = true
		p.Audience, p.Challenge = "https://counter.example", "n-123"
	})
	cases := []struct {
		name string
		v    *verifier.Verifier
		data func(t *testing.T) []byte
		want expect
	}{
		{"valid, no key binding", v, func(t *testing.T) []byte {
			return []byte(w.sdJWT(t, w.issuer, w.issuer.did, w.issuer.vm, valid))
		}, expect{verified: true}},
		{"valid with key binding", kb, func(t *testing.T) []byte {
			return present(t, w.sdJWT(t, w.issuer, w.issuer.did, w.issuer.vm, valid), "https://counter.example", "n-123", now)
		}, expect{verified: true}},
		{"replayed: other nonce", kb, func(t *testing.T) []byte {
			return present(t, w.sdJWT(t, w.issuer, w.issuer.did, w.issuer.vm, valid), "https://counter.example", "n-old", now)
		}, expect{check: "holder_binding", reason: verifier.ReasonChallengeMismatch}},
		{"made for another verifier", kb, func(t *testing.T) []byte {
			return present(t, w.sdJWT(t, w.issuer, w.issuer.did, w.issuer.vm, valid), "https://elsewhere.example", "n-123", now)
		}, expect{check: "holder_binding", reason: verifier.ReasonAudienceMismatch}},
		{"forged: city as iss, attacker's kid", v, func(t *testing.T) []byte {
			return []byte(forgeSDJWT(t, w.attacker, w.issuer.did, w.attacker.vm))
		}, expect{check: "issuer_binding", reason: verifier.ReasonIssuerMismatch}},
		{"forged: attacker signs with the city's kid", v, func(t *testing.T) []byte {
			return []byte(w.sdJWT(t, w.attacker, w.issuer.did, w.issuer.vm, valid))
		}, expect{check: "proof", reason: verifier.ReasonBadSignature}},
		{"untrusted issuer", v, func(t *testing.T) []byte {
			return []byte(w.sdJWT(t, w.attacker, w.attacker.did, w.attacker.vm, valid))
		}, expect{check: "trusted_issuer", reason: verifier.ReasonUntrustedIssuer}},
		{"expired", v, func(t *testing.T) []byte {
			return []byte(w.sdJWT(t, w.issuer, w.issuer.did, w.issuer.vm, now.Add(-time.Minute*10)))
		}, expect{check: "validity", reason: verifier.ReasonExpired}},
		{"tampered disclosure", v, func(t *testing.T) []byte {
			// A well-formed disclosure the issuer never signed.
			tok := w.sdJWT(t, w.issuer, w.issuer.did, w.issuer.vm, valid)
			parts := strings.Split(tok, "~")
			parts[1] = base64.RawURLEncoding.EncodeToString([]byte(`["c2FsdHNhbHRzYWx0","residentOf","Shelbyville"]`))
			return []byte(strings.Join(parts, "~"))
		}, expect{check: "proof", reason: verifier.ReasonDisclosure}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			checkResult(t, c.v.Verify(context.Background(), c.data(t)), c.want)
		})
	}
}
