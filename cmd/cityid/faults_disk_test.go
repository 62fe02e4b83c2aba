//go:build linux

package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cityid/cityid/internal/loadtest"
	"github.com/cityid/cityid/issuer"
	"github.com/cityid/cityid/issuer/server"
	"github.com/cityid/cityid/issuer/server/servertest"
)

// noMountEnv forces the fallbacks of the full-disk and read-only tests
// (for machines where mounting is not allowed, and to test the fallbacks).
const noMountEnv = "CITYID_TEST_NO_MOUNT"

// smallDisk mounts a tmpfs of size bytes at a new directory and returns it
// with a function that remounts it read-only or read-write. Mounting needs
// root with CAP_SYS_ADMIN; without it (or with CITYID_TEST_NO_MOUNT=1) it
// returns a plain temporary directory and remount nil: the tests then fall
// back to a file size limit (full disk) and file modes (read-only).
func smallDisk(t *testing.T, size int) (string, func(ro bool)) {
	t.Helper()
	dir := t.TempDir()
	opts := fmt.Sprintf("size=%d,mode=0700", size)
	if os.Getenv(noMountEnv) != "" {
		return dir, nil
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, opts); err != nil {
		t.Logf("cannot mount a small tmpfs (%v): falling back", err)
		return dir, nil
	}
	t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
	remount := func(ro bool) {
		flags := uintptr(syscall.MS_REMOUNT)
		if ro {
			flags |= syscall.MS_RDONLY
		}
		if err := syscall.Mount("tmpfs", dir, "tmpfs", flags, opts); err != nil {
			t.Fatalf("remount: %v", err)
		}
	}
	return dir, remount
}

// fillDisk leaves about room bytes free on the tmpfs at disk and returns a
// function that frees the space again.
func fillDisk(t *testing.T, disk string, room int64) func() {
	t.Helper()
	filler := filepath.Join(disk, "filler")
	f, err := os.Create(filler)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 64<<10)
	size := int64(0)
	for {
		n, err := f.Write(chunk)
		size += int64(n)
		if err != nil {
			break
		}
	}
	if err := f.Truncate(max(size-room, 0)); err != nil {
		t.Fatal(err)
	}
	return func() { os.Remove(filler) }
}

// limitFileSize is the fallback for fillDisk without a tmpfs: it lowers
// this process's file size limit (RLIMIT_FSIZE) so that the database files
// in dir can grow by about room bytes, the way a nearly full disk would let
// them. SIGXFSZ is caught (and ignored) by the Go runtime, so writes past
// the limit fail with EFBIG. It returns the function that lifts the limit.
func limitFileSize(t *testing.T, dir string, room int64) func() {
	t.Helper()
	var biggest int64
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if fi, err := e.Info(); err == nil && fi.Size() > biggest {
			biggest = fi.Size()
		}
	}
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
		t.Fatal(err)
	}
	lim := old
	lim.Cur = uint64(biggest + room)
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &lim); err != nil {
		t.Fatalf("neither a tmpfs nor a file size limit is available for the full-disk test: %v", err)
	}
	return func() { syscall.Setrlimit(syscall.RLIMIT_FSIZE, &old) }
}

// makeReadOnly is the fallback for a read-only remount: it takes the write
// permission off dir and its files. Root ignores file modes, so as root the
// test needs the tmpfs.
func makeReadOnly(t *testing.T, dir string, ro bool) {
	t.Helper()
	if os.Geteuid() == 0 {
		t.Fatal("the read-only test runs as root without the right to mount a tmpfs: root ignores file modes, so a read-only directory cannot be made here")
	}
	dirMode, fileMode := os.FileMode(0o500), os.FileMode(0o400)
	if !ro {
		dirMode, fileMode = 0o700, 0o600
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		os.Chmod(filepath.Join(dir, e.Name()), fileMode)
	}
	if err := os.Chmod(dir, dirMode); err != nil {
		t.Fatal(err)
	}
}

// issueSome issues n credentials through the CLI and returns their ids.
func issueSome(t *testing.T, dir string, n int) []string {
	t.Helper()
	claims := filepath.Join(t.TempDir(), "claims.json")
	os.WriteFile(claims, []byte(`{"ageOver18": true}`), 0o600)
	var ids []string
	for range n {
		code, _, errs := cli("issuer", "issue", "--data", dir, "--type", "AgeOverCredential", "--format", "sd-jwt",
			"--subject", "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", "--claims", claims)
		if code != exitOK {
			t.Fatalf("issue: %s", errs)
		}
		id, _, _ := strings.Cut(strings.TrimPrefix(errs, "issued "), " ")
		ids = append(ids, id)
	}
	return ids
}

// checkIntact checks the database after a fault: integrity_check ok, the
// audit chain intact, every earlier credential still there.
func checkIntact(t *testing.T, dir string, earlier []string) {
	t.Helper()
	have := map[string]bool{}
	for _, id := range searchAll(t, dir) {
		have[id] = true
	}
	for _, id := range earlier {
		if !have[id] {
			t.Fatalf("credential %s issued before the fault is gone", id)
		}
	}
}

