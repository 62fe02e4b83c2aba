// Package e2e holds the real-browser test of the staff console: console.mjs
// drives Debian's chromium with playwright-core; browser_test.go runs it
// against the console served over loopback with an in-memory issuer.
//
// The same script runs against a real issuer:
//
//	BASE_URL=http://127.0.0.1:8080 USERNAME=... PASSWORD=... node e2e/console.mjs
package e2e

import (
	"bytes"
	"context"
	"image/color"
	"image/png"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/cityid/cityid/issuer"
	"github.com/cityid/cityid/issuer/console"
	"github.com/cityid/cityid/issuer/console/consoletest"
)

// chromiumPath is Debian's chromium package; no browser is ever downloaded.
const chromiumPath = "/usr/bin/chromium"

func dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(file)
}

// requireBrowser skips t when node, chromium or playwright-core is missing,
// unless CITYID_REQUIRE_BROWSER=1, which makes that a failure.
func requireBrowser(t *testing.T) {
	t.Helper()
	missing := ""
	if _, err := exec.LookPath("node"); err != nil {
		missing = "node is not installed"
	} else if _, err := os.Stat(chromiumPath); err != nil {
		missing = chromiumPath + " is missing (apt-get install chromium)"
	} else if _, err := os.Stat(filepath.Join(dir(), "node_modules", "playwright-core")); err != nil {
		missing = "e2e/node_modules is missing (run: npm ci --prefix e2e)"
	}
	if missing == "" {
		return
	}
	if os.Getenv("CITYID_REQUIRE_BROWSER") == "1" {
		t.Fatalf("browser test unavailable: %s", missing)
	}
	t.Skipf("browser test unavailable: %s (set CITYID_REQUIRE_BROWSER=1 to make this fatal)", missing)
}

func TestConsoleInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("the browser test takes several seconds; skipped in -short mode")
	}
	requireBrowser(t)

	fake := consoletest.New()
	const user, pass = "clerk", "clerk-password-1"
	fake.AddStaff(user, pass, issuer.RoleClerk)
	if _, err := fake.AddAttester(context.Background(), issuer.Actor{Kind: "cli", Name: "test"}, "Downtown Shelter", issuer.AttesterShelter); err != nil {
		t.Fatal(err)
	}
	h, err := console.New(fake, console.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h) // loopback only
	defer srv.Close()

	out := t.TempDir()
	if keep := os.Getenv("CITYID_E2E_OUT"); keep != "" {
		out = keep // keep the screenshots to look at
	}
	shot := filepath.Join(out, "offer.png")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", filepath.Join(dir(), "console.mjs"))
	cmd.Dir = dir()
	cmd.Env = append(os.Environ(), "BASE_URL="+srv.URL, "USERNAME="+user, "PASSWORD="+pass,
		"SCREENSHOT="+shot, "CHROMIUM="+chromiumPath, "ATTESTER=Downtown Shelter")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("console.mjs: %v\n%s%s", err, stdout.String(), stderr.String())
	}
	t.Logf("console.mjs:\n%s", stdout.String())

	checkScreenshot(t, shot)

	// The browser's clicks reached the issuer as the clerk.
	want := map[string]int{"Enrol": 1, "CreateOffer": 1, "Issue": 3, "Revoke": 1, "Recover": 1}
	got := map[string]int{}
	for _, c := range fake.Calls() {
		if c.Method == "EndSession" || c.Method == "AddAttester" { // AddAttester: the seeding above
			continue
		}
		got[c.Method]++
		if c.Actor.Kind != "staff" || c.Actor.Name != user {
			t.Errorf("%s was called by %+v, want the clerk", c.Method, c.Actor)
		}
	}
	for m, n := range want {
		if got[m] != n {
			t.Errorf("%s called %d times, want %d (all calls: %v)", m, got[m], n, got)
		}
	}
	if offers := fake.Offers(); len(offers) != 2 {
		t.Errorf("%d offers made, want 2 (one at the counter, one for the new wallet)", len(offers))
	}
}

// checkScreenshot checks that the offer page's screenshot is a real page: a
// PNG of a sensible size, with dark QR modules on a light background.
func checkScreenshot(t *testing.T, file string) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	if len(data) < 20<<10 {
		t.Errorf("screenshot is only %d bytes", len(data))
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("screenshot is not a PNG: %v", err)
	}
	b := img.Bounds()
	if b.Dx() < 800 || b.Dy() < 600 {
		t.Errorf("screenshot is %dx%d, want at least 800x600", b.Dx(), b.Dy())
	}
	dark, light := 0, 0
	colors := map[color.RGBA]bool{}
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
			if len(colors) < 64 {
				colors[c] = true
			}
			switch lum := int(c.R)*299 + int(c.G)*587 + int(c.B)*114; {
			case lum < 60000:
				dark++
			case lum > 200000:
				light++
			}
		}
	}
	total := (b.Dx() / 2) * (b.Dy() / 2)
	if len(colors) < 8 || dark < total/50 || light < total/4 {
		t.Errorf("screenshot looks blank: %d colours, %d dark and %d light of %d samples", len(colors), dark, light, total)
	}
}
