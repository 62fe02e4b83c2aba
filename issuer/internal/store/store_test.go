package store

import (
	"context"
	"path/filepath"
	"testing"
)

func TestOpenMigratesOnceAndRefusesNewerSchemas(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "x.db")
	db, err := Open(ctx, path, 2)
	if err != nil {
		t.Fatal(err)
	}
	var v int
	db.Read.QueryRow("PRAGMA user_version").Scan(&v)
	if v != Latest() || v < 1 {
		t.Fatalf("user_version %d, latest %d", v, Latest())
	}
	var sync, fk int
	db.Write.QueryRow("PRAGMA synchronous").Scan(&sync)
	db.Write.QueryRow("PRAGMA foreign_keys").Scan(&fk)
	if sync != 2 || fk != 1 {
		t.Fatalf("synchronous=%d foreign_keys=%d, want FULL (2) and on", sync, fk)
	}
	if _, err := db.Read.Exec("INSERT INTO meta (name, value) VALUES ('a', 'b')"); err == nil {
		t.Fatal("the read pool can write")
	}
	db.Close()
	// A second open applies nothing again (the seed row would conflict).
	db, err = Open(ctx, path, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Write.Exec("PRAGMA user_version = 999"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := Open(ctx, path, 1); err == nil {
		t.Fatal("a database from a newer program was opened")
	}
}
