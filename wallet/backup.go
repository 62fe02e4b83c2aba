package wallet

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"filippo.io/age"
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

// backupMagic names the format inside the encrypted payload.
const backupMagic = "cityid-wallet-backup"

// ageMagic is how every age file starts.
const ageMagic = "age-encryption.org/v1\n"

// MaxBackupSize bounds the payload of a backup (64 MiB: about ten
// thousand credentials in every form).
const MaxBackupSize = 64 << 20

// maxBackupFile bounds a backup file: the payload, age's header and its
// 16-byte tag per 64 KiB chunk.
const maxBackupFile = MaxBackupSize + MaxBackupSize/(64<<10)*16 + 4096

// Scrypt work factors (log2 of N, with r = 8: 2^16 takes 64 MiB and about
// a quarter of a second on a laptop). The passphrase is several random
// words (NewPassphrase), so the work factor only has to slow guessing
// down, not to make up for a weak secret; 2^16 keeps a restore possible on
// a cheap phone. Restore accepts files asking for up to 2^20 (1 GiB).
var backupWorkFactor = 16

const maxBackupWorkFactor = 20

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
// The file is an age file (age-encryption.org/v1) encrypted to a scrypt
// recipient made from the passphrase; it holds a JSON payload that names
// its own format and version. A payload holds at most [MaxBackupSize]
// bytes. [Restore] reads it.
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

// sealBackup makes a backup file: body encrypted with age to a scrypt
// recipient made from the passphrase.
func sealBackup(passphrase string, body []byte) ([]byte, error) {
	r, err := age.NewScryptRecipient(strings.TrimSpace(passphrase))
	if err != nil {
		return nil, fmt.Errorf("wallet: %w", err)
	}
	r.SetWorkFactor(backupWorkFactor)
	var buf bytes.Buffer
	enc, err := age.Encrypt(&buf, r)
	if err != nil {
		return nil, fmt.Errorf("wallet: encrypting the backup: %w", err)
	}
	if _, err := enc.Write(body); err != nil {
		return nil, fmt.Errorf("wallet: encrypting the backup: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("wallet: encrypting the backup: %w", err)
	}
	return buf.Bytes(), nil
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
	file, err := io.ReadAll(io.LimitReader(r, maxBackupFile+1))
	if err != nil {
		return nil, fmt.Errorf("wallet: reading the backup: %w", err)
	}
	if len(file) > maxBackupFile {
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

// openBackup decrypts an age backup file with the passphrase. A file that
// asks for more scrypt work than maxBackupWorkFactor is refused before any
// is done: a planted file must not exhaust a phone's memory.
func openBackup(file []byte, passphrase string) ([]byte, error) {
	if !IsBackup(file) {
		return nil, fmt.Errorf("wallet: %w: it does not start as an encrypted backup does", ErrBackupDamaged)
	}
	id, err := age.NewScryptIdentity(strings.TrimSpace(passphrase))
	if err != nil {
		return nil, fmt.Errorf("wallet: %w", err)
	}
	id.SetMaxWorkFactor(maxBackupWorkFactor)
	dec, err := age.Decrypt(bytes.NewReader(file), id)
	if err != nil {
		var noMatch *age.NoIdentityMatchError
		if errors.As(err, &noMatch) {
			return nil, fmt.Errorf("wallet: %w (check the passphrase on the recovery sheet)", ErrBackupPassphrase)
		}
		return nil, fmt.Errorf("wallet: %w: the beginning of the file is unreadable (%v)", ErrBackupDamaged, err)
	}
	plain, err := io.ReadAll(io.LimitReader(dec, MaxBackupSize+1))
	if err != nil {
		seal.Wipe(plain)
		return nil, fmt.Errorf("wallet: %w: the content does not match its seal (the file is truncated or was changed)", ErrBackupDamaged)
	}
	if len(plain) > MaxBackupSize {
		seal.Wipe(plain)
		return nil, fmt.Errorf("wallet: %w: it holds more than %d bytes", ErrBackupDamaged, MaxBackupSize)
	}
	return plain, nil
}

// check refuses a payload that Restore could not turn into a wallet.
func (p *backupPayload) check() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("wallet: %w: "+format, append([]any{ErrBackupDamaged}, args...)...)
	}
	if p.Format != backupMagic || p.Version < 1 {
		return bad("the payload names format %q version %d", p.Format, p.Version)
	}
	if p.Version > BackupVersion {
		return fmt.Errorf("wallet: %w (format %d; this one reads %d): update cityid first", ErrBackupVersion, p.Version, BackupVersion)
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
			if !slices.Contains(heldFormats, f) {
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

// IsBackup reports whether data starts like a wallet backup file (an age
// file), without the passphrase: a quick check for a file picker.
func IsBackup(data []byte) bool {
	return bytes.HasPrefix(data, []byte(ageMagic))
}
