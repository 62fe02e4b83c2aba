package wallet_test

import (
	"bytes"
	"crypto/ed25519"
	"database/sql"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/mattn/go-sqlite3"

	"github.com/cityid/cityid/credential/compact"
	"github.com/cityid/cityid/wallet"
)

// TestNothingReadableInTheFile stores credentials in every form, presents
// one (history), and then greps every file of the wallet directory for the
// claim values, the holder's private key, its DID and the PIN.
func TestNothingReadableInTheFile(t *testing.T) {
	clock := newClock()
	w, dir := newWallet(t, wallet.Options{Clock: clock.Now, HTTPClient: noNetwork(t)})
	iss := newTestIssuer(t)
	if _, err := w.Import(iss.ldp(t, w.DID(), "CityIDCredential", cityClaims, clock.Now())); err != nil {
		t.Fatal(err)
	}
	c, err := w.Import(iss.sdjwt(t, w.Signer().Public(), "CityIDCredential", cityClaims, clock.Now()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Import(iss.qr(t, w.Signer().Public(), "CityIDCredential", cityClaims, clock.Now())); err != nil {
		t.Fatal(err)
	}
	if _, err := w.PresentSDJWT(c.ID, []string{"givenName"}, "https://library.example", "n-0S6_WzA2Mj"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.PresentQR(c.ID, []string{"residentOf"}, wallet.PresentOptions{Verifier: "Town hall kiosk"}); err != nil {
		t.Fatal(err)
	}
	// The seed is what a thief would want.
	seed := extractSeed(t, w)
	holderDID := w.DID()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	secrets := map[string][]byte{
		"holder private key (seed)":        seed,
		"holder private key (base64url)":   []byte(base64.RawURLEncoding.EncodeToString(seed)),
		"holder private key (std base64)":  []byte(base64.StdEncoding.EncodeToString(seed)[:40]),
		"holder DID":                       []byte(holderDID),
		"holder public key":                []byte(w.Signer().Public().(ed25519.PublicKey)),
		"PIN":                              []byte(testPIN),
		"verifier audience in the history": []byte("library.example"),
		"kiosk name in the history":        []byte("Town hall kiosk"),
		"status list URL":                  []byte("springfield.example"),
		"QR text prefix":                   []byte(compact.Prefix),
		"claim name":                       []byte("familyName"),
		"credential type":                  []byte("CityIDCredential"),
		"issuer DID":                       []byte(iss.did),
	}
	for _, v := range cityClaims {
		secrets["claim value "+v.(string)] = []byte(v.(string))
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(files) == 0 {
		t.Fatal("no files in the wallet directory")
	}
	total := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		total += len(data)
		for what, s := range secrets {
			if bytes.Contains(data, s) {
				t.Errorf("%s: the %s is readable in the file", filepath.Base(f), what)
			}
		}
	}
	if total < 4096 {
		t.Fatalf("the wallet files hold only %d bytes: the grep proves nothing", total)
	}
}

// extractSeed reads the holder's Ed25519 seed through a test-only hook (the
// wallet hands out no key material) and checks it is the signer's key.
func extractSeed(t *testing.T, w *wallet.Wallet) []byte {
	t.Helper()
	seed := wallet.HolderSeedForTest(w)
	if len(seed) != ed25519.SeedSize {
		t.Fatalf("seed of %d bytes", len(seed))
	}
	if !ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey).Equal(w.Signer().Public()) {
		t.Fatal("the test hook returned another key")
	}
	return seed
}

func TestFileModes(t *testing.T) {
	w, dir := newWallet(t, wallet.Options{})
	if _, err := w.List(); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o700 {
		t.Errorf("wallet directory mode %v, want 0700", st.Mode().Perm())
	}
	files, _ := filepath.Glob(filepath.Join(dir, wallet.DBFile+"*"))
	if len(files) < 2 {
		t.Fatalf("files %v: want the database and its WAL", files)
	}
	for _, f := range files {
		st, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %v, want 0600", filepath.Base(f), st.Mode().Perm())
		}
	}
}

func TestCreateAndOpen(t *testing.T) {
	w, dir := newWallet(t, wallet.Options{})
	id := w.DID()
	if !strings.HasPrefix(id, "did:key:z6Mk") {
		t.Fatalf("DID %q is not an Ed25519 did:key", id)
	}
	w.Close()
	if _, err := w.List(); !errors.Is(err, wallet.ErrClosed) {
		t.Fatalf("List after Close: %v", err)
	}
	if _, err := wallet.Create(dir, testPIN, wallet.Options{}); !errors.Is(err, wallet.ErrExists) {
		t.Fatalf("Create twice: %v", err)
	}
	w2, err := wallet.Open(dir, testPIN, wallet.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w2.Close()
	if w2.DID() != id {
		t.Fatalf("reopened wallet has DID %s, want %s", w2.DID(), id)
	}
	if _, err := wallet.Open(filepath.Join(t.TempDir(), "nobody"), testPIN, wallet.Options{}); !errors.Is(err, wallet.ErrNoWallet) {
		t.Fatalf("Open of an empty dir: %v", err)
	}
	if _, err := wallet.Create(filepath.Join(t.TempDir(), "x"), "1234", wallet.Options{}); !errors.Is(err, wallet.ErrWeakPIN) {
		t.Fatalf("short PIN: %v", err)
	}
}

// TestTamperedRowIsDetected changes one byte of a stored credential: the
// wallet reports damage instead of showing altered data.
func TestTamperedRowIsDetected(t *testing.T) {
	clock := newClock()
	w, dir := newWallet(t, wallet.Options{Clock: clock.Now})
	iss := newTestIssuer(t)
	c, err := w.Import(iss.ldp(t, w.DID(), "CityIDCredential", cityClaims, clock.Now()))
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	db, err := sql.Open("sqlite3", filepath.Join(dir, wallet.DBFile))
	if err != nil {
		t.Fatal(err)
	}
	var sealed []byte
	if err := db.QueryRow("SELECT sealed FROM credentials WHERE id = ?", c.ID).Scan(&sealed); err != nil {
		t.Fatal(err)
	}
	sealed[len(sealed)/2] ^= 1
	if _, err := db.Exec("UPDATE credentials SET sealed = ? WHERE id = ?", sealed, c.ID); err != nil {
		t.Fatal(err)
	}
	// A row moved under another id is refused as well.
	if _, err := db.Exec("INSERT INTO credentials (id, sealed) SELECT 'aaaaaaaaaaaaaaaa', sealed FROM credentials WHERE id = ?", c.ID); err != nil {
		t.Fatal(err)
	}
	db.Close()
	w, err = wallet.Open(dir, testPIN, wallet.Options{Clock: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := w.Get(c.ID); !errors.Is(err, wallet.ErrCorrupt) {
		t.Fatalf("Get of a changed row: %v", err)
	}
	if _, err := w.Get("aaaaaaaaaaaaaaaa"); !errors.Is(err, wallet.ErrCorrupt) {
		t.Fatalf("Get of a moved row: %v", err)
	}
	if _, err := w.List(); !errors.Is(err, wallet.ErrCorrupt) {
		t.Fatalf("List: %v", err)
	}
}

func TestProfiles(t *testing.T) {
	root := t.TempDir()
	for _, name := range []string{"mum", "dad"} {
		w, err := wallet.Create(filepath.Join(root, name), testPIN, wallet.Options{})
		if err != nil {
			t.Fatal(err)
		}
		w.Close()
	}
	os.Mkdir(filepath.Join(root, "photos"), 0o700)
	os.WriteFile(filepath.Join(root, "notes.txt"), []byte("x"), 0o600)
	ps, err := wallet.Profiles(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 2 || ps[0].Name != "dad" || ps[1].Name != "mum" || ps[0].Failures != 0 || !ps[0].RetryAt.IsZero() {
		t.Fatalf("profiles %+v", ps)
	}
	if ps, err := wallet.Profiles(filepath.Join(root, "missing")); err != nil || len(ps) != 0 {
		t.Fatalf("missing root: %v %v", ps, err)
	}
	// Each profile has its own key.
	a, _ := wallet.Open(filepath.Join(root, "mum"), testPIN, wallet.Options{})
	b, _ := wallet.Open(filepath.Join(root, "dad"), testPIN, wallet.Options{})
	defer a.Close()
	defer b.Close()
	if a.DID() == b.DID() {
		t.Fatal("two profiles share a DID")
	}
}
