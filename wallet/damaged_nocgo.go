//go:build !cgo

package wallet

// damaged: without cgo there is no SQLite driver, so no SQLite error to
// recognise.
func damaged(err error) error { return err }
