package server_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cityid/cityid/credential/oid4vci"
	"github.com/cityid/cityid/credential/trust"
	"github.com/cityid/cityid/issuer"
	"github.com/cityid/cityid/issuer/server"
	"github.com/cityid/cityid/issuer/server/servertest"
	"github.com/cityid/cityid/verifier"
)

// TestWalletReceivesAndKioskVerifies is the issuer's whole promise over
// loopback: a clerk's offer, a wallet receiving over OpenID4VCI with its own
// key, a verifier accepting it with the published bundle, and refusing it
// once revoked.
func TestWalletReceivesAndKioskVerifies(t *testing.T) {
	svc, srv := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	clerk := issuer.Actor{Kind: "cli", Name: "test"}
	claims := map[string]any{"residentOf": "Springfield", "housingStatus": "noFixedAddress"}

	for _, format := range []issuer.Format{issuer.FormatSDJWT, issuer.FormatLDP} {
		t.Run(string(format), func(t *testing.T) {
			offer, err := svc.CreateOffer(ctx, clerk, "ResidencyCredential", claims, 0)
			if err != nil {
				t.Fatal(err)
			}
			parsed, err := oid4vci.ParseOfferURI(offer.URI)
			if err != nil {
				t.Fatal(err)
			}
			_, holder, _ := ed25519.GenerateKey(rand.Reader)
			client := &oid4vci.Client{HTTP: srv.Client()}
			cred, err := client.Receive(ctx, parsed, offer.TxCode, holder, issuer.ConfigurationID("ResidencyCredential", format))
			if err != nil {
				t.Fatal(err)
			}

			verify := func() *verifier.Result {
				resp, err := srv.Client().Get(srv.URL + "/bundle")
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				data, _ := io.ReadAll(resp.Body)
				b, err := trust.Open(data, svc.RootDID(), time.Now())
				if err != nil {
					t.Fatalf("bundle: %v", err)
				}
				v, err := verifier.New(verifier.DefaultPolicy(b))
				if err != nil {
					t.Fatal(err)
				}
				return v.Verify(ctx, cred)
			}
			if res := verify(); !res.Verified || res.Checks.Status.String() != "ok" {
				out, _ := json.MarshalIndent(res, "", " ")
				t.Fatalf("received credential does not verify:\n%s", out)
			}
			recs, err := svc.Search(ctx, issuer.Query{Type: "ResidencyCredential", Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			var id string
			for _, r := range recs {
				if bytes.Equal(bytes.TrimSpace(r.Credential), bytes.TrimSpace(cred)) {
					id = r.ID
				}
			}
			if id == "" {
				t.Fatal("issued credential not found in search")
			}
			if err := svc.Revoke(ctx, clerk, id); err != nil {
				t.Fatal(err)
			}
			res := verify()
			if res.Verified || res.Checks.Status.Reason != verifier.ReasonRevoked {
				out, _ := json.MarshalIndent(res, "", " ")
				t.Fatalf("revoked credential still accepted:\n%s", out)
			}
		})
	}
}

func TestPublicEndpoints(t *testing.T) {
	svc, srv := servertest.Start(t, servertest.Options{})
	if _, err := svc.Issue(context.Background(), issuer.Actor{Kind: "cli", Name: "test"}, issuer.IssueRequest{
		Type: "AgeOverCredential", Subject: "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
		Claims: map[string]any{"ageOver18": true}, Format: issuer.FormatLDP,
	}); err != nil {
		t.Fatal(err)
	}
	get := func(path string) (*http.Response, string) {
		resp, err := srv.Client().Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	if resp, body := get("/healthz"); resp.StatusCode != 200 || !strings.Contains(body, "ok") {
		t.Fatalf("healthz: %d %s", resp.StatusCode, body)
	}
	if resp, body := get("/.well-known/openid-credential-issuer"); resp.StatusCode != 200 || !strings.Contains(body, "ResidencyCredential_sd-jwt") {
		t.Fatalf("metadata: %d %s", resp.StatusCode, body)
	}
	if resp, body := get("/status/revocation-0"); resp.StatusCode != 200 || !strings.Contains(body, "BitstringStatusListCredential") {
		t.Fatalf("status list: %d %s", resp.StatusCode, body)
	}
	if resp, body := get("/status/nope"); resp.StatusCode != 404 || !strings.Contains(body, `"error"`) {
		t.Fatalf("unknown status list: %d %s", resp.StatusCode, body)
	}
	if resp, body := get("/metrics"); resp.StatusCode != 200 || !strings.Contains(body, "cityid_issuer_http_requests_total") {
		t.Fatalf("metrics: %d", resp.StatusCode)
	}
	if resp, _ := get("/console/"); resp.StatusCode != 200 && resp.StatusCode != 303 {
		t.Fatalf("console: %d", resp.StatusCode)
	}
}

func TestLimits(t *testing.T) {
	_, srv := servertest.Start(t, servertest.Options{Server: server.Options{MaxBodyBytes: 1024, RequestsPerSecond: 1, Burst: 20}})
	resp, err := srv.Client().Post(srv.URL+"/oid4vci/credential", "application/json", bytes.NewReader(make([]byte, 4096)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversize body: %d", resp.StatusCode)
	}
	// The token endpoint gets a tenth of the budget: PIN guessing is slowed.
	limited := false
	for i := 0; i < 10; i++ {
		resp, err := srv.Client().PostForm(srv.URL+"/oid4vci/token", map[string][]string{"grant_type": {"x"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusTooManyRequests {
			limited = true
			break
		}
	}
	if !limited {
		t.Fatal("token endpoint was never rate limited")
	}
}
