package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestWalletBackupDamaged: a backup cut short or with one byte changed is
// refused by `cityid wallet restore` (exit 1, "damaged"), and no directory
// is created; the intact file restores the same DID with the printed
// passphrase.
func TestWalletBackupDamaged(t *testing.T) {
	t.Setenv("CITYID_PIN", "482916")
	t.Setenv(backupPassphraseEnv, "")
	tmp := t.TempDir()
	w := filepath.Join(tmp, "w")
	var out, errb bytes.Buffer
	if code := run([]string{"wallet", "init", "--dir", w}, nil, &out, &errb); code != exitOK {
		t.Fatalf("init: %d %s", code, errb.String())
	}
	did := regexp.MustCompile(`did:key:z6Mk\w+`).FindString(out.String())
	backup := filepath.Join(tmp, "w.backup")
	out.Reset()
	if code := run([]string{"wallet", "backup", "--dir", w, "--out", backup}, nil, &out, &errb); code != exitOK {
		t.Fatalf("backup: %d %s", code, errb.String())
	}
	m := regexp.MustCompile(`(?m)^passphrase: (.+)$`).FindStringSubmatch(out.String())
	if m == nil || did == "" {
		t.Fatalf("no passphrase or DID printed: %q", out.String())
	}
	if st, err := os.Stat(backup); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("the backup file: %v %v", st, err)
	}
	data, err := os.ReadFile(backup)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(backupPassphraseEnv, m[1])
	t.Setenv("CITYID_PIN", "739152")
	changed := bytes.Clone(data)
	changed[len(changed)-20] ^= 0x40
	for name, bad := range map[string][]byte{"truncated": data[:len(data)-7], "changed": changed} {
		file := filepath.Join(tmp, name+".backup")
		if err := os.WriteFile(file, bad, 0o600); err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join(tmp, "restored-"+name)
		errb.Reset()
		if code := run([]string{"wallet", "restore", "--dir", dir, "--in", file}, nil, &out, &errb); code != exitFailed ||
			!strings.Contains(errb.String(), "the backup file is damaged") {
			t.Fatalf("%s backup: exit %d, %s", name, code, errb.String())
		}
		if _, err := os.Lstat(dir); !os.IsNotExist(err) {
			t.Fatalf("%s backup: the failed restore created %s", name, dir)
		}
	}
	out.Reset()
	if code := run([]string{"wallet", "restore", "--dir", filepath.Join(tmp, "r"), "--in", backup}, nil, &out, &errb); code != exitOK ||
		!strings.Contains(out.String(), did) {
		t.Fatalf("restore: %d %s %s", code, out.String(), errb.String())
	}
	// Nothing but the wallets, the backups and the sheet is left in tmp.
	ents, _ := os.ReadDir(tmp)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("a temporary file is left: %s", e.Name())
		}
	}
}
