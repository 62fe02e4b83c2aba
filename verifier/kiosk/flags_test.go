package kiosk_test

import (
	"errors"
	"flag"
	"io"
	"testing"
	"time"

	"github.com/cityid/cityid/verifier"
	"github.com/cityid/cityid/verifier/kiosk"
)

func parseFlags(t *testing.T, args ...string) (kiosk.Config, error) {
	t.Helper()
	fs := flag.NewFlagSet("kiosk", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	f := kiosk.BindFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return f.Config()
}

func TestFlags(t *testing.T) {
	cfg, err := parseFlags(t, "--trust", "b.json", "--trust-root", "did:key:z6Mk", "--stale", "warn",
		"--status-max-age", "72h", "--require-holder", "--log-claims", "--audience", "desk-3",
		"--max-presentation-age", "2m", "--challenge-every", "1m", "--at", "2026-11-22T12:00:00Z")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.TrustBundlePath != "b.json" || cfg.PinnedRoot != "did:key:z6Mk" || cfg.AllowUnpinnedUnsafe ||
		cfg.Stale != verifier.StaleWarn || cfg.StatusMaxAge != 72*time.Hour || !cfg.RequireHolderBinding ||
		!cfg.LogClaims || cfg.Audience != "desk-3" || cfg.MaxPresentationAge != 2*time.Minute ||
		cfg.ChallengeRotation != time.Minute || !cfg.Clock().Equal(time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)) {
		t.Errorf("config %+v", cfg)
	}
	cfg, err = parseFlags(t, "--trust", "b.json")
	if err != nil || !cfg.AllowUnpinnedUnsafe || cfg.Stale != verifier.StaleReject || cfg.Clock != nil {
		t.Errorf("defaults: %+v, %v", cfg, err)
	}
	for _, args := range [][]string{
		{},
		{"--trust", "b.json", "--stale", "maybe"},
		{"--trust", "b.json", "--at", "yesterday"},
	} {
		if _, err := parseFlags(t, args...); !errors.Is(err, kiosk.ErrConfig) {
			t.Errorf("%q: error %v", args, err)
		}
	}
}
