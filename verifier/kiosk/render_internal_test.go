package kiosk

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cityid/cityid/verifier"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

var (
	checked = time.Date(2026, 11, 22, 10, 42, 0, 0, time.UTC)
	asOf    = checked.Add(-50 * time.Hour)
)

var accepted = Outcome{
	Pass: true, Headline: HeadlineAccepted,
	Reason:    "Signed by a trusted issuer, within its dates, not revoked, shown by its holder's wallet.",
	Type:      "ResidencyCredential",
	TypeTitle: "Residency", Issuer: "Springfield Residents Office",
	Claims: []Claim{
		{Name: "residentOf", Label: "Resident of", Value: "Springfield"},
		{Name: "housingStatus", Label: "Housing status", Value: "shelter"},
	},
	HolderBound: true, StatusAsOf: &asOf, CheckedAt: checked, NextChallenge: "7KQ4XM",
}

var refused = Outcome{
	Headline: HeadlineRefused, Reason: "The issuer has revoked this credential.",
	ReasonCode: verifier.ReasonRevoked, Advice: advice[verifier.ReasonRevoked],
	Refusals: []Refusal{
		{Code: verifier.ReasonRevoked, Check: "status", Text: "The issuer has revoked this credential."},
		{Code: verifier.ReasonExpired, Check: "validity", Text: "The credential expired on 2026-01-01T00:00:00Z."},
	},
	TypeTitle: "Residency", Issuer: "Springfield Residents Office",
	Warnings:  []string{"The revocation list is 9 days old."},
	CheckedAt: checked, NextChallenge: "7KQ4XM",
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs; got:\n%s", name, got)
	}
}

func TestRenderPlain(t *testing.T) {
	for name, o := range map[string]Outcome{"accepted.golden": accepted, "refused.golden": refused} {
		var buf bytes.Buffer
		if err := Render(&buf, o, 72); err != nil {
			t.Fatal(err)
		}
		if bytes.ContainsRune(buf.Bytes(), 0x1b) {
			t.Errorf("%s: escape sequences in plain output", name)
		}
		golden(t, name, buf.Bytes())
	}
}

func TestRenderTerminal(t *testing.T) {
	var buf bytes.Buffer
	if err := render(&buf, accepted, 72, true); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.Contains(out, ansiAccepted) || !strings.Contains(out, "█") {
		t.Errorf("no green block banner:\n%q", out)
	}
	lines := strings.Split(out, "\n")
	if got := len([]rune(strings.TrimSuffix(strings.TrimPrefix(lines[0], ansiAccepted), ansiReset))); got != 72 {
		t.Errorf("banner row is %d columns, want the full width 72", got)
	}
	buf.Reset()
	if err := render(&buf, refused, 72, true); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), ansiRefused) {
		t.Errorf("no red banner:\n%q", buf.String())
	}
}

func TestRenderNarrow(t *testing.T) {
	var buf bytes.Buffer
	if err := Render(&buf, refused, 40); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "✘ REFUSED") {
		t.Errorf("narrow screen lacks the one-line headline:\n%s", buf.String())
	}
	for _, l := range strings.Split(buf.String(), "\n")[:3] {
		if n := len([]rune(l)); n > 40 {
			t.Errorf("banner line of %d columns on a 40-column screen: %q", n, l)
		}
	}
}

func TestCleanStopsTerminalInjection(t *testing.T) {
	evil := "Springfield\x1b[2J\x1b[42m ACCEPTED\r\u202egnirts\x00"
	got := clean(evil)
	if strings.ContainsAny(got, "\x1b\r\x00\u202e") {
		t.Errorf("clean(%q) = %q", evil, got)
	}
	long := clean(strings.Repeat("x", 500))
	if n := len([]rune(long)); n != maxText+1 || !strings.HasSuffix(long, "…") {
		t.Errorf("long text cut to %d runes", n)
	}
	if got := formatValue(map[string]any{"b": []any{true, 2.5}, "a": nil}, nil); got != "a: (none), b: Yes, 2.5" {
		t.Errorf("formatValue = %q", got)
	}
}

func TestSentence(t *testing.T) {
	for in, want := range map[string]string{
		"the issuer has revoked this credential": "The issuer has revoked this credential.",
		"already a sentence.":                    "Already a sentence.",
		"":                                       "",
		"élan":                                   "Élan.",
	} {
		if got := sentence(in); got != want {
			t.Errorf("sentence(%q) = %q, want %q", in, got, want)
		}
	}
}
