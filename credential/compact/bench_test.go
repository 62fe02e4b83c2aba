package compact

import (
	"crypto/ed25519"
	"testing"

	"github.com/cityid/cityid/schemas"
)

// BenchmarkEd25519Verify2 is the floor: the two raw Ed25519 verifications a
// holder-bound presentation needs (issuer, holder).
func BenchmarkEd25519Verify2(b *testing.B) {
	msg1, msg2 := make([]byte, 200), make([]byte, 80)
	sig1, sig2 := ed25519.Sign(issuerPriv, msg1), ed25519.Sign(holderPriv, msg2)
	pub1, pub2 := issuerPriv.Public().(ed25519.PublicKey), holderPriv.Public().(ed25519.PublicKey)
	b.ReportAllocs()
	for b.Loop() {
		if !ed25519.Verify(pub1, msg1, sig1) || !ed25519.Verify(pub2, msg2, sig2) {
			b.Fatal("verify")
		}
	}
}

// BenchmarkVerifyHolderBound verifies the size target's presentation from
// its QR text: prefix, Base45, CBOR (with the deterministic-encoding check),
// the claim digests, the key and status lookups, both signatures, expansion
// to the VC data model. The revocation check itself is the verifier
// library's.
func BenchmarkVerifyHolderBound(b *testing.B) {
	in := issueAll(b, schemas.CityIDCredential, cityID)
	text := present(b, in.stored, claimNames(cityID), "kiosk-7")
	keys := testKeys(b, issuerPriv)
	opts := verifyOpts(b)
	opts.Challenge = "kiosk-7"
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Verify(text, keys, opts); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyPaper(b *testing.B) {
	in := issueAll(b, schemas.CityIDCredential, cityID)
	keys := testKeys(b, issuerPriv)
	opts := verifyOpts(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Verify(in.paper, keys, opts); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPresent(b *testing.B) {
	in := issueAll(b, schemas.CityIDCredential, cityID)
	names := claimNames(cityID)
	b.ReportAllocs()
	for b.Loop() {
		present(b, in.stored, names, "kiosk-7")
	}
}

func BenchmarkIssue(b *testing.B) {
	_, vm := keyDID(b, issuerPriv)
	vc := sample(b, schemas.CityIDCredential, cityID, holderPriv)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Issue(vc, issuerPriv, IssueOptions{KeyID: vm, HolderKey: holderPriv.Public()}); err != nil {
			b.Fatal(err)
		}
	}
}
