package bench

import (
	"bytes"
	"crypto/ed25519"
	"fmt"
	"maps"
	"time"

	"github.com/cityid/cityid/credential/status"
	"github.com/cityid/cityid/did"
	"github.com/cityid/cityid/schemas"
)

// benchNow is the fixed time the primitive benchmarks sign and verify at, so
// their inputs are the same in every run.
var benchNow = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

// key is an Ed25519 key with its did:key names.
type key struct {
	priv ed25519.PrivateKey
	pub  ed25519.PublicKey
	did  string
	vm   string
}

// newKey derives a fixed key from seed: the benchmarks' inputs never vary.
func newKey(seed byte) (key, error) {
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
	pub := priv.Public().(ed25519.PublicKey)
	id, err := did.KeyDID(pub)
	if err != nil {
		return key{}, err
	}
	vm, err := did.KeyVerificationMethod(pub)
	if err != nil {
		return key{}, err
	}
	return key{priv, pub, id, vm}, nil
}

// sample is a credential type with realistic claims, as in the size table of
// docs/compact-qr.md.
type sample struct {
	name   string // what the table calls it
	typ    string
	claims map[string]any
}

// samples has every city type; the first is the size targets' credential.
var samples = []sample{
	{"city ID", schemas.CityIDCredential, map[string]any{
		"givenName": "Maria", "familyName": "Garcia Lopez", "birthDate": "1987-03-14", "residentOf": "Springfield"}},
	{"city ID with photo digest", schemas.CityIDCredential, map[string]any{
		"givenName": "Ana María", "familyName": "O'Neil-Núñez", "birthDate": "1990-04-30",
		"photoDigest": "uEiBVxk0PzW-dX3yCgJOFfj_f2mhHi7TpvSTUge85HHgE6A", "residentOf": "Springfield"}},
	{"residency, shelter", schemas.ResidencyCredential, map[string]any{
		"residentOf": "Springfield", "housingStatus": "shelter", "shelterName": "Riverside Shelter"}},
	{"residency, housed", schemas.ResidencyCredential, map[string]any{
		"residentOf": "Springfield", "housingStatus": "housed", "residentSince": "2010-09-01",
		"address": map[string]any{"streetAddress": "742 Evergreen Terrace", "unit": "2B",
			"postalCode": "49007", "addressLocality": "Springfield"}}},
	{"age over", schemas.AgeOverCredential, map[string]any{"ageOver18": true, "ageOver21": true, "ageOver65": false}},
	{"service eligibility", schemas.ServiceEligibilityCredential, map[string]any{
		"program": "transit-discount", "programName": "Reduced fare transit",
		"eligibleFrom": "2026-01-01", "eligibleUntil": "2026-12-31"}},
}

// cityID is the credential of the side-by-side tables.
func cityID() sample { return samples[0] }

// sampleNamed returns the sample called name.
func sampleNamed(name string) sample {
	for _, s := range samples {
		if s.name == name {
			return s
		}
	}
	panic("bench: no sample called " + name)
}

// claimNames lists a sample's top-level claims (what a full presentation
// discloses).
func claimNames(claims map[string]any) []string {
	var out []string
	for k := range claims {
		out = append(out, k)
	}
	return out
}

// statusBase is where the fixtures' status lists live (loopback: nothing
// fetches it; the compact form keeps only a 3-byte reference).
const statusBase = "http://127.0.0.1:8080/status/"

// statusEntries are a credential's revocation and suspension entries, as the
// issuer service writes them.
func statusEntries() []any {
	var out []any
	for _, p := range []string{status.PurposeRevocation, status.PurposeSuspension} {
		u := statusBase + p + "-0"
		out = append(out, status.Entry{ID: u + "#48213", Purpose: p, Index: 48213, ListCredential: u}.Map())
	}
	return out
}

// vc2 is an unsigned VC 2.0 city credential as the issuer service builds it;
// holder "" makes one with no subject id (a paper credential).
func vc2(s sample, issuer, holder string, withStatus bool) map[string]any {
	subject := maps.Clone(s.claims)
	if holder != "" {
		subject["id"] = holder
	}
	doc := map[string]any{
		"@context":          []any{schemas.CredentialsV2URL, schemas.CityContextURL},
		"id":                "urn:uuid:3978344f-8596-4c3a-a978-8fcaba3903c5",
		"type":              []any{"VerifiableCredential", s.typ},
		"issuer":            issuer,
		"validFrom":         benchNow.AddDate(0, -1, 0).Format(time.RFC3339),
		"validUntil":        benchNow.AddDate(5, 0, 0).Format(time.RFC3339),
		"credentialSubject": subject,
	}
	if withStatus {
		doc["credentialStatus"] = statusEntries()
	}
	return doc
}

// vc11 is the same content as VC 1.1 for aries-framework-go's
// Ed25519Signature2020, which knows no VC 2.0.
func vc11(s sample, issuer, holder string) map[string]any {
	subject := maps.Clone(s.claims)
	subject["id"] = holder
	return map[string]any{
		"@context":          []any{schemas.CredentialsV1URL, schemas.Ed25519Suite2020URL, schemas.CityContextURL},
		"id":                "urn:uuid:3978344f-8596-4c3a-a978-8fcaba3903c5",
		"type":              []any{"VerifiableCredential", s.typ},
		"issuer":            issuer,
		"issuanceDate":      benchNow.AddDate(0, -1, 0).Format(time.RFC3339),
		"expirationDate":    benchNow.AddDate(5, 0, 0).Format(time.RFC3339),
		"credentialSubject": subject,
	}
}

// errWrong reports an operation that ran but gave a wrong answer.
func errWrong(format string, args ...any) error {
	return fmt.Errorf("wrong result: "+format, args...)
}
