package wallet

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cityid/cityid/did"
	"github.com/cityid/cityid/wallet/internal/seal"
)

// Backup errors. A backup that cannot be restored wraps one of them.
var (
	// ErrWeakPassphrase: a backup passphrase is too short or too easy.
	ErrWeakPassphrase = errors.New("backup passphrase not accepted")
	// ErrBackupPassphrase: the passphrase does not open the backup file.
	ErrBackupPassphrase = errors.New("the passphrase does not open this backup")
	// ErrBackupDamaged: the backup file is truncated, changed, too large or
	// not a cityid wallet backup.
	ErrBackupDamaged = errors.New("the backup file is damaged or is not a wallet backup")
	// ErrBackupVersion: the backup was written by a newer cityid.
	ErrBackupVersion = errors.New("the backup was made by a newer version of cityid")
)

// BackupVersion is the version of the backup format [Wallet.Backup]
// writes; [Restore] reads this version and older ones.
const BackupVersion = 1

// backupMagic is the first line of a backup file.
const backupMagic = "cityid-wallet-backup"

// Sealing names of a backup's two sealed parts.
const (
	nameBackupKey     = "backup file key"
	nameBackupPayload = "backup payload\x00" // followed by the header lines
)

// MaxBackupSize bounds the payload of a backup (64 MiB: about ten
// thousand credentials in every form).
const MaxBackupSize = 64 << 20

// maxBackupHeader bounds the three header lines.
const maxBackupHeader = 1024

// backupKDF makes the Argon2id parameters of a new backup: those of a new
// wallet (tests of this package make both cheap).
var backupKDF = func() (seal.Params, error) { return kdfParams() }

// BackupOptions choose what a backup holds.
type BackupOptions struct {
	// History adds the presentation history. By default a backup holds no
	// history: the file may be kept on a shared computer or a cloud drive,
	// and who was shown what is the resident's private record.
	History bool
}

// backupPayload is the sealed JSON after the header lines.
type backupPayload struct {
	// Format and Version repeat the file's header inside the encryption.
	Format    string    `json:"format"`
	Version   int       `json:"version"`
	DID       string    `json:"did"`
	Created   time.Time `json:"created"`
	HolderKey holderKey `json:"holderKey"`
	// Credentials are the stored records with every form as issued.
	Credentials []*record `json:"credentials"`
	// HistoryIncluded says whether the history was backed up (it may be
	// included and empty).
	HistoryIncluded bool    `json:"historyIncluded"`
	History         []Event `json:"history,omitempty"`
}

// Backup writes an encrypted backup of the wallet to out: the holder's
// private key, the DID and every credential in every form, without the
// history ([Wallet.BackupWith] to include it). The passphrase must pass
// [CheckPassphrase] ([NewPassphrase] suggests one).
//
// The file starts with three plain lines: "cityid-wallet-backup", the
// version ([BackupVersion]) with the Argon2id parameters and salt, and a
// random file key sealed with XChaCha20-Poly1305 under the key Argon2id
// derives from the passphrase. The JSON payload follows, sealed under the
// file key with those lines as additional data; it starts with its own
// small header (format and version). A payload holds at most
// [MaxBackupSize] bytes. [Restore] reads it.
//
// (filippo.io/age with a scrypt recipient was the first choice; it is not
// among the module's requirements, so the wallet's own sealing is used.)
func (w *Wallet) Backup(out io.Writer, passphrase string) error {
	return w.BackupWith(out, passphrase, BackupOptions{})
}

// BackupWith is [Wallet.Backup] with options.
func (w *Wallet) BackupWith(out io.Writer, passphrase string, opts BackupOptions) error {
	if err := CheckPassphrase(passphrase); err != nil {
		return err
	}
	p, err := w.backupPayload(opts)
	if err != nil {
		return err
	}
	defer seal.Wipe(p.HolderKey.Seed)
	body, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("wallet: encoding the backup: %w", err)
	}
	defer seal.Wipe(body)
	if len(body) > MaxBackupSize {
		return fmt.Errorf("wallet: %w: the backup would hold %d bytes, more than %d", ErrBadRequest, len(body), MaxBackupSize)
	}
	file, err := sealBackup(passphrase, body)
	if err != nil {
		return err
	}
	if _, err := out.Write(file); err != nil {
		return fmt.Errorf("wallet: writing the backup: %w", err)
	}
	return nil
}

