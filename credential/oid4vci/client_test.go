package oid4vci

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// scripted is a loopback server that plays a well-behaved issuer unless a
// test replaces one of its endpoints, to see how the Client copes with
// servers that misbehave.
type scripted struct {
	t        *testing.T
	srv      *httptest.Server
	mu       sync.Mutex
	hits     map[string]int
	nonces   []string
	override map[string]http.HandlerFunc
	format   string
	deny     string // a configuration id the credential endpoint refuses
}

func newScripted(t *testing.T, tls bool) *scripted {
	s := &scripted{t: t, hits: map[string]int{}, override: map[string]http.HandlerFunc{}, format: FormatSDJWT}
	h := http.HandlerFunc(s.serve)
	if tls {
		s.srv = httptest.NewTLSServer(h)
	} else {
		s.srv = httptest.NewServer(h)
	}
	t.Cleanup(s.srv.Close)
	return s
}

func (s *scripted) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

func (s *scripted) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.hits[r.URL.Path]++
	h := s.override[r.URL.Path]
	s.mu.Unlock()
	if h != nil {
		h(w, r)
		return
	}
	u := s.srv.URL
	js := func(v any) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(v)
	}
	switch r.URL.Path {
	case WellKnownCredentialIssuer:
		js(IssuerMetadata{
			CredentialIssuer: u, CredentialEndpoint: u + "/credential", NonceEndpoint: u + "/nonce",
			CredentialConfigurationsSupported: map[string]CredentialConfiguration{
				"T_sd-jwt": {Format: FormatSDJWT, CryptographicBindingMethodsSupported: []string{BindingDIDKey},
					ProofTypesSupported: map[string]ProofType{ProofTypeJWT: {ProofSigningAlgValuesSupported: AlgValues{AlgEdDSA, AlgES256}}}},
				"T_ldp": {Format: FormatLDP},
				"T_qr": {Format: FormatCompactQR, CryptographicBindingMethodsSupported: []string{BindingDIDKey},
					ProofTypesSupported: map[string]ProofType{ProofTypeJWT: {ProofSigningAlgValuesSupported: AlgValues{AlgEdDSA}}}},
			},
		})
	case WellKnownAuthorizationServer:
		js(AuthorizationServerMetadata{Issuer: u, TokenEndpoint: u + "/token", PreAuthorizedGrantAnonymousAccessSupported: true})
	case "/token":
		r.ParseForm()
		if r.PostForm.Get("pre-authorized_code") != "code-1" || r.PostForm.Get("tx_code") != "123456" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(400)
			io.WriteString(w, `{"error":"invalid_grant","error_description":"wrong code"}`)
			return
		}
		js(TokenResponse{AccessToken: "tok-1", TokenType: "bearer", ExpiresIn: 60})
	case "/nonce":
		s.mu.Lock()
		n := "nonce-" + string(rune('a'+len(s.nonces)))
		s.nonces = append(s.nonces, n)
		s.mu.Unlock()
		js(NonceResponse{CNonce: n})
	case "/credential":
		body, _ := io.ReadAll(r.Body)
		req, err := ParseCredentialRequest(body)
		if err != nil || r.Header.Get("Authorization") != "Bearer tok-1" || req.Proofs == nil {
			s.t.Errorf("bad credential request %s: %v", body, err)
			w.WriteHeader(400)
			return
		}
		_, _, nonce, err := VerifyProofJWT(req.Proofs.JWT[0], u, time.Now(), time.Minute)
		s.mu.Lock()
		last := s.nonces[len(s.nonces)-1]
		s.mu.Unlock()
		if err != nil || nonce != last {
			s.t.Errorf("proof: nonce %q (want %q): %v", nonce, last, err)
		}
		if req.CredentialConfigurationID == s.deny {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(400)
			io.WriteString(w, `{"error":"credential_request_denied","error_description":"no"}`)
			return
		}
		if req.CredentialConfigurationID == "T_qr" {
			js(map[string]any{"credentials": []any{map[string]any{"credential": testQRText}}})
			return
		}
		if s.format == FormatLDP || req.CredentialConfigurationID == "T_ldp" {
			js(map[string]any{"credentials": []any{map[string]any{"credential": map[string]any{"type": []string{"VerifiableCredential"}}}}})
			return
		}
		js(map[string]any{"credentials": []any{map[string]any{"credential": "h.p.s~"}}})
	default:
		http.NotFound(w, r)
	}
}

