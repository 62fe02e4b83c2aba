package bench

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestQuickReport is CI's smoke test: a --quick --skip-gui run writes a
// report with every section, every target and the machine. It asserts no
// timing: figures of a quick run mean nothing.
func TestQuickReport(t *testing.T) {
	rep, err := Run(context.Background(), Options{Quick: true, SkipGUI: true, Command: "go run ./cmd/cityid bench --quick --skip-gui"})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "BENCHMARKS.md")
	var buf bytes.Buffer
	if err := rep.WriteMarkdown(&buf); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	md := buf.String()
	for _, want := range []string{
		"# Benchmarks", "go run ./cmd/cityid bench --quick --skip-gui", "This was a `--quick` run",
		"| CPU |", "| cores | ", "| SQLite | 3.", "| Go | go1.",
		"## How to read this", "## Targets", "## Sign and verify, side by side", "## The whole verifier",
		"## Durable issuance", "## QR codes", "## Wallet cold start",
		"raw Ed25519 sign (floor)", "raw Ed25519 verify (floor)",
		"sign eddsa-rdfc-2022", "sign eddsa-jcs-2022", "sign SD-JWT VC", "verify SD-JWT VC + key binding",
		"issue compact QR credential", "present compact QR", "verify compact QR presentation",
		"aries-framework-go sign Ed25519Signature2020", "aries-framework-go verify Ed25519Signature2020",
		"holder-bound QR presentation", "SD-JWT VC with key binding", "W3C credential (eddsa-rdfc-2022) with status check",
		"ldp_vc (W3C VC, eddsa-rdfc-2022)", "dc+sd-jwt (SD-JWT VC)",
		"compact, holder-bound, challenge", "compact, paper", "JSON-LD + eddsa-rdfc-2022", "SD-JWT VC + key binding",
		"residency, shelter", "age over", "service eligibility",
		"1280×720 grey frame", "wallet core: open + PIN unlock", "wallet window: max RSS", "--skip-gui",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	// Every section the template names exists and has rows; every target is
	// in the summary with a verdict; only the window is unmeasured.
	for _, id := range []string{"sign-verify", "verifier", "issuance", "qr-sizes", "qr-decode", "wallet"} {
		s := rep.Section(id)
		if s == nil || len(s.Rows) == 0 {
			t.Errorf("section %s is missing or empty", id)
		}
	}
	targets := rep.Targets()
	if len(targets) != 11 {
		t.Errorf("%d targets, want 11", len(targets))
	}
	for _, tg := range targets {
		row := "| " + tg.Name + " | " + tg.Goal + " | "
		if !strings.Contains(md, row) {
			t.Errorf("the targets table lacks %q", row)
		}
		if (tg.Verdict() == "not measured") != strings.HasPrefix(tg.Name, "wallet window") {
			t.Errorf("target %q: %s (%s)", tg.Name, tg.Verdict(), tg.Why)
		}
	}
	if strings.Contains(md, "<no value>") || strings.Contains(md, "%!") {
		t.Error("the report has a template or format slip")
	}
}

func TestRunGrowsToDuration(t *testing.T) {
	calls := 0
	tm, err := run(bench{op: func(int) error { calls++; time.Sleep(100 * time.Microsecond); return nil }}, 20*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	// The reported round is the last one, which lasted at least 20 ms, after
	// at least the first round of one operation.
	if float64(tm.N)*tm.Ns < float64(20*time.Millisecond) || calls <= tm.N {
		t.Errorf("last round of %d operations of %.0f ns (%d calls in all) for 20 ms", tm.N, tm.Ns, calls)
	}
	if tm.Ns < 100e3 {
		t.Errorf("%.0f ns per operation, below the 100 µs each sleeps", tm.Ns)
	}
}

func TestRunStopsOnWrongResult(t *testing.T) {
	_, err := run(bench{op: func(i int) error {
		if i == 0 {
			return nil
		}
		return errWrong("operation %d", i)
	}}, time.Second)
	if err == nil || !strings.Contains(err.Error(), "operation 2: wrong result") {
		t.Fatalf("err = %v", err)
	}
	boom := errors.New("boom")
	if _, err := run(bench{prepare: func(int) error { return boom }, op: func(int) error { return nil }}, time.Second); !errors.Is(err, boom) {
		t.Fatalf("prepare's error was lost: %v", err)
	}
}

func TestHelpers(t *testing.T) {
	if m := median([]float64{5, 1, 3}); m != 3 {
		t.Errorf("median = %v", m)
	}
	if m := median([]float64{4, 1, 3, 2}); m != 2.5 {
		t.Errorf("median = %v", m)
	}
	// "CID1:" + 6 characters is 4 bytes; + 8 characters is 5 bytes (RFC 9285).
	if n := base45Bytes("CID1:ABCDEF"); n != 4 {
		t.Errorf("base45Bytes(6 chars) = %d", n)
	}
	if n := base45Bytes("CID1:ABCDEFGH"); n != 5 {
		t.Errorf("base45Bytes(8 chars) = %d", n)
	}
	for ns, want := range map[float64]string{850: "850 ns", 19600: "19.6 µs", 6.22e6: "6.22 ms", 1.5e9: "1.5 s"} {
		if got := formatNs(ns); got != want {
			t.Errorf("formatNs(%v) = %q, want %q", ns, got, want)
		}
	}
	var b strings.Builder
	writeTable(&b, []string{"a", "#b"}, [][]string{{"x|y", "1"}})
	if want := "| a | b |\n|---|---:|\n| x\\|y | 1 |\n"; b.String() != want {
		t.Errorf("writeTable:\n%s\nwant\n%s", b.String(), want)
	}
}

func TestParseGUIRuns(t *testing.T) {
	g, err := parseGUIRuns("1 649 237 139 95 200\n2 570 238 135 96 200\n", 200, 2)
	if err != nil {
		t.Fatal(err)
	}
	if median(g.ms) != 609.5 || maxOf(g.rss) != 238 || g.anon[1] != 135 || g.file[0] != 95 {
		t.Errorf("parsed %+v", g)
	}
	for _, bad := range []struct{ out, why string }{
		{"1 649 237 139 95 199\n", "listed 199 credentials, not 200"},
		{"1 649 237 139 95 200\n", "reported 1 of 2 runs"},
		{"1 649 237 139 95 200\nXvfb failed\n", "does not have six numbers"},
		{"1 649 -237 139 95 200\n2 1 1 1 1 200", `"-237" where a number belongs`},
		{"", "does not have six numbers"},
	} {
		if _, err := parseGUIRuns(bad.out, 200, 2); err == nil || !strings.Contains(err.Error(), bad.why) {
			t.Errorf("parseGUIRuns(%q) = %v, want an error saying %q", bad.out, err, bad.why)
		}
	}
}

// FuzzParseGUIRuns: whatever the wallet process printed, the parser answers
// with figures for exactly the runs asked or an error, and never panics.
func FuzzParseGUIRuns(f *testing.F) {
	f.Add("1 649 237 139 95 200\n2 570 238 135 96 200\n", 2)
	f.Add("1 0 0 0 0 200", 1)
	f.Add("x", 3)
	f.Fuzz(func(t *testing.T, out string, runs int) {
		g, err := parseGUIRuns(out, 200, runs)
		if err != nil {
			return
		}
		if len(g.ms) != runs || len(g.rss) != runs || len(g.anon) != runs || len(g.file) != runs {
			t.Fatalf("%d runs asked, figures for %d", runs, len(g.ms))
		}
	})
}
