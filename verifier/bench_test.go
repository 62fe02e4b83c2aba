package verifier_test

import (
	"context"
	"testing"
	"time"

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
	b.Run("dc+sd-jwt+kb", func(b *testing.B) {
		v := w.verifier(b, func(p *verifier.Policy) {
			p.RequireHolderBinding = true
			p.Audience, p.Challenge = "https://counter.example", "n-1"
		})
		pres, err := sdjwt.Present(w.sdJWT(b, w.issuer, w.issuer.did, w.issuer.vm, now.Add(time.Hour)), []string{"residentOf"},
			w.holder.key, sdjwt.KeyBindingOptions{Audience: "https://counter.example", Nonce: "n-1", IssuedAt: now})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if res := v.Verify(context.Background(), []byte(pres)); !res.Verified {
				b.Fatal(res.Failures)
			}
		}
	})
}
