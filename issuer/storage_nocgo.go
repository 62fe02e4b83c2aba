//go:build !cgo

package issuer

// sqliteStorageKind: without cgo there is no SQLite driver, so no SQLite
// error to recognise.
func sqliteStorageKind(error) error { return nil }
