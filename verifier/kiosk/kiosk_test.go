package kiosk_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cityid/cityid/credential/trust"
	"github.com/cityid/cityid/verifier"
	"github.com/cityid/cityid/verifier/kiosk"
)

var ctx = context.Background()

func claimMap(o kiosk.Outcome) map[string]string {
	m := map[string]string{}
	for _, c := range o.Claims {
		m[c.Label] = c.Value
	}
	return m
}

func TestAcceptedCredential(t *testing.T) {
	w := newWorld(t)
	k := w.kiosk(t)
	o := k.Check(ctx, w.residency(t, 3, nil))
	if !o.Pass || o.Headline != kiosk.HeadlineAccepted || o.ReasonCode != "" {
		t.Fatalf("not accepted: %+v", o)
	}
	if o.TypeTitle != "Residency" || o.Type != "ResidencyCredential" || o.Issuer != "Springfield Residents Office" {
		t.Errorf("type %q (%q), issuer %q", o.TypeTitle, o.Type, o.Issuer)
	}
	want := []kiosk.Claim{
		{Name: "residentOf", Label: "Resident of", Value: "Springfield"},
		{Name: "housingStatus", Label: "Housing status", Value: "Living in a shelter"},
		{Name: "shelterName", Label: "Shelter", Value: "Eastside Night Shelter"},
	}
	if len(o.Claims) != len(want) {
		t.Fatalf("claims %+v, want %+v", o.Claims, want)
	}
	for i := range want {
		if o.Claims[i] != want[i] {
			t.Errorf("claim %d = %+v, want %+v (schema order)", i, o.Claims[i], want[i])
		}
	}
	if !strings.Contains(o.Reason, "not revoked") || !strings.Contains(o.Reason, "without the holder's proof") {
		t.Errorf("reason %q does not say what was checked", o.Reason)
	}
	if o.StatusAsOf == nil || !o.StatusAsOf.Equal(start.Add(-time.Hour)) {
		t.Errorf("StatusAsOf = %v, want the list's validFrom", o.StatusAsOf)
	}
	if !o.CheckedAt.Equal(start) || len(o.NextChallenge) != kiosk.ChallengeLength {
		t.Errorf("CheckedAt %v, NextChallenge %q", o.CheckedAt, o.NextChallenge)
	}
}

func TestObjectAndBooleanClaims(t *testing.T) {
	w := newWorld(t)
	k := w.kiosk(t)
	o := k.Check(ctx, w.residency(t, 4, map[string]any{
		"residentOf":    "Springfield",
		"housingStatus": "housed",
		"address": map[string]any{
			"addressLocality": "Springfield",
			"postalCode":      "12345",
			"streetAddress":   "742 Evergreen Terrace",
		},
	}))
	if !o.Pass {
		t.Fatalf("refused: %s", o.Reason)
	}
	if got := claimMap(o)["Address"]; got != "742 Evergreen Terrace, 12345, Springfield" {
		t.Errorf("address shown as %q, want its fields in schema order", got)
	}

	tok := w.ageOver(t)
	o = k.Check(ctx, w.present(t, tok, k.Challenge()))
	if !o.Pass || claimMap(o)["Over 18"] != "Yes" || !o.HolderBound {
		t.Fatalf("age presentation: pass %v, claims %+v, holder bound %v: %s", o.Pass, o.Claims, o.HolderBound, o.Reason)
	}
	if _, shown := claimMap(o)["Over 21"]; shown {
		t.Error("a claim the holder did not disclose is shown")
	}
}

