package kiosk_test

import (
	"testing"

	"github.com/cityid/cityid/verifier/kiosk"
)

// BenchmarkCheck measures one scan of a holder-bound SD-JWT presentation:
// verification, the replay cache and the challenge rotation after it.
func BenchmarkCheck(b *testing.B) {
	w := newWorld(b)
	k := w.kiosk(b, func(c *kiosk.Config) { c.ChallengeGrace = -1 })
	tok := w.ageOver(b)
	for b.Loop() {
		b.StopTimer()
		code := w.present(b, tok, k.Challenge())
		b.StartTimer()
		if o := k.Check(ctx, code); !o.Pass {
			b.Fatal(o.Reason)
		}
	}
}

// BenchmarkCheckRefused measures the refusal of a line of garbage.
func BenchmarkCheckRefused(b *testing.B) {
	w := newWorld(b)
	k := w.kiosk(b)
	for b.Loop() {
		if o := k.Check(ctx, []byte("GARBAGE FROM A SCANNER")); o.Pass {
			b.Fatal("accepted")
		}
	}
}
