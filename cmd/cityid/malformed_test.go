package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cityid/cityid/issuer"
	"github.com/cityid/cityid/issuer/server"
	"github.com/cityid/cityid/issuer/server/servertest"
	"github.com/cityid/cityid/wallet"
)

// malformedDir is the shared corpus of bad inputs (see its README).
const malformedDir = "../../testdata/malformed"

// malformedCorpus reads every corpus file, plus one generated input larger
// than any entry point accepts (too big to keep in the repository).
func malformedCorpus(t *testing.T) map[string][]byte {
	t.Helper()
	ents, err := os.ReadDir(malformedDir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, e := range ents {
		if e.Name() == "README.md" {
			continue
		}
		b, err := os.ReadFile(filepath.Join(malformedDir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = b
	}
	if len(out) < 25 {
		t.Fatalf("the corpus has only %d files", len(out))
	}
	big := append([]byte(`{"@context": ["https://www.w3.org/ns/credentials/v2"], "name": "`), bytes.Repeat([]byte("a"), maxInputSize+1)...)
	out["generated-oversize.json"] = append(big, `"}`...)
	return out
}

// goInternal matches error texts that are Go's own, not ours, when they
// are the whole message or its start.
var goInternal = regexp.MustCompile(`^(unexpected EOF|EOF|invalid character|json: |cbor: |illegal base64|runtime error|invalid$|error$)`)

// clearMessage fails unless msg explains a refusal in words: non-empty,
// no panic, not Go-internal text alone, not only "invalid".
func clearMessage(t *testing.T, where, msg string) {
	t.Helper()
	m := strings.TrimSpace(msg)
	for _, p := range []string{"cityid verify: ", "cityid wallet import: ", "cityid issuer batch: ", "wallet: "} {
		m = strings.TrimPrefix(m, p)
	}
	switch {
	case m == "":
		t.Errorf("%s: no message at all", where)
	case strings.Contains(m, "panic") || strings.Contains(m, "goroutine ") || strings.Contains(m, "nil pointer"):
		t.Errorf("%s: a crash: %s", where, msg)
	case goInternal.MatchString(m) || len(m) < 12:
		t.Errorf("%s: not a clear reason: %q", where, msg)
	}
}

// TestMalformedCLI feeds every corpus file to `cityid verify`, `cityid
// wallet import`, `cityid kiosk` (as a scanned line), wallet.Import and
// `cityid issuer batch`, and checks for a clear refusal each time and that
// nothing was stored.
func TestMalformedCLI(t *testing.T) {
	corpus := malformedCorpus(t)
	tmp := t.TempDir()
	t.Setenv("CITYID_PIN", "482913")
	faultEnv(t)
	wdir := filepath.Join(tmp, "wallet")
	if code, _, errs := cli("wallet", "init", "--dir", wdir); code != exitOK {
		t.Fatal(errs)
	}
	idir := filepath.Join(tmp, "issuer")
	if code, _, errs := cli("issuer", "staff", "add", "--data", idir, "--username", "clerk", "--role", "clerk"); code != exitOK {
		t.Fatal(errs)
	}
	trust := []string{"--trust", "../../examples/city-bundle.json", "--trust-root", "did:key:z6Mkon3Necd6NkkyfoGoHxid2znGc59LU3K7mubaRcFbLfLX", "--at", "2026-11-22T12:00:00Z"}
	for name, data := range corpus {
		path := filepath.Join(tmp, name)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		// cityid verify: exit 1 with the failures in JSON, or 2 for input
		// it cannot read at all.
		code, out, errs := cli(append(append([]string{"verify"}, trust...), path)...)
		switch code {
		case exitFailed:
			var res struct {
				Verified bool `json:"verified"`
				Failures []struct {
					Message string `json:"message"`
				} `json:"failures"`
			}
			if err := json.Unmarshal([]byte(out), &res); err != nil || res.Verified || len(res.Failures) == 0 {
				t.Errorf("verify %s: exit 1 without failures: %s", name, out)
				break
			}
			clearMessage(t, "verify "+name, res.Failures[0].Message)
		case exitUsage:
			clearMessage(t, "verify "+name, errs)
		default:
			t.Errorf("verify %s: exit %d: %s %s", name, code, out, errs)
		}

		code, _, errs = cli("wallet", "import", "--dir", wdir, path)
		if code == exitOK {
			t.Errorf("wallet import %s: accepted", name)
		}
		clearMessage(t, "wallet import "+name, errs)

		if len(data) <= maxInputSize && bytes.TrimSpace(data) != nil && len(bytes.TrimSpace(data)) > 0 {
			var kout, kerr bytes.Buffer
			run(append([]string{"kiosk"}, trust...), bytes.NewReader(append(bytes.Clone(data), '\n')), &kout, &kerr)
			screen := kout.String()
			if strings.Contains(screen, "ACCEPTED") || !strings.Contains(screen, "Reason: ") {
				t.Errorf("kiosk %s: not refused with a reason:\n%s\n%s", name, screen, kerr.String())
			}
			for _, line := range strings.Split(screen, "\n") {
				if reason, ok := strings.CutPrefix(strings.TrimSpace(line), "Reason: "); ok {
					clearMessage(t, "kiosk "+name, reason)
				}
			}
		}

		code, _, errs = cli("issuer", "batch", "--data", idir, "--type", "ResidencyCredential", "--csv", path)
		if code == exitOK {
			t.Errorf("issuer batch %s: accepted", name)
		}
		clearMessage(t, "issuer batch "+name, errs)
	}

	w, err := wallet.Open(wdir, "482913", wallet.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for name, data := range corpus {
		if _, err := w.Import(data); err == nil {
			t.Errorf("wallet.Import %s: accepted", name)
		} else {
			clearMessage(t, "wallet.Import "+name, err.Error())
		}
	}
	if list, err := w.List(); err != nil || len(list) != 0 {
		t.Fatalf("the wallet holds %d credentials after bad imports (%v)", len(list), err)
	}
	if n := len(searchAll(t, idir)); n != 0 {
		t.Fatalf("the issuer stored %d credentials from bad batch files", n)
	}
}

// TestMalformedHTTP sends every corpus file to the issuer's token and
// credential endpoints and to the staff JSON API (signed in), and checks
// each answer is a 4xx with an error description in words, and that no
// credential, offer or audit entry was added.
func TestMalformedHTTP(t *testing.T) {
	corpus := malformedCorpus(t)
	svc, srv := servertest.Start(t, servertest.Options{Server: server.Options{RequestsPerSecond: 1e5, Burst: 1e5}})
	ctx := context.Background()
	if _, err := svc.CreateStaff(ctx, issuer.Actor{Kind: "cli", Name: "test"}, "clerk", faultStaffPassword, issuer.RoleClerk); err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	post := func(path, ctype, bearer, csrf string, body []byte) (int, string) {
		req, _ := http.NewRequest("POST", srv.URL+path, bytes.NewReader(body))
		req.Header.Set("Content-Type", ctype)
		if bearer != "" {
			req.Header.Set("Authorization", "Bearer "+bearer)
		}
		if csrf != "" {
			req.Header.Set("X-CSRF-Token", csrf)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	_, body := post("/api/login", "application/json", "", "", []byte(`{"username":"clerk","password":"`+faultStaffPassword+`"}`))
	var login struct {
		CSRF string `json:"csrf_token"`
	}
	json.Unmarshal([]byte(body), &login)
	// One access token per file, so the credential endpoint reads each body.
	tokens := map[string]string{}
	for name := range corpus {
		o, err := svc.CreateOffer(ctx, issuer.Actor{Kind: "cli", Name: "test"}, "AgeOverCredential", map[string]any{"ageOver18": true}, 0)
		if err != nil {
			t.Fatal(err)
		}
		u, _ := url.Parse(strings.Replace(o.URI, "openid-credential-offer://", "http://x/", 1))
		var offer struct {
			Grants map[string]struct {
				Code string `json:"pre-authorized_code"`
			} `json:"grants"`
		}
		json.Unmarshal([]byte(u.Query().Get("credential_offer")), &offer)
		code := offer.Grants["urn:ietf:params:oauth:grant-type:pre-authorized_code"].Code
		st, tb := post("/oid4vci/token", "application/x-www-form-urlencoded", "", "", []byte(url.Values{
			"grant_type": {"urn:ietf:params:oauth:grant-type:pre-authorized_code"}, "pre-authorized_code": {code}, "tx_code": {o.TxCode}}.Encode()))
		var tok struct {
			AccessToken string `json:"access_token"`
		}
		if json.Unmarshal([]byte(tb), &tok); st != 200 || tok.AccessToken == "" {
			t.Fatalf("token: %d %s", st, tb)
		}
		tokens[name] = tok.AccessToken
	}
	before, _ := svc.VerifyAudit(ctx)
	for name, data := range corpus {
		for _, tc := range []struct {
			what, path, ctype, bearer, csrf string
			body                            []byte
		}{
			{"token (body)", "/oid4vci/token", "application/x-www-form-urlencoded", "", "", data},
			{"token (code)", "/oid4vci/token", "application/x-www-form-urlencoded", "", "", []byte(url.Values{
				"grant_type": {"urn:ietf:params:oauth:grant-type:pre-authorized_code"}, "pre-authorized_code": {string(data)}, "tx_code": {string(data)}}.Encode())},
			{"credential", "/oid4vci/credential", "application/json", tokens[name], "", data},
			{"staff issue", "/api/credentials", "application/json", "", login.CSRF, data},
			{"staff offer", "/api/offers", "application/json", "", login.CSRF, data},
			{"staff enrol", "/api/residents", "application/json", "", login.CSRF, data},
			{"staff suspend", "/api/credentials/urn:uuid:00000000-0000-4000-8000-000000000000/suspend", "application/json", "", login.CSRF, data},
			{"staff login", "/api/login", "application/json", "", "", data},
		} {
			st, body := post(tc.path, tc.ctype, tc.bearer, tc.csrf, tc.body)
			where := tc.what + " " + name
			if st < 400 || st > 499 {
				t.Errorf("%s: HTTP %d: %.300s", where, st, body)
				continue
			}
			var e struct {
				Code string `json:"error"`
				Desc string `json:"error_description"`
			}
			if err := json.Unmarshal([]byte(body), &e); err != nil || e.Code == "" {
				t.Errorf("%s: the answer is not a JSON error: %.300s", where, body)
				continue
			}
			clearMessage(t, where, e.Desc)
		}
	}
	after, _ := svc.VerifyAudit(ctx)
	if after.Entries != before.Entries || len(after.Problems) > 0 {
		t.Fatalf("bad requests changed the audit log: %d entries before, %d after, %v", before.Entries, after.Entries, after.Problems)
	}
	if recs, _ := svc.Search(ctx, issuer.Query{Limit: 500}); len(recs) != 0 {
		t.Fatalf("bad requests stored %d credentials", len(recs))
	}
}