// sealBackup makes a backup file: three header lines (the format and its
// version, the Argon2id parameters and salt, the random file key sealed
// under the key derived from the passphrase), then the payload sealed
// under the file key with the header lines as additional data. A wrong
// passphrase fails on the file key, damage anywhere else on the payload.
func sealBackup(passphrase string, body []byte) ([]byte, error) {
	params, err := backupKDF()
	if err != nil {
		return nil, fmt.Errorf("wallet: %w", err)
	}
	passKey, err := seal.DeriveKey([]byte(strings.TrimSpace(passphrase)), params)
	if err != nil {
		return nil, fmt.Errorf("wallet: %w", err)
	}
	defer seal.Wipe(passKey)
	fileKey, err := seal.NewKey()
	if err != nil {
		return nil, err
	}
	defer seal.Wipe(fileKey)
	wrapped, err := seal.Seal(passKey, nameBackupKey, fileKey)
	if err != nil {
		return nil, err
	}
	header := fmt.Sprintf("%s\nv%d %s\n%s\n", backupMagic, BackupVersion, params, base64.RawStdEncoding.EncodeToString(wrapped))
	payload, err := seal.Seal(fileKey, nameBackupPayload+header, body)
	if err != nil {
		return nil, err
	}
	return append([]byte(header), payload...), nil
}

// backupPayload reads everything a backup holds, under w.mu.
func (w *Wallet) backupPayload(opts BackupOptions) (*backupPayload, error) {
	var history []Event
	if opts.History {
		var err error
		if history, err = w.History(); err != nil {
			return nil, err
		}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.live(); err != nil {
		return nil, err
	}
	ctx := context.Background()
	sealed, err := mustMeta(ctx, w.db, metaHolderKey)
	if err != nil {
		return nil, err
	}
	raw, err := openSealed(w.dataKey, nameHolderKey, sealed)
	if err != nil {
		return nil, err
	}
	defer seal.Wipe(raw)
	p := &backupPayload{Format: backupMagic, Version: BackupVersion, DID: w.did, Created: w.opts.Clock().UTC(), HistoryIncluded: opts.History}
	if err := json.Unmarshal(raw, &p.HolderKey); err != nil || len(p.HolderKey.Seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("wallet: %w: the holder key is unreadable", ErrCorrupt)
	}
	if p.Credentials, err = w.recordsLocked(); err != nil {
		return nil, err
	}
	p.History = history
	return p, nil
}

// Restore makes a new wallet in dir from a backup written by
// [Wallet.Backup], protected by newPIN: the same holder key and DID, every
// credential with all its forms (and the history when the backup has it).
// dir must not exist yet ([ErrExists] otherwise). The backup is decrypted
// and checked in memory, the wallet is written to a temporary directory
// next to dir and renamed into place, so that a wrong passphrase
// ([ErrBackupPassphrase]), a truncated or changed file ([ErrBackupDamaged],
// [ErrBackupVersion]) or any other failure leaves nothing behind.
// Credentials are not verified again: they were verified when received,
// and the whole file is authenticated.
func Restore(dir string, r io.Reader, passphrase, newPIN string, opts Options) (_ *Wallet, err error) {
	opts = opts.withDefaults()
	if dir == "" {
		return nil, fmt.Errorf("wallet: %w: no directory", ErrBadRequest)
	}
	if strings.TrimSpace(passphrase) == "" {
		return nil, fmt.Errorf("wallet: %w: no backup passphrase", ErrBadRequest)
	}
	if err := CheckPIN(newPIN); err != nil {
		return nil, err
	}
	if err := checkFresh(dir); err != nil {
		return nil, err
	}
	p, err := readBackup(r, passphrase)
	if err != nil {
		return nil, err
	}
	defer seal.Wipe(p.HolderKey.Seed)
	dir = filepath.Clean(dir)
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o700); err != nil {
		return nil, fmt.Errorf("wallet: creating %s: %w", parent, err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".restoring-")
	if err != nil {
		return nil, fmt.Errorf("wallet: %w", err)
	}
	renamed := false
	defer func() {
		if err != nil && !renamed {
			os.RemoveAll(tmp)
		}
	}()
	tw, err := Create(tmp, newPIN, opts)
	if err != nil {
		return nil, err
	}
	err = tw.restoreContents(p)
	dataKey := slices.Clone(tw.dataKey)
	defer seal.Wipe(dataKey)
	if cerr := tw.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("wallet: %w", cerr)
	}
	if err != nil {
		return nil, err
	}
	if err := checkFresh(dir); err != nil {
		return nil, err
	}
	if err := os.Rename(tmp, dir); err != nil {
		return nil, fmt.Errorf("wallet: %w: moving the restored wallet to %s: %v", ErrExists, dir, err)
	}
	renamed = true
	syncDir(parent)
	ctx := context.Background()
	db, err := openDB(ctx, dir, false)
	if err != nil {
		return nil, err
	}
	w := &Wallet{dir: dir, opts: opts, db: db, dataKey: slices.Clone(dataKey)}
	if err := w.loadHolder(ctx); err != nil {
		w.Close()
		return nil, err
	}
	return w, nil
}

