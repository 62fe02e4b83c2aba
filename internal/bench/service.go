package bench

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cityid/cityid/credential/compact"
	"github.com/cityid/cityid/credential/sdjwt"
	"github.com/cityid/cityid/credential/trust"
	"github.com/cityid/cityid/issuer"
	"github.com/cityid/cityid/verifier"
)

// actor is who issues in the benchmark, for the issuer's audit log.
var actor = issuer.Actor{Kind: "cli", Name: "cityid bench"}

// service opens the issuer service core once, on a temporary data directory
// (SQLite in WAL mode with synchronous=FULL, as in production).
func (s *suite) service(ctx context.Context) (*issuer.Service, error) {
	if s.svc != nil {
		return s.svc, nil
	}
	svc, err := issuer.Open(ctx, filepath.Join(s.tmp, "issuer"), issuer.Options{
		PublicURL:  "http://127.0.0.1:8080",
		Passphrase: []byte("cityid bench: a throwaway issuer"),
		Logger:     slog.New(slog.NewTextHandler(io.Discard, nil)),
		CityName:   "Springfield",
	})
	if err != nil {
		return nil, fmt.Errorf("opening the issuer service: %w", err)
	}
	s.svc = svc
	return svc, nil
}

// verifierSection measures verifier.Verify, what an agency's call costs,
// on credentials the issuer service issued and its own trust bundle.
func (s *suite) verifierSection(ctx context.Context) error {
	sec := s.section("verifier", "The whole verifier (verifier.Verify)",
		"verifier.Verify", "#time / op", "#allocs / op", "#× floor", "#vs aries-framework-go", "target", "verdict")
	svc, err := s.service(ctx)
	if err != nil {
		return err
	}
	hold, city := s.holder, cityID()
	issued := map[issuer.Format][]byte{}
	for _, f := range []issuer.Format{issuer.FormatLDP, issuer.FormatSDJWT, issuer.FormatQR} {
		rec, err := svc.Issue(ctx, actor, issuer.IssueRequest{Type: city.typ, Subject: hold.did, Claims: city.claims, Format: f})
		if err != nil {
			return fmt.Errorf("issuing a %s city ID: %w", f, err)
		}
		issued[f] = rec.Credential
	}
	t0 := time.Now()
	data, err := svc.Bundle(ctx)
	if err != nil {
		return err
	}
	b, err := trust.Open(data, svc.RootDID(), t0)
	if err != nil {
		return fmt.Errorf("opening the issuer's own trust bundle: %w", err)
	}
	// The verifier's clock stands a day after issuance, so a day of distinct
	// one-second holder timestamps is available for presentations (each QR
	// presentation is accepted once: the replay cache refuses it after).
	now := t0.Add(24 * time.Hour)
	newVerifier := func(edit func(*verifier.Policy)) (*verifier.Verifier, error) {
		p := verifier.DefaultPolicy(b)
		p.Clock = func() time.Time { return now }
		p.MaxPresentationAge = 24 * time.Hour
		edit(&p)
		return verifier.New(p)
	}
	check := func(v *verifier.Verifier, in []byte) error {
		if res := v.Verify(ctx, in); !res.Verified {
			return errWrong("not verified: %v", res.Failures)
		}
		return nil
	}
	// The floor again, right before: the machine's load drifts.
	msg := []byte("a holder-bound presentation: two signatures")
	sig1, sig2 := ed25519.Sign(s.issuer.priv, msg), ed25519.Sign(hold.priv, msg)
	fl, err := s.time("two raw Ed25519 verifications", bench{op: func(int) error {
		if !ed25519.Verify(s.issuer.pub, msg, sig1) || !ed25519.Verify(hold.pub, msg, sig2) {
			return errWrong("the floor's signatures did not verify")
		}
		return nil
	}})
	if err != nil {
		return err
	}
	floor2 := fl.Ns
	s.add(sec, "two raw Ed25519 verifications (floor)", formatNs(floor2), allocs(fl), "1", "", "", "")

	// The holder-bound QR presentation, each one new.
	vQR, err := newVerifier(func(p *verifier.Policy) { p.RequireHolderBinding, p.Challenge = true, "K7Q2" })
	if err != nil {
		return err
	}
	qrText := string(issued[issuer.FormatQR])
	qr, err := s.time("verify a QR presentation", presentations(func(at time.Time) (string, error) {
		return compact.Present(qrText, claimNames(city.claims), hold.priv, compact.PresentOptions{Time: at, Challenge: "K7Q2"})
	}, now, func(p string) error { return check(vQR, []byte(p)) }))
	if err != nil {
		return err
	}
	r := qr.Ns / floor2
	goal, verdict := s.target(sec, Target{Name: "verifier: holder-bound QR presentation vs two raw Ed25519 verifications (issue #4)",
		Goal: "≤ 2 × the floor", Measured: formatRatio(r) + " ×", Met: r <= 2})
	s.add(sec, "holder-bound QR presentation (base45, CBOR, COSE, two signatures, status)", formatNs(qr.Ns), allocs(qr),
		formatRatio(r)+" ×", formatRatio(s.ariesVerify/qr.Ns)+" × faster", goal, verdict)

	// SD-JWT VC with key binding.
	vSD, err := newVerifier(func(p *verifier.Policy) {
		p.RequireHolderBinding, p.Audience, p.Challenge = true, "https://counter.example", "n-1"
	})
	if err != nil {
		return err
	}
	sdText := string(issued[issuer.FormatSDJWT])
	sd, err := s.time("verify an SD-JWT VC presentation", presentations(func(at time.Time) (string, error) {
		return sdjwt.Present(sdText, []string{"givenName", "birthDate"}, hold.priv,
			sdjwt.KeyBindingOptions{Audience: "https://counter.example", Nonce: "n-1", IssuedAt: at})
	}, now, func(p string) error { return check(vSD, []byte(p)) }))
	if err != nil {
		return err
	}
	s.add(sec, "SD-JWT VC with key binding (challenge, audience, status)", formatNs(sd.Ns), allocs(sd),
		formatRatio(sd.Ns/floor2)+" ×", formatRatio(s.ariesVerify/sd.Ns)+" × faster", "", "")

	// The W3C credential.
	vLDP, err := newVerifier(func(*verifier.Policy) {})
	if err != nil {
		return err
	}
	ldp, err := s.time("verify a W3C credential", bench{op: func(int) error { return check(vLDP, issued[issuer.FormatLDP]) }})
	if err != nil {
		return err
	}
	s.add(sec, "W3C credential (eddsa-rdfc-2022) with status check", formatNs(ldp.Ns), allocs(ldp),
		formatRatio(ldp.Ns/floor2)+" ×", formatRatio(s.ariesVerify/ldp.Ns)+" × faster", "", "")
	s.note(sec, "credentials issued by the issuer service core in this run; its signed trust bundle (issuers, cached status lists) is the verifier's policy")
	return nil
}

