package oid4vci

import (
	"encoding/json"
	"errors"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

func TestParseCredentialRequest(t *testing.T) {
	final := `{"credential_configuration_id":"ResidencyCredential_ldp","proofs":{"jwt":["a.b.c"]},"extra":1}`
	draft := `{"credential_configuration_id":"ResidencyCredential_ldp","proof":{"proof_type":"jwt","jwt":"a.b.c"}}`
	want := &CredentialRequest{CredentialConfigurationID: "ResidencyCredential_ldp", Proofs: &Proofs{JWT: []string{"a.b.c"}}}
	for name, body := range map[string]string{"final": final, "draft": draft} {
		got, err := ParseCredentialRequest([]byte(body))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: got %+v", name, got)
		}
	}
	// What the client marshals, the server parses back.
	b, _ := json.Marshal(want)
	if got, err := ParseCredentialRequest(b); err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("round trip: %+v %v", got, err)
	}
	noProof, err := ParseCredentialRequest([]byte(`{"credential_configuration_id":"x"}`))
	if err != nil || noProof.Proofs != nil {
		t.Fatalf("a request without proofs parses with nil Proofs: %+v %v", noProof, err)
	}
}

func TestParseCredentialRequestRejects(t *testing.T) {
	cases := map[string]struct {
		body   string
		code   string
		status int
	}{
		"not JSON":          {`credential`, CodeInvalidCredentialRequest, 400},
		"array":             {`[]`, CodeInvalidCredentialRequest, 400},
		"duplicate":         {`{"credential_configuration_id":"a","credential_configuration_id":"b","proofs":{"jwt":["x"]}}`, CodeInvalidCredentialRequest, 400},
		"no id":             {`{"proofs":{"jwt":["x"]}}`, CodeInvalidCredentialRequest, 400},
		"both ids":          {`{"credential_identifier":"i","credential_configuration_id":"a"}`, CodeInvalidCredentialRequest, 400},
		"id not string":     {`{"credential_configuration_id":7}`, CodeInvalidCredentialRequest, 400},
		"proof and proofs":  {`{"credential_configuration_id":"a","proofs":{"jwt":["x"]},"proof":{"proof_type":"jwt","jwt":"x"}}`, CodeInvalidCredentialRequest, 400},
		"proof not object":  {`{"credential_configuration_id":"a","proof":"x"}`, CodeInvalidCredentialRequest, 400},
		"proofs not object": {`{"credential_configuration_id":"a","proofs":["x"]}`, CodeInvalidProof, 400},
		"two proof types":   {`{"credential_configuration_id":"a","proofs":{"jwt":["x"],"di_vp":[{}]}}`, CodeInvalidProof, 400},
		"di_vp":             {`{"credential_configuration_id":"a","proofs":{"di_vp":[{}]}}`, CodeInvalidProof, 400},
		"empty jwt list":    {`{"credential_configuration_id":"a","proofs":{"jwt":[]}}`, CodeInvalidProof, 400},
		"empty jwt":         {`{"credential_configuration_id":"a","proofs":{"jwt":[""]}}`, CodeInvalidProof, 400},
		"jwt not string":    {`{"credential_configuration_id":"a","proofs":{"jwt":[1]}}`, CodeInvalidProof, 400},
		"draft cwt":         {`{"credential_configuration_id":"a","proof":{"proof_type":"cwt","cwt":"x"}}`, CodeInvalidProof, 400},
		"draft no jwt":      {`{"credential_configuration_id":"a","proof":{"proof_type":"jwt"}}`, CodeInvalidProof, 400},
		"too large":         {`{"credential_configuration_id":"` + strings.Repeat("a", MaxRequestSize) + `"}`, CodeInvalidCredentialRequest, 413},
		"long id":           {`{"credential_configuration_id":"` + strings.Repeat("a", 300) + `"}`, CodeInvalidCredentialRequest, 400},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := ParseCredentialRequest([]byte(tc.body))
			var e *Error
			if !errors.As(err, &e) || e.Code != tc.code || e.Status != tc.status {
				t.Fatalf("got %v; want %s (HTTP %d)", err, tc.code, tc.status)
			}
		})
	}
}

