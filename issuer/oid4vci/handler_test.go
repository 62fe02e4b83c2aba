package oid4vci_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cityid/cityid/credential"
	proto "github.com/cityid/cityid/credential/oid4vci"
	"github.com/cityid/cityid/credential/sdjwt"
	"github.com/cityid/cityid/did"
	"github.com/cityid/cityid/issuer"
	oid4vci "github.com/cityid/cityid/issuer/oid4vci"
	"github.com/cityid/cityid/schemas"
)

var residency = map[string]any{"residentOf": "Springfield", "housingStatus": "shelter", "shelterName": "Riverside Shelter"}

func edHolder(t testing.TB) ed25519.PrivateKey {
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func p256Holder(t testing.TB) *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestMetadata(t *testing.T) {
	f := newFake(t)
	srv := f.serve(t, oid4vci.Options{IssuerName: "City of Springfield"})
	var md proto.IssuerMetadata
	resp := getJSON(t, srv.URL+proto.WellKnownCredentialIssuer, &md)
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("content type %q", ct)
	}
	if md.CredentialIssuer != srv.URL || md.CredentialEndpoint != srv.URL+"/oid4vci/credential" || md.NonceEndpoint != srv.URL+"/oid4vci/nonce" {
		t.Fatalf("endpoints: %+v", md)
	}
	if len(md.Display) != 1 || md.Display[0].Name != "City of Springfield" {
		t.Fatalf("issuer display %+v", md.Display)
	}
	types := schemas.Types()
	if len(md.CredentialConfigurationsSupported) != 3*len(types) {
		t.Fatalf("%d configurations for %d types", len(md.CredentialConfigurationsSupported), len(types))
	}
	for _, ty := range types {
		sd, ok := md.CredentialConfigurationsSupported[ty.Name+"_sd-jwt"]
		if !ok || sd.Format != proto.FormatSDJWT || sd.VCT != credential.VCT(ty.Name) {
			t.Fatalf("%s_sd-jwt: %+v", ty.Name, sd)
		}
		ldp, ok := md.CredentialConfigurationsSupported[ty.Name+"_ldp"]
		if !ok || ldp.Format != proto.FormatLDP || ldp.CredentialDefinition == nil ||
			strings.Join(ldp.CredentialDefinition.Type, ",") != "VerifiableCredential,"+ty.Name ||
			strings.Join(ldp.CredentialDefinition.Context, ",") != schemas.CredentialsV2URL+","+schemas.CityContextURL {
			t.Fatalf("%s_ldp: %+v", ty.Name, ldp)
		}
		qr, ok := md.CredentialConfigurationsSupported[ty.Name+"_qr"]
		if !ok || qr.Format != string(issuer.FormatQR) ||
			!reflect.DeepEqual(qr.CredentialDefinition, ldp.CredentialDefinition) ||
			!reflect.DeepEqual(qr.CredentialMetadata.Claims, ldp.CredentialMetadata.Claims) ||
			strings.Join(qr.CredentialSigningAlgValuesSupported, ",") != "EdDSA" {
			t.Fatalf("%s_qr: %+v", ty.Name, qr)
		}
		for _, c := range []proto.CredentialConfiguration{sd, ldp, qr} {
			if c.CredentialMetadata == nil || c.CredentialMetadata.Display[0].Name != ty.Title {
				t.Fatalf("%s: display %+v, want the schema title %q", ty.Name, c.CredentialMetadata, ty.Title)
			}
			// The QR form binds Ed25519 holder keys only.
			algs := "EdDSA,ES256"
			if c.Format == proto.FormatCompactQR {
				algs = "EdDSA"
			}
			if strings.Join(c.CryptographicBindingMethodsSupported, ",") != "did:key" ||
				strings.Join(c.ProofTypesSupported["jwt"].ProofSigningAlgValuesSupported, ",") != algs {
				t.Fatalf("%s: binding %+v", ty.Name, c)
			}
			if len(c.CredentialMetadata.Claims) < len(ty.Claims) {
				t.Fatalf("%s: %d claim descriptions for %d claims", ty.Name, len(c.CredentialMetadata.Claims), len(ty.Claims))
			}
		}
		if p := ldp.CredentialMetadata.Claims[0].Path; len(p) != 2 || p[0] != "credentialSubject" {
			t.Fatalf("%s_ldp claim path %v", ty.Name, p)
		}
	}
	if got := md.CredentialConfigurationsSupported["ResidencyCredential_ldp"].CredentialSigningAlgValuesSupported; strings.Join(got, ",") != "eddsa-rdfc-2022" {
		t.Fatalf("ldp cryptosuites %v", got)
	}

	var as proto.AuthorizationServerMetadata
	getJSON(t, srv.URL+proto.WellKnownAuthorizationServer, &as)
	if as.Issuer != srv.URL || as.TokenEndpoint != srv.URL+"/oid4vci/token" || !as.PreAuthorizedGrantAnonymousAccessSupported ||
		strings.Join(as.GrantTypesSupported, ",") != proto.GrantTypePreAuthorizedCode {
		t.Fatalf("authorization server metadata %+v", as)
	}

	// The wallet client reads it back.
	if _, err := (&proto.Client{}).FetchIssuerMetadata(context.Background(), srv.URL); err != nil {
		t.Fatal(err)
	}
	// HEAD works; POST does not.
	if resp, err := http.Head(srv.URL + proto.WellKnownCredentialIssuer); err != nil || resp.StatusCode != 200 {
		t.Fatalf("HEAD: %v %v", resp, err)
	}
	st, code, hdr := postRaw(t, srv.URL+proto.WellKnownCredentialIssuer, "application/json", "{}", nil)
	if st != 405 || code != proto.CodeInvalidRequest || !strings.Contains(hdr.Get("Allow"), "GET") {
		t.Fatalf("POST metadata: %d %s %v", st, code, hdr)
	}
}

