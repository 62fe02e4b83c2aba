package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cityid/cityid/credential"
	"github.com/cityid/cityid/credential/dataintegrity"
	"github.com/cityid/cityid/credential/sdjwt"
	"github.com/cityid/cityid/credential/status"
	"github.com/cityid/cityid/credential/trust"
	"github.com/cityid/cityid/did"
	"github.com/cityid/cityid/schemas"
)

var updateExamples = flag.Bool("update-examples", false, "regenerate ../../examples")

const examplesDir = "../../examples"

// The example keys are derived from public seeds: they are for examples only.
func exampleKey(seed byte) (ed25519.PrivateKey, string, string) {
	k := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, 32))
	id, _ := did.KeyDID(k.Public())
	vm, _ := did.KeyVerificationMethod(k.Public())
	return k, id, vm
}

// seededReader is a deterministic byte stream, so regenerated examples are stable.
type seededReader struct{ state [32]byte }

func (r *seededReader) Read(p []byte) (int, error) {
	for i := range p {
		if i%32 == 0 {
			r.state = sha256.Sum256(r.state[:])
		}
		p[i] = r.state[i%32]
	}
	return len(p), nil
}

var exampleTime = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

const exampleStatusURL = "https://id.springfield.example/status/1"

func makeExamples(t *testing.T) map[string][]byte {
	rootKey, _, rootVM := exampleKey(0x01)
	issKey, issDID, issVM := exampleKey(0x02)
	_, holderDID, _ := exampleKey(0x03)
	badKey, _, badVM := exampleKey(0x66)
	holderKey, _, _ := exampleKey(0x03)

	sign := func(key ed25519.PrivateKey, vm string, doc map[string]any) []byte {
		signed, err := dataintegrity.Sign(doc, key, dataintegrity.SignOptions{
			Cryptosuite: "eddsa-rdfc-2022", VerificationMethod: vm, Created: exampleTime,
		})
		if err != nil {
			t.Fatal(err)
		}
		out, _ := json.MarshalIndent(signed, "", "  ")
		return append(out, '\n')
	}
	residency := func(index int) map[string]any {
		return map[string]any{
			"@context":  []any{schemas.CredentialsV2URL, schemas.CityContextURL},
			"id":        "urn:uuid:6f1c2a8e-0d3b-4c7a-9e51-3a2b7c8d9e0" + string(rune('0'+index)),
			"type":      []any{"VerifiableCredential", schemas.ResidencyCredential},
			"issuer":    issDID,
			"validFrom": exampleTime.Format(time.RFC3339),
			"credentialSubject": map[string]any{
				"id": holderDID, "residentOf": "Springfield", "housingStatus": "shelter",
				"shelterName": "Eastside Night Shelter",
			},
			"credentialStatus": status.Entry{
				ID: exampleStatusURL + "#" + itoa(index), Purpose: status.PurposeRevocation,
				Index: index, ListCredential: exampleStatusURL,
			}.Map(),
		}
	}

	list := status.New()
	if err := list.Set(7, true); err != nil {
		t.Fatal(err)
	}
	listVC, err := status.NewStatusListCredential(exampleStatusURL, issDID, status.PurposeRevocation, list, exampleTime)
	if err != nil {
		t.Fatal(err)
	}
	mk, _ := did.EncodeMultikey(issKey.Public())
	bundle, err := trust.Sign(&trust.Bundle{
		Version: 1, Name: "City of Springfield (example)", Root: rootVM,
		IssuedAt: exampleTime, ExpiresAt: time.Date(2036, 1, 1, 0, 0, 0, 0, time.UTC),
		Issuers: []trust.Issuer{{
			ID: issDID, Name: "Springfield Residents Office (example)",
			Keys:  []trust.Key{{ID: issVM, PublicKeyMultibase: mk}},
			Types: []string{schemas.ResidencyCredential, schemas.AgeOverCredential, schemas.ServiceEligibilityCredential, schemas.CityIDCredential},
		}},
		Status: []trust.StatusList{{ID: exampleStatusURL, Credential: json.RawMessage(sign(issKey, issVM, listVC))}},
	}, rootKey)
	if err != nil {
		t.Fatal(err)
	}

	tok, err := sdjwt.Issue(map[string]any{"ageOver18": true, "ageOver21": true}, issKey, sdjwt.IssueOptions{
		Issuer: issDID, KeyID: issVM, VCT: credential.VCT(schemas.AgeOverCredential),
		IssuedAt: exampleTime, Expiry: time.Date(2031, 11, 20, 0, 0, 0, 0, time.UTC),
		HolderKey: holderKey.Public(), Disclosable: []string{"ageOver18", "ageOver21"},
		Rand: &seededReader{},
	})
	if err != nil {
		t.Fatal(err)
	}
	w3c, err := os.ReadFile("testdata/w3c-eddsa-rdfc-2022.json")
	if err != nil {
		t.Fatal(err)
	}
	return map[string][]byte{
		"city-bundle.json":             bundle,
		"residency.json":               sign(issKey, issVM, residency(3)),
		"residency-revoked.json":       sign(issKey, issVM, residency(7)),
		"residency-forged-issuer.json": sign(badKey, badVM, residency(4)),
		"age-over.sd-jwt":              []byte(tok + "\n"),
		"w3c-eddsa-rdfc-2022.json":     w3c,
	}
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

// TestExamples keeps examples/ (used by README and scripts/run) reproducible
// and checks what `cityid verify` says about each.
func TestExamples(t *testing.T) {
	files := makeExamples(t)
	if *updateExamples {
		for name, data := range files {
			if err := os.WriteFile(filepath.Join(examplesDir, name), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	for name, data := range files {
		got, err := os.ReadFile(filepath.Join(examplesDir, name))
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("examples/%s is out of date (run: go test ./cmd/cityid -run TestExamples -update-examples)", name)
		}
	}
	bundle := filepath.Join(examplesDir, "city-bundle.json")
	_, rootDID, _ := exampleKey(0x01)
	cases := []struct {
		file, want string
		code       int
	}{
		{"residency.json", `"verified": true`, 0},
		{"age-over.sd-jwt", `"verified": true`, 0},
		{"residency-revoked.json", `"status": "fail: the issuer has revoked this credential"`, 1},
		{"residency-forged-issuer.json", `"issuer_binding": "fail:`, 1},
		{"w3c-eddsa-rdfc-2022.json", `"issuer_binding": "fail:`, 1},
	}
	for _, c := range cases {
		var stdout, stderr bytes.Buffer
		code := run([]string{"verify", "--trust", bundle, "--trust-root", rootDID, "--at", "2026-11-22T12:00:00Z",
			filepath.Join(examplesDir, c.file)}, nil, &stdout, &stderr)
		if code != c.code || !strings.Contains(stdout.String(), c.want) {
			t.Errorf("%s: exit %d, want %d and %s\n%s%s", c.file, code, c.code, c.want, stdout.String(), stderr.String())
		}
	}
}
