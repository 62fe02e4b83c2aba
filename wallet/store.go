package wallet

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"

	_ "github.com/mattn/go-sqlite3" // the SQLite driver

	"github.com/cityid/cityid/wallet/internal/seal"
)

// DBFile is the name of the wallet's database file inside its directory.
const DBFile = "wallet.db"

// schemaVersion is the PRAGMA user_version of the current layout.
const schemaVersion = 1

// The whole layout. Nothing but random ids, counters and sealed values is
// stored: claims, keys and history are only ever written sealed.
const schema = `
CREATE TABLE meta (name TEXT PRIMARY KEY, value BLOB NOT NULL) STRICT;
CREATE TABLE credentials (id TEXT PRIMARY KEY, sealed BLOB NOT NULL) STRICT;
CREATE TABLE history (id TEXT PRIMARY KEY, sealed BLOB NOT NULL) STRICT;
PRAGMA user_version = 1;
`

// Meta row names.
const (
	metaKDF         = "kdf"          // Argon2id parameters and salt (plain)
	metaDataKey     = "data_key"     // the data key, sealed under the PIN key
	metaHolderKey   = "holder_key"   // the holder's Ed25519 seed, sealed under the data key
	metaFailures    = "failures"     // wrong PINs in a row (plain decimal)
	metaLastFailure = "last_failure" // time of the last wrong PIN, Unix nanoseconds (plain decimal)
)

// Sealing names (additional data), so sealed values cannot be swapped.
const (
	nameDataKey   = "data key"
	nameHolderKey = "holder key"
)

func credentialName(id string) string { return "credential:" + id }
func eventName(id string) string      { return "event:" + id }

// busyTimeoutMS is how long a connection waits for another process.
const busyTimeoutMS = 5000

func dsn(path string) string {
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_synchronous", "FULL")
	q.Set("_busy_timeout", strconv.Itoa(busyTimeoutMS))
	q.Set("_txlock", "immediate")
	// Deleted credentials and history are overwritten, not left in free pages.
	q.Set("_secure_delete", "on")
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// openDB opens the database file of dir. With create, the file must not
// exist yet and is created with mode 0600 and the current layout.
func openDB(ctx context.Context, dir string, create bool) (*sql.DB, error) {
	path := filepath.Join(dir, DBFile)
	if create {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("wallet: %w: %s", ErrExists, dir)
		}
		if err != nil {
			return nil, fmt.Errorf("wallet: creating %s: %w", path, err)
		}
		f.Close()
	} else {
		st, err := os.Stat(path)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("wallet: %w: %s (create one first)", ErrNoWallet, dir)
		}
		if err != nil {
			return nil, fmt.Errorf("wallet: %w", err)
		}
		if !st.Mode().IsRegular() {
			return nil, fmt.Errorf("wallet: %w: %s is not a file", ErrCorrupt, path)
		}
	}
	db, err := sql.Open("sqlite3", dsn(path))
	if err != nil {
		return nil, fmt.Errorf("wallet: opening %s: %w", path, err)
	}
	// One connection: the wallet is one person's, and writes are rare.
	db.SetMaxOpenConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	fail := func(err error) (*sql.DB, error) {
		db.Close()
		return nil, err
	}
	var version int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return fail(fmt.Errorf("wallet: %w: %s is not a wallet database: %v", ErrCorrupt, path, err))
	}
	switch {
	case create && version == 0:
		if _, err := db.ExecContext(ctx, schema); err != nil {
			return fail(fmt.Errorf("wallet: creating %s: %w", path, err))
		}
	case create:
		return fail(fmt.Errorf("wallet: %w: %s", ErrExists, dir))
	case version == 0:
		return fail(fmt.Errorf("wallet: %w: %s is empty (was the wallet's creation interrupted? create it again)", ErrCorrupt, path))
	case version > schemaVersion:
		return fail(fmt.Errorf("wallet: %w: %s was written by a newer cityid (layout %d, this one reads %d)", ErrCorrupt, path, version, schemaVersion))
	}
	var mode string
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		return fail(fmt.Errorf("wallet: %s is not in WAL mode (%q, %v)", path, mode, err))
	}
	return db, nil
}

// getMeta returns a meta value, or nil when it is absent.
func getMeta(ctx context.Context, q querier, name string) ([]byte, error) {
	var v []byte
	err := q.QueryRowContext(ctx, "SELECT value FROM meta WHERE name = ?", name).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("wallet: reading %s: %w", name, err)
	}
	return v, nil
}

// mustMeta returns a meta value that every wallet has.
func mustMeta(ctx context.Context, q querier, name string) ([]byte, error) {
	v, err := getMeta(ctx, q, name)
	if err == nil && v == nil {
		err = fmt.Errorf("wallet: %w: %s is missing", ErrCorrupt, name)
	}
	return v, err
}

func setMeta(ctx context.Context, q querier, name string, value []byte) error {
	_, err := q.ExecContext(ctx, "INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value", name, value)
	if err != nil {
		return fmt.Errorf("wallet: writing %s: %w", name, err)
	}
	return nil
}

func metaInt(ctx context.Context, q querier, name string) (int64, error) {
	v, err := getMeta(ctx, q, name)
	if err != nil || v == nil {
		return 0, err
	}
	n, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("wallet: %w: %s is %q", ErrCorrupt, name, v)
	}
	return n, nil
}

func setMetaInt(ctx context.Context, q querier, name string, n int64) error {
	return setMeta(ctx, q, name, []byte(strconv.FormatInt(n, 10)))
}

// querier is a *sql.DB or *sql.Tx.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// openSealed opens a sealed row value, reporting a failure as damage: the
// data key already opened, so only changed data fails here.
func openSealed(key []byte, name string, sealed []byte) ([]byte, error) {
	pt, err := seal.Open(key, name, sealed)
	if err != nil {
		return nil, fmt.Errorf("wallet: %w: %s does not open (changed outside cityid?)", ErrCorrupt, name)
	}
	return pt, nil
}

// sealValue seals a plaintext that is wiped afterwards.
func sealValue(key []byte, name string, pt []byte) ([]byte, error) {
	defer seal.Wipe(pt)
	s, err := seal.Seal(key, name, pt)
	if err != nil {
		return nil, fmt.Errorf("wallet: sealing %s: %w", name, err)
	}
	return s, nil
}