func TestPathsBelowIssuerPath(t *testing.T) {
	f := newFake(t)
	f.url = "https://city.example/tenant"
	h := oid4vci.NewHandler(f, oid4vci.Options{})
	paths, err := oid4vci.Paths(f.url)
	if err != nil {
		t.Fatal(err)
	}
	want := "/.well-known/openid-credential-issuer/tenant /.well-known/oauth-authorization-server/tenant /tenant/oid4vci/token /tenant/oid4vci/nonce /tenant/oid4vci/credential"
	if strings.Join(paths, " ") != want {
		t.Fatalf("paths %v", paths)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", paths[0], nil))
	var md proto.IssuerMetadata
	if err := json.Unmarshal(rec.Body.Bytes(), &md); err != nil || md.CredentialIssuer != f.url ||
		md.CredentialEndpoint != "https://city.example/tenant/oid4vci/credential" {
		t.Fatalf("metadata %+v %v", md, err)
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", proto.WellKnownCredentialIssuer, nil))
	if rec.Code != 404 {
		t.Fatalf("metadata outside the tenant path: %d", rec.Code)
	}
}

func TestMisconfiguredPublicURL(t *testing.T) {
	for _, u := range []string{"http://city.example", "https://city.example/?q=1", ""} {
		f := newFake(t)
		f.url = u
		rec := httptest.NewRecorder()
		oid4vci.NewHandler(f, oid4vci.Options{}).ServeHTTP(rec, httptest.NewRequest("GET", proto.WellKnownCredentialIssuer, nil))
		if rec.Code != 500 || !strings.Contains(rec.Body.String(), proto.CodeServerError) {
			t.Errorf("%q: %d %s", u, rec.Code, rec.Body)
		}
		if _, err := oid4vci.Paths(u); err == nil {
			t.Errorf("Paths(%q) accepted", u)
		}
	}
}

func TestConfigurationID(t *testing.T) {
	for _, ty := range schemas.Types() {
		for _, f := range []issuer.Format{issuer.FormatSDJWT, issuer.FormatLDP, issuer.FormatQR} {
			id := issuer.ConfigurationID(ty.Name, f)
			name, format, ok := issuer.ParseConfigurationID(id)
			if !ok || name != ty.Name || format != f {
				t.Fatalf("%s: %s %s %v", id, name, format, ok)
			}
		}
	}
	if issuer.ConfigurationID("ResidencyCredential", "jwt_vc_json") != "" {
		t.Fatal("an id for an unknown format")
	}
	for _, bad := range []string{"", "_ldp", "_sd-jwt", "ResidencyCredential", "ResidencyCredential_jwt", "UnknownCredential_ldp", "residencycredential_ldp", "ResidencyCredential_ldp_ldp"} {
		if _, _, ok := issuer.ParseConfigurationID(bad); ok {
			t.Errorf("%q accepted", bad)
		}
	}
}

// TestFullFlow runs the wallet client against the endpoints over loopback:
// metadata, token, nonce and credential, in both formats and with both key
// types, and checks the credential is bound to the holder's key.
func TestFullFlow(t *testing.T) {
	f := newFake(t)
	srv := f.serve(t, oid4vci.Options{})
	for name, holder := range map[string]crypto.Signer{"Ed25519": edHolder(t), "P-256": p256Holder(t)} {
		t.Run(name, func(t *testing.T) {
			offer, tx := f.offer(schemas.ResidencyCredential, residency)
			parsed, err := proto.ParseOfferURI(offer.URI())
			if err != nil {
				t.Fatal(err)
			}
			cred, err := (&proto.Client{}).Receive(context.Background(), parsed, tx, holder, "ResidencyCredential_sd-jwt")
			if err != nil {
				t.Fatal(err)
			}
			v, err := sdjwt.Verify(string(cred), func(iss, kid string) (crypto.PublicKey, error) {
				if iss != f.issuerDID {
					return nil, errors.New("unknown issuer")
				}
				return f.issuerKey.Public(), nil
			}, sdjwt.VerifyOptions{Algorithms: []string{"EdDSA"}, Now: time.Now()})
			if err != nil {
				t.Fatal(err)
			}
			k, ok := v.HolderKey.(interface{ Equal(crypto.PublicKey) bool })
			if !ok || !k.Equal(holder.Public()) || v.Claims["residentOf"] != "Springfield" {
				t.Fatalf("the SD-JWT VC is not bound to the holder key: %+v", v)
			}
			// The same offer's token is spent: the ldp_vc needs a new offer.
			offer, tx = f.offer(schemas.ResidencyCredential, residency)
			cred, err = (&proto.Client{}).Receive(context.Background(), offer, tx, holder, "ResidencyCredential_ldp")
			if err != nil {
				t.Fatal(err)
			}
			var vc map[string]any
			if err := json.Unmarshal(cred, &vc); err != nil {
				t.Fatalf("the ldp_vc is not JSON: %v", err)
			}
			holderDID, _ := did.KeyDID(holder.Public())
			if vc["credentialSubject"].(map[string]any)["id"] != holderDID {
				t.Fatalf("the W3C credential names %v, want %s", vc["credentialSubject"], holderDID)
			}
		})
	}
	if n := f.recordCount(); n != 4 {
		t.Fatalf("%d records, want 4", n)
	}
	_ = srv
}

// TestClientSeesServerErrors checks that the client surfaces the server's
// error codes (wrong PIN, reused offer).
func TestClientSeesServerErrors(t *testing.T) {
	f := newFake(t)
	f.serve(t, oid4vci.Options{})
	offer, tx := f.offer(schemas.ResidencyCredential, residency)
	c := &proto.Client{}
	_, err := c.Receive(context.Background(), offer, "000000", edHolder(t), "ResidencyCredential_sd-jwt")
	var e *proto.Error
	if !errors.As(err, &e) || e.Code != proto.CodeInvalidGrant || e.Status != 400 || !strings.Contains(e.Description, "PIN") {
		t.Fatalf("wrong PIN: %v", err)
	}
	if _, err := c.Receive(context.Background(), offer, tx, edHolder(t), "ResidencyCredential_sd-jwt"); err != nil {
		t.Fatal(err)
	}
	_, err = c.Receive(context.Background(), offer, tx, edHolder(t), "ResidencyCredential_sd-jwt")
	if !errors.As(err, &e) || e.Code != proto.CodeInvalidGrant {
		t.Fatalf("reused offer: %v", err)
	}
}

func getJSON(t *testing.T, u string, out any) *http.Response {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d", u, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		t.Fatal(err)
	}
	return resp
}

// postRaw posts body and returns the status, the error code of an error
// response ("" on success) and the headers. Every response must be JSON and
// uncacheable.
func postRaw(t testing.TB, u, contentType, body string, header map[string]string) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequest("POST", u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("POST %s: content type %q", u, resp.Header.Get("Content-Type"))
	}
	if !strings.HasSuffix(u, proto.WellKnownCredentialIssuer) && resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("POST %s: Cache-Control %q", u, resp.Header.Get("Cache-Control"))
	}
	var e struct {
		Code string `json:"error"`
		Desc string `json:"error_description"`
	}
	json.Unmarshal(raw, &e)
	if resp.StatusCode >= 400 && e.Code == "" {
		t.Fatalf("POST %s: HTTP %d without an error code: %s", u, resp.StatusCode, raw)
	}
	return resp.StatusCode, e.Code, resp.Header
}

