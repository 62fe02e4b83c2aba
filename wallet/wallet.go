package wallet

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/cityid/cityid/did"
	"github.com/cityid/cityid/wallet/internal/seal"
)

// kdfParams makes the Argon2id parameters of a new wallet. Tests of this
// package replace it with cheaper ones to run quickly.
var kdfParams = seal.Default

// Wallet is one resident's open wallet. It is safe for concurrent use.
type Wallet struct {
	dir  string
	opts Options

	mu     sync.Mutex // guards db, dataKey and closed
	db     *sql.DB
	closed bool
	// dataKey encrypts every credential, the holder key and the history.
	// The PIN only unlocks it, so ChangePIN re-encrypts one value.
	dataKey []byte

	holder crypto.Signer
	did    string
}

// holderKey is what the holder_key row holds once opened.
type holderKey struct {
	Seed    []byte    `json:"seed"`
	Created time.Time `json:"created"`
}

// Create makes a new wallet in dir (created with mode 0700 if missing) with
// a new Ed25519 holder key, protected by pin. It fails with [ErrExists] when
// dir already holds a wallet and with [ErrWeakPIN] for an unacceptable PIN.
func Create(dir string, pin string, opts Options) (_ *Wallet, err error) {
	opts = opts.withDefaults()
	if err := CheckPIN(pin); err != nil {
		return nil, err
	}
	if dir == "" {
		return nil, fmt.Errorf("wallet: %w: no directory", ErrBadRequest)
	}
	created, err := makeDir(dir, opts)
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	db, err := openDB(ctx, dir, true)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			db.Close()
			removeDB(dir)
			if created {
				os.Remove(dir)
			}
		}
	}()
	params, err := kdfParams()
	if err != nil {
		return nil, fmt.Errorf("wallet: %w", err)
	}
	pinKey, err := seal.DeriveKey([]byte(pin), params)
	if err != nil {
		return nil, fmt.Errorf("wallet: %w", err)
	}
	defer seal.Wipe(pinKey)
	dataKey, err := seal.NewKey()
	if err != nil {
		return nil, err
	}
	wrapped, err := seal.Seal(pinKey, nameDataKey, dataKey)
	if err != nil {
		return nil, err
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	hk, err := json.Marshal(holderKey{Seed: priv.Seed(), Created: opts.Clock().UTC()})
	if err != nil {
		return nil, err
	}
	sealedKey, err := seal.Seal(dataKey, nameHolderKey, hk)
	seal.Wipe(hk)
	if err != nil {
		return nil, err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("wallet: %w", err)
	}
	defer tx.Rollback()
	for _, m := range []struct {
		name  string
		value []byte
	}{
		{metaKDF, []byte(params.String())}, {metaDataKey, wrapped}, {metaHolderKey, sealedKey},
		{metaFailures, []byte("0")}, {metaLastFailure, []byte("0")},
	} {
		if err := setMeta(ctx, tx, m.name, m.value); err != nil {
			return nil, err
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("wallet: saving the new wallet: %w", err)
	}
	w := &Wallet{dir: dir, opts: opts, db: db, dataKey: dataKey}
	if err := w.loadHolder(ctx); err != nil {
		return nil, err
	}
	return w, nil
}

// makeDir creates dir with mode 0700, or checks an existing one. It reports
// whether it created the directory.
func makeDir(dir string, opts Options) (bool, error) {
	st, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return false, fmt.Errorf("wallet: creating %s: %w", dir, err)
		}
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("wallet: %w", err)
	}
	if !st.IsDir() {
		return false, fmt.Errorf("wallet: %w: %s is not a directory", ErrBadRequest, dir)
	}
	if st.Mode().Perm()&0o077 != 0 {
		opts.Logger.Warn("the wallet directory can be listed by other users of this computer; its files are readable by you only",
			"dir", dir, "mode", st.Mode().Perm().String())
	}
	return false, nil
}

func removeDB(dir string) {
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(filepath.Join(dir, DBFile+suffix))
	}
}