// TestDiskFull fills the disk under the issuer's database and checks that a
// batch fails with a plain "disk is full" error and a non-zero exit, that
// nothing is corrupted, and that issuing works again once space is freed.
func TestDiskFull(t *testing.T) {
	faultEnv(t)
	disk, remount := smallDisk(t, 8<<20)
	dir := filepath.Join(disk, "data")
	if code, _, errs := cli("issuer", "staff", "add", "--data", dir, "--username", "clerk", "--role", "clerk"); code != exitOK {
		t.Fatal(errs)
	}
	earlier := issueSome(t, dir, 3)
	// Leave a little room: the service opens, then runs out mid-batch.
	var free func()
	if remount != nil {
		free = fillDisk(t, disk, 256<<10)
	} else {
		free = limitFileSize(t, dir, 256<<10)
	}
	defer free()
	var csv strings.Builder
	csv.WriteString("subject,ageOver18\n")
	for range 2000 {
		csv.WriteString("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK,true\n")
	}
	csvPath := filepath.Join(t.TempDir(), "batch.csv")
	os.WriteFile(csvPath, []byte(csv.String()), 0o600)
	code, _, errs := cli("issuer", "batch", "--data", dir, "--type", "AgeOverCredential", "--csv", csvPath, "--format", "sd-jwt")
	free()
	t.Logf("batch on a full disk: exit %d\n%s", code, errs)
	if code != exitFailed || !strings.Contains(errs, "the disk holding the issuer's data is full") ||
		!strings.Contains(errs, "free some space") || strings.Contains(errs, "skipped line") {
		t.Fatalf("want exit 1 and a message naming the full disk, got exit %d: %s", code, errs)
	}
	checkIntact(t, dir, earlier)
	issueSome(t, dir, 1)
}

// TestReadOnlyData makes the issuer's data directory read-only and checks
// that issuing and serving fail with a plain error naming it, with a
// non-zero exit, and that the data is intact once writable again.
func TestReadOnlyData(t *testing.T) {
	faultEnv(t)
	disk, remount := smallDisk(t, 16<<20)
	dir := filepath.Join(disk, "data")
	if code, _, errs := cli("issuer", "staff", "add", "--data", dir, "--username", "clerk", "--role", "clerk"); code != exitOK {
		t.Fatal(errs)
	}
	earlier := issueSome(t, dir, 2)
	readOnly := func(ro bool) {
		if remount != nil {
			remount(ro)
		} else {
			makeReadOnly(t, dir, ro)
		}
	}
	readOnly(true)
	claims := filepath.Join(t.TempDir(), "claims.json")
	os.WriteFile(claims, []byte(`{"ageOver18": true}`), 0o600)
	code, _, errs := cli("issuer", "issue", "--data", dir, "--type", "AgeOverCredential", "--format", "sd-jwt",
		"--subject", "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", "--claims", claims)
	t.Logf("issue on a read-only disk: exit %d\n%s", code, errs)
	if code != exitFailed || !strings.Contains(errs, "the issuer's data directory is read-only") {
		t.Fatalf("want exit 1 and a message naming the read-only data, got exit %d: %s", code, errs)
	}
	code, _, errs = cli("issuer", "serve", "--data", dir, "--addr", "127.0.0.1:0")
	t.Logf("serve on a read-only disk: exit %d\n%s", code, errs)
	if code != exitFailed || !strings.Contains(errs, "the issuer's data directory is read-only") {
		t.Fatalf("want exit 1 and a message naming the read-only data, got exit %d: %s", code, errs)
	}
	readOnly(false)
	checkIntact(t, dir, earlier)
}

// TestDiskFullUnderLoad runs wallets and clerks against the issuer while
// its disk fills up: requests fail with a clear answer (staff: 503 naming
// the full disk), every credential a wallet did receive is stored, and
// once space is freed the service goes on.
func TestDiskFullUnderLoad(t *testing.T) {
	faultEnv(t)
	disk, remount := smallDisk(t, 8<<20)
	dir := filepath.Join(disk, "data")
	svc, srv := servertest.Start(t, servertest.Options{Dir: dir, Server: server.Options{RequestsPerSecond: 1e5, Burst: 1e5}})
	ctx := context.Background()
	if _, err := svc.CreateStaff(ctx, issuer.Actor{Kind: "cli", Name: "test"}, "clerk", faultStaffPassword, issuer.RoleClerk); err != nil {
		t.Fatal(err)
	}
	cfg := loadtest.Config{BaseURL: srv.URL, Username: "clerk", Password: faultStaffPassword, Flows: 400, Concurrency: 4, Duration: time.Minute}
	var free func()
	if remount != nil {
		free = fillDisk(t, disk, 1<<20)
	} else {
		free = limitFileSize(t, dir, 1<<20)
	}
	defer free()
	rep, err := loadtest.Run(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Errors == 0 || len(rep.Acks) == 0 {
		t.Fatalf("want some flows done before the disk filled and some refused after:\n%s", rep.Markdown())
	}
	// The staff API names the problem.
	cfg.Flows = 1
	staffErr := ""
	for _, e := range rep.FirstErrors {
		if strings.Contains(e, "staff") && strings.Contains(e, "HTTP 503") {
			staffErr = e
		}
	}
	free()
	t.Logf("on a full disk: %d flows done, %d failed; e.g. %s", rep.Flows, rep.Errors, staffErr)
	if staffErr == "" || !strings.Contains(staffErr, "the disk holding its data is full") {
		t.Errorf("no staff request was refused naming the full disk:\n%s", rep.Markdown())
	}
	chk, err := loadtest.Check(ctx, cfg, rep.Acks)
	if err != nil || !chk.OK() {
		t.Fatalf("after freeing space, of %d acknowledged: %v %q", len(rep.Acks), err, chk.Problems)
	}
	cfg.Flows = 20
	if more, err := loadtest.Run(ctx, cfg); err != nil || more.Errors != 0 {
		t.Fatalf("issuing after freeing space: %v\n%s", err, more.Markdown())
	}
	if a, err := svc.VerifyAudit(ctx); err != nil || len(a.Problems) > 0 {
		t.Fatalf("audit: %+v %v", a, err)
	}
}
