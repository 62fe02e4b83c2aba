package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/cityid/cityid/internal/loadtest"
)

// issuerLoad drives a running issuer (`cityid issuer serve`) through the
// OpenID4VCI flow and the staff API, prints the latency table, then checks
// that every acknowledged credential is stored. It exits 0 only with zero
// errors and zero lost writes.
func issuerLoad(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("issuer load", stderr, "issuer load --url URL --username U [--flows N] [--concurrency C] [--duration D] [--revoke-every N] [--json]")
	base := fs.String("url", "", "the running issuer, e.g. http://127.0.0.1:8080")
	user := fs.String("username", "", "a staff account (clerk); its password comes from CITYID_STAFF_PASSWORD")
	flows := fs.Int("flows", 500, "offer-to-credential flows to run (0: as many as fit in --duration)")
	conc := fs.Int("concurrency", 8, "wallets working at once")
	dur := fs.Duration("duration", 5*time.Minute, "upper bound on the run")
	revoke := fs.Int("revoke-every", 10, "revoke every n-th credential (0: none)")
	asJSON := fs.Bool("json", false, "print the report as JSON instead of a Markdown table")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	pass := os.Getenv("CITYID_STAFF_PASSWORD")
	if *base == "" || *user == "" || fs.NArg() != 0 || *flows < 0 || *conc < 1 || *dur <= 0 || *revoke < 0 {
		fs.Usage()
		return exitUsage
	}
	if pass == "" {
		fmt.Fprintln(stderr, "cityid issuer load: set CITYID_STAFF_PASSWORD to the staff account's password")
		return exitUsage
	}
	cfg := loadtest.Config{BaseURL: *base, Username: *user, Password: pass, Flows: *flows,
		Concurrency: *conc, Duration: *dur, RevokeEvery: *revoke}
	ctx := context.Background()
	rep, err := loadtest.Run(ctx, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "cityid issuer load: %v\n", err)
		return exitFailed
	}
	chk, err := loadtest.Check(ctx, cfg, rep.Acks)
	if err != nil {
		fmt.Fprintf(stderr, "cityid issuer load: checking what was stored: %v\n", err)
		return exitFailed
	}
	if *asJSON {
		_ = json.NewEncoder(stdout).Encode(map[string]any{"elapsed_seconds": rep.Elapsed.Seconds(), "flows": rep.Flows,
			"requests": rep.Requests(), "errors": rep.Errors, "first_errors": rep.FirstErrors, "endpoints": endpointsJSON(rep),
			"acknowledged": len(rep.Acks), "checked": chk.Checked, "problems": chk.Problems})
	} else {
		fmt.Fprint(stdout, rep.Markdown())
		fmt.Fprintf(stdout, "\n%d acknowledged credentials checked in the issuer: %d problems\n", chk.Checked, len(chk.Problems))
	}
	for _, p := range chk.Problems {
		fmt.Fprintf(stderr, "cityid issuer load: %s\n", p)
	}
	if rep.Errors > 0 || !chk.OK() {
		fmt.Fprintf(stderr, "cityid issuer load: %d errors, %d lost or damaged writes\n", rep.Errors, len(chk.Problems))
		return exitFailed
	}
	return exitOK
}

func endpointsJSON(rep *loadtest.Report) []map[string]any {
	out := []map[string]any{}
	for _, e := range rep.Endpoints {
		out = append(out, map[string]any{"endpoint": e.Endpoint, "requests": e.Requests, "errors": e.Errors,
			"p50_ms": e.P50.Seconds() * 1000, "p99_ms": e.P99.Seconds() * 1000, "max_ms": e.Max.Seconds() * 1000})
	}
	return out
}