func TestReplayRefused(t *testing.T) {
	w := newWorld(t)
	k := w.kiosk(t)
	code := w.residency(t, 3, nil)
	if o := k.Check(ctx, code); !o.Pass {
		t.Fatalf("first scan refused: %s", o.Reason)
	}
	w.clock.Add(time.Minute)
	o := k.Check(ctx, append([]byte("  "), append(code, '\r', '\n')...))
	if o.Pass || o.ReasonCode != kiosk.ReasonReplayed {
		t.Fatalf("second scan: pass %v, reason %q", o.Pass, o.ReasonCode)
	}
	if !strings.Contains(o.Reason, "already shown at 10:42") || !strings.Contains(o.Advice, "new code") {
		t.Errorf("replay reason %q, advice %q", o.Reason, o.Advice)
	}
	if len(o.Claims) != 0 {
		t.Error("a replayed code's claims are shown")
	}
	// After the window (5 min presentation age + 5 min skew), the code is
	// forgotten; a paper credential is accepted again.
	w.clock.Add(10 * time.Minute)
	if o := k.Check(ctx, code); !o.Pass {
		t.Errorf("after the window: %s", o.Reason)
	}
}

func TestRefusalsNameTheirReason(t *testing.T) {
	w := newWorld(t)
	k := w.kiosk(t)
	valid := w.residency(t, 3, nil)
	tampered := bytes.Replace(valid, []byte("Eastside"), []byte("Westside"), 1)
	tests := []struct {
		name  string
		input []byte
		code  verifier.Reason
	}{
		{"revoked", w.residency(t, revokedIndex, nil), verifier.ReasonRevoked},
		{"garbage", []byte("HELLO WORLD"), verifier.ReasonUnsupportedFormat},
		{"tampered", tampered, verifier.ReasonBadSignature},
		{"empty", []byte(" \r\n"), kiosk.ReasonEmpty},
		{"too long", bytes.Repeat([]byte("A"), kiosk.MaxInput+1), kiosk.ReasonTooLong},
		{"broken JSON", []byte(`{"@context":`), verifier.ReasonMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := k.Check(ctx, tt.input)
			if o.Pass || o.Headline != kiosk.HeadlineRefused {
				t.Fatalf("accepted")
			}
			if o.ReasonCode != tt.code {
				t.Errorf("reason code %q, want %q (%s)", o.ReasonCode, tt.code, o.Reason)
			}
			if o.Reason == "" || o.Reason != o.Refusals[0].Text || o.Advice == "" {
				t.Errorf("reason %q, advice %q", o.Reason, o.Advice)
			}
			if !strings.HasSuffix(o.Reason, ".") || strings.ToUpper(o.Reason[:1]) != o.Reason[:1] {
				t.Errorf("reason %q is not a sentence", o.Reason)
			}
			if len(o.Claims) != 0 {
				t.Error("claims of a refused code are shown")
			}
		})
	}
}

func TestHolderBindingAndChallenge(t *testing.T) {
	w := newWorld(t)
	k := w.kiosk(t, func(c *kiosk.Config) { c.RequireHolderBinding = true })
	tok := w.ageOver(t)

	// A bare credential is refused: this counter wants the wallet's proof.
	if o := k.Check(ctx, []byte(tok)); o.Pass || o.ReasonCode != verifier.ReasonHolderProofMissing && o.ReasonCode != verifier.ReasonHolderMismatch {
		t.Fatalf("bare credential: pass %v, reason %q (%s)", o.Pass, o.ReasonCode, o.Reason)
	}

	first := k.Challenge()
	if k.Challenge() != first {
		t.Fatal("the challenge changed without a scan or rotation")
	}
	o := k.Check(ctx, w.present(t, tok, first))
	if !o.Pass || !o.HolderBound || !strings.Contains(o.Reason, "shown by its holder's wallet") {
		t.Fatalf("presentation for the shown challenge refused: %s", o.Reason)
	}
	second := k.Challenge()
	if second == first || o.NextChallenge != second {
		t.Fatalf("challenge after an accepted scan: %q then %q (outcome says %q)", first, second, o.NextChallenge)
	}

	// Someone who made a code for the first challenge while the person
	// ahead was served is still accepted during the grace time.
	w.clock.Add(30 * time.Second)
	if o := k.Check(ctx, w.present(t, tok, first)); !o.Pass {
		t.Fatalf("previous challenge within its grace time: %s", o.Reason)
	}
	// A code for a challenge this kiosk never showed is refused.
	if o := k.Check(ctx, w.present(t, tok, "ZZZZZZ")); o.Pass || o.ReasonCode != verifier.ReasonChallengeMismatch {
		t.Fatalf("unknown challenge: pass %v, reason %q", o.Pass, o.ReasonCode)
	}
	// After the grace time, the old challenge is refused.
	old := k.Challenge()
	w.clock.Add(kiosk.DefaultChallengeRotation)
	now := k.Challenge()
	if now == old {
		t.Fatal("the challenge did not rotate after ChallengeRotation")
	}
	w.clock.Add(kiosk.DefaultChallengeGrace)
	if o := k.Check(ctx, w.present(t, tok, old)); o.Pass || o.ReasonCode != verifier.ReasonChallengeMismatch {
		t.Fatalf("challenge past its grace time: pass %v, reason %q", o.Pass, o.ReasonCode)
	}
}

