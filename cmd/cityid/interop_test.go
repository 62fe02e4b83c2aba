package main

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/cityid/cityid/did"
	"github.com/cityid/cityid/internal/interop"
	"github.com/cityid/cityid/schemas"
)

// TestVerifyCredentialFromReferenceLibrary: a city credential issued by
// Digital Bazaar's @digitalbazaar/vc (eddsa-rdfc-2022) for a did:key issuer
// verifies with `cityid verify --trust-issuer`, and is refused without it.
func TestVerifyCredentialFromReferenceLibrary(t *testing.T) {
	interop.Require(t)
	seed := bytes.Repeat([]byte{0x5a}, 32)
	issuer, err := did.KeyDID(ed25519.NewKeyFromSeed(seed).Public())
	if err != nil {
		t.Fatal(err)
	}
	input, _ := json.Marshal(map[string]any{
		"seed":    hex.EncodeToString(seed),
		"created": "2026-11-20T10:00:00Z",
		"credential": map[string]any{
			"@context":  []any{schemas.CredentialsV2URL, schemas.CityContextURL},
			"id":        "urn:uuid:3c5f1a7e-4b0d-4f5e-8d0a-2b9c7e6f1a22",
			"type":      []any{"VerifiableCredential", schemas.AgeOverCredential},
			"issuer":    issuer,
			"validFrom": "2026-11-20T10:00:00Z",
			"credentialSubject": map[string]any{
				"id":        "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
				"ageOver18": true,
				"ageOver21": true,
			},
		},
	})
	signed := interop.Node(t, input, "di-issue.mjs")
	file := filepath.Join(t.TempDir(), "vc.json")
	if err := os.WriteFile(file, signed, 0o600); err != nil {
		t.Fatal(err)
	}

	var stdout, stderr bytes.Buffer
	code := run([]string{"verify", "--trust-issuer", issuer, "--at", "2026-11-22T12:00:00Z", file}, nil, &stdout, &stderr)
	var res struct {
		Verified bool              `json:"verified"`
		Issuer   string            `json:"issuer"`
		Checks   map[string]string `json:"checks"`
		Claims   map[string]any    `json:"claims"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		t.Fatalf("output is not one JSON object: %v\n%s%s", err, stdout.String(), stderr.String())
	}
	if code != 0 || !res.Verified || res.Issuer != issuer || res.Claims["ageOver21"] != true {
		t.Fatalf("exit %d\n%s%s", code, stdout.String(), stderr.String())
	}
	for _, c := range []string{"proof", "issuer_binding", "trusted_issuer", "validity"} {
		if res.Checks[c] != "ok" {
			t.Errorf("check %s = %q", c, res.Checks[c])
		}
	}

	stdout.Reset()
	if code := run([]string{"verify", "--at", "2026-11-22T12:00:00Z", file}, nil, &stdout, &stderr); code != 1 {
		t.Fatalf("untrusted issuer: exit %d, want 1\n%s", code, stdout.String())
	}
}
