package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cityid/cityid/credential/qrcode"
)

// `cityid verify` reads a QR code from a PNG image: a photo or screenshot of
// what the resident shows works like the text itself.
func TestVerifyQRImage(t *testing.T) {
	text, err := os.ReadFile(filepath.Join(examplesDir, "age-over.sd-jwt"))
	if err != nil {
		t.Fatal(err)
	}
	code, err := qrcode.Encode(strings.TrimSpace(string(text)), qrcode.Medium)
	if err != nil {
		t.Fatal(err)
	}
	png, err := code.PNG(1000)
	if err != nil {
		t.Fatal(err)
	}
	img := filepath.Join(t.TempDir(), "shown.png")
	if err := os.WriteFile(img, png, 0o600); err != nil {
		t.Fatal(err)
	}
	_, root, _ := exampleKey(0x01)
	var stdout, stderr bytes.Buffer
	code2 := run([]string{"verify", "--trust", filepath.Join(examplesDir, "city-bundle.json"), "--trust-root", root,
		"--at", "2026-11-22T12:00:00Z", img}, nil, &stdout, &stderr)
	if code2 != 0 || !strings.Contains(stdout.String(), `"ageOver21": true`) {
		t.Fatalf("exit %d\n%s%s", code2, stdout.String(), stderr.String())
	}

	// An image without a code is a usage error that says so.
	blank, _ := qrcode.Encode("x", qrcode.Low)
	b, _ := blank.PNG(200)
	// Corrupt the PNG's pixel data region so no code can be found.
	noCode := append([]byte(nil), b[:len(b)/2]...)
	bad := filepath.Join(t.TempDir(), "bad.png")
	if err := os.WriteFile(bad, noCode, 0o600); err != nil {
		t.Fatal(err)
	}
	stdout.Reset()
	stderr.Reset()
	if code := run([]string{"verify", bad}, nil, &stdout, &stderr); code != exitUsage || !strings.Contains(stderr.String(), "no QR code could be read") {
		t.Fatalf("bad image: exit %d\n%s", code, stderr.String())
	}
}
