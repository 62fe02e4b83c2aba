//go:build !unix

package issuer

import (
	"errors"
	"os"
	"time"
)

// lockDir creates path exclusively, waiting while another process holds it,
// so that only one process at a time runs the start-up steps.
func lockDir(path string) (unlock func(), err error) {
	deadline := time.Now().Add(time.Minute)
	for {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		if err == nil {
			f.Close()
			return func() { os.Remove(path) }, nil
		}
		if !errors.Is(err, os.ErrExist) || time.Now().After(deadline) {
			return nil, err
		}
		time.Sleep(50 * time.Millisecond)
	}
}