func (s *scripted) offer() *CredentialOffer {
	return &CredentialOffer{
		CredentialIssuer:           s.srv.URL,
		CredentialConfigurationIDs: []string{"T_sd-jwt", "T_ldp"},
		Grants: &Grants{PreAuthorizedCode: &PreAuthorizedCodeGrant{
			PreAuthorizedCode: "code-1", TxCode: &TxCode{Length: 6},
		}},
	}
}

func TestClientHappyPath(t *testing.T) {
	s := newScripted(t, false)
	cred, err := (&Client{}).Receive(context.Background(), s.offer(), "123456", edKey(t), "T_sd-jwt")
	if err != nil {
		t.Fatal(err)
	}
	if string(cred) != "h.p.s~" {
		t.Fatalf("credential %q", cred)
	}
	s.format = FormatLDP
	cred, err = (&Client{}).Receive(context.Background(), s.offer(), "123456", p256Key(t), "T_ldp")
	if err != nil || string(cred) != `{"type":["VerifiableCredential"]}` {
		t.Fatalf("ldp_vc: %s %v", cred, err)
	}
}

func TestClientRetriesOnceOnInvalidNonce(t *testing.T) {
	s := newScripted(t, false)
	good := s.serve
	rejected := 0
	s.override["/credential"] = func(w http.ResponseWriter, r *http.Request) {
		if rejected < 1 {
			rejected++
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(400)
			io.WriteString(w, `{"error":"invalid_nonce"}`)
			return
		}
		s.mu.Lock()
		delete(s.override, "/credential")
		s.mu.Unlock()
		good(w, r)
	}
	if _, err := (&Client{}).Receive(context.Background(), s.offer(), "123456", edKey(t), "T_sd-jwt"); err != nil {
		t.Fatal(err)
	}
	if n := s.count("/nonce"); n != 2 {
		t.Fatalf("%d nonce requests, want 2", n)
	}

	// A second invalid_nonce is returned, not retried forever.
	s2 := newScripted(t, false)
	s2.override["/credential"] = func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(400)
		io.WriteString(w, `{"error":"invalid_nonce"}`)
	}
	_, err := (&Client{}).Receive(context.Background(), s2.offer(), "123456", edKey(t), "T_sd-jwt")
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeInvalidNonce || s2.count("/credential") != 2 {
		t.Fatalf("got %v after %d tries", err, s2.count("/credential"))
	}
}

func TestClientServerErrors(t *testing.T) {
	jsonStatus := func(status int, body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			io.WriteString(w, body)
		}
	}
	cases := map[string]struct {
		path    string
		h       http.HandlerFunc
		code    string // expected *Error code, or
		wantErr error  // expected sentinel
	}{
		"token error": {"/token", jsonStatus(400, `{"error":"invalid_grant","error_description":"the PIN is wrong"}`), CodeInvalidGrant, nil},
		"bare 401": {"/credential", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
			w.WriteHeader(401)
		}, CodeInvalidToken, nil},
		"500 without code":        {"/token", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(502) }, "", ErrProtocol},
		"issuer mismatch":         {WellKnownCredentialIssuer, jsonStatus(200, `{"credential_issuer":"https://evil.example","credential_endpoint":"https://evil.example/c","credential_configurations_supported":{"T_sd-jwt":{"format":"dc+sd-jwt"}}}`), "", ErrProtocol},
		"html metadata":           {WellKnownCredentialIssuer, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "<html>") }, "", ErrProtocol},
		"huge metadata":           {WellKnownCredentialIssuer, jsonStatus(200, `{"x":"`+strings.Repeat("a", MaxResponseSize)+`"}`), "", ErrTooLarge},
		"duplicate members":       {"/nonce", jsonStatus(200, `{"c_nonce":"a","c_nonce":"b"}`), "", ErrProtocol},
		"empty nonce":             {"/nonce", jsonStatus(200, `{"c_nonce":""}`), "", ErrProtocol},
		"not bearer":              {"/token", jsonStatus(200, `{"access_token":"t","token_type":"DPoP"}`), "", ErrProtocol},
		"token with space":        {"/token", jsonStatus(200, `{"access_token":"a b","token_type":"Bearer"}`), "", ErrProtocol},
		"deferred":                {"/credential", jsonStatus(202, `{"transaction_id":"t","interval":5}`), "", ErrProtocol},
		"two credentials":         {"/credential", jsonStatus(200, `{"credentials":[{"credential":"a~"},{"credential":"b~"}]}`), "", ErrProtocol},
		"object for sd-jwt":       {"/credential", jsonStatus(200, `{"credentials":[{"credential":{"a":1}}]}`), "", ErrProtocol},
		"http endpoint elsewhere": {WellKnownCredentialIssuer, nil, "", ErrProtocol}, // filled below
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			s := newScripted(t, false)
			h := tc.h
			if h == nil {
				h = jsonStatus(200, `{"credential_issuer":"`+s.srv.URL+`","credential_endpoint":"http://city.example/c","credential_configurations_supported":{"T_sd-jwt":{"format":"dc+sd-jwt"}}}`)
			}
			s.override[tc.path] = h
			_, err := (&Client{}).Receive(context.Background(), s.offer(), "123456", edKey(t), "T_sd-jwt")
			if tc.code != "" {
				var e *Error
				if !errors.As(err, &e) || e.Code != tc.code || e.Endpoint == "" {
					t.Fatalf("got %v; want an *Error %s", err, tc.code)
				}
				return
			}
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("got %v; want %v", err, tc.wantErr)
			}
		})
	}
}

