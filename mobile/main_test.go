package main

import (
	"testing"
	"time"
)

// TestNoPackagedBundle: this repository packages no city bundle, and the
// app then starts without one (paper credentials only from known issuers).
func TestNoPackagedBundle(t *testing.T) {
	b, err := cityTrust(time.Now())
	if err != nil || b != nil {
		t.Fatalf("cityTrust = %v, %v; want no bundle and no error", b, err)
	}
}
