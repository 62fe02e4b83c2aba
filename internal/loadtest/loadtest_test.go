package loadtest_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/cityid/cityid/internal/loadtest"
	"github.com/cityid/cityid/issuer"
	"github.com/cityid/cityid/issuer/server"
	"github.com/cityid/cityid/issuer/server/servertest"
)

// unlimited lifts the per-address rate limit: every simulated wallet and
// clerk comes from 127.0.0.1 here, unlike at a real city office.
var unlimited = servertest.Options{Server: server.Options{RequestsPerSecond: 1e5, Burst: 1e5}}

// TestQuickLoad is the bounded load run of .ci/run: a few hundred requests
// against the real issuer on loopback, with zero errors and zero lost
// writes required.
func TestQuickLoad(t *testing.T) {
	svc, srv := servertest.Start(t, unlimited)
	ctx := context.Background()
	if _, err := svc.CreateStaff(ctx, issuer.Actor{Kind: "cli", Name: "loadtest"}, "clerk", "load test password 1", issuer.RoleClerk); err != nil {
		t.Fatal(err)
	}
	cfg := loadtest.Config{BaseURL: srv.URL, Username: "clerk", Password: "load test password 1",
		Flows: 100, Concurrency: 6, Duration: 20 * time.Second, RevokeEvery: 5}
	rep, err := loadtest.Run(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%s", rep.Markdown())
	if rep.Errors != 0 || rep.Flows != cfg.Flows || len(rep.Acks) != cfg.Flows {
		t.Fatalf("%d errors, %d of %d flows done, %d acknowledged:\n%s", rep.Errors, rep.Flows, cfg.Flows, len(rep.Acks), rep.Markdown())
	}
	if rep.Requests() < 300 {
		t.Fatalf("only %d requests", rep.Requests())
	}
	for _, want := range []string{"POST /api/offers", "POST /oid4vci/token", "POST /oid4vci/nonce", "POST /oid4vci/credential",
		"GET /api/credentials", "POST /api/credentials/{id}/revoke"} {
		found := false
		for _, e := range rep.Endpoints {
			found = found || e.Endpoint == want && e.Requests > 0 && e.P50 > 0 && e.P99 >= e.P50
		}
		if !found {
			t.Errorf("no timings for %s:\n%s", want, rep.Markdown())
		}
	}
	chk, err := loadtest.Check(ctx, cfg, rep.Acks)
	if err != nil {
		t.Fatal(err)
	}
	if !chk.OK() || chk.Checked != cfg.Flows {
		t.Fatalf("checked %d: %v", chk.Checked, chk.Problems)
	}
	// The database itself: exactly the acknowledged credentials, each once,
	// and the audit chain intact.
	recs, err := svc.Search(ctx, issuer.Query{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	revoked := 0
	seen := map[int]bool{}
	for _, r := range recs {
		if seen[r.StatusIndex] {
			t.Fatalf("status index %d used twice", r.StatusIndex)
		}
		seen[r.StatusIndex] = true
		if r.State == issuer.StateRevoked {
			revoked++
		}
	}
	if len(recs) != cfg.Flows || revoked != cfg.Flows/cfg.RevokeEvery {
		t.Fatalf("%d credentials stored (%d revoked), want %d (%d)", len(recs), revoked, cfg.Flows, cfg.Flows/cfg.RevokeEvery)
	}
	if a, err := svc.VerifyAudit(ctx); err != nil || len(a.Problems) > 0 {
		t.Fatalf("audit: %+v %v", a, err)
	}
}

// TestCheckFindsLostWrites makes sure Check can fail: an acknowledgement
// the issuer never stored, and two credentials claiming one status index.
func TestCheckFindsLostWrites(t *testing.T) {
	svc, srv := servertest.Start(t, unlimited)
	ctx := context.Background()
	if _, err := svc.CreateStaff(ctx, issuer.Actor{Kind: "cli", Name: "loadtest"}, "clerk", "load test password 1", issuer.RoleClerk); err != nil {
		t.Fatal(err)
	}
	cfg := loadtest.Config{BaseURL: srv.URL, Username: "clerk", Password: "load test password 1", Flows: 2, Concurrency: 1}
	rep, err := loadtest.Run(ctx, cfg)
	if err != nil || rep.Errors != 0 || len(rep.Acks) != 2 {
		t.Fatalf("%v %+v", err, rep)
	}
	acks := append(rep.Acks, loadtest.Ack{Subject: "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", Credential: []byte("x")})
	acks[1].Credential = []byte("not what was stored")
	acks[1].Revoked = true
	chk, err := loadtest.Check(ctx, cfg, acks)
	if err != nil {
		t.Fatal(err)
	}
	if len(chk.Problems) != 3 {
		t.Fatalf("want a changed, an unrevoked and a lost credential, got %q", chk.Problems)
	}
	if _, err := loadtest.Run(ctx, loadtest.Config{BaseURL: srv.URL, Username: "clerk", Password: "wrong"}); err == nil {
		t.Fatal("a refused sign-in must stop the run")
	}
}

func ExampleReport_Markdown() {
	rep := &loadtest.Report{Elapsed: 2 * time.Second, Flows: 10, Endpoints: []loadtest.EndpointStats{
		{Endpoint: "POST /oid4vci/credential", Requests: 10, P50: 12 * time.Millisecond, P99: 30 * time.Millisecond, Max: 31 * time.Millisecond},
	}}
	fmt.Print(rep.Markdown())
	// Output:
	// 10 flows in 2.0 s (5.0 flows/s, 5.0 requests/s), 0 errors
	//
	// | endpoint | requests | errors | p50 | p99 | max |
	// |---|---:|---:|---:|---:|---:|
	// | `POST /oid4vci/credential` | 10 | 0 | 12.0 ms | 30.0 ms | 31.0 ms |
}

// TestTimedRunEndsClean: a run bounded by time only (a soak) cuts off the
// requests in flight when the time is up; those are neither counted as
// errors of the issuer nor as requests, and every acknowledged credential
// is stored.
func TestTimedRunEndsClean(t *testing.T) {
	svc, srv := servertest.Start(t, unlimited)
	ctx := context.Background()
	if _, err := svc.CreateStaff(ctx, issuer.Actor{Kind: "cli", Name: "loadtest"}, "clerk", "load test password 1", issuer.RoleClerk); err != nil {
		t.Fatal(err)
	}
	cfg := loadtest.Config{BaseURL: srv.URL, Username: "clerk", Password: "load test password 1",
		Concurrency: 8, Duration: 1500 * time.Millisecond}
	rep, err := loadtest.Run(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Errors != 0 || rep.Flows == 0 {
		t.Fatalf("%d errors, %d flows:\n%s", rep.Errors, rep.Flows, rep.Markdown())
	}
	for _, e := range rep.Endpoints {
		if e.Errors != 0 {
			t.Errorf("%s: %d errors counted for requests cut off at the end:\n%s", e.Endpoint, e.Errors, rep.Markdown())
		}
	}
	chk, err := loadtest.Check(ctx, cfg, rep.Acks)
	if err != nil || !chk.OK() {
		t.Fatalf("check: %v %v", err, chk.Problems)
	}
}
