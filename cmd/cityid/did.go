package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/cityid/cityid/did"
)

func runDID(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "resolve" {
		fmt.Fprintln(stderr, "usage: cityid did resolve [--pinned DIR] DID")
		return exitUsage
	}
	fs := newFlags("did resolve", stderr, "did resolve [--pinned DIR] DID")
	pinned := fs.String("pinned", "", "directory of pinned did:web documents (*.json); did:web is never fetched")
	if code, ok := parseFlags(fs, args[1:]); !ok {
		return code
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return exitUsage
	}
	web := did.NewPinnedWeb()
	if *pinned != "" {
		if err := web.LoadDir(*pinned); err != nil {
			fmt.Fprintf(stderr, "cityid did resolve: %v\n", err)
			return exitUsage
		}
	}
	doc, err := did.NewResolver(web).Resolve(fs.Arg(0))
	if err != nil {
		fmt.Fprintf(stderr, "cityid did resolve: %v\n", err)
		return exitFailed
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		fmt.Fprintf(stderr, "cityid did resolve: %v\n", err)
		return exitFailed
	}
	return exitOK
}
