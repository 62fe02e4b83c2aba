package ui

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/cityid/cityid/wallet"
)

// saved collects what the UI writes through Options.SaveBackup.
type saved struct {
	files map[string]*bytes.Buffer
	fail  error
}

type closer struct {
	*bytes.Buffer
	closed *bool
}

func (c closer) Close() error { *c.closed = true; return nil }

func (s *saved) save(name string) (io.WriteCloser, error) {
	if s.fail != nil {
		return nil, s.fail
	}
	b := &bytes.Buffer{}
	s.files[name] = b
	closed := false
	return closer{b, &closed}, nil
}

// opening makes Options.OpenBackup hand out data.
func opening(data []byte) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
}

// passphraseOnScreen is the passphrase shown in large type.
func passphraseOnScreen(t *testing.T, u *UI) string {
	t.Helper()
	for _, o := range objects(u) {
		if l, ok := o.(*widget.Label); ok && l.TextStyle.Monospace {
			return l.Text
		}
	}
	t.Fatalf("no passphrase on the screen; texts: %q", texts(u))
	return ""
}

// dirs lists the entries of root, hidden ones included.
func dirs(t *testing.T, root string) []string {
	t.Helper()
	es, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}

func createProfile(t *testing.T, u *UI, name string) {
	t.Helper()
	test.Type(entry(t, u, "Your name or a nickname"), name)
	entry(t, u, "PIN").SetText(testPIN)
	enter(entry(t, u, "PIN again"), testPIN)
	if u.Wallet() == nil {
		t.Fatalf("no wallet after creating %s; texts: %q", name, texts(u))
	}
}

// TestBackupRestore backs up a profile through the UI, refuses a wrong
// passphrase, a damaged file and a file that is no backup (creating
// nothing), then restores into a new profile with the right passphrase
// and finds the same holder and credential.
func TestBackupRestore(t *testing.T) {
	for _, tc := range []struct {
		name string
		size fyne.Size
	}{{"phone", phoneSize}, {"desktop", desktopSize}} {
		t.Run(tc.name, func(t *testing.T) { backupRestore(t, tc.size) })
	}
}

