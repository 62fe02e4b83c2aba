package oid4vci_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	proto "github.com/cityid/cityid/credential/oid4vci"
	"github.com/cityid/cityid/did"
	oid4vci "github.com/cityid/cityid/issuer/oid4vci"
	"github.com/cityid/cityid/schemas"
)

func TestTokenEndpointRejects(t *testing.T) {
	f := newFake(t)
	srv := f.serve(t, oid4vci.Options{})
	tokenURL := srv.URL + "/oid4vci/token"
	offer, tx := f.offer(schemas.AgeOverCredential, map[string]any{"ageOver18": true})
	code := offer.PreAuthorized().PreAuthorizedCode
	form := func(kv ...string) string {
		v := url.Values{}
		for i := 0; i < len(kv); i += 2 {
			v.Add(kv[i], kv[i+1])
		}
		return v.Encode()
	}
	const grant = proto.GrantTypePreAuthorizedCode
	const formType = "application/x-www-form-urlencoded"
	cases := []struct {
		name, contentType, body string
		status                  int
		code                    string
	}{
		{"wrong tx_code", formType, form("grant_type", grant, "pre-authorized_code", code, "tx_code", "000000"), 400, proto.CodeInvalidGrant},
		{"missing tx_code", formType, form("grant_type", grant, "pre-authorized_code", code), 400, proto.CodeInvalidRequest},
		{"unknown code", formType, form("grant_type", grant, "pre-authorized_code", "guess", "tx_code", tx), 400, proto.CodeInvalidGrant},
		{"authorization_code grant", formType, form("grant_type", "authorization_code", "code", code), 400, proto.CodeUnsupportedGrantType},
		{"code twice", formType, form("grant_type", grant, "pre-authorized_code", code, "pre-authorized_code", code, "tx_code", tx), 400, proto.CodeInvalidRequest},
		{"JSON body", "application/json", `{"grant_type":"` + grant + `"}`, 400, proto.CodeInvalidRequest},
		{"no content type", "", form("grant_type", grant, "pre-authorized_code", code, "tx_code", tx), 400, proto.CodeInvalidRequest},
		{"bad escape", formType, "grant_type=%zz", 400, proto.CodeInvalidRequest},
		{"oversize body", formType, form("grant_type", grant, "pre-authorized_code", code, "tx_code", tx, "pad", strings.Repeat("a", 70<<10)), 413, proto.CodeInvalidRequest},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st, c, _ := postRaw(t, tokenURL, tc.contentType, tc.body, nil)
			if st != tc.status || c != tc.code {
				t.Fatalf("got %d %s, want %d %s", st, c, tc.status, tc.code)
			}
		})
	}
	// One wrong PIN so far: the right one still works, then the offer is spent.
	token(t, offer, tx)
	st, c, _ := postRaw(t, tokenURL, formType, form("grant_type", grant, "pre-authorized_code", code, "tx_code", tx), nil)
	if st != 400 || c != proto.CodeInvalidGrant {
		t.Fatalf("reused pre-authorized code: %d %s", st, c)
	}
	// Too many wrong PINs block the offer (the backend's too_many_attempts
	// travels as invalid_grant, as OAuth clients understand it).
	offer2, tx2 := f.offer(schemas.AgeOverCredential, map[string]any{"ageOver18": true})
	code2 := offer2.PreAuthorized().PreAuthorizedCode
	for i := 0; i < maxTries; i++ {
		postRaw(t, tokenURL, formType, form("grant_type", grant, "pre-authorized_code", code2, "tx_code", "111111"), nil)
	}
	st, c, _ = postRaw(t, tokenURL, formType, form("grant_type", grant, "pre-authorized_code", code2, "tx_code", tx2), nil)
	if st != 400 || c != proto.CodeInvalidGrant {
		t.Fatalf("blocked offer: %d %s", st, c)
	}
	// GET is not a token request.
	resp, err := http.Get(tokenURL)
	if err != nil || resp.StatusCode != 405 || resp.Header.Get("Allow") != "POST" {
		t.Fatalf("GET token: %v %v", resp, err)
	}
	resp.Body.Close()
}