func TestNoGrace(t *testing.T) {
	w := newWorld(t)
	k := w.kiosk(t, func(c *kiosk.Config) { c.ChallengeGrace = -1 })
	tok := w.ageOver(t)
	first := k.Challenge()
	if o := k.Check(ctx, w.present(t, tok, first)); !o.Pass {
		t.Fatal(o.Reason)
	}
	if o := k.Check(ctx, w.present(t, tok, first)); o.ReasonCode != verifier.ReasonChallengeMismatch {
		t.Fatalf("without grace, a used challenge: reason %q", o.ReasonCode)
	}
}

func TestStalePolicy(t *testing.T) {
	w := newWorld(t)
	code := w.residency(t, 3, nil)
	warn := w.kiosk(t, func(c *kiosk.Config) { c.StatusMaxAge = 30 * time.Minute; c.Stale = verifier.StaleWarn })
	o := warn.Check(ctx, code)
	if !o.Pass || len(o.Warnings) == 0 || !strings.Contains(o.Warnings[0], "revocation list") {
		t.Fatalf("warn policy: pass %v, warnings %q", o.Pass, o.Warnings)
	}
	reject := w.kiosk(t, func(c *kiosk.Config) { c.StatusMaxAge = 30 * time.Minute })
	o = reject.Check(ctx, code)
	if o.Pass || o.ReasonCode != verifier.ReasonStatusStale || !strings.Contains(o.Advice, "trust bundle") {
		t.Fatalf("reject policy: pass %v, reason %q, advice %q", o.Pass, o.ReasonCode, o.Advice)
	}
}

func TestBundleExpiresWhileRunning(t *testing.T) {
	w := newWorld(t)
	k := w.kiosk(t)
	w.clock.Add(91 * 24 * time.Hour)
	o := k.Check(ctx, w.residency(t, 3, nil))
	if o.Pass || o.ReasonCode != kiosk.ReasonBundleExpired {
		t.Fatalf("pass %v, reason %q", o.Pass, o.ReasonCode)
	}
}

func TestNewErrors(t *testing.T) {
	w := newWorld(t)
	other := newParty(t, 9)
	garbage := filepath.Join(t.TempDir(), "garbage.json")
	if err := os.WriteFile(garbage, []byte("not a bundle"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		edit func(*kiosk.Config)
		want error
	}{
		{"no bundle", func(c *kiosk.Config) { c.TrustBundlePath = "" }, kiosk.ErrConfig},
		{"no root", func(c *kiosk.Config) { c.PinnedRoot = "" }, kiosk.ErrConfig},
		{"wrong root", func(c *kiosk.Config) { c.PinnedRoot = other.did }, trust.ErrWrongRoot},
		{"missing file", func(c *kiosk.Config) { c.TrustBundlePath = filepath.Join(t.TempDir(), "none.json") }, os.ErrNotExist},
		{"garbage file", func(c *kiosk.Config) { c.TrustBundlePath = garbage }, trust.ErrMalformed},
		{"expired", func(c *kiosk.Config) { w.clock.Add(100 * 24 * time.Hour) }, trust.ErrExpired},
		{"bad stale policy", func(c *kiosk.Config) { c.Stale = 7 }, kiosk.ErrConfig},
		{"negative duration", func(c *kiosk.Config) { c.MaxPresentationAge = -time.Second }, kiosk.ErrConfig},
		{"no randomness", func(c *kiosk.Config) { c.Rand = bytes.NewReader(nil) }, kiosk.ErrConfig},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w.clock.Set(start)
			cfg := w.config()
			tt.edit(&cfg)
			k, err := kiosk.New(cfg)
			if err == nil || k != nil {
				t.Fatal("New succeeded")
			}
			if !errors.Is(err, tt.want) {
				t.Errorf("error %q does not wrap %v", err, tt.want)
			}
		})
	}
	cfg := w.config()
	cfg.PinnedRoot, cfg.AllowUnpinnedUnsafe = "", true
	k, err := kiosk.New(cfg)
	if err != nil || !k.Unpinned() {
		t.Fatalf("unpinned bundle: %v", err)
	}
}

