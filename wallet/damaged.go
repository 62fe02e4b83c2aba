//go:build cgo

package wallet

import (
	"errors"
	"fmt"

	"github.com/mattn/go-sqlite3"
)

// damaged marks an SQLite "malformed" or "not a database" error as
// [ErrCorrupt], so that a damaged wallet file is reported as such, in
// words, instead of as a database error.
func damaged(err error) error {
	var se sqlite3.Error
	if err == nil || errors.Is(err, ErrCorrupt) || !errors.As(err, &se) {
		return err
	}
	if se.Code == sqlite3.ErrCorrupt || se.Code == sqlite3.ErrNotADB {
		return fmt.Errorf("wallet: %w (restore it from a backup): %v", ErrCorrupt, err)
	}
	return err
}
