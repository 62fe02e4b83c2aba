package oid4vci

import (
	"encoding/json"
	"errors"
	"net/url"
	"testing"
)

// FuzzParseTokenRequest: any form body parses to a request with a code or
// to an *Error, never a panic.
func FuzzParseTokenRequest(f *testing.F) {
	f.Add("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Apre-authorized_code&pre-authorized_code=abc&tx_code=123456")
	f.Add("grant_type=authorization_code&code=x")
	f.Add("grant_type=a&grant_type=b")
	f.Add("%zz&&==;")
	f.Fuzz(func(t *testing.T, body string) {
		form, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		tr, err := ParseTokenRequest(form)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Code == "" {
				t.Fatalf("not an *Error with a code: %v", err)
			}
			return
		}
		if tr == nil {
			t.Fatal("nil request without an error")
		}
	})
}

// FuzzParseOffer: a credential offer object (JSON) that parses validates,
// and survives its own URI round trip.
func FuzzParseOffer(f *testing.F) {
	b, _ := json.Marshal(sampleOffer())
	f.Add(b)
	f.Add([]byte(`{"credential_issuer":"http://127.0.0.1:1","credential_configuration_ids":["a"],"grants":{}}`))
	f.Add([]byte(`{"credential_issuer":1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		o, err := ParseOffer(data)
		if err != nil {
			return
		}
		if err := o.Validate(); err != nil {
			t.Fatalf("a parsed offer does not validate: %v", err)
		}
		if len(o.URI()) <= MaxOfferURILength {
			if _, err := ParseOfferURI(o.URI()); err != nil {
				t.Fatalf("the offer's URI does not parse: %v", err)
			}
		}
	})
}

// FuzzIssuerMetadata: the wallet decodes issuer and authorization server
// metadata from the network; decoding must never panic (AlgValues has its
// own UnmarshalJSON).
func FuzzIssuerMetadata(f *testing.F) {
	f.Add([]byte(`{"credential_issuer":"https://i.example","credential_endpoint":"https://i.example/c","credential_configurations_supported":{"a":{"format":"dc+sd-jwt","cryptographic_binding_methods_supported":["did:key"],"credential_signing_alg_values_supported":["EdDSA",-8]}}}`))
	f.Add([]byte(`{"token_endpoint":"https://i.example/t","pre-authorized_grant_anonymous_access_supported":true}`))
	f.Add([]byte(`{"credential_configurations_supported":{"a":{"credential_signing_alg_values_supported":[[],{}]}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var md IssuerMetadata
		_ = json.Unmarshal(data, &md)
		var as AuthorizationServerMetadata
		_ = json.Unmarshal(data, &as)
		var cr CredentialResponse
		_ = json.Unmarshal(data, &cr)
	})
}
