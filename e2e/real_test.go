package e2e

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/cityid/cityid/issuer/server/servertest"

	"github.com/cityid/cityid/issuer"
)

// TestRealIssuerInBrowser drives the real issuer service (SQLite store, real
// keys, signed credentials) through the console in chromium: the first admin
// is created from the one-time bootstrap secret, then the clerk flow runs.
// With CITYID_E2E_OUT set, the screenshots are kept (docs/screenshots holds
// the ones in README).
func TestRealIssuerInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("the browser test takes several seconds; skipped in -short mode")
	}
	requireBrowser(t)
	ctx := context.Background()
	svc, srv := servertest.Start(t, servertest.Options{Passphrase: "e2e passphrase", CityName: "Springfield", Bootstrap: true})
	url := srv.URL
	secret, err := os.ReadFile(svc.BootstrapSecretPath())
	if err != nil {
		t.Fatal(err)
	}
	const admin, adminPass = "admin", "admin-password-1"
	if _, err := svc.Bootstrap(ctx, string(bytes.TrimSpace(secret)), admin, adminPass); err != nil {
		t.Fatal(err)
	}
	const clerk, clerkPass = "clerk", "clerk-password-1"
	if _, err := svc.CreateStaff(ctx, issuer.Actor{Kind: "cli", Name: "test"}, clerk, clerkPass, issuer.RoleClerk); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddAttester(ctx, issuer.Actor{Kind: "cli", Name: "test"}, "Downtown Shelter", issuer.AttesterShelter); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	if keep := os.Getenv("CITYID_E2E_OUT"); keep != "" {
		out = keep
	}
	shot := filepath.Join(out, "offer.png")
	runCtx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(runCtx, "node", filepath.Join(dir(), "console.mjs"))
	cmd.Dir = dir()
	cmd.Env = append(os.Environ(), "BASE_URL="+url, "USERNAME="+clerk, "PASSWORD="+clerkPass,
		"SCREENSHOT="+shot, "CHROMIUM="+chromiumPath, "ATTESTER=Downtown Shelter")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("console.mjs against the real issuer: %v\n%s%s", err, stdout.String(), stderr.String())
	}
	checkScreenshot(t, shot)

	// What the browser did is in the issuer: a revoked credential, the
	// lost-phone re-issue, and an intact audit chain naming the clerk.
	recs, err := svc.Search(ctx, issuer.Query{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	revoked := 0
	for _, r := range recs {
		if r.State == issuer.StateRevoked {
			revoked++
		}
	}
	if revoked < 2 {
		t.Errorf("%d revoked credentials, want the one revoked by hand and the one re-issued", revoked)
	}
	rep, err := svc.VerifyAudit(ctx)
	if err != nil || len(rep.Problems) > 0 {
		t.Fatalf("audit: %v %v", err, rep.Problems)
	}
}
