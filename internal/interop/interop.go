// Package interop runs the independent implementations under interop/js
// (Digital Bazaar's VC libraries, the OWF SD-JWT VC library) from Go tests.
//
// When the npm packages are not installed, tests skip, unless the environment
// sets CITYID_REQUIRE_INTEROP=1 (as the project's test script and CI do), in
// which case a missing peer fails the test: CI can never pass by skipping.
package interop

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// Dir returns the absolute path of interop/js.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "interop", "js")
}

// Require skips or fails t when node or the npm peers are missing.
func Require(t testing.TB) {
	t.Helper()
	missing := ""
	if _, err := exec.LookPath("node"); err != nil {
		missing = "node is not installed"
	} else if _, err := os.Stat(filepath.Join(Dir(), "node_modules")); err != nil {
		missing = "interop/js/node_modules is missing (run: npm ci --prefix interop/js)"
	}
	if missing == "" {
		return
	}
	if os.Getenv("CITYID_REQUIRE_INTEROP") == "1" {
		t.Fatalf("interop peer unavailable: %s", missing)
	}
	t.Skipf("interop peer unavailable: %s (set CITYID_REQUIRE_INTEROP=1 to make this fatal)", missing)
}

// Node runs `node interop/js/SCRIPT ARGS...` with stdin as its input and
// returns its standard output. A non-zero exit fails the test with stderr.
func Node(t testing.TB, stdin []byte, script string, args ...string) []byte {
	t.Helper()
	Require(t)
	out, err := RunNode(stdin, script, args...)
	if err != nil {
		t.Fatalf("node %s: %v", script, err)
	}
	return out
}

// RunNode is Node without a testing.TB: it returns stderr in the error.
func RunNode(stdin []byte, script string, args ...string) ([]byte, error) {
	cmd := exec.Command("node", append([]string{filepath.Join(Dir(), script)}, args...)...)
	cmd.Dir = Dir()
	cmd.Stdin = bytes.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.Bytes(), &NodeError{Err: err, Stderr: stderr.String()}
	}
	return stdout.Bytes(), nil
}

// NodeError carries a failed script's standard error.
type NodeError struct {
	Err    error
	Stderr string
}

func (e *NodeError) Error() string { return e.Err.Error() + ": " + e.Stderr }
