package oid4vci_test

import (
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	proto "github.com/cityid/cityid/credential/oid4vci"
	oid4vci "github.com/cityid/cityid/issuer/oid4vci"
	"github.com/cityid/cityid/schemas"
)

// BenchmarkCredentialEndpoint measures the handler's share of one issuance
// (request parsing, proof verification, response encoding) with the fake
// backend, through a recorder: token request, nonce request and credential
// request (ldp_vc, which the fake mints without signing).
func BenchmarkCredentialEndpoint(b *testing.B) {
	fake := newFake(b)
	fake.url = "http://127.0.0.1:1"
	h := oid4vci.NewHandler(fake, oid4vci.Options{})
	holder := edHolder(b)
	serve := func(path, contentType, body, auth string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", fake.url+path, strings.NewReader(body))
		req.Header.Set("Content-Type", contentType)
		if auth != "" {
			req.Header.Set("Authorization", "Bearer "+auth)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	for b.Loop() {
		offer, tx := fake.offer(schemas.ResidencyCredential, residency)
		form := url.Values{"grant_type": {proto.GrantTypePreAuthorizedCode}, "pre-authorized_code": {offer.PreAuthorized().PreAuthorizedCode}, "tx_code": {tx}}
		var tr proto.TokenResponse
		decode(b, serve("/oid4vci/token", "application/x-www-form-urlencoded", form.Encode(), ""), &tr)
		var nr proto.NonceResponse
		decode(b, serve("/oid4vci/nonce", "", "", ""), &nr)
		body := credentialBody("ResidencyCredential_ldp", proof(b, holder, fake.url, nr.CNonce, time.Now()))
		var cr proto.CredentialResponse
		decode(b, serve("/oid4vci/credential", "application/json", body, tr.AccessToken), &cr)
	}
}

func decode(b *testing.B, rec *httptest.ResponseRecorder, out any) {
	if rec.Code != 200 {
		b.Fatalf("HTTP %d %s", rec.Code, rec.Body)
	}
	if err := json.Unmarshal(rec.Body.Bytes(), out); err != nil {
		b.Fatal(err)
	}
}
