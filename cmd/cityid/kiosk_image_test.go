package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cityid/cityid/credential/qrcode"
)

const exampleRoot = "did:key:z6Mkon3Necd6NkkyfoGoHxid2znGc59LU3K7mubaRcFbLfLX"

// qrPNG writes text as a QR code image in dir.
func qrPNG(t *testing.T, dir, name, text string) string {
	t.Helper()
	c, err := qrcode.Encode(text, qrcode.Medium)
	if err != nil {
		t.Fatal(err)
	}
	data, err := c.PNG(600)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestKioskImages checks QR code images given on the command line: the
// example SD-JWT is accepted; the same code in a second image is a replay,
// and one refusal makes the exit code 1.
func TestKioskImages(t *testing.T) {
	sd, err := os.ReadFile(filepath.Join(examplesDir, "age-over.sd-jwt"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	first := qrPNG(t, dir, "age-over.png", strings.TrimSpace(string(sd)))
	again := qrPNG(t, dir, "again.png", strings.TrimSpace(string(sd)))
	kiosk := func(images ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		args := append([]string{"kiosk", "--trust", filepath.Join(examplesDir, "city-bundle.json"),
			"--trust-root", exampleRoot, "--at", "2026-11-22T12:00:00Z"}, images...)
		code := run(args, strings.NewReader(""), &stdout, &stderr)
		return code, stdout.String(), stderr.String()
	}

	code, out, logs := kiosk(first)
	if code != exitOK {
		t.Fatalf("exit %d for an accepted image:\n%s\n%s", code, out, logs)
	}
	for _, want := range []string{first + ":", "#   #       ##### #     #     ####  ####    #   ####  #   #", "Age over from Springfield Residents Office (example)", "Over 18  Yes", "Over 21  Yes"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(logs, "ageOver") {
		t.Errorf("claims in the log:\n%s", logs)
	}

	code, out, _ = kiosk(first, again)
	if code != exitFailed {
		t.Fatalf("exit %d when the second image is a replay, want %d:\n%s", code, exitFailed, out)
	}
	if !strings.Contains(out, again+":") || !strings.Contains(out, "(code: replayed)") {
		t.Errorf("second image not refused as a replay:\n%s", out)
	}
}
