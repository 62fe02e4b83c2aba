package kiosk

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

// TestTerminalDisplay drives the scanner loop's screen on a terminal: each
// outcome replaces the last, a stale one gives way to the ready screen, and
// a rotated challenge is shown at once.
func TestTerminalDisplay(t *testing.T) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	k, err := New(Config{
		TrustBundlePath: "../../examples/city-bundle.json",
		PinnedRoot:      "did:key:z6Mkon3Necd6NkkyfoGoHxid2znGc59LU3K7mubaRcFbLfLX",
		Clock:           func() time.Time { return now },
	})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	d := &display{w: &buf, tty: true, width: 80}
	if err := d.ready(k.Challenge()); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), ansiClear) {
		t.Errorf("ready screen does not start by clearing: %q", buf.String())
	}
	buf.Reset()
	if err := d.show(k.Check(context.Background(), []byte("GARBAGE"))); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), ansiClear) || !strings.Contains(buf.String(), ansiRefused) {
		t.Errorf("outcome not drawn on a cleared screen in red: %q", buf.String())
	}

	buf.Reset()
	if err := d.refresh(k); err != nil || buf.Len() != 0 {
		t.Fatalf("refresh with nothing new wrote %q (%v)", buf.String(), err)
	}
	now = now.Add(DefaultClearAfter)
	if err := d.refresh(k); err != nil {
		t.Fatal(err)
	}
	if out := buf.String(); !strings.HasPrefix(out, ansiClear) || strings.Contains(out, "REFUSED") || !strings.Contains(out, "Ready: scan the next code") {
		t.Errorf("stale outcome not cleared: %q", out)
	}
	buf.Reset()
	old := d.challenge
	now = now.Add(DefaultChallengeRotation)
	if err := d.refresh(k); err != nil {
		t.Fatal(err)
	}
	if d.challenge == old || !strings.Contains(buf.String(), d.challenge) {
		t.Errorf("rotated challenge not shown: %q (was %s)", buf.String(), old)
	}

	// Plain text: a new challenge is announced on a line of its own.
	buf.Reset()
	p := &display{w: &buf, width: 80, challenge: d.challenge}
	now = now.Add(DefaultChallengeRotation)
	if err := p.refresh(k); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "\x1b") || !strings.HasPrefix(buf.String(), "Ready: scan the next code (challenge: "+k.Challenge()) {
		t.Errorf("plain refresh wrote %q", buf.String())
	}
}
