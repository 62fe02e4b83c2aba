package verifier_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"fmt"

	jose "github.com/go-jose/go-jose/v4"
	"time"

	"github.com/cityid/cityid/credential"
	"github.com/cityid/cityid/credential/dataintegrity"
	"github.com/cityid/cityid/credential/sdjwt"
	"github.com/cityid/cityid/credential/status"
	"github.com/cityid/cityid/credential/trust"
	"github.com/cityid/cityid/did"
	"github.com/cityid/cityid/schemas"
	"github.com/cityid/cityid/verifier"
)

// tb is the part of testing.TB the fixture needs; Examples pass a panicker.
type tb interface {
	Helper()
	Fatal(args ...any)
}

// panicker is a tb for Example functions, which have no *testing.T.
type panicker struct{}

func (panicker) Helper()           {}
func (panicker) Fatal(args ...any) { panic(fmt.Sprint(args...)) }

// now is the fixed clock of every test.
var now = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

const statusURL = "https://id.springfield.example/status/1"

// party is a key holder in a test: the city's issuer, a resident, an attacker.
type party struct {
	key ed25519.PrivateKey
	did string
	vm  string
}

func newParty(t tb, seed byte) party {
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

// world is a city with a root key, one trusted issuer and its status list.
type world struct {
	root, issuer, holder, attacker party
	revoked                        *status.List
	bundle                         *trust.Bundle
}

const revokedIndex = 7

func newWorld(t tb) *world {
	t.Helper()
	w := &world{
		root:     newParty(t, 1),
		issuer:   newParty(t, 2),
		holder:   newParty(t, 3),
		attacker: newParty(t, 0x66),
	}
	w.revoked = status.New()
	if err := w.revoked.Set(revokedIndex, true); err != nil {
		t.Fatal(err)
	}
	listVC, err := status.NewStatusListCredential(statusURL, w.issuer.did, status.PurposeRevocation, w.revoked, now.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	listVC["validUntil"] = now.Add(7 * 24 * time.Hour).Format(time.RFC3339)
	signedList := w.signLDP(t, w.issuer, listVC)
	listJSON, _ := json.Marshal(signedList)
	mk, _ := did.EncodeMultikey(w.issuer.key.Public())
	b := &trust.Bundle{
		Version:   1,
		Name:      "City of Springfield",
		Root:      w.root.vm,
		IssuedAt:  now.Add(-24 * time.Hour),
		ExpiresAt: now.Add(90 * 24 * time.Hour),
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
	if w.bundle, err = trust.Open(data, w.root.vm, now); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *world) verifier(t tb, edit ...func(*verifier.Policy)) *verifier.Verifier {
	t.Helper()
	p := verifier.DefaultPolicy(w.bundle)
	p.Clock = func() time.Time { return now }
	p.Cryptosuites = []string{"eddsa-rdfc-2022", "eddsa-jcs-2022"}
	for _, e := range edit {
		e(&p)
	}
	v, err := verifier.New(p)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// residency returns an unsigned city residency credential for the holder.
func (w *world) residency(issuer string, statusIndex int) map[string]any {
	doc := map[string]any{
		"@context":  []any{schemas.CredentialsV2URL, schemas.CityContextURL},
		"id":        "urn:uuid:8d1f0f52-3c1e-4a43-a4d2-6a4e0c1f9b01",
		"type":      []any{"VerifiableCredential", schemas.ResidencyCredential},
		"issuer":    issuer,
		"validFrom": now.Add(-48 * time.Hour).Format(time.RFC3339),
		"credentialSubject": map[string]any{
			"id":            w.holder.did,
			"residentOf":    "Springfield",
			"housingStatus": "shelter",
			"shelterName":   "Eastside Night Shelter",
		},
	}
	if statusIndex >= 0 {
		doc["credentialStatus"] = map[string]any{
			"id":                   statusURL + "#" + itoa(statusIndex),
			"type":                 "BitstringStatusListEntry",
			"statusPurpose":        "revocation",
			"statusListIndex":      itoa(statusIndex),
			"statusListCredential": statusURL,
		}
	}
	return doc
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

// signLDP signs doc with p's key as an eddsa-rdfc-2022 assertion.
func (w *world) signLDP(t tb, p party, doc map[string]any) map[string]any {
	t.Helper()
	return signWith(t, p.key, p.vm, doc)
}

func signWith(t tb, key ed25519.PrivateKey, vm string, doc map[string]any) map[string]any {
	t.Helper()
	signed, err := dataintegrity.Sign(doc, key, dataintegrity.SignOptions{
		Cryptosuite:        "eddsa-rdfc-2022",
		VerificationMethod: vm,
		ProofPurpose:       "assertionMethod",
		Created:            now.Add(-47 * time.Hour),
	})
	if err != nil {
		t.Fatal(err)
	}
	return signed
}

func mustJSON(t tb, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sdJWT issues an SD-JWT VC residency credential bound to the holder's key.
func (w *world) sdJWT(t tb, signer party, iss, kid string, exp time.Time) string {
	t.Helper()
	tok, err := sdjwt.Issue(map[string]any{
		"residentOf":    "Springfield",
		"housingStatus": "noFixedAddress",
	}, signer.key, sdjwt.IssueOptions{
		Issuer:      iss,
		KeyID:       kid,
		VCT:         credential.VCT(schemas.ResidencyCredential),
		IssuedAt:    now.Add(-time.Hour),
		Expiry:      exp,
		HolderKey:   w.holder.key.Public(),
		Disclosable: []string{"residentOf", "housingStatus"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// forgeSDJWT signs an SD-JWT VC by hand, as an attacker would: sdjwt.Issue
// refuses to make a token whose kid is not the issuer's.
func forgeSDJWT(t tb, signer party, iss, kid string) string {
	t.Helper()
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.EdDSA, Key: signer.key},
		(&jose.SignerOptions{}).WithType("dc+sd-jwt").WithHeader("kid", kid))
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := json.Marshal(map[string]any{
		"iss": iss, "vct": credential.VCT(schemas.ResidencyCredential), "_sd_alg": "sha-256",
		"iat": now.Add(-time.Hour).Unix(), "residentOf": "Springfield", "housingStatus": "housed",
	})
	obj, err := s.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	compact, err := obj.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return compact + "~"
}
