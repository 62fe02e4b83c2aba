package oid4vci_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/cityid/cityid/credential"
	proto "github.com/cityid/cityid/credential/oid4vci"
	oid4vci "github.com/cityid/cityid/issuer/oid4vci"
	"github.com/cityid/cityid/schemas"
)

// A resident's wallet collects a credential with the OpenID4VCI client:
// the counter shows an offer URI (as a QR code) and reads out a PIN; the
// wallet parses the offer and receives a credential bound to its did:key.
func Example() {
	backend := newFake(nil) // stands in for *issuer.Service
	var endpoints http.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		endpoints.ServeHTTP(w, r)
	}))
	defer srv.Close()
	backend.url = srv.URL
	endpoints = oid4vci.NewHandler(backend, oid4vci.Options{IssuerName: "City of Springfield"})

	// At the counter.
	offer, pin := backend.offer(schemas.ResidencyCredential, map[string]any{
		"residentOf": "Springfield", "housingStatus": "noFixedAddress",
	})
	qr := offer.URI()

	// In the wallet.
	parsed, err := proto.ParseOfferURI(qr)
	if err != nil {
		fmt.Println(err)
		return
	}
	_, holder, _ := ed25519.GenerateKey(rand.Reader)
	cred, err := (&proto.Client{}).Receive(context.Background(), parsed, pin, holder, "ResidencyCredential_sd-jwt")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(credential.Detect(cred))
	// Output: dc+sd-jwt
}
