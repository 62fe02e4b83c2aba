//go:build cgo

package issuer

import (
	"errors"
	"syscall"

	"github.com/mattn/go-sqlite3"
)

// sqliteStorageKind tells SQLite's "full" and "read-only" results (and
// I/O errors caused by a full disk or a file size limit) apart.
func sqliteStorageKind(err error) error {
	var se sqlite3.Error
	if !errors.As(err, &se) {
		return nil
	}
	switch {
	case se.Code == sqlite3.ErrFull || se.SystemErrno == syscall.ENOSPC || se.SystemErrno == syscall.EDQUOT || se.SystemErrno == syscall.EFBIG:
		return ErrDiskFull
	case se.Code == sqlite3.ErrReadonly || se.SystemErrno == syscall.EROFS:
		return ErrReadOnly
	}
	return nil
}
