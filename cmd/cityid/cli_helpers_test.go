package main

import (
	"bytes"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cityid/cityid/issuer"
	"github.com/cityid/cityid/issuer/server/servertest"
)

// serveForCLI starts the issuer service on loopback in a fresh data
// directory, which the test's one-shot `cityid issuer` commands open too
// (with the same passphrase), pointed at the server's URL as `serve` would
// record it.
func serveForCLI(t *testing.T, passphrase string) (*issuer.Service, *httptest.Server, string) {
	t.Helper()
	t.Setenv("CITYID_ISSUER_PASSPHRASE", passphrase)
	dir := filepath.Join(t.TempDir(), "data")
	svc, srv := servertest.Start(t, servertest.Options{Dir: dir, Passphrase: passphrase})
	if err := os.WriteFile(filepath.Join(dir, publicURLFile), []byte(srv.URL+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return svc, srv, dir
}

// runCLI runs cityid in this process with stdin as its standard input and
// fails the test unless it exits with wantCode; it returns what it wrote.
func runCLI(t *testing.T, wantCode int, stdin string, args ...string) (stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	if code := run(args, strings.NewReader(stdin), &out, &errOut); code != wantCode {
		t.Fatalf("cityid %s: exit %d, want %d\n%s%s", strings.Join(args, " "), code, wantCode, out.String(), errOut.String())
	}
	return out.String(), errOut.String()
}
