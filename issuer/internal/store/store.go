// Package store opens the issuer's SQLite database and applies its embedded
// schema migrations.
//
// The database runs in WAL mode with synchronous=FULL (a COMMIT that returned
// is on disk), foreign keys on and a busy timeout, so that a second process
// (the CLI while the server runs) can use the same file. Migrations are the
// numbered .sql files under migrations/, applied in one transaction each and
// tracked with PRAGMA user_version.
package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"

	_ "github.com/mattn/go-sqlite3" // the SQLite driver
)

//go:embed migrations/*.sql
var migrations embed.FS

// BusyTimeoutMS is how long a connection waits for another writer.
const BusyTimeoutMS = 15000

// DB is the issuer database: one connection for writes (transactions take
// the write lock when they begin) and a pool for reads.
type DB struct {
	Write *sql.DB
	Read  *sql.DB
}

func dsn(path string, write bool) string {
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_synchronous", "FULL")
	q.Set("_foreign_keys", "on")
	q.Set("_busy_timeout", strconv.Itoa(BusyTimeoutMS))
	q.Set("_stmt_cache_size", "64")
	if write {
		q.Set("_txlock", "immediate")
	} else {
		q.Set("_query_only", "on")
	}
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// Open opens (creating if needed) the database file at path and brings its
// schema up to date.
func Open(ctx context.Context, path string, readers int) (*DB, error) {
	// The database holds residents' data: create it readable by the
	// service's user only (SQLite gives its -wal and -shm files the same mode).
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening the database %s: %w", path, err)
	}
	f.Close()
	w, err := sql.Open("sqlite3", dsn(path, true))
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("opening the database %s: %w", path, err)
	}
	var mode string
	if err := w.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || !strings.EqualFold(mode, "wal") {
		w.Close()
		return nil, fmt.Errorf("the database %s is not in WAL mode (%q, %v)", path, mode, err)
	}
	if err := Migrate(ctx, w); err != nil {
		w.Close()
		return nil, err
	}
	r, err := sql.Open("sqlite3", dsn(path, false))
	if err != nil {
		w.Close()
		return nil, err
	}
	if readers < 1 {
		readers = 1
	}
	r.SetMaxOpenConns(readers)
	r.SetMaxIdleConns(readers)
	return &DB{Write: w, Read: r}, nil
}

// Close closes both handles.
func (d *DB) Close() error {
	err1 := d.Read.Close()
	err2 := d.Write.Close()
	if err1 != nil {
		return err1
	}
	return err2
}

type migration struct {
	version int
	name    string
	sql     string
}

func load() ([]migration, error) {
	ents, err := fs.ReadDir(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range ents {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v < 1 || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("store: migration file %q is not named NNNN_name.sql", e.Name())
		}
		b, err := migrations.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{v, e.Name(), string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("store: migrations must be numbered 1, 2, 3...; %s is number %d", m.name, i+1)
		}
	}
	return ms, nil
}

// Latest is the schema version the embedded migrations produce.
func Latest() int {
	ms, err := load()
	if err != nil {
		return 0
	}
	return len(ms)
}

// Migrate applies every embedded migration newer than the database's
// user_version, each in its own transaction together with the new
// user_version. A database newer than this program is refused.
func Migrate(ctx context.Context, db *sql.DB) error {
	ms, err := load()
	if err != nil {
		return err
	}
	for _, m := range ms {
		if err := apply(ctx, db, m, len(ms)); err != nil {
			return err
		}
	}
	return nil
}

func apply(ctx context.Context, db *sql.DB, m migration, latest int) error {
	tx, err := db.BeginTx(ctx, nil) // BEGIN IMMEDIATE: one migrator at a time
	if err != nil {
		return fmt.Errorf("store: starting migration %s: %w", m.name, err)
	}
	defer tx.Rollback()
	var current int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&current); err != nil {
		return err
	}
	if current > latest {
		return fmt.Errorf("store: the database has schema version %d but this program knows only up to %d: use a newer cityid", current, latest)
	}
	if current >= m.version {
		return nil
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return fmt.Errorf("store: migration %s: %w", m.name, err)
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", m.version)); err != nil {
		return err
	}
	return tx.Commit()
}
