package aries

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hyperledger/aries-framework-go/component/models/verifiable"
	"github.com/piprate/json-gold/ld"

	"github.com/cityid/cityid/schemas"
)

// tripwire is a loopback server that fails the test if anything contacts it.
func tripwire(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("network access during an offline operation: %s %s", r.Method, r.URL)
		w.Header().Set("Content-Type", "application/ld+json")
		w.Write([]byte(`{"@context": {"x": "https://evil.example/x"}}`))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestLoaderServesOnlyEmbeddedContexts(t *testing.T) {
	l, err := DocumentLoader()
	if err != nil {
		t.Fatal(err)
	}
	urls := schemas.ContextURLs()
	if len(urls) == 0 {
		t.Fatal("schemas embeds no contexts")
	}
	for _, u := range urls {
		rd, err := l.LoadDocument(u)
		if err != nil {
			t.Errorf("LoadDocument(%s): %v", u, err)
			continue
		}
		raw, _ := schemas.Context(u)
		var want any
		if err := json.Unmarshal(raw, &want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(rd.Document, want) || rd.DocumentURL != u {
			t.Errorf("LoadDocument(%s) differs from the embedded file", u)
		}
	}
	// Contexts aries itself embeds, or anyone publishes, are unknown here.
	for _, u := range []string{
		"https://www.w3.org/ns/did/v1",
		"https://w3id.org/security/v2",
		"https://w3id.org/vc/status-list/2021/v1",
		"https://schema.org/",
		"https://www.w3.org/2018/credentials/v1/", // not the same URL
		"",
	} {
		if _, err := l.LoadDocument(u); !errors.Is(err, ErrUnknownContext) {
			t.Errorf("LoadDocument(%q) = %v, want ErrUnknownContext", u, err)
		}
	}
}

func TestLoaderNeverDownloads(t *testing.T) {
	srv := tripwire(t)
	l, err := DocumentLoader()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.LoadDocument(srv.URL + "/context.jsonld"); !errors.Is(err, ErrUnknownContext) {
		t.Fatalf("LoadDocument(loopback) = %v, want ErrUnknownContext", err)
	}

	k := newTestKey(1)
	vc := signed(t, k, k.did)
	remote := edit(t, vc, func(m map[string]any) {
		m["@context"] = append(m["@context"].([]any), srv.URL+"/context.jsonld")
	})
	if _, err := VerifyLDProof(remote, k.pub); err == nil || !strings.Contains(err.Error(), ErrUnknownContext.Error()) {
		t.Errorf("VerifyLDProof(remote context) = %v, want an unknown-context failure", err)
	}
	imported := edit(t, vc, func(m map[string]any) {
		m["@context"] = append(m["@context"].([]any), map[string]any{"@import": srv.URL + "/import.jsonld"})
	})
	if _, err := VerifyLDProof(imported, k.pub); err == nil {
		t.Error("VerifyLDProof(@import of a remote context) verified")
	}
	if _, err := Canonicalize(remote); err == nil || !strings.Contains(err.Error(), ErrUnknownContext.Error()) {
		t.Errorf("Canonicalize(remote context) = %v, want an unknown-context failure", err)
	}
	if _, err := SignEd25519Signature2020(edit(t, vcWithIssuer(t, k.did), func(m map[string]any) {
		m["@context"] = append(m["@context"].([]any), srv.URL+"/context.jsonld")
	}), k.priv, k.vm, created); err == nil {
		t.Error("SignEd25519Signature2020(remote context) succeeded")
	}
}

// TestNoSchemaDownload: a credential whose credentialSchema points at a
// server (JsonSchemaValidator2018, the type aries downloads) verifies without
// the server being contacted; aries with default options does download it.
func TestNoSchemaDownload(t *testing.T) {
	srv := tripwire(t)
	k := newTestKey(1)
	withSchema := edit(t, vcWithIssuer(t, k.did), func(m map[string]any) {
		m["credentialSchema"] = map[string]any{"id": srv.URL + "/schema.json", "type": "JsonSchemaValidator2018"}
	})
	vc, err := SignEd25519Signature2020(withSchema, k.priv, k.vm, created)
	if err != nil {
		t.Fatalf("sign: %v", err)
	}
	if _, err := VerifyLDProof(vc, k.pub); err != nil {
		t.Fatalf("VerifyLDProof(credentialSchema): %v", err)
	}

	// The trap, shown on a second, counting server: aries' defaults fetch.
	var hits atomic.Int32
	fetched := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write([]byte(`{"type": "object"}`))
	}))
	defer fetched.Close()
	trap := edit(t, vc, func(m map[string]any) {
		m["credentialSchema"] = map[string]any{"id": fetched.URL + "/schema.json", "type": "JsonSchemaValidator2018"}
	})
	l, _ := DocumentLoader()
	_, _ = verifiable.ParseCredential(trap, verifiable.WithDisabledProofCheck(), verifiable.WithJSONLDDocumentLoader(l))
	if hits.Load() == 0 {
		t.Error("aries' default options no longer download credentialSchema: update the package doc")
	}
	// And the adapter does not, even for that credential.
	before := hits.Load()
	_, _ = VerifyLDProof(trap, k.pub)
	if hits.Load() != before {
		t.Error("VerifyLDProof downloaded credentialSchema")
	}
}

// TestRefuseTransport: the schema client the adapter hands aries refuses
// every request.
func TestRefuseTransport(t *testing.T) {
	srv := tripwire(t)
	c := &http.Client{Transport: refuseTransport{}}
	if _, err := c.Get(srv.URL); !errors.Is(err, ErrNetworkRefused) {
		t.Fatalf("Get = %v, want ErrNetworkRefused", err)
	}
}

// TestLoaderNotPoisoned: json-gold merges an "@import"ed context into the
// loaded document. A credential importing an embedded context and adding a
// term must not change what the loader serves to the next credential.
func TestLoaderNotPoisoned(t *testing.T) {
	l, err := DocumentLoader()
	if err != nil {
		t.Fatal(err)
	}
	before, err := l.LoadDocument(schemas.CredentialsV1URL)
	if err != nil {
		t.Fatal(err)
	}
	doc := []byte(`{
	  "@context": [{"@version": 1.1, "@import": "` + schemas.CredentialsV1URL + `",
	                "injected": "https://evil.example/injected"}],
	  "@id": "urn:x", "injected": "y"}`)
	if _, err := Canonicalize(doc); err != nil {
		t.Logf("Canonicalize(@import): %v", err) // failure is fine; poisoning is not
	}
	after, err := l.LoadDocument(schemas.CredentialsV1URL)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(before.Document, after.Document) {
		t.Fatal("the embedded credentials/v1 context changed after a credential @imported it")
	}
	ctx := after.Document.(map[string]any)["@context"].(map[string]any)
	if _, ok := ctx["injected"]; ok {
		t.Fatal("an @import merged a term into the shared context")
	}
	// Mutating a returned document does not affect the next one.
	ctx["VerifiableCredential"] = "https://evil.example/vc"
	again, _ := l.LoadDocument(schemas.CredentialsV1URL)
	if reflect.DeepEqual(again.Document, after.Document) {
		t.Fatal("LoadDocument hands out shared, mutable documents")
	}
}

var _ ld.DocumentLoader = (*offlineLoader)(nil)
