//go:build unix

package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cityid/cityid/internal/loadtest"
)

// TestKillServeDuringLoad kills `cityid issuer serve` with SIGKILL while
// wallets and clerks are using it, restarts it on the same directory, and
// checks that every acknowledged credential (and revocation) is there, no
// status index was handed out twice, the audit chain is intact, and the
// restarted service keeps issuing.
func TestKillServeDuringLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills child processes")
	}
	faultEnv(t)
	dir := filepath.Join(t.TempDir(), "data")
	if code, _, errs := cli("issuer", "staff", "add", "--data", dir, "--username", "clerk", "--role", "clerk"); code != exitOK {
		t.Fatal(errs)
	}
	addr := freePort(t)
	child := serveChild(t, dir, addr)
	cfg := loadtest.Config{BaseURL: "http://" + addr, Username: "clerk", Password: faultStaffPassword,
		Flows: 300, Concurrency: 6, Duration: time.Minute, RevokeEvery: 3}
	var once sync.Once
	var mu sync.Mutex
	acked := 0
	cfg.OnAck = func(loadtest.Ack) {
		mu.Lock()
		acked++
		n := acked
		mu.Unlock()
		if n >= 40 {
			once.Do(func() { child.Process.Kill() }) // SIGKILL, mid-flight
		}
	}
	rep, err := loadtest.Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	err = child.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("the issuer was not killed: %v", err)
	}
	if rep.Errors == 0 || len(rep.Acks) >= cfg.Flows {
		t.Fatalf("the kill came too late: %d acknowledged, %d errors", len(rep.Acks), rep.Errors)
	}

	restarted := serveChild(t, dir, addr)
	cfg.OnAck = nil
	chk, err := loadtest.Check(context.Background(), cfg, rep.Acks)
	if err != nil {
		t.Fatal(err)
	}
	if !chk.OK() || chk.Checked != len(rep.Acks) {
		t.Fatalf("after the restart, of %d acknowledged: %q", len(rep.Acks), chk.Problems)
	}
	cfg.Flows, cfg.RevokeEvery = 20, 0
	more, err := loadtest.Run(context.Background(), cfg)
	if err != nil || more.Errors != 0 {
		t.Fatalf("issuing after the restart: %v\n%s", err, more.Markdown())
	}
	restarted.Process.Signal(syscall.SIGTERM)
	restarted.Wait()
	n := checkIssuerDir(t, dir)
	if n < len(rep.Acks)+20 {
		t.Fatalf("%d credentials stored, %d acknowledged", n, len(rep.Acks)+20)
	}
	t.Logf("killed after %d acknowledged credentials (%d flows failed); %d on disk after the restart", len(rep.Acks), rep.Errors, n)
}

var progressLine = regexp.MustCompile(`\] (\d+)/(\d+) issued`)

// TestKillBatch kills `cityid issuer batch` with SIGKILL in the middle of a
// large CSV and checks that at least what its progress line reported as
// issued is on disk, with unique status indexes and an intact audit chain.
// (issuer.TestKillDuringBatch checks the same per credential, in the
// service.)
func TestKillBatch(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills a child process")
	}
	faultEnv(t)
	dir := filepath.Join(t.TempDir(), "data")
	if code, _, errs := cli("issuer", "staff", "add", "--data", dir, "--username", "clerk", "--role", "clerk"); code != exitOK {
		t.Fatal(errs)
	}
	const rows = 60000
	var csv strings.Builder
	csv.WriteString("subject,ageOver18\n")
	for range rows {
		csv.WriteString("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK,true\n")
	}
	csvPath := filepath.Join(t.TempDir(), "batch.csv")
	if err := os.WriteFile(csvPath, []byte(csv.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("cityid", "issuer", "batch", "--data", dir, "--type", "AgeOverCredential", "--csv", csvPath, "--format", "sd-jwt")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill at the first progress line past 100 (the second line, after
	// about 2 s), or after 6 s at the latest, so that a fast machine does
	// not finish first. Every line read counts, even one read after the
	// kill: it was printed before.
	var once sync.Once
	kill := func() { once.Do(func() { cmd.Process.Kill() }) }
	timer := time.AfterFunc(6*time.Second, kill)
	defer timer.Stop()
	reported := 0
	sc := bufio.NewScanner(stderr)
	sc.Split(scanProgress)
	for sc.Scan() {
		m := progressLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		done, _ := strconv.Atoi(m[1])
		reported = max(reported, done)
		if done >= 100 {
			kill()
		}
	}
	err = cmd.Wait()
	var exit *exec.ExitError
	if reported == 0 || reported == rows || !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("the batch was not killed mid-way (reported %d): %v", reported, err)
	}
	n := len(searchAll(t, dir))
	if n < reported {
		t.Fatalf("the batch reported %d issued, %d on disk", reported, n)
	}
	t.Logf("killed after %d reported issued; %d on disk", reported, n)
}

// scanProgress splits the progress output at newlines and carriage returns.
func scanProgress(data []byte, atEOF bool) (int, []byte, error) {
	if i := bytes.IndexAny(data, "\r\n"); i >= 0 {
		return i + 1, data[:i], nil
	}
	if atEOF && len(data) > 0 {
		return len(data), data, nil
	}
	return 0, nil, nil
}
