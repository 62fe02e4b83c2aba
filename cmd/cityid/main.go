// Command cityid is the one command line for city staff, kiosks and scripts:
// it resolves DIDs, exports the city's schemas and verifies credentials.
// The work lives in the packages; this command only parses flags and prints.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

// Exit codes shared by every subcommand.
const (
	exitOK       = 0
	exitFailed   = 1 // the command ran and the answer is "no" (e.g. not verified)
	exitUsage    = 2 // bad flags or unreadable input
	maxInputSize = 16 << 20
)

type command struct {
	name    string
	summary string
	run     func(args []string, stdin io.Reader, stdout, stderr io.Writer) int
}

func commands() []command {
	return []command{
		{"verify", "verify a credential or presentation offline", runVerify},
		{"did", "work with DIDs (resolve)", runDID},
		{"schemas", "work with the city's credential schemas (export)", runSchemas},
		{"trust", "make, sign and inspect trust bundles", runTrust},
		{"issuer", "run the city's issuer service and manage what it issues", runIssuer},
		{"kiosk", "check residents' codes at a counter (USB scanner or QR images)", runKiosk},
		{"wallet", "hold credentials offline and present them (QR code, SD-JWT)", runWallet},
		{"bench", "measure sign, verify, issuance, QR and wallet start; write BENCHMARKS.md", runBench},
	}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(args[1:], stdin, stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "cityid: unknown command %q\n\n", args[0])
	usage(stderr)
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: cityid COMMAND [flags] [args]")
	fmt.Fprintln(w, "\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'cityid COMMAND -h' for a command's flags.")
}

// newFlags returns a FlagSet that reports errors to stderr and does not exit.
func newFlags(name string, stderr io.Writer, usageLine string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: cityid %s\n", usageLine)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args and returns the exit code to use when parsing failed.
func parseFlags(fs *flag.FlagSet, args []string) (int, bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK, false
		}
		return exitUsage, false
	}
	return 0, true
}

// readInput reads a file, or standard input for "-", with a size limit.
func readInput(name string, stdin io.Reader) ([]byte, error) {
	var r io.Reader = stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, maxInputSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxInputSize {
		return nil, fmt.Errorf("%s is larger than %d bytes", name, maxInputSize)
	}
	return data, nil
}

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string     { return fmt.Sprint(*s) }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }
