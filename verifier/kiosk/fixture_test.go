package kiosk_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/cityid/cityid/credential"
	"github.com/cityid/cityid/credential/dataintegrity"
	"github.com/cityid/cityid/credential/sdjwt"
	"github.com/cityid/cityid/credential/status"
	"github.com/cityid/cityid/credential/trust"
	"github.com/cityid/cityid/did"
	"github.com/cityid/cityid/schemas"
	"github.com/cityid/cityid/verifier/kiosk"
)

// start is the fixed time every test begins at.
var start = time.Date(2026, 11, 22, 10, 42, 0, 0, time.UTC)

const (
	statusURL    = "https://id.springfield.example/status/1"
	revokedIndex = 7
	audience     = "kiosk:town-hall-1"
)

// clock is a fake clock tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type party struct {
	key ed25519.PrivateKey
	did string
	vm  string
}

func newParty(t testing.TB, seed byte) party {
	t.Helper()
	k := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, 32))
	id, err := did.KeyDID(k.Public())
	if err != nil {
		t.Fatal(err)
	}
	vm, err := did.KeyVerificationMethod(k.Public())
	if err != nil {
		t.Fatal(err)
	}
	return party{key: k, did: id, vm: vm}
}

// world is a city: a root key, one trusted issuer with a revocation list
// issued an hour before start, a resident, and the bundle file.
type world struct {
	root, issuer, holder party
	bundlePath           string
	clock                *clock
}

func newWorld(t testing.TB) *world {
	t.Helper()
	w := &world{root: newParty(t, 1), issuer: newParty(t, 2), holder: newParty(t, 3), clock: &clock{t: start}}
	revoked := status.New()
	if err := revoked.Set(revokedIndex, true); err != nil {
		t.Fatal(err)
	}
	listVC, err := status.NewStatusListCredential(statusURL, w.issuer.did, status.PurposeRevocation, revoked, start.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	listVC["validUntil"] = start.Add(7 * 24 * time.Hour).Format(time.RFC3339)
	listJSON, err := json.Marshal(w.sign(t, listVC))
	if err != nil {
		t.Fatal(err)
	}
	mk, _ := did.EncodeMultikey(w.issuer.key.Public())
	b := &trust.Bundle{
		Version:   1,
		Name:      "City of Springfield",
		Root:      w.root.vm,
		IssuedAt:  start.Add(-24 * time.Hour),
		ExpiresAt: start.Add(90 * 24 * time.Hour),
		Issuers: []trust.Issuer{{
			ID:    w.issuer.did,
			Name:  "Springfield Residents Office",
			Keys:  []trust.Key{{ID: w.issuer.vm, PublicKeyMultibase: mk}},
			Types: []string{schemas.ResidencyCredential, schemas.AgeOverCredential},
		}},
		Status: []trust.StatusList{{ID: statusURL, Credential: listJSON}},
	}
	data, err := trust.Sign(b, w.root.key)
	if err != nil {
		t.Fatal(err)
	}
	w.bundlePath = filepath.Join(t.TempDir(), "bundle.json")
	if err := os.WriteFile(w.bundlePath, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return w
}

// config is the kiosk configuration of most tests.
func (w *world) config() kiosk.Config {
	return kiosk.Config{
		TrustBundlePath: w.bundlePath,
		PinnedRoot:      w.root.did,
		Audience:        audience,
		Clock:           w.clock.Now,
	}
}

func (w *world) kiosk(t testing.TB, edit ...func(*kiosk.Config)) *kiosk.Kiosk {
	t.Helper()
	cfg := w.config()
	for _, e := range edit {
		e(&cfg)
	}
	k, err := kiosk.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func (w *world) sign(t testing.TB, doc map[string]any) map[string]any {
	t.Helper()
	signed, err := dataintegrity.Sign(doc, w.issuer.key, dataintegrity.SignOptions{
		Cryptosuite:        "eddsa-rdfc-2022",
		VerificationMethod: w.issuer.vm,
		ProofPurpose:       "assertionMethod",
		Created:            start.Add(-47 * time.Hour),
	})
	if err != nil {
		t.Fatal(err)
	}
	return signed
}

// residency is a signed residency credential (JSON, one line) with the
// given revocation list index.
func (w *world) residency(t testing.TB, statusIndex int, subject map[string]any) []byte {
	t.Helper()
	if subject == nil {
		subject = map[string]any{
			"residentOf":    "Springfield",
			"housingStatus": "shelter",
			"shelterName":   "Eastside Night Shelter",
		}
	}
	subject["id"] = w.holder.did
	doc := map[string]any{
		"@context":          []any{schemas.CredentialsV2URL, schemas.CityContextURL},
		"id":                "urn:uuid:8d1f0f52-3c1e-4a43-a4d2-6a4e0c1f9b01",
		"type":              []any{"VerifiableCredential", schemas.ResidencyCredential},
		"issuer":            w.issuer.did,
		"validFrom":         start.Add(-48 * time.Hour).Format(time.RFC3339),
		"credentialSubject": subject,
		"credentialStatus": map[string]any{
			"id":                   statusURL + "#" + strconv.Itoa(statusIndex),
			"type":                 "BitstringStatusListEntry",
			"statusPurpose":        "revocation",
			"statusListIndex":      strconv.Itoa(statusIndex),
			"statusListCredential": statusURL,
		},
	}
	out, err := json.Marshal(w.sign(t, doc))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// ageOver is an SD-JWT VC age-over credential bound to the holder's key.
func (w *world) ageOver(t testing.TB) string {
	t.Helper()
	tok, err := sdjwt.Issue(map[string]any{"ageOver18": true, "ageOver21": false}, w.issuer.key, sdjwt.IssueOptions{
		Issuer:      w.issuer.did,
		KeyID:       w.issuer.vm,
		VCT:         credential.VCT(schemas.AgeOverCredential),
		IssuedAt:    start.Add(-time.Hour),
		HolderKey:   w.holder.key.Public(),
		Disclosable: []string{"ageOver18", "ageOver21"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// present is what the resident's wallet shows: only ageOver18, signed by
// the holder for the challenge at the clock's current time.
func (w *world) present(t testing.TB, tok, challenge string) []byte {
	t.Helper()
	p, err := sdjwt.Present(tok, []string{"ageOver18"}, w.holder.key, sdjwt.KeyBindingOptions{
		Audience: audience, Nonce: challenge, IssuedAt: w.clock.Now(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return []byte(p)
}
