package wallet_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cityid/cityid/credential/compact"
	"github.com/cityid/cityid/did"
	"github.com/cityid/cityid/verifier"
	"github.com/cityid/cityid/wallet"
)

const testPassphrase = "hedgehog rally crisp lumber anchor vivid"

// backedUp returns a wallet holding a city ID in all three forms, with one
// presentation in its history, its backup, and the issuer.
func backedUp(t *testing.T, clock *fakeClock, opts wallet.BackupOptions) (*wallet.Wallet, []byte, *testIssuer) {
	t.Helper()
	w, _, iss, c := held(t, clock)
	if _, err := w.Import(iss.qr(t, w.Signer().Public(), "CityIDCredential", cityClaims, clock.Now())); err != nil {
		t.Fatal(err)
	}
	if _, err := w.PresentQR(c.ID, []string{"residentOf"}, wallet.PresentOptions{Verifier: "Pool"}); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := w.BackupWith(&b, testPassphrase, opts); err != nil {
		t.Fatal(err)
	}
	return w, b.Bytes(), iss
}

// TestBackupRestore: a fresh profile restored from the backup has the same
// DID and credentials in every form, no history by default, and a QR
// presentation made after the restore verifies.
func TestBackupRestore(t *testing.T) {
	clock := newClock()
	w, backup, iss := backedUp(t, clock, wallet.BackupOptions{})
	if !wallet.IsBackup(backup) {
		t.Fatal("IsBackup does not recognise a backup")
	}
	dir := filepath.Join(t.TempDir(), "restored")
	r, err := wallet.Restore(dir, bytes.NewReader(backup), testPassphrase, "739152", wallet.Options{Clock: clock.Now, HTTPClient: noNetwork(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.DID() != w.DID() || r.Dir() != dir {
		t.Fatalf("restored DID %s in %s, want %s", r.DID(), r.Dir(), w.DID())
	}
	want, _ := w.List()
	got, err := r.List()
	if err != nil || !reflect.DeepEqual(got, want) || len(got) != 1 || len(got[0].Forms) != 3 {
		t.Fatalf("restored credentials %+v (%v), want %+v", got, err, want)
	}
	if h, err := r.History(); err != nil || len(h) != 0 {
		t.Fatalf("a backup without history restored %v %v", h, err)
	}
	// Every form works, signed by the restored key: an SD-JWT presentation
	// that package verifier accepts with holder binding, and a QR code the
	// kiosk's check (compact.Verify, with the issuer's keys) accepts.
	clock.Advance(time.Minute)
	pres, err := r.PresentSDJWT(got[0].ID, []string{"residentOf"}, "https://pool.example", "n1")
	if err != nil {
		t.Fatal(err)
	}
	v, err := verifier.New(verifier.Policy{
		TrustedIssuers: []verifier.TrustedIssuer{{DID: iss.did}}, Formats: verifier.SupportedFormats,
		Cryptosuites: []string{"eddsa-rdfc-2022"}, JWTAlgorithms: []string{"EdDSA"}, Clock: clock.Now,
		RequireHolderBinding: true, Challenge: "n1", Audience: "https://pool.example",
		UnsafeSkipStatus: true, // the test issuer publishes no status list
	})
	if err != nil {
		t.Fatal(err)
	}
	if res := v.Verify(context.Background(), []byte(pres)); !res.Verified || res.Claims["residentOf"] != "Springfield" || len(res.Claims) != 1 {
		t.Fatalf("the SD-JWT presentation made after the restore: %+v %v", res.Failures, res.Claims)
	}
	text, err := r.PresentQR(got[0].ID, []string{"givenName"}, wallet.PresentOptions{Challenge: "K7Q2"})
	if err != nil {
		t.Fatal(err)
	}
	keys, lists := iss.kioskKeys(t)
	seen, err := compact.Verify(text, keys, compact.VerifyOptions{Now: clock.Now(), Challenge: "K7Q2", RequireHolder: true, StatusLists: lists})
	if err != nil || !seen.HolderBound || !slices.Equal(seen.Disclosed, []string{"givenName"}) {
		t.Fatalf("the QR code made after the restore: %+v %v", seen, err)
	}
	if holder, _ := did.KeyDID(seen.HolderKey); holder != w.DID() {
		t.Fatalf("the QR code is bound to %s, want %s", holder, w.DID())
	}
	r.Close()
	// The new PIN opens it; the old one does not.
	if _, err := wallet.Open(dir, testPIN, wallet.Options{Sleep: func(time.Duration) {}}); !errors.Is(err, wallet.ErrWrongPIN) {
		t.Fatalf("the old PIN: %v", err)
	}
	again, err := wallet.Open(dir, "739152", wallet.Options{Sleep: func(time.Duration) {}})
	if err != nil || again.DID() != w.DID() {
		t.Fatalf("reopening: %v", err)
	}
	again.Close()
	// Nothing but the profile is left next to it.
	if ents, _ := os.ReadDir(filepath.Dir(dir)); len(ents) != 1 {
		t.Fatalf("the restore left %d entries", len(ents))
	}
}

func TestBackupWithHistory(t *testing.T) {
	clock := newClock()
	w, backup, _ := backedUp(t, clock, wallet.BackupOptions{History: true})
	r, err := wallet.Restore(filepath.Join(t.TempDir(), "r"), bytes.NewReader(backup), testPassphrase, "739152", wallet.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	want, _ := w.History()
	got, err := r.History()
	if err != nil || len(got) != 1 || !reflect.DeepEqual(got, want) {
		t.Fatalf("restored history %+v %v, want %+v", got, err, want)
	}
}

// TestBackupHoldsNoPlaintext: the file shows no claim, key or DID.
func TestBackupHoldsNoPlaintext(t *testing.T) {
	w, backup, _ := backedUp(t, newClock(), wallet.BackupOptions{History: true})
	seed := wallet.HolderSeedForTest(w)
	if len(seed) != 32 {
		t.Fatal("no seed")
	}
	for _, s := range []string{"Zorabel", "Quintanilla-Vexworth", "1987-03-14", "Springfield", "Pool", w.DID(), "residentOf", "CID1:"} {
		if bytes.Contains(backup, []byte(s)) {
			t.Errorf("the backup shows %q in the clear", s)
		}
	}
	if bytes.Contains(backup, seed) || bytes.Contains(backup, []byte(hex.EncodeToString(seed))) {
		t.Error("the backup holds the holder key in the clear")
	}
}

// TestRestoreRefuses: a wrong passphrase, a changed or truncated file and
// an existing directory each give their error, and nothing is created.
func TestRestoreRefuses(t *testing.T) {
	_, backup, _ := backedUp(t, newClock(), wallet.BackupOptions{})
	flip := func(i int) []byte {
		b := bytes.Clone(backup)
		b[i] ^= 0x01
		return b
	}
	headerEnd := bytes.Index(backup, []byte("\n")) + 1
	mac := bytes.Index(backup, []byte("\n--- ")) + 6 // in the header's MAC
	cases := map[string]struct {
		data       []byte
		passphrase string
		want       error
	}{
		"wrong passphrase":   {backup, "hedgehog rally crisp lumber anchor vivie", wallet.ErrBackupPassphrase},
		"flipped in payload": {flip(len(backup) / 2), testPassphrase, wallet.ErrBackupDamaged},
		"flipped last byte":  {flip(len(backup) - 1), testPassphrase, wallet.ErrBackupDamaged},
		"flipped header MAC": {flip(mac), testPassphrase, wallet.ErrBackupDamaged},
		"flipped magic":      {flip(0), testPassphrase, wallet.ErrBackupDamaged},
		"truncated by one":   {backup[:len(backup)-1], testPassphrase, wallet.ErrBackupDamaged},
		"truncated half":     {backup[:len(backup)/2], testPassphrase, wallet.ErrBackupDamaged},
		"truncated header":   {backup[:headerEnd+10], testPassphrase, wallet.ErrBackupDamaged},
		"empty":              {nil, testPassphrase, wallet.ErrBackupDamaged},
		"not a backup":       {[]byte(`{"did": "x"}`), testPassphrase, wallet.ErrBackupDamaged},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			parent := t.TempDir()
			_, err := wallet.Restore(filepath.Join(parent, "r"), bytes.NewReader(tc.data), tc.passphrase, "739152", wallet.Options{})
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			if ents, _ := os.ReadDir(parent); len(ents) != 0 {
				t.Fatalf("a failed restore left %v", ents)
			}
		})
	}
	t.Run("existing directory", func(t *testing.T) {
		for _, dir := range []string{t.TempDir(), func() string { _, d := newWallet(t, wallet.Options{}); return d }()} {
			before, _ := os.ReadDir(dir)
			_, err := wallet.Restore(dir, bytes.NewReader(backup), testPassphrase, "739152", wallet.Options{})
			if !errors.Is(err, wallet.ErrExists) {
				t.Fatalf("restore into %s: %v", dir, err)
			}
			if after, _ := os.ReadDir(dir); len(after) != len(before) {
				t.Fatalf("the refused restore changed %s", dir)
			}
		}
	})
	t.Run("weak new PIN", func(t *testing.T) {
		_, err := wallet.Restore(filepath.Join(t.TempDir(), "r"), bytes.NewReader(backup), testPassphrase, "123456", wallet.Options{})
		if !errors.Is(err, wallet.ErrWeakPIN) {
			t.Fatalf("got %v", err)
		}
	})
}

func TestPassphrases(t *testing.T) {
	w, _ := newWallet(t, wallet.Options{})
	for _, p := range []string{"", "short", "correct horse", "aaaaaaaaaaaaaaaaaaaa", "abcabcabcabcabcabc", "one two six one", strings.Repeat("ab cd ef ", 200)} {
		if err := wallet.CheckPassphrase(p); !errors.Is(err, wallet.ErrWeakPassphrase) {
			t.Errorf("CheckPassphrase(%q) = %v", p, err)
		}
		if err := w.Backup(&bytes.Buffer{}, p); !errors.Is(err, wallet.ErrWeakPassphrase) {
			t.Errorf("Backup with %q: %v", p, err)
		}
	}
	for _, p := range []string{"correct horse battery staple", "Tr0ub4dor&3-longer!", testPassphrase} {
		if err := wallet.CheckPassphrase(p); err != nil {
			t.Errorf("CheckPassphrase(%q) = %v", p, err)
		}
	}
	seen := map[string]bool{}
	for range 20 {
		p := wallet.NewPassphrase()
		if len(strings.Fields(p)) != wallet.PassphraseWords || wallet.CheckPassphrase(p) != nil || seen[p] {
			t.Fatalf("NewPassphrase gave %q", p)
		}
		seen[p] = true
	}
}

// TestWordList: the embedded list is BIP39's English list, byte for byte.
func TestWordList(t *testing.T) {
	b, err := os.ReadFile("backup_words.txt")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	if hex.EncodeToString(sum[:]) != "2f5eed53a4727b4bf8880d8f3f199efc90e58503646d9ff8eff3a2ed3b24dbda" {
		t.Fatal("backup_words.txt is not the BIP39 English list")
	}
}

func TestRecoverySheet(t *testing.T) {
	clock := newClock()
	w, _, _ := backedUp(t, clock, wallet.BackupOptions{})
	sheet, err := w.RecoverySheet(testPassphrase)
	if err != nil {
		t.Fatal(err)
	}
	s := string(sheet)
	for _, want := range []string{"<!DOCTYPE html>", w.DID(), testPassphrase, "22 November 2026", "Visit a city service counter", "cityid wallet restore"} {
		if !strings.Contains(s, want) {
			t.Errorf("the sheet lacks %q", want)
		}
	}
	for _, claim := range []string{"Zorabel", "Quintanilla", "1987-03-14", "Springfield", "CityID"} {
		if strings.Contains(s, claim) {
			t.Errorf("the sheet shows credential contents: %q", claim)
		}
	}
	blank, err := w.RecoverySheet("")
	if err != nil || !strings.Contains(string(blank), "Write the passphrase") {
		t.Fatalf("a sheet to fill in by hand: %v", err)
	}
	odd := "<script>alert(1)</script> & more words here"
	if sheet, err := w.RecoverySheet(odd); err != nil || strings.Contains(string(sheet), "<script>") {
		t.Fatalf("the passphrase is not escaped: %v", err)
	}
	if _, err := w.RecoverySheet("weak"); !errors.Is(err, wallet.ErrWeakPassphrase) {
		t.Fatalf("a weak passphrase: %v", err)
	}
}
