package verifier_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/cityid/cityid/verifier"
)

// The bundle's status list was issued an hour before `now`. A deployment
// sets how old it may be, and whether a stale list refuses or warns.
func TestStatusStaleness(t *testing.T) {
	w := newWorld(t)
	vc := mustJSON(t, w.signLDP(t, w.issuer, w.residency(w.issuer.did, 3)))

	fresh := w.verifier(t, func(p *verifier.Policy) { p.StatusMaxAge = 2 * time.Hour })
	res := fresh.Verify(context.Background(), vc)
	checkResult(t, res, expect{verified: true})
	if res.StatusAsOf == nil || !res.StatusAsOf.Equal(now.Add(-time.Hour)) {
		t.Fatalf("status_as_of = %v, want the list's issue time", res.StatusAsOf)
	}

	reject := w.verifier(t, func(p *verifier.Policy) { p.StatusMaxAge = 30 * time.Minute })
	checkResult(t, reject.Verify(context.Background(), vc), expect{check: "status", reason: verifier.ReasonStatusStale})

	warn := w.verifier(t, func(p *verifier.Policy) {
		p.StatusMaxAge = 30 * time.Minute
		p.StaleStatus = verifier.StaleWarn
	})
	res = warn.Verify(context.Background(), vc)
	checkResult(t, res, expect{verified: true})
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "revocation list is 1 hours old") {
		t.Fatalf("warnings %q", res.Warnings)
	}
	// Stale or not, a revoked credential in the list stays revoked.
	revoked := mustJSON(t, w.signLDP(t, w.issuer, w.residency(w.issuer.did, revokedIndex)))
	checkResult(t, warn.Verify(context.Background(), revoked), expect{check: "status", reason: verifier.ReasonRevoked})

	// A list past its own validUntil (a week, in the fixture) is stale
	// whatever StatusMaxAge says.
	late := w.verifier(t, func(p *verifier.Policy) { p.Clock = func() time.Time { return now.AddDate(0, 0, 10) } })
	res = late.Verify(context.Background(), vc)
	checkResult(t, res, expect{check: "status", reason: verifier.ReasonStatusStale})
	if !strings.Contains(res.Checks.Status.Message, "expired on") {
		t.Fatalf("message %q", res.Checks.Status.Message)
	}
}
