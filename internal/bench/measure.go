package bench

import (
	"fmt"
	"runtime"
	"slices"
	"time"
)

// timing is one benchmark's outcome: the mean time and allocations of one
// operation over the last (longest) round.
type timing struct {
	N      int
	Ns     float64 // nanoseconds per operation
	Allocs float64 // heap allocations per operation
}

// bench describes one measured operation. prepare, when set, runs untimed
// before each round with the round's operation count (for example to make n
// distinct presentations a replay cache will accept); op runs once per
// operation with its index in the round and must fail on a wrong answer, so
// a benchmark never times a broken path.
type bench struct {
	prepare func(n int) error
	op      func(i int) error
}

// run times b the way testing.B does: one operation first (which also checks
// it works), then rounds of growing size until one lasts at least d; the
// figures are those of the last round. allocs come from runtime.MemStats
// around the round, after a collection.
func run(b bench, d time.Duration) (timing, error) {
	n := 1
	for {
		if b.prepare != nil {
			if err := b.prepare(n); err != nil {
				return timing{}, err
			}
		}
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		start := time.Now()
		for i := range n {
			if err := b.op(i); err != nil {
				return timing{}, fmt.Errorf("operation %d: %w", i+1, err)
			}
		}
		elapsed := time.Since(start)
		runtime.ReadMemStats(&after)
		t := timing{N: n, Ns: float64(elapsed.Nanoseconds()) / float64(n),
			Allocs: float64(after.Mallocs-before.Mallocs) / float64(n)}
		if elapsed >= d || n >= 1e9 {
			return t, nil
		}
		// Aim 20 % past d, growing at most 100-fold, at least by one.
		next := int(1.2 * float64(d) / max(t.Ns, 1))
		next = min(max(next, n+1), 100*n)
		n = next
	}
}

// median returns the median of xs (the mean of the two middle values for an
// even count); xs must not be empty.
func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// formatNs prints a duration per operation with three significant figures.
func formatNs(ns float64) string {
	switch {
	case ns >= 1e9:
		return fmt.Sprintf("%.3g s", ns/1e9)
	case ns >= 1e6:
		return fmt.Sprintf("%.3g ms", ns/1e6)
	case ns >= 1e3:
		return fmt.Sprintf("%.3g µs", ns/1e3)
	}
	return fmt.Sprintf("%.3g ns", ns)
}

// formatRatio prints a ratio with two significant figures under 10 and none
// after the point above.
func formatRatio(r float64) string {
	if r >= 10 {
		return fmt.Sprintf("%.0f", r)
	}
	return fmt.Sprintf("%.2g", r)
}
