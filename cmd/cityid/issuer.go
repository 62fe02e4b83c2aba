package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"unicode/utf8"

	"github.com/cityid/cityid/issuer"
	"github.com/cityid/cityid/issuer/server"
)

const issuerUsage = `usage: cityid issuer COMMAND --data DIR [flags]

commands:
  serve    --addr HOST:PORT [--public-url URL] [--city NAME] [--rate RPS]
                                                               run the issuer service
  offer    --type T --claims FILE.json [--resident ID] [--attested-by NAME] [--json]
                                                               make a wallet offer: prints its URI and tx_code
  issue    --type T --subject DID --claims FILE.json --format ldp|sd-jwt|qr [--resident ID] [--attested-by NAME]
                                                               issue one credential and print it
  enrol    --name NAME [--reference REF]                       enrol a resident: prints their number
  recover  --resident ID --evidence KIND [--document-kind K] [--paper] [--valid-until DATE] [--json]
                                                               lost phone: revoke the resident's credentials and
                                                               print the replacements (offers, or paper QR texts)
  revoke   CREDENTIAL_ID                                       revoke a credential
  suspend  [--undo] CREDENTIAL_ID                              suspend (or lift the suspension of) a credential
  print    CREDENTIAL_ID --out FILE.pdf [--claims a,b] [--paper a4|letter] [--lang en|es]
                                                               print a paper credential (one-page PDF, QR code)
  bundle   [--out FILE]                                        write the signed trust bundle (stdout by default)
  batch    --type T --csv FILE [--format ldp|sd-jwt]           issue to many DIDs from a CSV file
  audit verify                                                 check the tamper-evident audit log
  staff add --username U --role admin|clerk                    add a staff account (password from
                                                               CITYID_STAFF_PASSWORD or standard input)
  attester add --name NAME --kind caseworker|shelter           register who may attest a resident's identity
  attester disable [--undo] --name NAME                        stop (or allow again) an attester's attestations
  attester list                                                list the attesters as JSON
  load     --url URL --username U [--flows N] [--concurrency C] [--duration D]
                                                               drive a running issuer and report latency
                                                               (no --data; password from CITYID_STAFF_PASSWORD)

--attested-by NAME: the resident has no documents; a registered attester
vouched for them, and the credential's evidence says so.`

// publicURLFile keeps the URL `serve` was started with, so that offers made
// by the CLI while the service runs point wallets at it; cityNameFile keeps
// its --city, the issuer name bundles and printed credentials show.
const (
	publicURLFile = "public-url"
	cityNameFile  = "city-name"
)

func runIssuer(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, issuerUsage)
		return exitUsage
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return issuerServe(rest, stdout, stderr)
	case "offer":
		return issuerOffer(rest, stdout, stderr)
	case "issue":
		return issuerIssue(rest, stdout, stderr)
	case "enrol":
		return issuerEnrol(rest, stdout, stderr)
	case "recover":
		return issuerRecover(rest, stdout, stderr)
	case "revoke":
		return issuerRevoke(rest, stdout, stderr, false)
	case "suspend":
		return issuerRevoke(rest, stdout, stderr, true)
	case "print":
		return issuerPrint(rest, stdout, stderr)
	case "bundle":
		return issuerBundle(rest, stdout, stderr)
	case "batch":
		return issuerBatch(rest, stdout, stderr)
	case "load":
		return issuerLoad(rest, stdout, stderr)
	case "audit":
		if len(rest) > 0 && rest[0] == "verify" {
			return issuerAuditVerify(rest[1:], stdout, stderr)
		}
	case "staff":
		if len(rest) > 0 && rest[0] == "add" {
			return issuerStaffAdd(rest[1:], stdin, stdout, stderr)
		}
	case "attester":
		if len(rest) > 0 {
			if code, ok := issuerAttester(rest[0], rest[1:], stdout, stderr); ok {
				return code
			}
		}
	}
	fmt.Fprintln(stderr, issuerUsage)
	return exitUsage
}

// cliActor is the audit identity of a command run on the server itself.
func cliActor() issuer.Actor {
	name := os.Getenv("USER")
	if name == "" {
		name = "local"
	}
	return issuer.Actor{Kind: "cli", Name: name}
}

// withIssuer opens the service in dir for the one-shot command name, runs f
// with it and closes it; a service that does not open is reported as
// reportErr reports any error.
func withIssuer(dir, name string, stderr io.Writer, f func(svc *issuer.Service) int) int {
	svc, err := openIssuer(dir, stderr)
	if err != nil {
		return reportErr(stderr, name, err)
	}
	defer svc.Close()
	return f(svc)
}