// Open opens the wallet in dir with pin. After wrong PINs it first waits
// (Options.Sleep) for [RetryDelay] of the failure count, less the time
// already passed since the last wrong PIN. A wrong PIN returns a
// [*PINError] (wrapping [ErrWrongPIN]) and doubles the next wait.
func Open(dir string, pin string, opts Options) (*Wallet, error) {
	opts = opts.withDefaults()
	ctx := context.Background()
	db, err := openDB(ctx, dir, false)
	if err != nil {
		return nil, err
	}
	w, err := unlock(ctx, db, dir, pin, opts)
	if err != nil {
		db.Close()
		return nil, damaged(err)
	}
	return w, nil
}

func unlock(ctx context.Context, db *sql.DB, dir, pin string, opts Options) (*Wallet, error) {
	failures, err := metaInt(ctx, db, metaFailures)
	if err != nil {
		return nil, err
	}
	last, err := metaInt(ctx, db, metaLastFailure)
	if err != nil {
		return nil, err
	}
	if wait := RetryDelay(int(failures)) - opts.Clock().Sub(time.Unix(0, last)); failures > 0 && wait > 0 {
		opts.Logger.Info("waiting before checking the PIN, after earlier wrong PINs", "wait", wait, "failures", failures)
		opts.Sleep(wait)
	}
	dataKey, err := openDataKey(ctx, db, pin)
	if errors.Is(err, ErrWrongPIN) {
		// Count the failure in one transaction: another process may count too.
		tx, txErr := db.BeginTx(ctx, nil)
		if txErr != nil {
			return nil, fmt.Errorf("wallet: %w", txErr)
		}
		defer tx.Rollback()
		n, txErr := metaInt(ctx, tx, metaFailures)
		if txErr == nil {
			n++
			txErr = setMetaInt(ctx, tx, metaFailures, n)
		}
		if txErr == nil {
			txErr = setMetaInt(ctx, tx, metaLastFailure, opts.Clock().UnixNano())
		}
		if txErr == nil {
			txErr = tx.Commit()
		}
		if txErr != nil {
			return nil, fmt.Errorf("wallet: recording a wrong PIN: %w", txErr)
		}
		return nil, &PINError{Failures: int(n), Wait: RetryDelay(int(n))}
	}
	if err != nil {
		return nil, err
	}
	if failures > 0 {
		if err := setMetaInt(ctx, db, metaFailures, 0); err != nil {
			seal.Wipe(dataKey)
			return nil, err
		}
	}
	w := &Wallet{dir: dir, opts: opts, db: db, dataKey: dataKey}
	if err := w.loadHolder(ctx); err != nil {
		seal.Wipe(dataKey)
		return nil, err
	}
	return w, nil
}

// openDataKey derives the PIN key and unwraps the data key with it.
func openDataKey(ctx context.Context, q querier, pin string) ([]byte, error) {
	rawParams, err := mustMeta(ctx, q, metaKDF)
	if err != nil {
		return nil, err
	}
	params, err := seal.ParseParams(string(rawParams))
	if err != nil {
		return nil, fmt.Errorf("wallet: %w: %v", ErrCorrupt, err)
	}
	wrapped, err := mustMeta(ctx, q, metaDataKey)
	if err != nil {
		return nil, err
	}
	pinKey, err := seal.DeriveKey([]byte(pin), params)
	if err != nil {
		return nil, fmt.Errorf("wallet: %w: %v", ErrCorrupt, err)
	}
	defer seal.Wipe(pinKey)
	dataKey, err := seal.Open(pinKey, nameDataKey, wrapped)
	if err != nil {
		return nil, ErrWrongPIN
	}
	if len(dataKey) != seal.KeySize {
		return nil, fmt.Errorf("wallet: %w: the data key has %d bytes", ErrCorrupt, len(dataKey))
	}
	return dataKey, nil
}

// loadHolder opens the holder key and makes its signer.
func (w *Wallet) loadHolder(ctx context.Context) error {
	sealed, err := mustMeta(ctx, w.db, metaHolderKey)
	if err != nil {
		return err
	}
	raw, err := openSealed(w.dataKey, nameHolderKey, sealed)
	if err != nil {
		return err
	}
	defer seal.Wipe(raw)
	var hk holderKey
	if err := json.Unmarshal(raw, &hk); err != nil || len(hk.Seed) != ed25519.SeedSize {
		return fmt.Errorf("wallet: %w: the holder key is unreadable", ErrCorrupt)
	}
	km := did.NewSoftKeyManager()
	info, err := km.ImportKey(ed25519.NewKeyFromSeed(hk.Seed))
	seal.Wipe(hk.Seed)
	if err != nil {
		return fmt.Errorf("wallet: %w: %v", ErrCorrupt, err)
	}
	if w.holder, err = km.Signer(ctx, info.ID); err != nil {
		return err
	}
	w.did = info.DID
	return nil
}

