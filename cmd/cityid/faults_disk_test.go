package main

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	_ "github.com/mattn/go-sqlite3"

	"github.com/cityid/cityid/issuer"
)

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

// smallDisk mounts a tmpfs of size bytes at a new directory and returns it,
// with a function that remounts it read-only or read-write. It needs the
// right to mount (root in a container with CAP_SYS_ADMIN); without it the
// test reports why and stops.
func smallDisk(t *testing.T, size int) (string, func(ro bool)) {
	t.Helper()
	dir := t.TempDir()
	opts := fmt.Sprintf("size=%d,mode=0700", size)
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, opts); err != nil {
		t.Fatalf("the full-disk and read-only tests mount a small tmpfs and need the right to (root, CAP_SYS_ADMIN): %v", err)
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
	disk, _ := smallDisk(t, 8<<20)
	dir := filepath.Join(disk, "data")
	if code, _, errs := cli("issuer", "staff", "add", "--data", dir, "--username", "clerk", "--role", "clerk"); code != exitOK {
		t.Fatal(errs)
	}
	earlier := issueSome(t, dir, 3)
	// Fill what is left, then try a batch that needs room.
	filler := filepath.Join(disk, "filler")
	f, err := os.Create(filler)
	if err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 64<<10)
	size := int64(0)
	for {
		n, err := f.Write(chunk)
		size += int64(n)
		if err != nil {
			break
		}
	}
	// Leave a little room: the service opens, then runs out mid-batch.
	if err := f.Truncate(size - 256<<10); err != nil {
		t.Fatal(err)
	}
	f.Close()
	var csv strings.Builder
	csv.WriteString("subject,ageOver18\n")
	for range 2000 {
		csv.WriteString("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK,true\n")
	}
	csvPath := filepath.Join(t.TempDir(), "batch.csv")
	os.WriteFile(csvPath, []byte(csv.String()), 0o600)
	code, _, errs := cli("issuer", "batch", "--data", dir, "--type", "AgeOverCredential", "--csv", csvPath, "--format", "sd-jwt")
	t.Logf("batch on a full disk: exit %d\n%s", code, errs)
	if code != exitFailed || !strings.Contains(errs, "the disk holding the issuer's data is full") ||
		!strings.Contains(errs, "free some space") || strings.Contains(errs, "skipped line") {
		t.Fatalf("want exit 1 and a message naming the full disk, got exit %d: %s", code, errs)
	}
	os.Remove(filler)
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
	remount(true)
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
	remount(false)
	checkIntact(t, dir, earlier)
}
