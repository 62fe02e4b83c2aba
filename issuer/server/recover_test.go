package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
	"time"

	"github.com/cityid/cityid/credential/trust"
	"github.com/cityid/cityid/issuer"
	"github.com/cityid/cityid/issuer/console"
	"github.com/cityid/cityid/issuer/server/servertest"
	"github.com/cityid/cityid/verifier"
)

// TestRecoverOnPaperOverTheStaffAPI: a clerk signs in to the staff JSON API
// of the running service and re-issues a resident's credential on paper; with
// the bundle the service then publishes, a verifier refuses the old
// credential as revoked and accepts the paper one, flagged as paper.
func TestRecoverOnPaperOverTheStaffAPI(t *testing.T) {
	svc, srv := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	admin := issuer.Actor{Kind: "cli", Name: "test"}
	if _, err := svc.CreateStaff(ctx, admin, "clerk", "clerk-password-1234", issuer.RoleClerk); err != nil {
		t.Fatal(err)
	}
	res, _ := svc.Enrol(ctx, admin, "Rosa Resident", "CASE-7")
	holder := "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
	old, err := svc.Issue(ctx, admin, issuer.IssueRequest{Type: "AgeOverCredential", Subject: holder,
		Claims: map[string]any{"ageOver18": true}, Format: issuer.FormatLDP, ResidentID: res.ID})
	if err != nil {
		t.Fatal(err)
	}

	jar, _ := cookiejar.New(nil)
	client := srv.Client()
	client.Jar = jar
	post := func(path, body, csrf string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest("POST", srv.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", srv.URL)
		if csrf != "" {
			req.Header.Set(console.CSRFHeader, csrf)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	code, body := post("/api/login", `{"username":"clerk","password":"clerk-password-1234"}`, "")
	var login console.LoginResponse
	if code != 200 || json.Unmarshal([]byte(body), &login) != nil || login.CSRFToken == "" {
		t.Fatalf("login: %d %s", code, body)
	}
	code, body = post(fmt.Sprintf("/api/residents/%d/reissue", res.ID), `{"evidence":"photo_id","document_kind":"national_id_card","paper":true}`, login.CSRFToken)
	var rcv console.RecoveryJSON
	if code != 200 || json.Unmarshal([]byte(body), &rcv) != nil || len(rcv.Paper) != 1 || len(rcv.Revoked) != 1 || rcv.Revoked[0] != old.ID {
		t.Fatalf("recover: %d %s", code, body)
	}
	paper := rcv.Paper[0]
	if paper.Format != issuer.FormatPaper || paper.Subject != "" || !strings.HasPrefix(paper.Credential, "CID1:") ||
		!paper.ValidFrom.Equal(old.IssuedAt) || !paper.ValidUntil.Equal(*old.ValidUntil) {
		t.Fatalf("paper replacement %+v", paper)
	}

	resp, err := client.Get(srv.URL + "/bundle")
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	b, err := trust.Open(data, svc.RootDID(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	v, err := verifier.New(verifier.DefaultPolicy(b))
	if err != nil {
		t.Fatal(err)
	}
	if r := v.Verify(ctx, old.Credential); r.Verified || r.Checks.Status.Reason != verifier.ReasonRevoked {
		t.Fatalf("old credential: verified %v, status %s", r.Verified, r.Checks.Status)
	}
	r := v.Verify(ctx, []byte(paper.Credential))
	if !r.Verified || r.Claims["ageOver18"] != true || !strings.Contains(r.Checks.HolderBinding.Message, "paper") {
		out, _ := json.MarshalIndent(r, "", " ")
		t.Fatalf("paper replacement:\n%s", out)
	}
	rep, err := svc.VerifyAudit(ctx)
	if err != nil || len(rep.Problems) > 0 {
		t.Fatalf("audit: %v %v", err, rep.Problems)
	}
}
