package main

import (
	"fmt"
	"io"

	"github.com/cityid/cityid/schemas"
)

func runSchemas(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) != 2 || args[0] != "export" {
		fmt.Fprintln(stderr, "usage: cityid schemas export DIR")
		return exitUsage
	}
	if err := schemas.Export(args[1]); err != nil {
		fmt.Fprintf(stderr, "cityid schemas export: %v\n", err)
		return exitFailed
	}
	fmt.Fprintf(stdout, "wrote the city's JSON Schemas and JSON-LD contexts to %s (see %s/index.json)\n", args[1], args[1])
	return exitOK
}