// checkFresh refuses a dir that exists in any form.
func checkFresh(dir string) error {
	_, err := os.Lstat(dir)
	if err == nil {
		return fmt.Errorf("wallet: %w: %s already exists; restore into a new directory", ErrExists, dir)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("wallet: %w", err)
	}
	return nil
}

func syncDir(dir string) {
	if f, err := os.Open(dir); err == nil {
		f.Sync()
		f.Close()
	}
}

// restoreContents replaces the new wallet's holder key with the backed up
// one and writes the credentials and history, in one transaction.
func (w *Wallet) restoreContents(p *backupPayload) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.live(); err != nil {
		return err
	}
	ctx := context.Background()
	hk, err := json.Marshal(p.HolderKey)
	if err != nil {
		return fmt.Errorf("wallet: %w", err)
	}
	sealedKey, err := sealValue(w.dataKey, nameHolderKey, hk)
	if err != nil {
		return err
	}
	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("wallet: %w", err)
	}
	defer tx.Rollback()
	if err := setMeta(ctx, tx, metaHolderKey, sealedKey); err != nil {
		return err
	}
	for _, r := range p.Credentials {
		if err := w.putRecord(ctx, tx, r); err != nil {
			return err
		}
	}
	// Oldest first, so that History's rowid order stays right.
	for i := len(p.History) - 1; i >= 0; i-- {
		ev := p.History[i]
		pt, err := json.Marshal(ev)
		if err != nil {
			return fmt.Errorf("wallet: %w", err)
		}
		sealed, err := sealValue(w.dataKey, eventName(ev.ID), pt)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO history (id, sealed) VALUES (?, ?)", ev.ID, sealed); err != nil {
			return fmt.Errorf("wallet: restoring the history: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("wallet: saving the restored wallet: %w", err)
	}
	if err := w.loadHolder(ctx); err != nil {
		return err
	}
	if w.did != p.DID {
		return fmt.Errorf("wallet: %w: the restored key gives %s, the backup names %s", ErrBackupDamaged, w.did, p.DID)
	}
	return nil
}

// readBackup decrypts and checks a backup, all in memory.
func readBackup(r io.Reader, passphrase string) (*backupPayload, error) {
	file, err := io.ReadAll(io.LimitReader(r, MaxBackupSize+maxBackupHeader+seal.Overhead+1))
	if err != nil {
		return nil, fmt.Errorf("wallet: reading the backup: %w", err)
	}
	if len(file) > MaxBackupSize+maxBackupHeader+seal.Overhead {
		return nil, fmt.Errorf("wallet: %w: it is larger than %d bytes", ErrBackupDamaged, MaxBackupSize)
	}
	plain, err := openBackup(file, passphrase)
	if err != nil {
		return nil, err
	}
	defer seal.Wipe(plain)
	var p backupPayload
	if err := json.Unmarshal(plain, &p); err != nil {
		return nil, fmt.Errorf("wallet: %w: %v", ErrBackupDamaged, err)
	}
	if err := p.check(); err != nil {
		seal.Wipe(p.HolderKey.Seed)
		return nil, err
	}
	return &p, nil
}