func TestCredentialEndpointRejects(t *testing.T) {
	now := time.Now()
	f := newFake(t)
	srv := f.serve(t, oid4vci.Options{ProofMaxAge: 2 * time.Minute})
	credURL := srv.URL + "/oid4vci/credential"
	holder, other := edHolder(t), edHolder(t)
	offer, tx := f.offer(schemas.ResidencyCredential, residency)
	tok := token(t, offer, tx)
	const cfg = "ResidencyCredential_sd-jwt"
	const jsonType = "application/json"
	good := func() string { return proof(t, holder, srv.URL, nonce(t, srv.URL), now) }

	// A proof whose kid names the holder but that another key signed.
	forged := func() string {
		p := strings.Split(proof(t, other, srv.URL, nonce(t, srv.URL), now), ".")
		kid, _ := did.KeyVerificationMethod(holder.Public())
		h, _ := json.Marshal(map[string]string{"alg": "EdDSA", "typ": proto.ProofJWTType, "kid": kid})
		return base64.RawURLEncoding.EncodeToString(h) + "." + p[1] + "." + p[2]
	}
	algNone := func() string {
		kid, _ := did.KeyVerificationMethod(holder.Public())
		h, _ := json.Marshal(map[string]string{"alg": "none", "typ": proto.ProofJWTType, "kid": kid})
		c, _ := json.Marshal(map[string]any{"aud": srv.URL, "iat": now.Unix(), "nonce": nonce(t, srv.URL)})
		return base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c) + "."
	}

	cases := []struct {
		name        string
		contentType string
		header      map[string]string
		body        func() string
		status      int
		code        string
	}{
		{"no bearer", jsonType, nil, func() string { return credentialBody(cfg, good()) }, 401, proto.CodeInvalidToken},
		{"unknown bearer", jsonType, bearer("not-a-token"), func() string { return credentialBody(cfg, good()) }, 401, proto.CodeInvalidToken},
		{"basic auth", jsonType, map[string]string{"Authorization": "Basic " + tok}, func() string { return credentialBody(cfg, good()) }, 401, proto.CodeInvalidToken},
		{"token with spaces", jsonType, map[string]string{"Authorization": "Bearer a b"}, func() string { return credentialBody(cfg, good()) }, 401, proto.CodeInvalidToken},
		{"wrong aud", jsonType, bearer(tok), func() string {
			return credentialBody(cfg, proof(t, holder, "https://evil.example", nonce(t, srv.URL), now))
		}, 400, proto.CodeInvalidProof},
		{"signed by another key than kid's", jsonType, bearer(tok), func() string { return credentialBody(cfg, forged()) }, 400, proto.CodeInvalidProof},
		{"stale iat", jsonType, bearer(tok), func() string {
			return credentialBody(cfg, proof(t, holder, srv.URL, nonce(t, srv.URL), now.Add(-3*time.Minute)))
		}, 400, proto.CodeInvalidProof},
		{"alg none", jsonType, bearer(tok), func() string { return credentialBody(cfg, algNone()) }, 400, proto.CodeInvalidProof},
		{"no nonce in proof", jsonType, bearer(tok), func() string { return credentialBody(cfg, proof(t, holder, srv.URL, "", now)) }, 400, proto.CodeInvalidProof},
		{"nonce never issued", jsonType, bearer(tok), func() string { return credentialBody(cfg, proof(t, holder, srv.URL, "made-up", now)) }, 400, proto.CodeInvalidNonce},
		{"no proofs", jsonType, bearer(tok), func() string { return `{"credential_configuration_id":"` + cfg + `"}` }, 400, proto.CodeInvalidProof},
		{"two proofs", jsonType, bearer(tok), func() string {
			b, _ := json.Marshal(proto.CredentialRequest{CredentialConfigurationID: cfg, Proofs: &proto.Proofs{JWT: []string{good(), good()}}})
			return string(b)
		}, 400, proto.CodeInvalidCredentialRequest},
		{"wrong configuration id", jsonType, bearer(tok), func() string { return credentialBody("DriversLicense_mdoc", good()) }, 400, proto.CodeUnknownCredentialConfiguration},
		{"credential_identifier", jsonType, bearer(tok), func() string {
			return `{"credential_identifier":"x","proofs":{"jwt":["` + good() + `"]}}`
		}, 400, proto.CodeUnknownCredentialIdentifier},
		{"another type than offered", jsonType, bearer(tok), func() string { return credentialBody("AgeOverCredential_sd-jwt", good()) }, 400, proto.CodeInvalidCredentialRequest},
		{"encryption asked", jsonType, bearer(tok), func() string {
			return `{"credential_configuration_id":"` + cfg + `","proofs":{"jwt":["` + good() + `"]},"credential_response_encryption":{"jwk":{},"enc":"A128GCM"}}`
		}, 400, proto.CodeInvalidEncryptionParameters},
		{"form body", "application/x-www-form-urlencoded", bearer(tok), func() string { return "credential_configuration_id=" + cfg }, 400, proto.CodeInvalidCredentialRequest},
		{"malformed JSON", jsonType, bearer(tok), func() string { return `{"credential_configuration_id":` }, 400, proto.CodeInvalidCredentialRequest},
		{"duplicate member", jsonType, bearer(tok), func() string {
			return `{"credential_configuration_id":"` + cfg + `","credential_configuration_id":"AgeOverCredential_ldp","proofs":{"jwt":["` + good() + `"]}}`
		}, 400, proto.CodeInvalidCredentialRequest},
		{"oversize body", jsonType, bearer(tok), func() string {
			return `{"credential_configuration_id":"` + cfg + `","pad":"` + strings.Repeat("a", 65<<10) + `"}`
		}, 413, proto.CodeInvalidCredentialRequest},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st, c, hdr := postRaw(t, credURL, tc.contentType, tc.body(), tc.header)
			if st != tc.status || c != tc.code {
				t.Fatalf("got %d %s, want %d %s", st, c, tc.status, tc.code)
			}
			if st == 401 && !strings.HasPrefix(hdr.Get("WWW-Authenticate"), "Bearer") {
				t.Fatalf("401 without a Bearer challenge: %v", hdr)
			}
			if n := f.recordCount(); n != 0 {
				t.Fatalf("a rejected request stored %d credentials", n)
			}
		})
	}
	// RFC 6750 §3.1: a request without credentials gets a bare challenge.
	_, _, hdr := postRaw(t, credURL, jsonType, credentialBody(cfg, good()), nil)
	if hdr.Get("WWW-Authenticate") != "Bearer" {
		t.Fatalf("bare challenge: %q", hdr.Get("WWW-Authenticate"))
	}
	_, _, hdr = postRaw(t, credURL, jsonType, credentialBody(cfg, good()), bearer("not-a-token"))
	if !strings.Contains(hdr.Get("WWW-Authenticate"), `error="invalid_token"`) {
		t.Fatalf("invalid token challenge: %q", hdr.Get("WWW-Authenticate"))
	}

	// After all that, the same token and a good proof still get the
	// credential, once per format; the draft "proof" shape is read too.
	n := nonce(t, srv.URL)
	if st, c, _ := postRaw(t, credURL, jsonType, credentialBody(cfg, proof(t, holder, srv.URL, n, now)), bearer(tok)); st != 200 {
		t.Fatalf("good request: %d %s", st, c)
	}
	// The nonce is spent.
	st, c, _ := postRaw(t, credURL, jsonType, credentialBody("ResidencyCredential_ldp", proof(t, holder, srv.URL, n, now)), bearer(tok))
	if st != 400 || c != proto.CodeInvalidNonce {
		t.Fatalf("reused nonce: %d %s", st, c)
	}
	draft := `{"credential_configuration_id":"ResidencyCredential_ldp","proof":{"proof_type":"jwt","jwt":"` + good() + `"}}`
	if st, c, _ := postRaw(t, credURL, jsonType, draft, bearer(tok)); st != 200 {
		t.Fatalf("draft proof shape: %d %s", st, c)
	}
	// Each format once per token.
	st, c, _ = postRaw(t, credURL, jsonType, credentialBody(cfg, good()), bearer(tok))
	if st != 400 || c != proto.CodeCredentialRequestDenied {
		t.Fatalf("second credential for one token: %d %s", st, c)
	}
	if n := f.recordCount(); n != 2 {
		t.Fatalf("%d credentials stored, want 2", n)
	}
}