func backupRestore(t *testing.T, size fyne.Size) {
	clock := &fakeClock{t: start}
	root := t.TempDir()
	u := newTestUI(t, root, size, clock)
	out := &saved{files: map[string]*bytes.Buffer{}}
	u.opts.SaveBackup = out.save
	createProfile(t, u, "ana")
	holder := u.Wallet().DID()
	c := newTestIssuer(t).give(t, u.Wallet(), "AgeOverCredential", map[string]any{"ageOver18": true}, clock.Now())
	title := typeTitle(c)
	u.ShowList()

	test.Tap(button(t, u, "Back up"))
	wantText(t, u, "Back up your wallet")
	fits(t, u, "backup")
	reachable(t, u, "backup")
	pass := passphraseOnScreen(t, u)
	if len(strings.Fields(pass)) != wallet.PassphraseWords || wallet.CheckPassphrase(pass) != nil {
		t.Fatalf("shown passphrase %q", pass)
	}
	if !button(t, u, "Save the recovery sheet…").Disabled() {
		t.Error("the recovery sheet is offered before the backup is saved")
	}

	// A destination that cannot be opened: an error in words, nothing saved.
	out.fail = errors.New("disk full")
	test.Tap(button(t, u, "Save the backup file…"))
	wantText(t, u, "The backup could not be saved: disk full")
	out.fail = nil

	test.Tap(button(t, u, "Save the backup file…"))
	wantText(t, u, "The backup is saved.")
	noText(t, u, "could not be saved")
	backup := out.files[backupFileName]
	if backup == nil || !wallet.IsBackup(backup.Bytes()) {
		t.Fatalf("no backup written: %v", out.files)
	}
	if f, ok := u.win.Canvas().Focused().(*spaceButton); !ok || &f.Button != button(t, u, "Save the recovery sheet…") {
		t.Error("after the backup the focus is not on the recovery sheet")
	}

	// The sheet without, then with the passphrase.
	test.Tap(button(t, u, "Save the recovery sheet…"))
	wantText(t, u, "The recovery sheet is saved.")
	sheet := out.files[sheetFileName].String()
	if !strings.Contains(sheet, "<html") || strings.Contains(sheet, pass) {
		t.Fatalf("sheet without the passphrase: %.200q", sheet)
	}
	test.Tap(check(t, u, "Print the six words"))
	test.Tap(button(t, u, "Save the recovery sheet…"))
	if sheet := out.files[sheetFileName].String(); !strings.Contains(sheet, pass) {
		t.Fatal("the sheet lacks the passphrase it was asked to print")
	}

	test.Tap(button(t, u, "Back"))
	test.Tap(button(t, u, "Lock"))

	// The restore screen, from the unlock screen.
	test.Tap(button(t, u, "Restore from a backup"))
	wantText(t, u, "Restore from a backup")
	wantText(t, u, "Lost the phone and the backup file")
	fits(t, u, "restore")
	reachable(t, u, "restore")

	// Nothing chosen yet.
	test.Tap(button(t, u, "Restore"))
	wantText(t, u, "Choose the backup file first.")

	// A file that is no backup is refused when chosen.
	u.opts.OpenBackup = opening([]byte("hello, world\n"))
	test.Tap(button(t, u, "Choose the backup file…"))
	wantText(t, u, "This file is not a wallet backup")
	wantText(t, u, "No file chosen yet.")

	fill := func(passphrase, name string) {
		entry(t, u, "The six words of the backup").SetText(passphrase)
		entry(t, u, "Your name or a nickname").SetText(name)
		entry(t, u, "PIN").SetText("735104")
		enter(entry(t, u, "PIN again"), "735104")
	}
	before := dirs(t, root)

	// A wrong passphrase: the message, no profile, no leftovers.
	u.opts.OpenBackup = opening(backup.Bytes())
	test.Tap(button(t, u, "Choose the backup file…"))
	wantText(t, u, "A backup file is chosen.")
	fill("wrong words that open nothing at all", "ana2")
	wantText(t, u, "This passphrase does not open the backup.")
	if u.Wallet() != nil {
		t.Fatal("a wrong passphrase opened a wallet")
	}
	if got := dirs(t, root); !slices.Equal(got, before) {
		t.Fatalf("a wrong passphrase left %q in the root (was %q)", got, before)
	}

	// A damaged file: the message, nothing created.
	damaged := slices.Clone(backup.Bytes())
	damaged[len(damaged)-10] ^= 1
	u.opts.OpenBackup = opening(damaged)
	test.Tap(button(t, u, "Choose the backup file…"))
	fill(pass, "ana2")
	wantText(t, u, "This file is not a wallet backup, or it is damaged.")
	if u.Wallet() != nil || !slices.Equal(dirs(t, root), before) {
		t.Fatalf("a damaged backup created something: %q", dirs(t, root))
	}

	// An existing name is refused before anything is decrypted.
	u.opts.OpenBackup = opening(backup.Bytes())
	test.Tap(button(t, u, "Choose the backup file…"))
	fill(pass, "ana")
	wantText(t, u, "A profile with this name already exists.")

	// The right passphrase (with stray spaces around it): the same holder
	// and credential.
	fill(" "+pass+" ", "ana2")
	if u.Wallet() == nil {
		t.Fatalf("the restore did not open the wallet; texts: %q", texts(u))
	}
	wantText(t, u, "Your credentials (ana2)")
	wantText(t, u, "Your wallet is restored.")
	wantText(t, u, title)
	if got := u.Wallet().DID(); got != holder {
		t.Fatalf("restored DID %s, want %s", got, holder)
	}
	list, err := u.Wallet().List()
	if err != nil || len(list) != 1 || list[0].ID != c.ID {
		t.Fatalf("restored list %+v, %v", list, err)
	}

	// The new PIN opens the restored profile.
	test.Tap(button(t, u, "Lock"))
	pick := selectWidget(t, u)
	pick.SetSelected("ana2")
	enter(entry(t, u, "PIN"), "735104")
	wantText(t, u, "Your credentials (ana2)")

	// Ctrl+B opens the backup screen, Ctrl+, the settings.
	press := func(k fyne.KeyName) {
		u.win.Canvas().Unfocus()
		u.win.Canvas().(fyne.Shortcutable).TypedShortcut(&desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierShortcutDefault})
	}
	press(fyne.KeyB)
	wantText(t, u, "Back up your wallet")
	press(fyne.KeyComma)
	wantText(t, u, "Change the PIN")
	u.win.Canvas().Unfocus()
	u.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	wantText(t, u, "Your credentials (ana2)")
}

