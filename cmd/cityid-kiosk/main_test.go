package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestUsageErrors checks the errors reported before any window opens.
func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{nil, 2, "--trust BUNDLE is required"},
		{[]string{"--trust", "missing.json"}, 2, "kiosk trust bundle missing.json"},
		{[]string{"--trust", "../../examples/city-bundle.json", "--stale", "maybe"}, 2, `--stale "maybe": use reject or warn`},
		{[]string{"--trust", "../../examples/city-bundle.json", "--trust-root", "did:key:z6MkvRXNYcE7MMduynWTgeKbDaT1iijDSC8pZqXZc8rHPrf2"}, 2, "not signed by the pinned root key"},
		{[]string{"--no-such-flag"}, 2, "flag provided but not defined"},
		{[]string{"-h"}, 0, "usage: cityid-kiosk --trust BUNDLE"},
	}
	for _, tt := range tests {
		var stderr bytes.Buffer
		if code := run(tt.args, &stderr); code != tt.code || !strings.Contains(stderr.String(), tt.want) {
			t.Errorf("%q: exit %d, stderr %q; want exit %d and %q", tt.args, code, stderr.String(), tt.code, tt.want)
		}
	}
}
