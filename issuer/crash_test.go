package issuer

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/cityid/cityid/schemas"
)

// crashDirEnv tells TestHelperProcess which data directory to issue into.
const crashDirEnv = "CITYID_ISSUER_CRASH_TEST_DIR"

const crashBatch = 20000

// TestHelperProcess is the child of TestKillDuringBatch: it runs a large
// batch and prints "<record id> <status index>" for every credential as
// soon as the service acknowledged it (committed to disk).
func TestHelperProcess(t *testing.T) {
	dir := os.Getenv(crashDirEnv)
	if dir == "" {
		t.Skip("only runs as the child process of TestKillDuringBatch")
	}
	ctx := context.Background()
	s, err := Open(ctx, dir, testOptions())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	h := newHolder(t)
	reqs := make([]IssueRequest, crashBatch)
	for i := range reqs {
		reqs[i] = IssueRequest{Type: schemas.AgeOverCredential, Subject: h.did, Claims: map[string]any{"ageOver18": true}, Format: FormatSDJWT}
		switch {
		case i%10 == 0:
			reqs[i].Format = FormatLDP
		case i%97 == 0:
			reqs[i].Claims = map[string]any{"ageOver18": "yes"} // bad: reported, not stored
		}
	}
	err = s.issueBatch(ctx, cli, reqs, func(r BatchResult, done int) {
		if r.Record != nil {
			// os.Stdout is unbuffered: the line is out when Fprintf returns.
			fmt.Fprintf(os.Stdout, "%s %d\n", r.Record.ID, r.Record.StatusIndex)
		}
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	os.Exit(0)
}

// TestKillDuringBatch kills a process in the middle of a batch with SIGKILL
// and checks that everything it acknowledged survived, that no status
// index was handed out twice, and that the audit chain is intact.
func TestKillDuringBatch(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashDirEnv+"="+dir)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	acked := map[string]int{}
	sc := bufio.NewScanner(stdout)
	killed := false
	for sc.Scan() {
		id, idx, ok := strings.Cut(sc.Text(), " ")
		if !ok || !strings.HasPrefix(id, "urn:uuid:") {
			continue // the test framework's own output
		}
		n, err := strconv.Atoi(idx)
		if err != nil {
			t.Fatalf("bad line %q", sc.Text())
		}
		acked[id] = n
		if len(acked) == 1500 && !killed {
			if err := cmd.Process.Kill(); err != nil { // SIGKILL
				t.Fatal(err)
			}
			killed = true
		}
	}
	err = cmd.Wait()
	var exit *exec.ExitError
	if !killed || !errors.As(err, &exit) || exit.ExitCode() != -1 {
		t.Fatalf("the child was not killed mid-batch (killed=%v, %d acknowledged, exit %v): %s", killed, len(acked), err, stderr.String())
	}
	if len(acked) >= crashBatch*9/10 {
		t.Fatalf("the child finished (%d acknowledged) before it was killed", len(acked))
	}

	ctx := context.Background()
	s := openAt(t, dir, testOptions())
	for id, idx := range acked {
		rec, err := s.Get(ctx, id)
		if err != nil {
			t.Fatalf("acknowledged credential %s is lost: %v", id, err)
		}
		if rec.StatusIndex != idx {
			t.Fatalf("%s has status index %d, acknowledged %d", id, rec.StatusIndex, idx)
		}
	}
	var rows, distinct int
	s.db.Read.QueryRow("SELECT count(*), count(DISTINCT status_index) FROM credentials").Scan(&rows, &distinct)
	if rows < len(acked) || rows != distinct {
		t.Fatalf("%d credentials stored, %d distinct status indexes, %d acknowledged", rows, distinct, len(acked))
	}
	rep, err := s.VerifyAudit(ctx)
	if err != nil || len(rep.Problems) > 0 {
		t.Fatalf("audit after the crash: %+v %v", rep, err)
	}
	var issued int
	s.db.Read.QueryRow("SELECT count(*) FROM audit_log WHERE action = 'credential.issue'").Scan(&issued)
	if issued != rows {
		t.Fatalf("%d issue entries for %d credentials", issued, rows)
	}
	// Issuing goes on after the restart with fresh indexes.
	h := newHolder(t)
	rec, err := s.Issue(ctx, cli, IssueRequest{Type: schemas.AgeOverCredential, Subject: h.did, Claims: map[string]any{"ageOver18": true}, Format: FormatSDJWT})
	if err != nil {
		t.Fatal(err)
	}
	var dup int
	s.db.Read.QueryRow("SELECT count(*) FROM credentials WHERE status_index = ?", rec.StatusIndex).Scan(&dup)
	if dup != 1 {
		t.Fatalf("status index %d reused after the crash", rec.StatusIndex)
	}
	t.Logf("killed after %d acknowledgements; %d credentials on disk", len(acked), rows)
}
