package wallet_test

import (
	"testing"

	"github.com/cityid/cityid/wallet"
)

// The costs of a resident's actions once the wallet is open (Open itself is
// dominated by Argon2id: see BenchmarkDeriveKeyDefault in internal/seal).

func BenchmarkPresentQR(b *testing.B) {
	clock := newClock()
	w, _ := newWallet(b, wallet.Options{Clock: clock.Now})
	iss := newTestIssuer(b)
	w.Import(iss.ldp(b, w.DID(), "CityIDCredential", cityClaims, clock.Now()))
	c, err := w.Import(iss.qr(b, w.Signer().Public(), "CityIDCredential", cityClaims, clock.Now()))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := w.PresentQR(c.ID, []string{"residentOf", "birthDate"}, wallet.PresentOptions{Challenge: "K7Q2"}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPresentSDJWT(b *testing.B) {
	clock := newClock()
	w, _ := newWallet(b, wallet.Options{Clock: clock.Now})
	iss := newTestIssuer(b)
	c, err := w.Import(iss.sdjwt(b, w.Signer().Public(), "CityIDCredential", cityClaims, clock.Now()))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := w.PresentSDJWT(c.ID, []string{"residentOf"}, "https://pool.example", "n"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkImportLDP is the check a W3C credential goes through before it
// is stored (RDFC canonicalization, Ed25519), plus sealing and the write.
func BenchmarkImportLDP(b *testing.B) {
	clock := newClock()
	w, _ := newWallet(b, wallet.Options{Clock: clock.Now})
	iss := newTestIssuer(b)
	data := iss.ldp(b, w.DID(), "CityIDCredential", cityClaims, clock.Now())
	for b.Loop() {
		if _, err := w.Import(data); err != nil {
			b.Fatal(err)
		}
	}
}
