package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"time"

	"github.com/cityid/cityid/verifier"
	"github.com/cityid/cityid/verifier/kiosk"
)

const kioskUsage = "kiosk --trust BUNDLE [--trust-root DID] [--log-claims] [--stale warn|reject] [--status-max-age DURATION] [--require-holder] [--audience ID] [--at RFC3339] [IMAGE...]"

// runKiosk is the counter kiosk on a terminal: it checks the QR code images
// given as arguments, or else every line a keyboard-wedge scanner types on
// standard input, and shows each outcome in large letters.
func runKiosk(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("kiosk", stderr, kioskUsage)
	bundlePath := fs.String("trust", "", "trust bundle file (the city's signed list of trusted issuers); required")
	root := fs.String("trust-root", "", "the city's root did:key the bundle must be signed by (default: trust the bundle file as given)")
	logClaims := fs.Bool("log-claims", false, "also log the disclosed claims and the issuer (by default the log holds only time, outcome, reason code and credential type)")
	stale := fs.String("stale", "reject", "what a stale revocation list does: reject (refuse) or warn (accept with a warning)")
	statusMaxAge := fs.Duration("status-max-age", 0, "a revocation list older than this is stale, e.g. 72h (default: only a list past its own expiry)")
	requireHolder := fs.Bool("require-holder", false, "refuse a credential shown without its holder's proof (a paper credential or a copied code)")
	audience := fs.String("audience", "", "this kiosk's identifier, which a holder's proof must name when its format carries one")
	maxAge := fs.Duration("max-presentation-age", 0, "how old a holder's proof may be (default 5m); codes are also remembered this long to refuse replays")
	at := fs.String("at", "", "check as of this time (RFC 3339), instead of now; the clock then stands still")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "cityid kiosk: "+format+"\n", a...)
		return exitUsage
	}
	if *bundlePath == "" {
		fs.Usage()
		return fail("--trust BUNDLE is required: the kiosk trusts only the issuers in the city's bundle")
	}
	cfg := kiosk.Config{
		TrustBundlePath:      *bundlePath,
		PinnedRoot:           *root,
		AllowUnpinnedUnsafe:  *root == "", // the operator handed us this file: it is the trusted channel
		Audience:             *audience,
		MaxPresentationAge:   *maxAge,
		StatusMaxAge:         *statusMaxAge,
		RequireHolderBinding: *requireHolder,
		LogClaims:            *logClaims,
		Logger:               slog.New(slog.NewTextHandler(stderr, nil)),
	}
	switch *stale {
	case "reject":
		cfg.Stale = verifier.StaleReject
	case "warn":
		cfg.Stale = verifier.StaleWarn
	default:
		return fail("--stale %q: use reject or warn", *stale)
	}
	if *at != "" {
		t, err := time.Parse(time.RFC3339, *at)
		if err != nil {
			return fail("--at %q is not a time like 2026-11-22T10:00:00Z", *at)
		}
		cfg.Clock = func() time.Time { return t }
	}
	k, err := kiosk.New(cfg)
	if err != nil {
		return fail("%v", err)
	}
	if k.Unpinned() {
		fmt.Fprintf(stderr, "cityid kiosk: warning: the trust bundle is trusted as given; pin the city's root with --trust-root %s\n", rootDID(k.Bundle().Root))
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	width := kiosk.TerminalWidth(stdout)
	if fs.NArg() > 0 {
		code := exitOK
		for _, path := range fs.Args() {
			o := k.CheckImage(ctx, path)
			fmt.Fprintf(stdout, "%s:\n", path)
			if err := kiosk.Render(stdout, o, width); err != nil {
				return fail("%v", err)
			}
			if !o.Pass {
				code = exitFailed
			}
		}
		return code
	}
	if err := k.RunScanner(ctx, stdin, stdout); err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintf(stderr, "cityid kiosk: %v\n", err)
		return exitFailed
	}
	return exitOK
}

// rootDID drops the fragment of a bundle's root verification method.
func rootDID(vm string) string {
	for i := range len(vm) {
		if vm[i] == '#' {
			return vm[:i]
		}
	}
	return vm
}
