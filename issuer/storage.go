package issuer

import (
	"errors"
	"fmt"
	"syscall"
)

// Failures of the disk under the data directory. Errors for them wrap
// these, so callers can tell "free some space" from a bug:
// errors.Is(err, ErrDiskFull).
var (
	ErrDiskFull = errors.New("the disk holding the issuer's data is full")
	ErrReadOnly = errors.New("the issuer's data directory is read-only")
)

// storageError explains a full or read-only disk in plain words, with
// what to do; SQLite rolled the transaction back, so nothing was half-written.
type storageError struct {
	kind error
	dir  string
	err  error
}

func (e *storageError) Error() string {
	what := "free some space on it, then try again"
	if e.kind == ErrReadOnly {
		what = "make it writable (a read-only disk or missing write permission), then try again"
	}
	return fmt.Sprintf("%v (%s): %s; nothing of this change was saved (%v)", e.kind, e.dir, what, e.err)
}

func (e *storageError) Unwrap() []error { return []error{e.kind, e.err} }

// storageFault returns err explained as ErrDiskFull or ErrReadOnly when
// it is one of those, else err unchanged.
func storageFault(dir string, err error) error {
	if err == nil {
		return nil
	}
	var done *storageError
	if errors.As(err, &done) {
		return err
	}
	kind := sqliteStorageKind(err)
	switch {
	case kind != nil:
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT), errors.Is(err, syscall.EFBIG):
		kind = ErrDiskFull
	case errors.Is(err, syscall.EROFS):
		kind = ErrReadOnly
	}
	if kind == nil {
		return err
	}
	return &storageError{kind: kind, dir: dir, err: err}
}