func TestLogsHoldNoClaimsByDefault(t *testing.T) {
	w := newWorld(t)
	code := w.residency(t, 3, nil)
	for _, logClaims := range []bool{false, true} {
		var buf bytes.Buffer
		k := w.kiosk(t, func(c *kiosk.Config) {
			c.Logger = slog.New(slog.NewJSONHandler(&buf, nil))
			c.LogClaims = logClaims
		})
		k.Check(ctx, code)
		k.Check(ctx, code) // replayed
		k.Check(ctx, []byte("garbage"))
		logs := buf.String()
		for _, want := range []string{`"outcome":"accepted"`, `"type":"ResidencyCredential"`, `"reason":"replayed"`, `"reason":"unsupported_format"`} {
			if !strings.Contains(logs, want) {
				t.Errorf("log claims %v: logs lack %s:\n%s", logClaims, want, logs)
			}
		}
		if strings.Contains(logs, w.holder.did) {
			t.Errorf("logs name the holder:\n%s", logs)
		}
		private := []string{`"Springfield"`, "Eastside", "shelter", "Residents Office"}
		for _, p := range private {
			if got := strings.Contains(logs, p); got != logClaims {
				t.Errorf("log claims %v: logs contain %q: %v\n%s", logClaims, p, got, logs)
			}
		}
	}
}

func TestNewChallenge(t *testing.T) {
	// Bytes 0..247 map onto the alphabet; 248..255 would bias it and are skipped.
	src := bytes.NewReader([]byte{255, 0, 30, 31, 248, 61, 247, 1, 2, 3, 4, 5})
	got, err := kiosk.NewChallenge(src)
	if err != nil {
		t.Fatal(err)
	}
	if want := "2Z2ZZ3"; got != want {
		t.Errorf("NewChallenge = %q, want %q", got, want)
	}
	if _, err := kiosk.NewChallenge(bytes.NewReader(bytes.Repeat([]byte{255}, 1000))); err == nil {
		t.Error("a source of only unusable bytes gave a challenge")
	}
	seen := map[rune]bool{}
	for range 200 {
		c, err := kiosk.NewChallenge(nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(c) != kiosk.ChallengeLength {
			t.Fatalf("challenge %q", c)
		}
		for _, r := range c {
			if !strings.ContainsRune(kiosk.ChallengeAlphabet, r) {
				t.Fatalf("challenge %q has %q", c, r)
			}
			seen[r] = true
		}
	}
	if len(seen) != len(kiosk.ChallengeAlphabet) {
		t.Errorf("1200 random characters used %d of %d letters", len(seen), len(kiosk.ChallengeAlphabet))
	}
}

func TestClearAfter(t *testing.T) {
	w := newWorld(t)
	k := w.kiosk(t)
	o := k.Check(ctx, []byte("garbage"))
	if k.Stale(o) {
		t.Fatal("an outcome is stale at once")
	}
	w.clock.Add(kiosk.DefaultClearAfter)
	if !k.Stale(o) {
		t.Fatal("an outcome is not stale after ClearAfter")
	}
	never := w.kiosk(t, func(c *kiosk.Config) { c.ClearAfter = -1 })
	o = never.Check(ctx, []byte("garbage"))
	w.clock.Add(time.Hour)
	if never.Stale(o) {
		t.Fatal("ClearAfter < 0 cleared an outcome")
	}
}
