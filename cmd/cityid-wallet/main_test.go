package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestFlags checks the flags and the errors reported before any window
// opens.
func TestFlags(t *testing.T) {
	t.Setenv("TEST_WALLET_PIN", "482913")
	t.Setenv("TEST_EMPTY_PIN", "")
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--exit-after-list"}, 2, "--exit-after-list needs --unlock-pin-env"},
		{[]string{"--unlock-pin-env", "TEST_EMPTY_PIN"}, 2, "--unlock-pin-env TEST_EMPTY_PIN: the variable is empty or not set"},
		{[]string{"--profiles", ""}, 2, "--profiles DIR is required"},
		{[]string{"extra"}, 2, `unexpected argument "extra"`},
		{[]string{"--trust", "bundle.json"}, 2, "--trust needs --trust-root"},
		{[]string{"--trust", "/no/such/bundle.json", "--trust-root", "did:key:z6Mk"}, 1, "the trust bundle: open /no/such/bundle.json"},
		{[]string{"--no-such-flag"}, 2, "flag provided but not defined"},
		{[]string{"-h"}, 0, "usage: cityid-wallet [--profiles DIR]"},
	}
	for _, tt := range tests {
		var stderr bytes.Buffer
		if _, code, ok := parse(tt.args, &stderr); ok || code != tt.code || !strings.Contains(stderr.String(), tt.want) {
			t.Errorf("%q: exit %d, stderr %q; want exit %d and %q", tt.args, code, stderr.String(), tt.code, tt.want)
		}
	}

	cfg, _, ok := parse([]string{"--profiles", "p", "--unlock-pin-env", "TEST_WALLET_PIN", "--exit-after-list"}, &bytes.Buffer{})
	if !ok || cfg != (config{profiles: "p", pin: "482913", exitAfter: true}) {
		t.Errorf("parse: %+v, %v", cfg, ok)
	}
	t.Setenv("XDG_CONFIG_HOME", "/tmp/cfg")
	t.Setenv("HOME", "/tmp/home")
	if cfg, _, ok := parse(nil, &bytes.Buffer{}); !ok || cfg.profiles != "/tmp/cfg/cityid-wallet" || cfg.pin != "" || cfg.exitAfter {
		t.Errorf("defaults: %+v, %v", cfg, ok)
	}
}