func TestBackendFailureIsNotLeaked(t *testing.T) {
	f := newFake(t)
	var logs bytes.Buffer
	srv := f.serve(t, oid4vci.Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	offer, tx := f.offer(schemas.ResidencyCredential, residency)
	f.failAll = errors.New("database is locked: /var/lib/cityid/issuer.db")
	form := proto.TokenRequest{GrantType: proto.GrantTypePreAuthorizedCode, PreAuthorizedCode: offer.PreAuthorized().PreAuthorizedCode, TxCode: tx}.Form()
	resp, err := http.PostForm(srv.URL+"/oid4vci/token", form)
	if err != nil {
		t.Fatal(err)
	}
	var e proto.Error
	json.NewDecoder(resp.Body).Decode(&e)
	resp.Body.Close()
	if resp.StatusCode != 500 || e.Code != proto.CodeServerError || strings.Contains(e.Description, "database") {
		t.Fatalf("got %d %+v", resp.StatusCode, e)
	}
	if !strings.Contains(logs.String(), "database is locked") {
		t.Fatalf("the failure was not logged: %s", logs.String())
	}
	if st, c, _ := postRaw(t, srv.URL+"/oid4vci/nonce", "", "", nil); st != 500 || c != proto.CodeServerError {
		t.Fatalf("nonce: %d %s", st, c)
	}
}

func TestNonceEndpoint(t *testing.T) {
	f := newFake(t)
	srv := f.serve(t, oid4vci.Options{})
	a, b := nonce(t, srv.URL), nonce(t, srv.URL)
	if a == b {
		t.Fatal("two nonce requests gave the same nonce")
	}
	if st, c, _ := postRaw(t, srv.URL+"/oid4vci/nonce", "text/plain", strings.Repeat("x", 65<<10), nil); st != 413 || c != proto.CodeInvalidRequest {
		t.Fatalf("oversize nonce request: %d %s", st, c)
	}
	resp, err := http.Get(srv.URL + "/oid4vci/nonce")
	if err != nil || resp.StatusCode != 405 {
		t.Fatalf("GET nonce: %v %v", resp, err)
	}
	resp.Body.Close()
	resp, err = http.Get(srv.URL + "/oid4vci/elsewhere")
	if err != nil || resp.StatusCode != 404 || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("unknown path: %v %v", resp, err)
	}
	resp.Body.Close()
}