// presentations benchmarks verifying holder presentations, each new: a
// verifier accepts a presentation only once (its replay cache refuses it
// after), so before each round prepare makes one per operation, one second
// apart before now, untimed.
func presentations(present func(at time.Time) (string, error), now time.Time, verify func(string) error) bench {
	const maxPool = 86000 // a day of seconds: MaxPresentationAge
	var pool []string
	made := 0
	return bench{
		prepare: func(n int) error {
			if made+n > maxPool {
				return fmt.Errorf("more than %d presentations needed: the benchmark ran too long", maxPool)
			}
			pool = pool[:0]
			for range n {
				made++
				p, err := present(now.Add(-time.Duration(made) * time.Second))
				if err != nil {
					return err
				}
				pool = append(pool, p)
			}
			return nil
		},
		op: func(i int) error { return verify(pool[i]) },
	}
}

// issuance measures durable issuance: many concurrent callers, each
// answered only after its credential's transaction committed.
func (s *suite) issuance(ctx context.Context) error {
	sec := s.section("issuance", "Durable issuance (issuer service core, SQLite WAL, synchronous=FULL)",
		"format", "#credentials", "#callers", "#seconds", "#credentials / s", "target", "verdict")
	svc, err := s.service(ctx)
	if err != nil {
		return err
	}
	n := 3000
	if s.opts.Quick {
		n = 40
	}
	callers := 64 * runtime.GOMAXPROCS(0)
	city := cityID()
	for _, f := range []issuer.Format{issuer.FormatLDP, issuer.FormatSDJWT} {
		req := issuer.IssueRequest{Type: city.typ, Subject: s.holder.did, Claims: city.claims, Format: f}
		// Warm up (the first credential of a form compiles its schema and contexts).
		if _, err := svc.Issue(ctx, actor, req); err != nil {
			return err
		}
		var times []time.Duration
		for range s.reps {
			d, err := issueConcurrently(ctx, svc, req, n, callers)
			if err != nil {
				return fmt.Errorf("issuing %s: %w", f, err)
			}
			times = append(times, d)
		}
		slices.Sort(times)
		elapsed := times[len(times)/2]
		rate := float64(n) / elapsed.Seconds()
		goal, verdict := s.target(sec, Target{Name: fmt.Sprintf("durable issuance, %s (issue #3)", f),
			Goal: "≥ 3 000 credentials/s", Measured: fmt.Sprintf("%.0f /s", rate), Met: rate >= 3000})
		s.add(sec, string(f)+formatNote(f), fmt.Sprint(n), fmt.Sprint(callers),
			fmt.Sprintf("%.2f", elapsed.Seconds()), fmt.Sprintf("%.0f", rate), goal, verdict)
	}
	if s.reps > 1 {
		s.note(sec, "each format was issued %d times over (%d credentials each time); the row is the run with the median time", s.reps, n)
	}
	return nil
}

// issueConcurrently issues n credentials from callers goroutines and
// returns how long it took.
func issueConcurrently(ctx context.Context, svc *issuer.Service, req issuer.IssueRequest, n, callers int) (time.Duration, error) {
	var next atomic.Int64
	var wg sync.WaitGroup
	var firstErr error
	var once sync.Once
	start := time.Now()
	for range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(n) {
				if _, err := svc.Issue(ctx, actor, req); err != nil {
					once.Do(func() { firstErr = err })
					return
				}
			}
		}()
	}
	wg.Wait()
	return time.Since(start), firstErr
}

func formatNote(f issuer.Format) string {
	switch f {
	case issuer.FormatLDP:
		return " (W3C VC, eddsa-rdfc-2022)"
	case issuer.FormatSDJWT:
		return " (SD-JWT VC)"
	}
	return ""
}
