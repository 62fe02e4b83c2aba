package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/cityid/cityid/internal/bench"
)

// runBench measures the project against the Ed25519 floor and
// aries-framework-go in one process and writes BENCHMARKS.md.
func runBench(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("bench", stderr, "bench [--out FILE|-] [--quick] [--skip-gui]")
	out := fs.String("out", "BENCHMARKS.md", "where to write the report; - prints it to standard output only")
	quick := fs.Bool("quick", false, "a few iterations of each benchmark: checks every part works, figures mean nothing")
	skipGUI := fs.Bool("skip-gui", false, "skip the wallet window's cold start (needs Xvfb and builds cmd/cityid-wallet)")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "cityid bench: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return exitUsage
	}
	if *out != "-" {
		// Refuse an unusable destination before minutes of measuring.
		if st, err := os.Stat(filepath.Dir(*out)); err != nil || !st.IsDir() {
			fmt.Fprintf(stderr, "cityid bench: cannot write %s: its directory %s does not exist\n", *out, filepath.Dir(*out))
			return exitUsage
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	progress := stdout
	if *out == "-" {
		progress = stderr // standard output carries the report
	}
	rep, err := bench.Run(ctx, bench.Options{
		Quick: *quick, SkipGUI: *skipGUI, Progress: progress,
		Command: strings.TrimSpace(invokedAs() + " bench " + strings.Join(args, " ")),
	})
	if err != nil {
		fmt.Fprintf(stderr, "cityid bench: %v\n", err)
		return exitFailed
	}
	if *out == "-" {
		if err := rep.WriteMarkdown(stdout); err != nil {
			fmt.Fprintf(stderr, "cityid bench: %v\n", err)
			return exitFailed
		}
		return exitOK
	}
	if err := writeReport(*out, rep); err != nil {
		fmt.Fprintf(stderr, "cityid bench: cannot write %s: %v\n", *out, err)
		return exitUsage
	}
	fmt.Fprintf(stdout, "wrote %s\n", *out)
	return exitOK
}

// invokedAs is how this command was started, for the report: "go run
// ./cmd/cityid" when go run built it into its temporary directory, else the
// program's name.
func invokedAs() string {
	exe := os.Args[0]
	if strings.Contains(exe, "go-build") {
		return "go run ./cmd/cityid"
	}
	return filepath.Base(exe)
}

// writeReport writes the report next to path and renames it into place, so
// an interrupted write never leaves half a file.
func writeReport(path string, rep *bench.Report) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".bench-*.md")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if err := rep.WriteMarkdown(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
