package wallet

import (
	"context"
	"testing"

	"github.com/cityid/cityid/wallet/internal/seal"
)

// Tests create many wallets: they use cheap Argon2id parameters (one pass,
// 1 MiB). TestDefaultParams checks what a real wallet stores.
func init() {
	kdfParams = func() (seal.Params, error) { return seal.NewParams(1, 1<<10, 1) }
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
	if p.Time != 3 || p.MemoryKiB != 64<<10 || p.Threads != 2 || len(p.Salt) != 16 {
		t.Fatalf("a new wallet stores %s, want Argon2id t=3 m=64MiB p=2 with a 16-byte salt", raw)
	}
	w, err = Open(dir, "482916", Options{})
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
}
