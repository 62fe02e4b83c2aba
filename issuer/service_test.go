package issuer

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func fileMode(t *testing.T, path string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

func TestFirstStartCreatesPrivateFilesAndSecondOpenReusesKeys(t *testing.T) {
	t.Setenv(PassphraseEnv, "")
	dir := filepath.Join(t.TempDir(), "data")
	o := testOptions()
	o.Passphrase = nil // generated into DIR/key-passphrase
	s, err := Open(context.Background(), dir, o)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(s.DID(), "did:key:z6Mk") || !strings.HasPrefix(s.RootDID(), "did:key:z6Mk") || s.DID() == s.RootDID() {
		t.Fatalf("issuer %s and root %s must be two distinct Ed25519 did:keys", s.DID(), s.RootDID())
	}
	if m := fileMode(t, dir); m != 0o700 {
		t.Errorf("data directory mode %o, want 700", m)
	}
	for _, f := range []string{PassphraseFile, BootstrapSecretFile, DatabaseFile} {
		if m := fileMode(t, filepath.Join(dir, f)); m != 0o600 {
			t.Errorf("%s mode %o, want 600", f, m)
		}
	}
	if s.BootstrapSecretPath() != filepath.Join(dir, BootstrapSecretFile) {
		t.Errorf("BootstrapSecretPath = %s", s.BootstrapSecretPath())
	}
	// Keys are stored sealed: the database holds no PKCS#8 Ed25519 private key.
	rows, err := s.db.Read.Query("SELECT sealed FROM keys")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var sealed []byte
		rows.Scan(&sealed)
		if strings.Contains(string(sealed), "\x06\x03\x2b\x65\x70") { // the Ed25519 OID
			t.Error("a key is stored in the clear")
		}
	}
	rows.Close()
	issuerDID, rootDID := s.DID(), s.RootDID()
	secret, _ := os.ReadFile(s.BootstrapSecretPath())
	s.Close()

	s2 := openAt(t, dir, o) // passphrase read from the file
	if s2.DID() != issuerDID || s2.RootDID() != rootDID {
		t.Fatalf("second open made new keys: %s %s", s2.DID(), s2.RootDID())
	}
	again, _ := os.ReadFile(s2.BootstrapSecretPath())
	if string(again) != string(secret) {
		t.Fatal("second open rewrote the bootstrap secret")
	}
	var created int
	s2.db.Read.QueryRow("SELECT count(*) FROM audit_log WHERE action = 'issuer.created'").Scan(&created)
	if created != 1 {
		t.Fatalf("issuer.created logged %d times", created)
	}
}

func TestConcurrentFirstStartMakesOneSetOfKeys(t *testing.T) {
	dir := t.TempDir()
	var wg sync.WaitGroup
	dids := make([]string, 4)
	for i := range dids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := Open(context.Background(), dir, testOptions())
			if err != nil {
				t.Error(err)
				return
			}
			dids[i] = s.DID() + " " + s.RootDID()
			s.Close()
		}()
	}
	wg.Wait()
	for _, d := range dids[1:] {
		if d != dids[0] {
			t.Fatalf("two processes made different keys: %q vs %q", d, dids[0])
		}
	}
}

func TestWrongPassphrase(t *testing.T) {
	t.Setenv(PassphraseEnv, "")
	dir := t.TempDir()
	s := openAt(t, dir, testOptions())
	s.Close()
	o := testOptions()
	o.Passphrase = []byte("not the passphrase")
	_, err := Open(context.Background(), dir, o)
	if err == nil || !strings.Contains(err.Error(), "wrong passphrase") {
		t.Fatalf("wrong passphrase: got %v", err)
	}
	o.Passphrase = nil
	_, err = Open(context.Background(), dir, o)
	if err == nil || !strings.Contains(err.Error(), PassphraseEnv) {
		t.Fatalf("no passphrase: got %v", err)
	}
	t.Setenv(PassphraseEnv, string(testPass))
	s = openAt(t, dir, o)
	if s.DID() == "" {
		t.Fatal("no DID")
	}
}

func TestOpenRejectsBadPublicURL(t *testing.T) {
	for _, u := range []string{"", "ftp://x", "127.0.0.1:8080", "http://x/?a=b", "http:///path"} {
		o := testOptions()
		o.PublicURL = u
		if _, err := Open(context.Background(), t.TempDir(), o); err == nil {
			t.Errorf("public URL %q accepted", u)
		}
	}
}

func TestBootstrapIsSingleUse(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	b, err := os.ReadFile(s.BootstrapSecretPath())
	if err != nil {
		t.Fatal(err)
	}
	secret := strings.TrimSpace(string(b))
	_, err = s.Bootstrap(ctx, "wrong secret", "root", "a long enough password")
	wantCode(t, err, CodeUnauthorized)
	_, err = s.Bootstrap(ctx, secret, "root", "short")
	wantCode(t, err, CodeInvalidRequest)
	if n := count(t, s, "staff"); n != 0 {
		t.Fatalf("%d staff after failed bootstraps", n)
	}
	admin, err := s.Bootstrap(ctx, secret, "root", "a long enough password")
	if err != nil {
		t.Fatal(err)
	}
	if admin.Role != RoleAdmin || admin.Username != "root" || admin.ID == 0 {
		t.Fatalf("bootstrap made %+v", admin)
	}
	if _, err := os.Stat(s.BootstrapSecretPath()); !os.IsNotExist(err) {
		t.Fatalf("the secret file is still there: %v", err)
	}
	_, err = s.Bootstrap(ctx, secret, "root2", "a long enough password")
	wantCode(t, err, CodeForbidden)
	if _, err := s.Authenticate(ctx, "root", "a long enough password"); err != nil {
		t.Fatalf("the bootstrapped admin cannot log in: %v", err)
	}
}

func TestCloseWhileIssuing(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, dir, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	h := newHolder(t)
	var wg sync.WaitGroup
	ids := make(chan string, 200)
	for range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec, err := s.Issue(ctx, cli, IssueRequest{Type: "AgeOverCredential", Subject: h.did, Claims: map[string]any{"ageOver21": true}, Format: FormatSDJWT})
			if err == nil {
				ids <- rec.ID
			}
		}()
	}
	s.Close()
	wg.Wait() // no caller hangs
	close(ids)
	s2 := openAt(t, dir, testOptions())
	for id := range ids {
		if _, err := s2.Get(ctx, id); err != nil {
			t.Fatalf("acknowledged %s lost: %v", id, err)
		}
	}
}