// openIssuer opens the service in dir for a one-shot command, pointing at
// the URL `serve` recorded (or the default until it has run).
func openIssuer(dir string, stderr io.Writer) (*issuer.Service, error) {
	if dir == "" {
		return nil, errors.New("--data DIR is required")
	}
	saved := savedPublicURL(dir)
	publicURL := cmp.Or(saved, defaultPublicURL)
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	svc, err := issuer.Open(context.Background(), dir, issuer.Options{PublicURL: publicURL, Logger: log, CityName: savedSetting(dir, cityNameFile)})
	if err != nil {
		return nil, err
	}
	if saved == "" {
		if err := writeFileAtomic(filepath.Join(dir, publicURLFile), []byte(publicURL+"\n"), 0o600); err != nil {
			svc.Close()
			return nil, err
		}
	}
	return svc, nil
}

// defaultPublicURL is used until `serve --public-url` says otherwise.
const defaultPublicURL = "http://127.0.0.1:8080"

// savedPublicURL is the URL the data directory's credentials point at.
func savedPublicURL(dir string) string { return savedSetting(dir, publicURLFile) }

// savedSetting reads a setting `serve` recorded in the data directory.
func savedSetting(dir, name string) string {
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// reportErr prints an error; an *issuer.Error also as its JSON form, which
// scripts can parse. It returns the exit code.
func reportErr(stderr io.Writer, cmd string, err error) int {
	var e *issuer.Error
	if errors.As(err, &e) {
		fmt.Fprintf(stderr, "cityid issuer %s: %s\n", cmd, e.Message)
		for _, f := range e.Fields {
			fmt.Fprintf(stderr, "  %s: %s\n", f.Path, f.Message)
		}
		b, _ := json.Marshal(e)
		fmt.Fprintf(stderr, "%s\n", b)
		return exitFailed
	}
	fmt.Fprintf(stderr, "cityid issuer %s: %v\n", cmd, err)
	return exitFailed
}

func issuerServe(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("issuer serve", stderr, "issuer serve --data DIR --addr HOST:PORT [--public-url URL] [--city NAME]")
	dir := fs.String("data", "", "data directory (created on first start)")
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	publicURL := fs.String("public-url", "", "URL wallets and kiosks reach this service at (default http://ADDR)")
	city := fs.String("city", "", "the city's name, shown in the trust bundle")
	secure := fs.Bool("secure-cookies", false, "mark session cookies Secure (when served behind HTTPS)")
	rps := fs.Float64("rate", 0, "requests per second allowed from one client address (default 50; the token endpoint gets a tenth)")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *dir == "" || *rps < 0 {
		fs.Usage()
		return exitUsage
	}
	log := slog.New(slog.NewJSONHandler(stderr, nil))
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "cityid issuer serve: %v\n", err)
		return exitFailed
	}
	bound := ln.Addr().String()
	ln.Close()
	if saved := savedPublicURL(*dir); *publicURL == "" && saved != "" {
		*publicURL = saved
	} else if *publicURL == "" {
		*publicURL = "http://" + bound
	} else if saved != "" && saved != *publicURL {
		log.Warn("the public URL changed: credentials issued before still point at the old one for their status lists", "old", saved, "new", *publicURL)
	}
	if *city == "" {
		*city = savedSetting(*dir, cityNameFile)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	svc, err := issuer.Open(ctx, *dir, issuer.Options{PublicURL: *publicURL, Logger: log, CityName: *city})
	if err != nil {
		fmt.Fprintf(stderr, "cityid issuer serve: %v\n", err)
		return exitFailed
	}
	defer svc.Close()
	if err := writeFileAtomic(filepath.Join(*dir, publicURLFile), []byte(*publicURL+"\n"), 0o600); err != nil {
		fmt.Fprintf(stderr, "cityid issuer serve: %v\n", err)
		return exitFailed
	}
	if *city != "" {
		if err := writeFileAtomic(filepath.Join(*dir, cityNameFile), []byte(*city+"\n"), 0o600); err != nil {
			fmt.Fprintf(stderr, "cityid issuer serve: %v\n", err)
			return exitFailed
		}
	}
	h, err := server.Handler(svc, server.Options{Logger: log, SecureCookies: *secure, Bootstrap: svc.Bootstrap,
		RequestsPerSecond: *rps, Burst: int(2 * *rps)})
	if err != nil {
		fmt.Fprintf(stderr, "cityid issuer serve: %v\n", err)
		return exitFailed
	}
	err = server.Serve(ctx, bound, h, log, func(a net.Addr) {
		log.Info("cityid issuer listening", "addr", a.String(), "console", *publicURL+"/console/", "issuer", svc.DID())
		if p := svc.BootstrapSecretPath(); p != "" {
			if _, err := os.Stat(p); err == nil {
				log.Warn("first start: create the first admin at "+*publicURL+"/console/bootstrap with the one-time secret in "+p, "secret_file", p)
			}
		}
	})
	if err != nil {
		fmt.Fprintf(stderr, "cityid issuer serve: %v\n", err)
		return exitFailed
	}
	return exitOK
}