// Close closes the database and forgets the keys. Further calls fail with
// [ErrClosed]; closing twice is harmless.
func (w *Wallet) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return nil
	}
	w.closed = true
	seal.Wipe(w.dataKey)
	w.dataKey = nil
	return w.db.Close()
}

// DID returns the holder's did:key: the DID credentials are issued to.
func (w *Wallet) DID() string { return w.did }

// Signer returns the holder key as a crypto.Signer (pure Ed25519: sign the
// message itself with crypto.Hash(0)). The private key never leaves it.
// It keeps working after Close; use the wallet's methods to present.
func (w *Wallet) Signer() crypto.Signer { return w.holder }

// Dir returns the wallet's directory.
func (w *Wallet) Dir() string { return w.dir }

// live returns the database and data key, or ErrClosed. Callers hold w.mu.
func (w *Wallet) live() error {
	if w.closed {
		return fmt.Errorf("wallet: %w", ErrClosed)
	}
	return nil
}

// ChangePIN replaces the PIN. It needs the current one, checked the same
// way as Open (a wrong one counts as a failure).
func (w *Wallet) ChangePIN(oldPIN, newPIN string) error {
	if err := CheckPIN(newPIN); err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.live(); err != nil {
		return err
	}
	ctx := context.Background()
	check, err := unlock(ctx, w.db, w.dir, oldPIN, w.opts)
	if err != nil {
		return err
	}
	seal.Wipe(check.dataKey)
	params, err := kdfParams()
	if err != nil {
		return fmt.Errorf("wallet: %w", err)
	}
	pinKey, err := seal.DeriveKey([]byte(newPIN), params)
	if err != nil {
		return fmt.Errorf("wallet: %w", err)
	}
	defer seal.Wipe(pinKey)
	wrapped, err := seal.Seal(pinKey, nameDataKey, w.dataKey)
	if err != nil {
		return err
	}
	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("wallet: %w", err)
	}
	defer tx.Rollback()
	if err := setMeta(ctx, tx, metaKDF, []byte(params.String())); err != nil {
		return err
	}
	if err := setMeta(ctx, tx, metaDataKey, wrapped); err != nil {
		return err
	}
	return tx.Commit()
}

// Profile describes one wallet directory, without opening it.
type Profile struct {
	// Name is the directory's base name.
	Name string `json:"name"`
	Dir  string `json:"dir"`
	// Failures counts wrong PINs in a row. From RetryAt on, Open checks the
	// next PIN without waiting (zero when there were no failures).
	Failures int       `json:"failures"`
	RetryAt  time.Time `json:"retryAt,omitzero"`
}

// Profiles lists the wallets in the subdirectories of root (one wallet per
// person or role on a shared computer), sorted by name. Directories
// without a wallet are left out; a missing root gives an empty list.
func Profiles(root string) ([]Profile, error) {
	ents, err := os.ReadDir(root)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("wallet: listing profiles: %w", err)
	}
	var out []Profile
	for _, e := range ents {
		if !e.IsDir() {
			continue
		}
		p, err := ReadProfile(filepath.Join(root, e.Name()))
		if errors.Is(err, ErrNoWallet) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// ReadProfile describes the wallet in dir without its PIN.
func ReadProfile(dir string) (Profile, error) {
	ctx := context.Background()
	db, err := openDB(ctx, dir, false)
	if err != nil {
		return Profile{}, err
	}
	defer db.Close()
	p := Profile{Name: filepath.Base(dir), Dir: dir}
	n, err := metaInt(ctx, db, metaFailures)
	if err != nil {
		return Profile{}, err
	}
	last, err := metaInt(ctx, db, metaLastFailure)
	if err != nil {
		return Profile{}, err
	}
	p.Failures = int(n)
	if n > 0 {
		p.RetryAt = time.Unix(0, last).Add(RetryDelay(int(n))).UTC()
	}
	return p, nil
}
