package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestIssuerLoadCommand runs `cityid issuer load` against a real
// `cityid issuer serve` child: the table, the check, exit 0; and its usage
// errors.
func TestIssuerLoadCommand(t *testing.T) {
	faultEnv(t)
	dir := filepath.Join(t.TempDir(), "data")
	if code, _, errs := cli("issuer", "staff", "add", "--data", dir, "--username", "clerk", "--role", "clerk"); code != exitOK {
		t.Fatal(errs)
	}
	addr := freePort(t)
	serveChild(t, dir, addr)
	code, out, errs := cli("issuer", "load", "--url", "http://"+addr, "--username", "clerk", "--flows", "30", "--concurrency", "3", "--revoke-every", "4")
	if code != exitOK || !strings.Contains(out, "| `POST /oid4vci/credential` | 30 | 0 |") ||
		!strings.Contains(out, "30 acknowledged credentials checked in the issuer: 0 problems") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	code, out, errs = cli("issuer", "load", "--url", "http://"+addr, "--username", "clerk", "--flows", "5", "--json")
	var rep struct {
		Flows    int              `json:"flows"`
		Errors   int              `json:"errors"`
		Checked  int              `json:"checked"`
		Problems []string         `json:"problems"`
		Ends     []map[string]any `json:"endpoints"`
	}
	if err := json.Unmarshal([]byte(out), &rep); code != exitOK || err != nil || rep.Flows != 5 || rep.Checked != 5 || rep.Errors != 0 || len(rep.Ends) < 6 {
		t.Fatalf("exit %d %v %+v\n%s", code, err, rep, errs)
	}

	t.Setenv("CITYID_STAFF_PASSWORD", "wrong password here")
	code, _, errs = cli("issuer", "load", "--url", "http://"+addr, "--username", "clerk", "--flows", "5")
	if code != exitFailed || !strings.Contains(errs, `staff sign-in as "clerk"`) {
		t.Fatalf("a wrong password: exit %d %s", code, errs)
	}
	t.Setenv("CITYID_STAFF_PASSWORD", "")
	for _, args := range [][]string{{"--username", "clerk"}, {"--url", "http://" + addr}, {"--url", "http://" + addr, "--username", "clerk"},
		{"--url", "http://" + addr, "--username", "clerk", "--concurrency", "0"}} {
		if code, _, errs := cli(append([]string{"issuer", "load"}, args...)...); code != exitUsage || errs == "" {
			t.Errorf("%v: exit %d %s", args, code, errs)
		}
	}
}