func readClaims(path string) (map[string]any, error) {
	data, err := readInput(path, os.Stdin)
	if err != nil {
		return nil, err
	}
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("%s is not UTF-8 text (save it as UTF-8)", path)
	}
	var claims map[string]any
	if err := json.Unmarshal(data, &claims); err != nil {
		return nil, fmt.Errorf("%s is not a JSON object of claims: %v", path, err)
	}
	return claims, nil
}

// parseFormat reads --format: ldp (ldp_vc), sd-jwt (dc+sd-jwt) or qr
// (cityid-qr).
func parseFormat(s string) (issuer.Format, error) {
	if f, ok := issuer.ParseFormat(s); ok {
		return f, nil
	}
	return "", fmt.Errorf("--format %q: use ldp, sd-jwt or qr", s)
}

func issuerOffer(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("issuer offer", stderr, "issuer offer --data DIR --type T --claims FILE.json [--resident ID] [--attested-by NAME] [--json]")
	dir := fs.String("data", "", "data directory")
	typ := fs.String("type", "", "credential type, e.g. ResidencyCredential")
	claimsPath := fs.String("claims", "", "JSON file with the claims")
	resident := fs.Int64("resident", 0, "enrolled resident id (optional)")
	attestedBy := fs.String("attested-by", "", "the registered caseworker or shelter that attested the resident's identity (no documents)")
	asJSON := fs.Bool("json", false, "print one JSON object instead of two lines")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *dir == "" || *typ == "" || *claimsPath == "" || fs.NArg() != 0 {
		fs.Usage()
		return exitUsage
	}
	claims, err := readClaims(*claimsPath)
	if err != nil {
		fmt.Fprintf(stderr, "cityid issuer offer: %v\n", err)
		return exitUsage
	}
	return withIssuer(*dir, "offer", stderr, func(svc *issuer.Service) int {
		offer, err := svc.CreateOfferFor(context.Background(), cliActor(),
			issuer.OfferRequest{Type: *typ, Claims: claims, ResidentID: *resident, AttestedBy: *attestedBy})
		if err != nil {
			return reportErr(stderr, "offer", err)
		}
		if *asJSON {
			_ = json.NewEncoder(stdout).Encode(map[string]any{"offer_uri": offer.URI, "tx_code": offer.TxCode, "expires": offer.Expires})
		} else {
			fmt.Fprintln(stdout, offer.URI)
			fmt.Fprintln(stdout, offer.TxCode)
		}
		return exitOK
	})
}

func issuerIssue(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("issuer issue", stderr, "issuer issue --data DIR --type T --subject DID --claims FILE.json --format ldp|sd-jwt|qr [--resident ID] [--attested-by NAME]")
	dir := fs.String("data", "", "data directory")
	typ := fs.String("type", "", "credential type, e.g. ResidencyCredential")
	subject := fs.String("subject", "", "the holder's DID")
	claimsPath := fs.String("claims", "", "JSON file with the claims")
	format := fs.String("format", "ldp", "ldp (W3C VC, eddsa-rdfc-2022), sd-jwt (SD-JWT VC) or qr (the compact QR form, CID1:)")
	resident := fs.Int64("resident", 0, "enrolled resident id (optional; needed to re-issue after a lost phone)")
	attestedBy := fs.String("attested-by", "", "the registered caseworker or shelter that attested the resident's identity (no documents)")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *dir == "" || *typ == "" || *subject == "" || *claimsPath == "" || fs.NArg() != 0 {
		fs.Usage()
		return exitUsage
	}
	f, err := parseFormat(*format)
	if err != nil {
		fmt.Fprintf(stderr, "cityid issuer issue: %v\n", err)
		return exitUsage
	}
	claims, err := readClaims(*claimsPath)
	if err != nil {
		fmt.Fprintf(stderr, "cityid issuer issue: %v\n", err)
		return exitUsage
	}
	return withIssuer(*dir, "issue", stderr, func(svc *issuer.Service) int {
		rec, err := svc.Issue(context.Background(), cliActor(), issuer.IssueRequest{Type: *typ, Subject: *subject, Claims: claims, Format: f,
			ResidentID: *resident, AttestedBy: *attestedBy})
		if err != nil {
			return reportErr(stderr, "issue", err)
		}
		fmt.Fprintf(stdout, "%s\n", strings.TrimSpace(string(rec.Credential)))
		// Only the W3C form carries its id; revoking needs it.
		fmt.Fprintf(stderr, "issued %s (%s, status index %d)\n", rec.ID, rec.Format, rec.StatusIndex)
		return exitOK
	})
}

