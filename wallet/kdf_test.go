package wallet

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/cityid/cityid/wallet/internal/seal"
)

// Tests create many wallets and backups: they use cheap Argon2id
// parameters (one pass, 1 MiB) and a cheap scrypt work factor (2^10).
// TestDefaultParams and TestBackupWorkFactor check what real ones use.
func init() {
	kdfParams = func() (seal.Params, error) { return seal.NewParams(1, 1<<10, 1) }
	backupWorkFactor = 10
}

func TestDefaultParams(t *testing.T) {
	saved := kdfParams
	kdfParams = seal.Default
	defer func() { kdfParams = saved }()
	dir := t.TempDir() + "/w"
	w, err := Create(dir, "482916", Options{})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := getMeta(context.Background(), w.db, metaKDF)
	w.Close()
	if err != nil {
		t.Fatal(err)
	}
	p, err := seal.ParseParams(string(raw))
	if err != nil {
		t.Fatal(err)
	}
	if p.Time != 4 || p.MemoryKiB != 9<<10 || p.Threads != 1 || len(p.Salt) != 16 {
		t.Fatalf("a new wallet stores %s, want Argon2id t=4 m=9MiB p=1 with a 16-byte salt", raw)
	}
	w, err = Open(dir, "482916", Options{})
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
}

// TestBackupWorkFactor: a real backup is an age file whose scrypt stanza
// asks for 2^16, and a file asking for more than Restore accepts is
// refused before any work is done.
func TestBackupWorkFactor(t *testing.T) {
	saved := backupWorkFactor
	backupWorkFactor = 16
	defer func() { backupWorkFactor = saved }()
	file, err := sealBackup("quilt ember harbor violin", []byte("{}"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitN(string(file), "\n", 3)
	f := strings.Fields(lines[1])
	if lines[0] != "age-encryption.org/v1" || len(f) != 4 || f[0] != "->" || f[1] != "scrypt" || f[3] != "16" {
		t.Fatalf("the backup starts %q", lines[:2])
	}
	// The same file asking for 2^21: refused before scrypt runs (the
	// header's MAC, which the change also breaks, is checked after).
	greedy := bytes.Replace(file, []byte(" 16\n"), []byte(" 21\n"), 1)
	_, err = openBackup(greedy, "quilt ember harbor violin")
	if !errors.Is(err, ErrBackupDamaged) || !strings.Contains(err.Error(), "work factor") {
		t.Fatalf("a file asking for 2^21: %v", err)
	}
}
