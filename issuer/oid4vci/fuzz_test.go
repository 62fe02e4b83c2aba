package oid4vci_test

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	proto "github.com/cityid/cityid/credential/oid4vci"
	oid4vci "github.com/cityid/cityid/issuer/oid4vci"
	"github.com/cityid/cityid/schemas"
)

// FuzzCredentialEndpoint sends arbitrary bodies to the credential endpoint
// with a valid access token. Whatever the body, the answer is a JSON error
// with a 4xx status and nothing is stored, or a 200 with exactly one more
// stored credential; never a 5xx.
func FuzzCredentialEndpoint(f *testing.F) {
	fake := newFake(f)
	fake.url = "http://127.0.0.1:1" // served through a recorder: no network
	h := oid4vci.NewHandler(fake, oid4vci.Options{})
	holder := edHolder(f)
	now := time.Now()

	offer, tx := fake.offer(schemas.ResidencyCredential, residency)
	grant, err := fake.RedeemPreAuthorizedCode(f.Context(), offer.PreAuthorized().PreAuthorizedCode, tx)
	if err != nil {
		f.Fatal(err)
	}
	for _, cfg := range []string{"ResidencyCredential_sd-jwt", "ResidencyCredential_ldp"} {
		n, _ := fake.NewNonce(f.Context())
		f.Add([]byte(credentialBody(cfg, proof(f, holder, fake.url, n, now))))
	}
	n, _ := fake.NewNonce(f.Context())
	f.Add([]byte(`{"credential_configuration_id":"ResidencyCredential_ldp","proof":{"proof_type":"jwt","jwt":"` + proof(f, holder, fake.url, n, now) + `"}}`))
	f.Add([]byte(`{"credential_identifier":"x"}`))
	f.Add([]byte(`{"credential_configuration_id":"AgeOverCredential_ldp","proofs":{"jwt":["a.b.c"]}}`))
	f.Add([]byte(`[]`))

	f.Fuzz(func(t *testing.T, body []byte) {
		before := fake.recordCount()
		req := httptest.NewRequest("POST", fake.url+"/oid4vci/credential", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+grant.AccessToken)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		after := fake.recordCount()
		if rec.Header().Get("Content-Type") != "application/json" || rec.Header().Get("Cache-Control") != "no-store" {
			t.Fatalf("headers %v", rec.Header())
		}
		if rec.Code == 200 {
			var resp proto.CredentialResponse
			if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil || len(resp.Credentials) != 1 || after != before+1 {
				t.Fatalf("200 with %s, %d -> %d records", rec.Body, before, after)
			}
			return
		}
		var e proto.Error
		if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Code == "" || rec.Code < 400 || rec.Code > 499 {
			t.Fatalf("HTTP %d %s", rec.Code, rec.Body)
		}
		if strings.ContainsAny(e.Description, "\"\\") {
			t.Fatalf("unsafe error_description %q", e.Description)
		}
		if after != before {
			t.Fatalf("a rejected request stored a credential (HTTP %d %s)", rec.Code, e.Code)
		}
	})
}
