package credential_test

// One benchmark run puts every securing form beside the raw Ed25519 floor and
// aries-framework-go's own LD verify of the same credential content, for
// profiling one form:
//
//	go test -run x -bench . -benchmem ./credential/
//
// BENCHMARKS.md is written by `go run ./cmd/cityid bench` (internal/bench),
// which measures the same side by side with everything else.

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"encoding/json"
	"testing"
	"time"

	"github.com/cityid/cityid/credential"
	"github.com/cityid/cityid/credential/dataintegrity"
	"github.com/cityid/cityid/credential/internal/aries"
	"github.com/cityid/cityid/credential/sdjwt"
	"github.com/cityid/cityid/did"
	"github.com/cityid/cityid/schemas"
)

var benchNow = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

type benchKey struct {
	priv ed25519.PrivateKey
	did  string
	vm   string
}

func newBenchKey(b *testing.B, seed byte) benchKey {
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, 32))
	id, err := did.KeyDID(priv.Public())
	if err != nil {
		b.Fatal(err)
	}
	vm, _ := did.KeyVerificationMethod(priv.Public())
	return benchKey{priv, id, vm}
}

// cityClaims is a city ID credential's subject: the heaviest city type.
func cityClaims() map[string]any {
	return map[string]any{
		"givenName":  "Ana María",
		"familyName": "Silva Ortega",
		"birthDate":  "1990-04-30",
		"residentOf": "Springfield",
	}
}

func cityVC(issuer, holder string, v2 bool) map[string]any {
	subject := cityClaims()
	subject["id"] = holder
	doc := map[string]any{
		"id":                "urn:uuid:0f8e8d0a-5e7c-4b8e-9a57-6d3c4a1b2c3d",
		"type":              []any{"VerifiableCredential", schemas.CityIDCredential},
		"issuer":            issuer,
		"credentialSubject": subject,
	}
	if v2 {
		doc["@context"] = []any{schemas.CredentialsV2URL, schemas.CityContextURL}
		doc["validFrom"] = "2026-11-01T00:00:00Z"
		doc["validUntil"] = "2031-11-01T00:00:00Z"
	} else {
		doc["@context"] = []any{schemas.CredentialsV1URL, schemas.Ed25519Suite2020URL, schemas.CityContextURL}
		doc["issuanceDate"] = "2026-11-01T00:00:00Z"
		doc["expirationDate"] = "2031-11-01T00:00:00Z"
	}
	return doc
}

func BenchmarkFloor(b *testing.B) {
	k := newBenchKey(b, 1)
	msg := bytes.Repeat([]byte{7}, 64)
	sig := ed25519.Sign(k.priv, msg)
	pub := k.priv.Public().(ed25519.PublicKey)
	b.Run("Ed25519Sign", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			ed25519.Sign(k.priv, msg)
		}
	})
	b.Run("Ed25519Verify", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if !ed25519.Verify(pub, msg, sig) {
				b.Fatal("bad signature")
			}
		}
	})
}

func signDI(b *testing.B, k benchKey, suite string, doc map[string]any) map[string]any {
	signed, err := dataintegrity.Sign(doc, k.priv, dataintegrity.SignOptions{
		Cryptosuite: suite, VerificationMethod: k.vm, Created: benchNow,
	})
	if err != nil {
		b.Fatal(err)
	}
	return signed
}

func BenchmarkSign(b *testing.B) {
	issuer, holder := newBenchKey(b, 1), newBenchKey(b, 2)
	for _, suite := range []string{"eddsa-rdfc-2022", "eddsa-jcs-2022"} {
		b.Run(suite, func(b *testing.B) {
			doc := cityVC(issuer.did, holder.did, true)
			b.ReportAllocs()
			for b.Loop() {
				signDI(b, issuer, suite, doc)
			}
		})
	}
	b.Run("sd-jwt", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			issueSDJWT(b, issuer, holder)
		}
	})
	b.Run("aries-Ed25519Signature2020", func(b *testing.B) {
		doc, _ := json.Marshal(cityVC(issuer.did, holder.did, false))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := aries.SignEd25519Signature2020(doc, issuer.priv, issuer.vm, benchNow); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func issueSDJWT(b *testing.B, issuer, holder benchKey) string {
	tok, err := sdjwt.Issue(cityClaims(), issuer.priv, sdjwt.IssueOptions{
		Issuer: issuer.did, KeyID: issuer.vm, VCT: credential.VCT(schemas.CityIDCredential),
		IssuedAt: benchNow, Expiry: benchNow.AddDate(5, 0, 0), HolderKey: holder.priv.Public(),
		Disclosable: []string{"givenName", "familyName", "birthDate", "residentOf"},
	})
	if err != nil {
		b.Fatal(err)
	}
	return tok
}

func BenchmarkVerify(b *testing.B) {
	issuer, holder := newBenchKey(b, 1), newBenchKey(b, 2)
	pub := issuer.priv.Public()
	keys := func(string) (crypto.PublicKey, error) { return pub, nil }
	for _, suite := range []string{"eddsa-rdfc-2022", "eddsa-jcs-2022"} {
		b.Run(suite, func(b *testing.B) {
			data, _ := json.Marshal(signDI(b, issuer, suite, cityVC(issuer.did, holder.did, true)))
			opts := dataintegrity.VerifyOptions{Cryptosuites: []string{suite}, Now: benchNow}
			b.ReportAllocs()
			for b.Loop() {
				// From bytes, as a verifier receives it.
				doc, err := credential.DecodeJSON(data)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := dataintegrity.Verify(doc, keys, opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	sdOpts := sdjwt.VerifyOptions{Algorithms: []string{"EdDSA"}, Now: benchNow}
	sdKeys := func(string, string) (crypto.PublicKey, error) { return pub, nil }
	b.Run("sd-jwt", func(b *testing.B) {
		tok := issueSDJWT(b, issuer, holder)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := sdjwt.Verify(tok, sdKeys, sdOpts); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("sd-jwt+kb", func(b *testing.B) {
		pres, err := sdjwt.Present(issueSDJWT(b, issuer, holder), []string{"givenName", "birthDate"}, holder.priv,
			sdjwt.KeyBindingOptions{Audience: "https://counter.example", Nonce: "n-1", IssuedAt: benchNow})
		if err != nil {
			b.Fatal(err)
		}
		opts := sdOpts
		opts.RequireKeyBinding, opts.Audience, opts.Nonce = true, "https://counter.example", "n-1"
		b.ReportAllocs()
		for b.Loop() {
			if _, err := sdjwt.Verify(pres, sdKeys, opts); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("aries-Ed25519Signature2020", func(b *testing.B) {
		doc, _ := json.Marshal(cityVC(issuer.did, holder.did, false))
		vc, err := aries.SignEd25519Signature2020(doc, issuer.priv, issuer.vm, benchNow)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := aries.VerifyLDProof(vc, pub.(ed25519.PublicKey)); err != nil {
				b.Fatal(err)
			}
		}
	})
}
