package wallet_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cityid/cityid/wallet"
)

// plainDamage checks that a corruption error says so in words a resident
// can read, not only an internal detail.
func plainDamage(t *testing.T, err error, words string) {
	t.Helper()
	msg := err.Error()
	if !strings.Contains(msg, words) {
		t.Fatalf("the error does not say %q: %v", words, msg)
	}
	if strings.HasPrefix(msg, "unexpected EOF") || msg == "invalid" {
		t.Fatalf("the error is Go-internal text: %v", msg)
	}
}

// TestCorruptWalletFile damages a wallet's database file in several ways
// and checks that opening or reading it reports the damage (ErrCorrupt)
// instead of silently showing fewer or different credentials.
func TestCorruptWalletFile(t *testing.T) {
	damage := map[string]func(b []byte) []byte{
		"empty file":       func([]byte) []byte { return nil },
		"not a database":   func(b []byte) []byte { return bytes.Repeat([]byte("cityid! "), len(b)/8) },
		"cut to a page":    func(b []byte) []byte { return b[:4096] },
		"cut in half":      func(b []byte) []byte { return b[:len(b)/2] },
		"header scrambled": func(b []byte) []byte { b = bytes.Clone(b); copy(b[16:], bytes.Repeat([]byte{0xff}, 84)); return b },
		"pages scrambled": func(b []byte) []byte {
			b = bytes.Clone(b)
			for i := 4096; i < len(b); i++ {
				b[i] ^= 0x5a
			}
			return b
		},
	}
	for name, fn := range damage {
		t.Run(name, func(t *testing.T) {
			w, dir, _, _ := held(t, newClock())
			before, err := w.List()
			if err != nil || len(before) == 0 {
				t.Fatalf("%d credentials, %v", len(before), err)
			}
			w.Close()
			path := filepath.Join(dir, wallet.DBFile)
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			for _, side := range []string{"-wal", "-shm"} {
				os.Remove(path + side)
			}
			if err := os.WriteFile(path, fn(data), 0o600); err != nil {
				t.Fatal(err)
			}
			w2, err := wallet.Open(dir, testPIN, wallet.Options{})
			if err == nil {
				defer w2.Close()
				_, err = w2.List()
			}
			if err == nil {
				t.Fatal("a damaged wallet file opened and listed without an error")
			}
			if !errors.Is(err, wallet.ErrCorrupt) {
				t.Fatalf("got %v, want ErrCorrupt", err)
			}
			plainDamage(t, err, "damaged")
		})
	}
}

// TestCorruptBackupFile feeds damaged backup files to Restore: each is
// refused as damaged, in plain words, and nothing is restored (not even
// an empty profile directory). It uses only Backup and Restore, so it holds
// for any backup format.
func TestCorruptBackupFile(t *testing.T) {
	w, _, _, _ := held(t, newClock())
	var b bytes.Buffer
	if err := w.Backup(&b, testPassphrase); err != nil {
		t.Fatal(err)
	}
	backup := b.Bytes()
	mid := len(backup) / 2
	cases := map[string][]byte{
		"zeroed block":       append(append(bytes.Clone(backup[:mid]), make([]byte, 256)...), backup[mid+256:]...),
		"junk appended":      append(bytes.Clone(backup), []byte("\nextra bytes after the end\n")...),
		"cut at 64 bytes":    backup[:64],
		"two backups joined": append(bytes.Clone(backup), backup...),
		"same size, garbage": bytes.Repeat([]byte{0x42}, len(backup)),
		"text file":          []byte("these are my notes, not a backup\n"),
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			parent := t.TempDir()
			r, err := wallet.Restore(filepath.Join(parent, "restored"), bytes.NewReader(data), testPassphrase, "739152", wallet.Options{})
			if err == nil {
				r.Close()
				t.Fatal("a damaged backup was restored")
			}
			if !errors.Is(err, wallet.ErrBackupDamaged) {
				t.Fatalf("got %v, want ErrBackupDamaged", err)
			}
			plainDamage(t, err, "damaged")
			if ents, _ := os.ReadDir(parent); len(ents) != 0 {
				t.Fatalf("a refused restore left %v", ents)
			}
		})
	}
}

// FuzzRestore: no byte string restores a wallet unless it is a backup made
// with the passphrase; a refusal leaves nothing behind.
func FuzzRestore(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("age-encryption.org/v1\n-> scrypt AAAA 18\nAAAA\n--- AAAA\n"))
	f.Add([]byte("cityid-wallet-backup\nv1 \n"))
	f.Add(bytes.Repeat([]byte{0}, 512))
	f.Fuzz(func(t *testing.T, data []byte) {
		parent := t.TempDir()
		r, err := wallet.Restore(filepath.Join(parent, "r"), bytes.NewReader(data), testPassphrase, "739152", wallet.Options{})
		if err == nil {
			r.Close()
			t.Fatal("fuzzer bytes restored a wallet")
		}
		if !errors.Is(err, wallet.ErrBackupDamaged) && !errors.Is(err, wallet.ErrBackupVersion) && !errors.Is(err, wallet.ErrBackupPassphrase) {
			t.Fatalf("unnamed error: %v", err)
		}
		if ents, _ := os.ReadDir(parent); len(ents) != 0 {
			t.Fatalf("a refused restore left %v", ents)
		}
	})
}