func selectWidget(t *testing.T, u *UI) *widget.Select {
	t.Helper()
	for _, o := range objects(u) {
		if s, ok := o.(*widget.Select); ok {
			return s
		}
	}
	t.Fatalf("no profile picker; texts: %q", texts(u))
	return nil
}

// TestSettings changes the PIN (a wrong current PIN and a mismatch are
// refused), copies the DID, locks from the settings, then the old PIN is
// refused and the new one opens the wallet.
func TestSettings(t *testing.T) {
	clock := &fakeClock{t: start}
	u := newTestUI(t, t.TempDir(), phoneSize, clock)
	createProfile(t, u, "ana")
	holder := u.Wallet().DID()

	test.Tap(button(t, u, "Settings"))
	wantText(t, u, "Change the PIN")
	wantText(t, u, holder)
	wantText(t, u, "The app follows your system's language.")
	fits(t, u, "settings")
	reachable(t, u, "settings")

	test.Tap(button(t, u, "Copy"))
	if got := u.app.Clipboard().Content(); got != holder {
		t.Fatalf("clipboard %q, want the DID %q", got, holder)
	}
	wantText(t, u, "Copied.")

	const newPIN = "590317"
	entry(t, u, "Current PIN").SetText(testPIN)
	entry(t, u, "New PIN").SetText(newPIN)
	enter(entry(t, u, "PIN again"), "590318")
	wantText(t, u, "The two PINs are not the same.")

	entry(t, u, "Current PIN").SetText("111111x")
	entry(t, u, "New PIN").SetText(newPIN)
	enter(entry(t, u, "PIN again"), newPIN)
	wantText(t, u, "Wrong PIN.")
	noText(t, u, "The PIN is changed")
	clock.Advance(time.Hour)

	entry(t, u, "Current PIN").SetText(testPIN)
	entry(t, u, "New PIN").SetText(newPIN)
	enter(entry(t, u, "PIN again"), newPIN)
	wantText(t, u, "The PIN is changed.")
	noText(t, u, "Wrong PIN")

	test.Tap(button(t, u, "Lock now"))
	if u.Wallet() != nil {
		t.Fatal("Lock now left the wallet open")
	}
	enter(entry(t, u, "PIN"), testPIN)
	wantText(t, u, "Wrong PIN.")
	if u.Wallet() != nil {
		t.Fatal("the old PIN still opens the wallet")
	}
	clock.Advance(time.Hour)
	enter(entry(t, u, "PIN"), newPIN)
	if u.Wallet() == nil {
		t.Fatalf("the new PIN does not open the wallet; texts: %q", texts(u))
	}
	if u.Wallet().DID() != holder {
		t.Fatal("another wallet opened")
	}
}

// TestLostEverythingText: the restore screen's help is the wallet's own
// text, translated in every shipped language.
func TestLostEverythingText(t *testing.T) {
	for name, m := range shipped(t) {
		if strings.TrimSpace(m[wallet.LostEverythingHelp]) == "" {
			t.Errorf("%s.json lacks wallet.LostEverythingHelp", name)
		}
	}
	var en map[string]string
	data, _ := translations.ReadFile("translations/en.json")
	if err := json.Unmarshal(data, &en); err != nil || en[wallet.LostEverythingHelp] != wallet.LostEverythingHelp {
		t.Error("en.json's lost-everything text differs from wallet.LostEverythingHelp")
	}
}

// TestFileDialogs: without Options.SaveBackup and Options.OpenBackup the
// screens open Fyne's file dialogs.
func TestFileDialogs(t *testing.T) {
	u := newTestUI(t, t.TempDir(), desktopSize, &fakeClock{t: start})
	createProfile(t, u, "ana")
	test.Tap(button(t, u, "Back up"))
	test.Tap(button(t, u, "Save the backup file…"))
	if u.win.Canvas().Overlays().Top() == nil {
		t.Error("no save dialog")
	}
	u.win.Canvas().Overlays().Remove(u.win.Canvas().Overlays().Top())
	u.Lock()
	test.Tap(button(t, u, "Restore from a backup"))
	test.Tap(button(t, u, "Choose the backup file…"))
	if u.win.Canvas().Overlays().Top() == nil {
		t.Error("no open dialog")
	}
}