// openBackup reads the header lines of a backup file and opens its payload.
func openBackup(file []byte, passphrase string) ([]byte, error) {
	lines := bytes.SplitN(file[:min(len(file), maxBackupHeader)], []byte("\n"), 4)
	if len(lines) < 4 || string(lines[0]) != backupMagic {
		return nil, fmt.Errorf("wallet: %w: no cityid backup header (is the file complete?)", ErrBackupDamaged)
	}
	v, kdf, _ := strings.Cut(string(lines[1]), " ")
	version, verr := strconv.Atoi(strings.TrimPrefix(v, "v"))
	switch {
	case !strings.HasPrefix(v, "v") || verr != nil || version < 1:
		return nil, fmt.Errorf("wallet: %w: unreadable version %q", ErrBackupDamaged, v)
	case version > BackupVersion:
		return nil, fmt.Errorf("wallet: %w (format %d; this one reads %d): update cityid first", ErrBackupVersion, version, BackupVersion)
	}
	params, err := seal.ParseParams(kdf)
	if err != nil {
		return nil, fmt.Errorf("wallet: %w: %v", ErrBackupDamaged, err)
	}
	wrapped, err := base64.RawStdEncoding.DecodeString(string(lines[2]))
	if err != nil {
		return nil, fmt.Errorf("wallet: %w: unreadable key line", ErrBackupDamaged)
	}
	headerLen := len(lines[0]) + len(lines[1]) + len(lines[2]) + 3
	header, payload := string(file[:headerLen]), file[headerLen:]
	passKey, err := seal.DeriveKey([]byte(strings.TrimSpace(passphrase)), params)
	if err != nil {
		return nil, fmt.Errorf("wallet: %w: %v", ErrBackupDamaged, err)
	}
	defer seal.Wipe(passKey)
	fileKey, err := seal.Open(passKey, nameBackupKey, wrapped)
	if err != nil || len(fileKey) != seal.KeySize {
		return nil, fmt.Errorf("wallet: %w (check the passphrase on the recovery sheet)", ErrBackupPassphrase)
	}
	defer seal.Wipe(fileKey)
	plain, err := seal.Open(fileKey, nameBackupPayload+header, payload)
	if err != nil {
		return nil, fmt.Errorf("wallet: %w: the content does not match its seal (the file is truncated or was changed)", ErrBackupDamaged)
	}
	return plain, nil
}

// check refuses a payload that Restore could not turn into a wallet.
func (p *backupPayload) check() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("wallet: %w: "+format, append([]any{ErrBackupDamaged}, args...)...)
	}
	if p.Format != backupMagic || p.Version < 1 || p.Version > BackupVersion {
		return bad("the payload names format %q version %d", p.Format, p.Version)
	}
	if len(p.HolderKey.Seed) != ed25519.SeedSize {
		return bad("the holder key has %d bytes", len(p.HolderKey.Seed))
	}
	d, err := did.KeyDID(ed25519.NewKeyFromSeed(p.HolderKey.Seed).Public())
	if err != nil || d != p.DID {
		return bad("the holder key does not match the DID %q", p.DID)
	}
	seen := map[string]bool{}
	for _, r := range p.Credentials {
		if r == nil || checkID(r.ID) != nil || seen[r.ID] || len(r.Texts) == 0 {
			return bad("a credential entry is malformed or repeated")
		}
		seen[r.ID] = true
		for f := range r.Texts {
			if !slices.Contains(supportedFormats, f) {
				return bad("credential %s has an unknown form %q", r.ID, f)
			}
		}
	}
	if !p.HistoryIncluded && len(p.History) > 0 {
		return bad("a history that the header says is not there")
	}
	for _, ev := range p.History {
		if checkID(ev.ID) != nil || seen["event:"+ev.ID] {
			return bad("a history event is malformed or repeated")
		}
		seen["event:"+ev.ID] = true
	}
	return nil
}

func weakPassphrase(format string, args ...any) error {
	return fmt.Errorf("wallet: %w: "+format, append([]any{ErrWeakPassphrase}, args...)...)
}

// IsBackup reports whether data starts like a wallet backup file,
// without the passphrase: a quick check for a file picker.
func IsBackup(data []byte) bool {
	return bytes.HasPrefix(data, []byte(backupMagic+"\n"))
}