func TestParseTokenRequest(t *testing.T) {
	ok := TokenRequest{GrantType: GrantTypePreAuthorizedCode, PreAuthorizedCode: "code", TxCode: "1234"}
	got, err := ParseTokenRequest(ok.Form())
	if err != nil || *got != ok {
		t.Fatalf("round trip: %+v %v", got, err)
	}
	form := func(s string) url.Values { v, _ := url.ParseQuery(s); return v }
	pre := "grant_type=" + url.QueryEscape(GrantTypePreAuthorizedCode)
	cases := map[string]struct{ form, code string }{
		"no grant type": {"pre-authorized_code=c", CodeInvalidRequest},
		"auth code":     {"grant_type=authorization_code&code=c", CodeUnsupportedGrantType},
		"no code":       {pre, CodeInvalidRequest},
		"code twice":    {pre + "&pre-authorized_code=a&pre-authorized_code=b", CodeInvalidRequest},
		"tx_code twice": {pre + "&pre-authorized_code=a&tx_code=1&tx_code=2", CodeInvalidRequest},
		"long tx_code":  {pre + "&pre-authorized_code=a&tx_code=" + strings.Repeat("1", 65), CodeInvalidRequest},
		"long code":     {pre + "&pre-authorized_code=" + strings.Repeat("a", 1025), CodeInvalidRequest},
		"grant twice":   {pre + "&" + pre + "&pre-authorized_code=a", CodeInvalidRequest},
	}
	for name, tc := range cases {
		_, err := ParseTokenRequest(form(tc.form))
		var e *Error
		if !errors.As(err, &e) || e.Code != tc.code || e.Status != 400 {
			t.Errorf("%s: got %v; want %s", name, err, tc.code)
		}
	}
}

func TestIssuedCredential(t *testing.T) {
	sd := "eyJhbGciOiJFZERTQSJ9.eyJ2Y3QiOiJ4In0.c2ln~WyJzIiwiYSIsMV0~"
	ic, err := NewIssuedCredential(FormatSDJWT, []byte(sd))
	if err != nil {
		t.Fatal(err)
	}
	if b, err := ic.Bytes(); err != nil || string(b) != sd {
		t.Fatalf("SD-JWT: %s %v", b, err)
	}
	if string(ic.Credential) != `"`+sd+`"` {
		t.Fatalf("an SD-JWT VC travels as a JSON string: %s", ic.Credential)
	}
	ldp := []byte("{\n  \"type\": [\"VerifiableCredential\"]\n}")
	ic, err = NewIssuedCredential(FormatLDP, ldp)
	if err != nil {
		t.Fatal(err)
	}
	if string(ic.Credential) != `{"type":["VerifiableCredential"]}` {
		t.Fatalf("an ldp_vc travels as the object: %s", ic.Credential)
	}
	for _, bad := range []struct{ f, data string }{
		{FormatSDJWT, ""}, {FormatSDJWT, "a b"}, {FormatLDP, "[]"}, {FormatLDP, `{"a":1,"a":2}`}, {"jwt_vc_json", "x.y.z"},
	} {
		if _, err := NewIssuedCredential(bad.f, []byte(bad.data)); err == nil {
			t.Errorf("%s %q accepted", bad.f, bad.data)
		}
	}
	for _, raw := range []string{`7`, `""`, `[]`, `{"a":1,"a":2}`, `"unterminated`} {
		if _, err := (IssuedCredential{Credential: json.RawMessage(raw)}).Bytes(); !errors.Is(err, ErrProtocol) {
			t.Errorf("%s: %v", raw, err)
		}
	}
}

func TestSafeDescription(t *testing.T) {
	got := SafeDescription("kid \"did:x\" is \\ bad\nnext — ok")
	if got != "kid 'did:x' is / bad next ? ok" {
		t.Fatalf("got %q", got)
	}
	for _, r := range SafeDescription(strings.Repeat("\x00\"\\é", 300)) {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			t.Fatalf("unsafe character %q", r)
		}
	}
	if n := len(SafeDescription(strings.Repeat("a", 2000))); n != 500 {
		t.Fatalf("length %d", n)
	}
}

func TestBearerToken(t *testing.T) {
	for h, want := range map[string]string{
		"Bearer abc.DEF-_~+/==": "abc.DEF-_~+/==",
		"bearer tok":            "tok",
		"Bearer  tok":           "tok",
	} {
		if got, ok := BearerToken(h); !ok || got != want {
			t.Errorf("%q: got %q %v", h, got, ok)
		}
	}
	for _, h := range []string{"", "Bearer", "Bearer ", "Basic dXNlcg==", "DPoP tok", "Bearer a b", "Bearer =", "Bearer tök", "Bearer " + strings.Repeat("a", 1025)} {
		if got, ok := BearerToken(h); ok {
			t.Errorf("%q accepted as %q", h, got)
		}
	}
}

func TestErrorMessage(t *testing.T) {
	e := &Error{Code: CodeInvalidGrant, Description: "the PIN is wrong", Status: 400, Endpoint: "token endpoint https://x/t"}
	if got := e.Error(); got != "oid4vci: token endpoint https://x/t: invalid_grant: the PIN is wrong (HTTP 400)" {
		t.Fatalf("got %q", got)
	}
}

func TestAlgValues(t *testing.T) {
	var c CredentialConfiguration
	if err := json.Unmarshal([]byte(`{"format":"mso_mdoc","credential_signing_alg_values_supported":[-7,"ES256"]}`), &c); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c.CredentialSigningAlgValuesSupported, AlgValues{"-7", "ES256"}) {
		t.Fatalf("got %v", c.CredentialSigningAlgValuesSupported)
	}
	if err := json.Unmarshal([]byte(`{"credential_signing_alg_values_supported":[1.5]}`), &c); err == nil {
		t.Fatal("a fractional algorithm identifier accepted")
	}
}
