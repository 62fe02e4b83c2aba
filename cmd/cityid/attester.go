package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/cityid/cityid/issuer"
)

// issuerAttester runs `cityid issuer attester add|disable|list`; ok is false
// for an unknown subcommand.
func issuerAttester(sub string, args []string, stdout, stderr io.Writer) (code int, ok bool) {
	switch sub {
	case "add":
		return attesterAdd(args, stdout, stderr), true
	case "disable":
		return attesterDisable(args, stdout, stderr), true
	case "list":
		return attesterList(args, stdout, stderr), true
	}
	return 0, false
}

func attesterAdd(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("issuer attester add", stderr, "issuer attester add --data DIR --name NAME --kind caseworker|shelter")
	dir := fs.String("data", "", "data directory")
	name := fs.String("name", "", "the attester's name, as credentials will carry it (e.g. \"Downtown Shelter\")")
	kind := fs.String("kind", "", "caseworker or shelter")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *dir == "" || *name == "" || *kind == "" || fs.NArg() != 0 {
		fs.Usage()
		return exitUsage
	}
	k, err := issuer.ParseAttesterKind(*kind)
	if err != nil {
		return reportErr(stderr, "attester add", err)
	}
	return withIssuer(*dir, "attester add", stderr, func(svc *issuer.Service) int {
		a, err := svc.AddAttester(context.Background(), cliActor(), *name, k)
		if err != nil {
			return reportErr(stderr, "attester add", err)
		}
		fmt.Fprintf(stdout, "added attester %d: %s (%s)\n", a.ID, a.Name, a.Kind)
		return exitOK
	})
}

func attesterDisable(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("issuer attester disable", stderr, "issuer attester disable --data DIR [--undo] --name NAME")
	dir := fs.String("data", "", "data directory")
	name := fs.String("name", "", "the attester's name")
	undo := fs.Bool("undo", false, "allow the attester's attestations again")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *dir == "" || *name == "" || fs.NArg() != 0 {
		fs.Usage()
		return exitUsage
	}
	return withIssuer(*dir, "attester disable", stderr, func(svc *issuer.Service) int {
		if err := svc.SetAttesterDisabled(context.Background(), cliActor(), *name, !*undo); err != nil {
			return reportErr(stderr, "attester disable", err)
		}
		if *undo {
			fmt.Fprintf(stdout, "enabled attester %s\n", *name)
		} else {
			fmt.Fprintf(stdout, "disabled attester %s: it can attest no new credentials\n", *name)
		}
		return exitOK
	})
}

func attesterList(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("issuer attester list", stderr, "issuer attester list --data DIR")
	dir := fs.String("data", "", "data directory")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *dir == "" || fs.NArg() != 0 {
		fs.Usage()
		return exitUsage
	}
	return withIssuer(*dir, "attester list", stderr, func(svc *issuer.Service) int {
		list, err := svc.ListAttesters(context.Background())
		if err != nil {
			return reportErr(stderr, "attester list", err)
		}
		type row struct {
			ID       int64     `json:"id"`
			Name     string    `json:"name"`
			Kind     string    `json:"kind"`
			Disabled bool      `json:"disabled"`
			Created  time.Time `json:"created"`
		}
		out := make([]row, 0, len(list))
		for _, a := range list {
			out = append(out, row{a.ID, a.Name, string(a.Kind), a.Disabled, a.Created})
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(out)
		return exitOK
	})
}