func TestClientRefusesRedirects(t *testing.T) {
	s := newScripted(t, false)
	elsewhere := newScripted(t, false)
	s.override["/token"] = func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, elsewhere.srv.URL+"/token", http.StatusTemporaryRedirect)
	}
	_, err := (&Client{}).Receive(context.Background(), s.offer(), "123456", edKey(t), "T_sd-jwt")
	if !errors.Is(err, ErrProtocol) {
		t.Fatalf("got %v", err)
	}
	if elsewhere.count("/token") != 0 {
		t.Fatal("the pre-authorized code was sent to the redirect target")
	}
}

func TestClientChecksBeforeSending(t *testing.T) {
	s := newScripted(t, false)
	c := &Client{}
	ctx := context.Background()
	for name, run := range map[string]func() error{
		"missing PIN":  func() error { _, err := c.Receive(ctx, s.offer(), "", edKey(t), "T_sd-jwt"); return err },
		"short PIN":    func() error { _, err := c.Receive(ctx, s.offer(), "123", edKey(t), "T_sd-jwt"); return err },
		"not offered":  func() error { _, err := c.Receive(ctx, s.offer(), "123456", edKey(t), "Other_ldp"); return err },
		"which one":    func() error { _, err := c.Receive(ctx, s.offer(), "123456", edKey(t), ""); return err },
		"no holder":    func() error { _, err := c.Receive(ctx, s.offer(), "123456", nil, "T_sd-jwt"); return err },
		"no offer":     func() error { _, err := c.Receive(ctx, nil, "123456", edKey(t), "T_sd-jwt"); return err },
		"P-384 holder": func() error { _, err := c.Receive(ctx, s.offer(), "123456", p384Signer(t), "T_sd-jwt"); return err },
	} {
		if err := run(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if len(s.hits) != 0 {
		t.Fatalf("the client sent requests before checking its input: %v", s.hits)
	}
}

func TestResolveOfferByReference(t *testing.T) {
	s := newScripted(t, true)
	offer := `{"credential_issuer":"https://city.example","credential_configuration_ids":["T_ldp"]}`
	s.override["/offers/1"] = func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, offer)
	}
	c := &Client{HTTP: s.srv.Client()}
	o, err := c.ResolveOffer(context.Background(), "openid-credential-offer://?credential_offer_uri="+s.srv.URL+"/offers/1")
	if err != nil {
		t.Fatal(err)
	}
	if o.CredentialIssuer != "https://city.example" {
		t.Fatalf("got %+v", o)
	}
	// By value, nothing is fetched.
	before := s.count("/offers/1")
	if _, err := c.ResolveOffer(context.Background(), sampleOffer().URI()); err != nil || s.count("/offers/1") != before {
		t.Fatalf("by value: %v", err)
	}
}
