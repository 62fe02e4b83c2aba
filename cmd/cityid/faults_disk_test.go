package main

import (
	"database/sql"
	"path/filepath"
	"testing"

	_ "github.com/mattn/go-sqlite3"

	"github.com/cityid/cityid/issuer"
)

// openRaw opens the issuer's SQLite database read-only, for checks the
// service's API does not offer (integrity_check, whole-table counts).
func openRaw(t *testing.T, dir string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(dir, issuer.DatabaseFile)+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	return db
}
