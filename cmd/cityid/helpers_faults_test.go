package main

import (
	"bytes"
	"context"
	"database/sql"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"github.com/cityid/cityid/issuer"
)

// The fault tests run `cityid` as a child process (the test binary itself,
// through testscript.Main's PATH entry) and kill it with SIGKILL.

const faultStaffPassword = "fault test clerk password"

// faultEnv sets the issuer passphrase and staff password for run() and
// for child processes.
func faultEnv(t *testing.T) {
	t.Setenv(issuer.PassphraseEnv, "fault test passphrase")
	t.Setenv("CITYID_STAFF_PASSWORD", faultStaffPassword)
}

// cli runs cityid in-process and returns its exit code and output.
func cli(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func freePort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// serveChild starts `cityid issuer serve` on dir and waits until it answers.
func serveChild(t *testing.T, dir, addr string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command("cityid", "issuer", "serve", "--data", dir, "--addr", addr, "--public-url", "http://"+addr, "--rate", "100000")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	for range 200 {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return cmd
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("cityid issuer serve did not come up: %s", stderr.String())
	return nil
}

// checkIssuerDir opens the stopped issuer's data directory and checks that
// no status index is used twice, that the audit chain verifies (through
// the CLI) and that issuing goes on. It returns the number of credentials.
func checkIssuerDir(t *testing.T, dir string) int {
	t.Helper()
	if code, out, errs := cli("issuer", "audit", "verify", "--data", dir); code != exitOK {
		t.Fatalf("cityid issuer audit verify: exit %d: %s %s", code, out, errs)
	}
	svc, err := issuer.Open(context.Background(), dir, issuer.Options{PublicURL: savedPublicURL(dir)})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	recs, err := svc.Search(context.Background(), issuer.Query{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) == 500 {
		t.Fatal("too many credentials for this check; lower the test's counts")
	}
	seen := map[int]string{}
	for _, r := range recs {
		if prev, dup := seen[r.StatusIndex]; dup {
			t.Fatalf("status index %d used by %s and %s", r.StatusIndex, prev, r.ID)
		}
		seen[r.StatusIndex] = r.ID
	}
	return len(recs)
}

// searchAll checks the directory like checkIssuerDir but for any number of
// credentials: status indexes unique, audit intact, every row readable.
func searchAll(t *testing.T, dir string) []string {
	t.Helper()
	if code, out, errs := cli("issuer", "audit", "verify", "--data", dir); code != exitOK {
		t.Fatalf("cityid issuer audit verify: exit %d: %s %s", code, out, errs)
	}
	db := openRaw(t, dir)
	defer db.Close()
	var rows, distinct int
	if err := db.QueryRow("SELECT count(*), count(DISTINCT status_index) FROM credentials").Scan(&rows, &distinct); err != nil {
		t.Fatal(err)
	}
	if rows != distinct {
		t.Fatalf("%d credentials share %d status indexes", rows, distinct)
	}
	var ok string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("integrity_check: %q %v", ok, err)
	}
	ids := make([]string, 0, rows)
	r, err := db.Query("SELECT id FROM credentials")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for r.Next() {
		var id string
		r.Scan(&id)
		ids = append(ids, id)
	}
	return ids
}

// openRaw opens the issuer's SQLite database read-only, for checks the
// service's API does not offer (integrity_check, whole-table counts).
func openRaw(t *testing.T, dir string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(dir, issuer.DatabaseFile)+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	return db
}
