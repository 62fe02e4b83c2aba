package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"

	"github.com/cityid/cityid/verifier/kiosk"
)

const kioskUsage = "kiosk --trust BUNDLE [--trust-root DID] [--log-claims] [--stale warn|reject] [--status-max-age DURATION] [--require-holder] [--require-holder-for TYPE]... [--audience ID] [--challenge-every DURATION] [--at RFC3339] [IMAGE...]"

// runKiosk is the counter kiosk on a terminal: it checks the QR code images
// given as arguments, or else every line a keyboard-wedge scanner types on
// standard input, and shows each outcome in large letters.
func runKiosk(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("kiosk", stderr, kioskUsage)
	flags := kiosk.BindFlags(fs)
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "cityid kiosk: "+format+"\n", a...)
		return exitUsage
	}
	cfg, err := flags.Config()
	if err != nil {
		fs.Usage()
		return fail("%v", err)
	}
	cfg.Logger = slog.New(slog.NewTextHandler(stderr, nil))
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
