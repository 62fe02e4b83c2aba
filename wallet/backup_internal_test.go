package wallet

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRestoreChecksPayload: a backup sealed with the right passphrase but
// holding something Restore cannot turn into the same wallet is refused
// as damaged, and nothing is created.
func TestRestoreChecksPayload(t *testing.T) {
	w, err := Create(filepath.Join(t.TempDir(), "w"), "482916", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	const pass = "quilt ember harbor violin"
	good := func() *backupPayload {
		p, err := w.backupPayload(BackupOptions{})
		if err != nil {
			t.Fatal(err)
		}
		p.Credentials = []*record{{Credential: Credential{ID: newID()}, Texts: map[Format]string{FormatQR: "CID1:x"}}}
		return p
	}
	other, err := Create(filepath.Join(t.TempDir(), "o"), "482916", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	for name, change := range map[string]func(p *backupPayload){
		"unchanged":          func(p *backupPayload) {},
		"another DID":        func(p *backupPayload) { p.DID = other.DID() },
		"short key":          func(p *backupPayload) { p.HolderKey.Seed = p.HolderKey.Seed[:16] },
		"bad id":             func(p *backupPayload) { p.Credentials[0].ID = "../../x" },
		"repeated id":        func(p *backupPayload) { p.Credentials = append(p.Credentials, p.Credentials[0]) },
		"no forms":           func(p *backupPayload) { p.Credentials[0].Texts = nil },
		"unknown form":       func(p *backupPayload) { p.Credentials[0].Texts["mdoc"] = "x" },
		"other format":       func(p *backupPayload) { p.Format = "something-else" },
		"newer payload":      func(p *backupPayload) { p.Version = BackupVersion + 1 },
		"undeclared history": func(p *backupPayload) { p.History = []Event{{ID: newID()}} },
	} {
		t.Run(name, func(t *testing.T) {
			p := good()
			change(p)
			body, err := json.Marshal(p)
			if err != nil {
				t.Fatal(err)
			}
			file, err := sealBackup(pass, body)
			if err != nil {
				t.Fatal(err)
			}
			parent := t.TempDir()
			r, err := Restore(filepath.Join(parent, "r"), bytes.NewReader(file), pass, "739152", Options{})
			if name == "unchanged" {
				if err != nil || r.DID() != w.DID() {
					t.Fatalf("the unchanged payload: %v", err)
				}
				r.Close()
				return
			}
			want := ErrBackupDamaged
			if name == "newer payload" {
				want = ErrBackupVersion
			}
			if !errors.Is(err, want) {
				t.Fatalf("got %v, want %v", err, want)
			}
			if ents, _ := os.ReadDir(parent); len(ents) != 0 {
				t.Fatalf("a refused restore left %v", ents)
			}
		})
	}
}

// TestRestoreSizeLimit: a file larger than a backup can be is refused
// without reading it all.
func TestRestoreSizeLimit(t *testing.T) {
	huge := io.MultiReader(strings.NewReader(ageMagic), zeros{})
	_, err := Restore(filepath.Join(t.TempDir(), "r"), huge, "quilt ember harbor violin", "739152", Options{})
	if !errors.Is(err, ErrBackupDamaged) || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("got %v", err)
	}
}

type zeros struct{}

func (zeros) Read(b []byte) (int, error) {
	clear(b)
	return len(b), nil
}
