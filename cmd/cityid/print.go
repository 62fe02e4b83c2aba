package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/cityid/cityid/issuer"
	"github.com/cityid/cityid/issuer/paper"
)

// issuerPrint is `cityid issuer print`: a paper credential as a one-page PDF.
func issuerPrint(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("issuer print", stderr, "issuer print --data DIR CREDENTIAL_ID --out FILE.pdf [--claims a,b] [--paper a4|letter] [--lang en|es]")
	dir := fs.String("data", "", "data directory")
	out := fs.String("out", "", "the PDF file to write (- for standard output)")
	claims := fs.String("claims", "", "comma-separated claim names to print (default: every claim)")
	size := fs.String("paper", "a4", "paper size: a4 or letter")
	lang := fs.String("lang", "en", "the resident's language: en or es")
	pos, code, ok := parseInterspersed(fs, args)
	if !ok {
		return code
	}
	if *dir == "" || *out == "" || len(pos) != 1 {
		fs.Usage()
		return exitUsage
	}
	opts := paper.Options{}
	var err error
	if opts.Size, err = paper.ParseSize(*size); err != nil {
		fmt.Fprintf(stderr, "cityid issuer print: --paper: %v\n", err)
		return exitUsage
	}
	if opts.Lang, err = paper.ParseLang(*lang); err != nil {
		fmt.Fprintf(stderr, "cityid issuer print: --lang: %v\n", err)
		return exitUsage
	}
	var names []string
	if *claims != "" {
		for _, n := range strings.Split(*claims, ",") {
			if n = strings.TrimSpace(n); n != "" {
				names = append(names, n)
			}
		}
		if len(names) == 0 {
			fmt.Fprintln(stderr, "cityid issuer print: --claims names no claim; leave it out to print every claim")
			return exitUsage
		}
	}
	return withIssuer(*dir, "print", stderr, func(svc *issuer.Service) int {
		pc, err := svc.PrintPaper(context.Background(), cliActor(), pos[0], names)
		if err != nil {
			return reportErr(stderr, "print", err)
		}
		var buf bytes.Buffer
		if err := paper.Render(&buf, pc, opts); err != nil {
			return reportErr(stderr, "print", err)
		}
		if *out == "-" {
			_, err = stdout.Write(buf.Bytes())
		} else {
			err = writeFileAtomic(*out, buf.Bytes(), 0o600)
		}
		if err != nil {
			return reportErr(stderr, "print", err)
		}
		msg := fmt.Sprintf("printed %s (%s; claims %s; %s, %s)", pc.ID, pc.Type, strings.Join(pc.ClaimNames, ", "), opts.Size, opts.Lang)
		if *out == "-" {
			fmt.Fprintln(stderr, msg)
		} else {
			fmt.Fprintf(stdout, "%s to %s\n", msg, *out)
		}
		return exitOK
	})
}

// parseInterspersed parses flags that may come before and after the
// positional arguments (`print --data DIR ID --out FILE`), and returns the
// positional ones. After "--" everything is positional.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, int, bool) {
	var pos []string
	for {
		if code, ok := parseFlags(fs, args); !ok {
			return nil, code, false
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, 0, true
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			return append(pos, rest...), 0, true
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}