// token redeems an offer over raw HTTP.
func token(t testing.TB, offer *proto.CredentialOffer, tx string) string {
	t.Helper()
	form := proto.TokenRequest{GrantType: proto.GrantTypePreAuthorizedCode, PreAuthorizedCode: offer.PreAuthorized().PreAuthorizedCode, TxCode: tx}.Form()
	resp, err := http.PostForm(offer.CredentialIssuer+"/oid4vci/token", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tr proto.TokenResponse
	if err := json.NewDecoder(resp.Body).Decode(&tr); err != nil || resp.StatusCode != 200 || tr.TokenType != "Bearer" || tr.ExpiresIn != 300 {
		t.Fatalf("token: %d %+v %v", resp.StatusCode, tr, err)
	}
	if resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("token response Cache-Control %q", resp.Header.Get("Cache-Control"))
	}
	return tr.AccessToken
}

func nonce(t testing.TB, base string) string {
	t.Helper()
	resp, err := http.Post(base+"/oid4vci/nonce", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var nr proto.NonceResponse
	if err := json.NewDecoder(resp.Body).Decode(&nr); err != nil || resp.StatusCode != 200 || nr.CNonce == "" || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("nonce: %d %+v %v", resp.StatusCode, nr, err)
	}
	return nr.CNonce
}

func proof(t testing.TB, holder crypto.Signer, aud, nonce string, iat time.Time) string {
	t.Helper()
	kid, _ := did.KeyVerificationMethod(holder.Public())
	p, err := proto.NewProofJWT(holder, kid, aud, nonce, iat)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func credentialBody(configID, proofJWT string) string {
	b, _ := json.Marshal(proto.CredentialRequest{CredentialConfigurationID: configID, Proofs: &proto.Proofs{JWT: []string{proofJWT}}})
	return string(b)
}

func bearer(tok string) map[string]string { return map[string]string{"Authorization": "Bearer " + tok} }
