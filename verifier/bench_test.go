package verifier_test

import (
	"context"
	"crypto/ed25519"
	"testing"
	"time"

	"github.com/cityid/cityid/credential/compact"
	"github.com/cityid/cityid/credential/sdjwt"
	"github.com/cityid/cityid/verifier"
)

// BenchmarkVerifier measures the whole offline verification path an agency
// runs (parse, proof, issuer binding, trust, validity, cached status list),
// to be read beside the credential core's benchmarks of the bare proofs.
func BenchmarkVerifier(b *testing.B) {
	w := newWorld(b)
	b.Run("ldp_vc+status", func(b *testing.B) {
		v := w.verifier(b)
		data := mustJSON(b, w.signLDP(b, w.issuer, w.residency(w.issuer.did, 3)))
		b.ReportAllocs()
		for b.Loop() {
			if res := v.Verify(context.Background(), data); !res.Verified {
				b.Fatal(res.Failures)
			}
		}
	})
	b.Run("floor:2xEd25519Verify", func(b *testing.B) {
		msg := []byte("a holder-bound presentation: two signatures")
		sig := ed25519.Sign(w.issuer.key, msg)
		pub := w.issuer.key.Public().(ed25519.PublicKey)
		b.ReportAllocs()
		for b.Loop() {
			if !ed25519.Verify(pub, msg, sig) || !ed25519.Verify(pub, msg, sig) {
				b.Fatal("bad signature")
			}
		}
	})
	b.Run("cityid-qr+holder+status", func(b *testing.B) {
		// Each presentation is accepted once (replays are refused), so the
		// benchmark verifies a pool of distinct presentations, one second
		// apart (the holder's timestamp has one-second resolution).
		v := w.verifier(b, func(p *verifier.Policy) { p.MaxPresentationAge = 24 * time.Hour })
		cred := w.compactCredential(b, w.issuer, 3, false)
		pool := make([][]byte, 20000)
		for i := range pool {
			text, err := compact.Present(cred, []string{"residentOf", "housingStatus"}, w.holder.key,
				compact.PresentOptions{Time: now.Add(-time.Duration(i) * time.Second)})
			if err != nil {
				b.Fatal(err)
			}
			pool[i] = []byte(text)
		}
		i := 0
		b.ReportAllocs()
		for b.Loop() {
			if i == len(pool) {
				b.Fatal("pool exhausted: raise its size")
			}
			if res := v.Verify(context.Background(), pool[i]); !res.Verified {
				b.Fatal(res.Failures)
			}
			i++
		}
	})
	b.Run("dc+sd-jwt+kb", func(b *testing.B) {
		v := w.verifier(b, func(p *verifier.Policy) {
			p.RequireHolderBinding = true
			p.Audience, p.Challenge = "https://counter.example", "n-1"
			p.MaxPresentationAge = 24 * time.Hour
		})
		tok := w.sdJWT(b, w.issuer, w.issuer.did, w.issuer.vm, now.Add(time.Hour))
		pool := make([][]byte, 20000)
		for i := range pool {
			pres, err := sdjwt.Present(tok, []string{"residentOf"}, w.holder.key,
				sdjwt.KeyBindingOptions{Audience: "https://counter.example", Nonce: "n-1", IssuedAt: now.Add(-time.Duration(i) * time.Second)})
			if err != nil {
				b.Fatal(err)
			}
			pool[i] = []byte(pres)
		}
		i := 0
		b.ReportAllocs()
		for b.Loop() {
			if i == len(pool) {
				b.Fatal("pool exhausted: raise its size")
			}
			if res := v.Verify(context.Background(), pool[i]); !res.Verified {
				b.Fatal(res.Failures)
			}
			i++
		}
	})
}
