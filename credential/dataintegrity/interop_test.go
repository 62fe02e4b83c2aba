package dataintegrity

import (
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cityid/cityid/internal/interop"
)

// interopCredentials are the credentials exchanged with Digital Bazaar's
// @digitalbazaar/vc (interop/js/di-*.mjs). {{ISSUER}} is replaced by the
// signer's did:key, which that library requires to be the issuer. Every term
// is defined (the VC 2.0 context has no @vocab): city terms come from the
// city context, free-form ones from the W3C examples context's @vocab.
var interopCredentials = map[string]string{
	"city": `{
		"@context": ["https://www.w3.org/ns/credentials/v2", "https://cityid.dev/ns/v1"],
		"type": ["VerifiableCredential", "CityIDCredential"],
		"issuer": "{{ISSUER}}",
		"validFrom": "2025-01-01T00:00:00Z",
		"credentialSubject": {
			"id": "did:example:resident",
			"givenName": "Ana", "familyName": "Silva",
			"birthDate": "1990-04-01", "ageOver18": true,
			"address": {"streetAddress": "1 Main St", "unit": "4B", "postalCode": "12345", "addressLocality": "Springfield"}
		}
	}`,
	// Claim values with every character class whose N-Quads escaping
	// differs between implementations or specification versions.
	"escapes": `{
		"@context": ["https://www.w3.org/ns/credentials/v2", "https://cityid.dev/ns/v1"],
		"type": ["VerifiableCredential", "ResidencyCredential"],
		"issuer": "{{ISSUER}}",
		"credentialSubject": {
			"givenName": "tab\there \"quoted\" back\\slash",
			"familyName": "line\nfeed carriage\rreturn crlf\r\n end",
			"shelterName": "Nguyễn Thị Minh Khai 中文 😀 café",
			"housingStatus": "bell\u0007 backspace\b formfeed\f vt\u000b esc\u001b del\u007f nul\u0000",
			"address": {"streetAddress": "line sep\u2028para sep\u2029 nbsp\u00a0 bom\ufeff"}
		}
	}`,
	// Numbers, booleans, language and direction, nested blank nodes that
	// only Hash N-Degree Quads can tell apart, and a JSON literal.
	"values": `{
		"@context": [
			"https://www.w3.org/ns/credentials/v2",
			"https://www.w3.org/ns/credentials/examples/v2",
			{"payload": {"@id": "https://example.org/payload", "@type": "@json"},
			 "steps": {"@id": "https://example.org/steps", "@container": "@list"}}
		],
		"type": ["VerifiableCredential", "ExampleCredential"],
		"issuer": "{{ISSUER}}",
		"name": {"@value": "Credencial", "@language": "es-MX"},
		"description": {"@value": "شهادة", "@language": "ar-EG", "@direction": "rtl"},
		"credentialSubject": {
			"integer": 42, "negative": -7, "zero": 0, "big": 9007199254740991,
			"fraction": 1.5, "small": 2.5e-6, "large": 1.0e20, "flag": false,
			"parents": [{"role": "guardian", "since": 2001}, {"role": "guardian", "since": 2001}],
			"steps": ["b", "a", "b"],
			"payload": {"z": 1, "a": [true, "x\ty"], "m": {"é": 0.5}}
		}
	}`,
}

func interopCredential(t testing.TB, name, issuer string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(strings.ReplaceAll(interopCredentials[name], "{{ISSUER}}", issuer)), &m); err != nil {
		t.Fatalf("credential %s: %v", name, err)
	}
	return m
}

// TestInteropWeSignTheyVerify: credentials signed here verify in Digital
// Bazaar's verifyCredential, which also checks issuer binding.
func TestInteropWeSignTheyVerify(t *testing.T) {
	interop.Require(t)
	key := testKey(7)
	issuer, vm := didKey(t, key.Public().(ed25519.PublicKey))
	for name := range interopCredentials {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			signed, err := Sign(interopCredential(t, name, issuer), key, SignOptions{Cryptosuite: EdDSARDFC2022, VerificationMethod: vm})
			if err != nil {
				t.Fatal(err)
			}
			out := interop.Node(t, mustJSON(t, signed), "di-verify.mjs")
			if !strings.Contains(string(out), `"verified":true`) {
				t.Fatalf("di-verify: %s", out)
			}

			// The peer must also be able to say no: a tampered copy fails.
			tampered := cloneDoc(signed)
			tampered["validUntil"] = "2030-01-01T00:00:00Z"
			if out, err := interop.RunNode(mustJSON(t, tampered), "di-verify.mjs"); err == nil {
				t.Fatalf("di-verify accepted a tampered credential: %s", out)
			}
		})
	}
}

// TestInteropTheySignWeVerify: credentials Digital Bazaar's issue() signs
// verify here, and since Ed25519 is deterministic, the proofValue equals the
// one Sign makes for the same key and time: both sides canonicalized the same
// bytes.
func TestInteropTheySignWeVerify(t *testing.T) {
	interop.Require(t)
	const seedHex = "0707070707070707070707070707070707070707070707070707070707070707"
	key := testKey(7)
	issuer, vm := didKey(t, key.Public().(ed25519.PublicKey))
	created := time.Date(2025, 2, 3, 4, 5, 6, 0, time.UTC)
	for name := range interopCredentials {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			input := map[string]any{
				"credential": interopCredential(t, name, issuer),
				"seed":       seedHex,
				"created":    created.Format(time.RFC3339),
			}
			var theirs map[string]any
			if err := json.Unmarshal(interop.Node(t, mustJSON(t, input), "di-issue.mjs"), &theirs); err != nil {
				t.Fatal(err)
			}
			p, err := Verify(theirs, resolveDIDKey, VerifyOptions{Cryptosuites: []string{EdDSARDFC2022}})
			if err != nil {
				t.Fatalf("Verify(Digital Bazaar's credential): %v\n%s", err, mustJSON(t, theirs))
			}
			if p.VerificationMethod != vm || !p.Created.Equal(created) {
				t.Errorf("proof %+v, want verification method %s created %s", p, vm, created)
			}
			ours, err := Sign(interopCredential(t, name, issuer), key, SignOptions{Cryptosuite: EdDSARDFC2022, VerificationMethod: vm, Created: created})
			if err != nil {
				t.Fatal(err)
			}
			theirValue := theirs["proof"].(map[string]any)["proofValue"]
			if ourValue := ours["proof"].(map[string]any)["proofValue"]; ourValue != theirValue {
				t.Errorf("proofValue differs: ours %v, theirs %v", ourValue, theirValue)
			}

			tampered := cloneDoc(theirs)
			tampered["credentialSubject"].(map[string]any)["injected"] = "x"
			if _, err := Verify(tampered, resolveDIDKey, VerifyOptions{Cryptosuites: []string{EdDSARDFC2022}}); err == nil {
				t.Error("Verify accepted a tampered copy of Digital Bazaar's credential")
			} else if !errors.Is(err, ErrBadSignature) && !errors.Is(err, ErrInvalidDocument) {
				t.Errorf("tampered: %v, want ErrBadSignature or ErrInvalidDocument", err)
			}
		})
	}
}
