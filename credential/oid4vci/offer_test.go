package oid4vci

import (
	"errors"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

func sampleOffer() *CredentialOffer {
	return &CredentialOffer{
		CredentialIssuer:           "https://city.example/issuer",
		CredentialConfigurationIDs: []string{"ResidencyCredential_sd-jwt"},
		Grants: &Grants{PreAuthorizedCode: &PreAuthorizedCodeGrant{
			PreAuthorizedCode: "oaKazRN8I0IbtZ0C7JuMn5",
			TxCode:            &TxCode{InputMode: InputModeNumeric, Length: 6, Description: "PIN the clerk reads out"},
		}},
	}
}

func TestOfferURIRoundTrip(t *testing.T) {
	o := sampleOffer()
	uri := o.URI()
	if !strings.HasPrefix(uri, "openid-credential-offer://?credential_offer=%7B") {
		t.Fatalf("URI %s", uri)
	}
	got, err := ParseOfferURI(uri)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, o) {
		t.Fatalf("round trip: got %+v, want %+v", got, o)
	}
}

func TestParseOfferSpecExample(t *testing.T) {
	// The by-value example of OpenID4VCI 1.0 §4.1.2 (an empty tx_code object
	// still means a code is required).
	uri := "openid-credential-offer://?credential_offer=%7B%22credential_issuer%22:%22https://credential-issuer.example.com%22,%22credential_configuration_ids%22:%5B%22UniversityDegree_JWT%22,%22org.iso.18013.5.1.mDL%22%5D,%22grants%22:%7B%22urn:ietf:params:oauth:grant-type:pre-authorized_code%22:%7B%22pre-authorized_code%22:%22oaKazRN8I0IbtZ0C7JuMn5%22,%22tx_code%22:%7B%7D%7D%7D%7D"
	o, err := ParseOfferURI(uri)
	if err != nil {
		t.Fatal(err)
	}
	g := o.PreAuthorized()
	if g == nil || g.PreAuthorizedCode != "oaKazRN8I0IbtZ0C7JuMn5" || g.TxCode == nil || len(o.CredentialConfigurationIDs) != 2 {
		t.Fatalf("parsed %+v", o)
	}
	if err := o.CheckTxCode(""); !errors.Is(err, ErrTxCode) {
		t.Fatalf("an empty tx_code object must still require a code: %v", err)
	}
	if err := o.CheckTxCode("493536"); err != nil {
		t.Fatal(err)
	}
}

func TestParseOfferByReference(t *testing.T) {
	uri := "openid-credential-offer://?credential_offer_uri=" + url.QueryEscape("https://city.example/offers/abc")
	_, err := ParseOfferURI(uri)
	var ref *OfferReferenceError
	if !errors.As(err, &ref) || !errors.Is(err, ErrOfferByReference) || ref.URL != "https://city.example/offers/abc" {
		t.Fatalf("got %v; want an OfferReferenceError naming the URL", err)
	}
	// A reference over plain http is not a reference the client would fetch.
	_, err = ParseOfferURI("openid-credential-offer://?credential_offer_uri=" + url.QueryEscape("http://city.example/o"))
	if !errors.Is(err, ErrInvalidOffer) {
		t.Fatalf("http reference: %v", err)
	}
}