func issuerRevoke(args []string, stdout, stderr io.Writer, suspend bool) int {
	name := "revoke"
	if suspend {
		name = "suspend"
	}
	fs := newFlags("issuer "+name, stderr, "issuer "+name+" --data DIR CREDENTIAL_ID")
	dir := fs.String("data", "", "data directory")
	undo := false
	if suspend {
		fs.BoolVar(&undo, "undo", false, "lift the suspension")
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *dir == "" || fs.NArg() != 1 {
		fs.Usage()
		return exitUsage
	}
	return withIssuer(*dir, name, stderr, func(svc *issuer.Service) int {
		id := fs.Arg(0)
		var err error
		if suspend {
			err = svc.Suspend(context.Background(), cliActor(), id, !undo)
		} else {
			err = svc.Revoke(context.Background(), cliActor(), id)
		}
		if err != nil {
			return reportErr(stderr, name, err)
		}
		switch {
		case !suspend:
			fmt.Fprintf(stdout, "revoked %s\n", id)
		case undo:
			fmt.Fprintf(stdout, "lifted the suspension of %s\n", id)
		default:
			fmt.Fprintf(stdout, "suspended %s\n", id)
		}
		return exitOK
	})
}

func issuerBundle(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("issuer bundle", stderr, "issuer bundle --data DIR [--out FILE]")
	dir := fs.String("data", "", "data directory")
	out := fs.String("out", "", "write to FILE instead of standard output")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *dir == "" || fs.NArg() != 0 {
		fs.Usage()
		return exitUsage
	}
	return withIssuer(*dir, "bundle", stderr, func(svc *issuer.Service) int {
		b, err := svc.Bundle(context.Background())
		if err != nil {
			return reportErr(stderr, "bundle", err)
		}
		if !strings.HasSuffix(string(b), "\n") {
			b = append(b, '\n')
		}
		if *out == "" {
			_, err = stdout.Write(b)
		} else {
			err = writeFileAtomic(*out, b, 0o644)
		}
		if err != nil {
			return reportErr(stderr, "bundle", err)
		}
		return exitOK
	})
}

func issuerAuditVerify(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("issuer audit verify", stderr, "issuer audit verify --data DIR")
	dir := fs.String("data", "", "data directory")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *dir == "" || fs.NArg() != 0 {
		fs.Usage()
		return exitUsage
	}
	return withIssuer(*dir, "audit verify", stderr, func(svc *issuer.Service) int {
		rep, err := svc.VerifyAudit(context.Background())
		if err != nil {
			return reportErr(stderr, "audit verify", err)
		}
		if len(rep.Problems) > 0 {
			fmt.Fprintf(stdout, "audit log BROKEN: %d entries checked, %d problem(s):\n", rep.Entries, len(rep.Problems))
			for _, p := range rep.Problems {
				fmt.Fprintf(stdout, "  - %s\n", p)
			}
			return exitFailed
		}
		fmt.Fprintf(stdout, "audit log intact: %d entries, hash chain and signed head verified\n", rep.Entries)
		return exitOK
	})
}

func issuerStaffAdd(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("issuer staff add", stderr, "issuer staff add --data DIR --username U --role admin|clerk")
	dir := fs.String("data", "", "data directory")
	username := fs.String("username", "", "login name")
	role := fs.String("role", "clerk", "admin or clerk")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *dir == "" || *username == "" || fs.NArg() != 0 {
		fs.Usage()
		return exitUsage
	}
	password := os.Getenv("CITYID_STAFF_PASSWORD")
	if password == "" {
		fmt.Fprintf(stderr, "password for %s: ", *username)
		line, err := readLine(stdin)
		if err != nil {
			fmt.Fprintf(stderr, "\ncityid issuer staff add: cannot read the password: %v\n", err)
			return exitUsage
		}
		password = line
	}
	return withIssuer(*dir, "staff add", stderr, func(svc *issuer.Service) int {
		st, err := svc.CreateStaff(context.Background(), cliActor(), *username, password, issuer.Role(*role))
		if err != nil {
			return reportErr(stderr, "staff add", err)
		}
		fmt.Fprintf(stdout, "added %s (%s)\n", st.Username, st.Role)
		return exitOK
	})
}

func readLine(r io.Reader) (string, error) {
	var b strings.Builder
	buf := make([]byte, 1)
	for b.Len() < 1024 {
		n, err := r.Read(buf)
		if n == 1 {
			if buf[0] == '\n' {
				return strings.TrimRight(b.String(), "\r"), nil
			}
			b.WriteByte(buf[0])
		}
		if err != nil {
			if err == io.EOF && b.Len() > 0 {
				return b.String(), nil
			}
			return "", err
		}
	}
	return "", errors.New("line too long")
}