func TestParseOfferURIRejects(t *testing.T) {
	enc := func(js string) string { return "openid-credential-offer://?credential_offer=" + url.QueryEscape(js) }
	const iss = `"credential_issuer":"https://city.example"`
	const ids = `"credential_configuration_ids":["A_ldp"]`
	pre := func(g string) string {
		return enc(`{` + iss + `,` + ids + `,"grants":{"urn:ietf:params:oauth:grant-type:pre-authorized_code":` + g + `}}`)
	}
	cases := map[string]struct {
		uri  string
		want error
	}{
		"wrong scheme":        {"https://wallet.example/?credential_offer=" + url.QueryEscape(`{`+iss+`,`+ids+`}`), ErrInvalidOffer},
		"no parameter":        {"openid-credential-offer://?x=1", ErrInvalidOffer},
		"both parameters":     {enc(`{`+iss+`,`+ids+`}`) + "&credential_offer_uri=https%3A%2F%2Fa.example", ErrInvalidOffer},
		"twice":               {enc(`{`+iss+`,`+ids+`}`) + "&credential_offer=%7B%7D", ErrInvalidOffer},
		"bad escape":          {"openid-credential-offer://?credential_offer=%zz", ErrInvalidOffer},
		"not JSON":            {enc(`credential`), ErrInvalidOffer},
		"array":               {enc(`[]`), ErrInvalidOffer},
		"duplicate member":    {enc(`{` + iss + `,` + iss + `,` + ids + `}`), ErrInvalidOffer},
		"no issuer":           {enc(`{` + ids + `}`), ErrInvalidOffer},
		"http issuer":         {enc(`{"credential_issuer":"http://city.example",` + ids + `}`), ErrInvalidOffer},
		"issuer with query":   {enc(`{"credential_issuer":"https://city.example/?a=b",` + ids + `}`), ErrInvalidOffer},
		"issuer fragment":     {enc(`{"credential_issuer":"https://city.example/#f",` + ids + `}`), ErrInvalidOffer},
		"issuer userinfo":     {enc(`{"credential_issuer":"https://u:p@city.example",` + ids + `}`), ErrInvalidOffer},
		"issuer number":       {enc(`{"credential_issuer":5,` + ids + `}`), ErrInvalidOffer},
		"no ids":              {enc(`{` + iss + `}`), ErrInvalidOffer},
		"empty ids":           {enc(`{` + iss + `,"credential_configuration_ids":[]}`), ErrInvalidOffer},
		"repeated id":         {enc(`{` + iss + `,"credential_configuration_ids":["a","a"]}`), ErrInvalidOffer},
		"empty id":            {enc(`{` + iss + `,"credential_configuration_ids":[""]}`), ErrInvalidOffer},
		"no code":             {pre(`{}`), ErrInvalidOffer},
		"bad input_mode":      {pre(`{"pre-authorized_code":"c","tx_code":{"input_mode":"emoji"}}`), ErrInvalidOffer},
		"negative length":     {pre(`{"pre-authorized_code":"c","tx_code":{"length":-1}}`), ErrInvalidOffer},
		"long description":    {pre(`{"pre-authorized_code":"c","tx_code":{"description":"` + strings.Repeat("é", 301) + `"}}`), ErrInvalidOffer},
		"too long":            {enc(`{` + iss + `,` + ids + `,"x":"` + strings.Repeat("a", MaxOfferURILength) + `"}`), ErrTooLarge},
		"nesting":             {enc(`{` + iss + `,` + ids + `,"x":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}`), ErrInvalidOffer},
		"trailing data":       {enc(`{` + iss + `,` + ids + `} {}`), ErrInvalidOffer},
		"fragment on the URI": {enc(`{`+iss+`,`+ids+`}`) + "#x", ErrInvalidOffer},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			o, err := ParseOfferURI(tc.uri)
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %+v, %v; want %v", o, err, tc.want)
			}
		})
	}
	// The same shapes, made valid, pass: each case fails for its own reason.
	if _, err := ParseOfferURI(pre(`{"pre-authorized_code":"c","tx_code":{"input_mode":"text","length":4,"description":"` + strings.Repeat("é", 300) + `"}}`)); err != nil {
		t.Fatal(err)
	}
	if _, err := ParseOfferURI(enc(`{` + iss + `,` + ids + `,"unknown":{"ignored":true}}`)); err != nil {
		t.Fatalf("unknown members must be ignored: %v", err)
	}
}

func TestLoopbackIssuer(t *testing.T) {
	for _, ok := range []string{"http://127.0.0.1:8080", "http://localhost/x", "http://[::1]:9", "https://city.example", "https://city.example/tenant"} {
		if err := CheckIssuerIdentifier(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{"http://10.0.0.1", "http://city.example", "ftp://city.example", "https://", "city.example", "https://city.example?x", "https://city.example/#"} {
		if err := CheckIssuerIdentifier(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

func TestWellKnownURL(t *testing.T) {
	cases := map[string]string{
		"https://city.example":         "https://city.example/.well-known/openid-credential-issuer",
		"https://city.example/":        "https://city.example/.well-known/openid-credential-issuer",
		"https://city.example/tenant":  "https://city.example/.well-known/openid-credential-issuer/tenant",
		"https://city.example:8443/a/": "https://city.example:8443/.well-known/openid-credential-issuer/a",
	}
	for in, want := range cases {
		got, err := WellKnownURL(in, WellKnownCredentialIssuer)
		if err != nil || got != want {
			t.Errorf("%s: got %s %v, want %s", in, got, err, want)
		}
	}
}

func TestCheckTxCode(t *testing.T) {
	o := sampleOffer()
	for code, ok := range map[string]bool{"493536": true, "": false, "49353": false, "4935367": false, "49353a": false} {
		if err := o.CheckTxCode(code); (err == nil) != ok {
			t.Errorf("%q: %v", code, err)
		}
	}
	o.Grants.PreAuthorizedCode.TxCode = &TxCode{InputMode: InputModeText}
	if err := o.CheckTxCode("river-7"); err != nil {
		t.Error(err)
	}
	o.Grants.PreAuthorizedCode.TxCode = nil
	if err := o.CheckTxCode("1234"); !errors.Is(err, ErrTxCode) {
		t.Errorf("a code the offer does not ask for: %v", err)
	}
}
