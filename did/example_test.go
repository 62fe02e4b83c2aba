package did_test

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/cityid/cityid/did"
)

func ExampleKeyDID() {
	// The all-zero seed of the W3C CCG did:key test vectors.
	priv := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	id, err := did.KeyDID(priv.Public())
	if err != nil {
		panic(err)
	}
	fmt.Println(id)

	pub, err := did.ParseKeyDID(id)
	if err != nil {
		panic(err)
	}
	fmt.Println(pub.(ed25519.PublicKey).Equal(priv.Public()))
	// Output:
	// did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp
	// true
}

func ExampleParseURL() {
	u, err := did.ParseURL("did:web:city.example%3A8443:issuers#key-1")
	if err != nil {
		panic(err)
	}
	fmt.Println(u.DID.Method, u.DID.ID, u.Fragment)

	_, err = did.Parse("did:web:city example")
	fmt.Println(errors.Is(err, did.ErrInvalidDID))
	fmt.Println(err)
	// Output:
	// web city.example%3A8443:issuers key-1
	// true
	// invalid DID "did:web:city example": character ' ' is not allowed in the method-specific identifier at position 12
}

func ExampleWebDocumentURL() {
	for _, id := range []string{"did:web:city.example", "did:web:city.example%3A8443:departments:parks"} {
		u, err := did.WebDocumentURL(id)
		if err != nil {
			panic(err)
		}
		fmt.Println(u)
	}
	// Output:
	// https://city.example/.well-known/did.json
	// https://city.example:8443/departments/parks/did.json
}

func ExampleNewResolver() {
	// did:web documents are pinned ahead of time (see FetchWebDocument);
	// resolving never touches the network.
	web := did.NewPinnedWeb()
	doc, err := os.ReadFile("testdata/web/city.json")
	if err != nil {
		panic(err)
	}
	if err := web.Add("did:web:city.example", doc); err != nil {
		panic(err)
	}
	r := did.NewResolver(web)

	// The issuer key may sign credentials...
	vm, pub, err := did.ResolveVerificationMethod(r, "did:web:city.example#issuer-1", did.AssertionMethod)
	if err != nil {
		panic(err)
	}
	fmt.Println(vm.Type, len(pub.(ed25519.PublicKey)))

	// ...the login key may not, and a key controlled by someone else is refused.
	_, _, err = did.ResolveVerificationMethod(r, "did:web:city.example#login", did.AssertionMethod)
	fmt.Println(errors.Is(err, did.ErrNotAuthorized))
	_, _, err = did.ResolveVerificationMethod(r, "did:web:city.example#borrowed", did.AssertionMethod)
	fmt.Println(errors.Is(err, did.ErrNotAuthorized))

	// did:key needs no pin; other methods are refused.
	keyDoc, err := r.Resolve("did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp")
	if err != nil {
		panic(err)
	}
	out, _ := json.Marshal(keyDoc.AssertionMethod)
	fmt.Println(string(out))
	_, err = r.Resolve("did:example:123")
	fmt.Println(errors.Is(err, did.ErrUnsupportedMethod))
	// Output:
	// Multikey 32
	// true
	// true
	// ["did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp#z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"]
	// true
}

func ExampleSoftKeyManager() {
	ctx := context.Background()
	var km did.KeyManager = did.NewSoftKeyManager()
	info, err := km.CreateKey(ctx, did.Ed25519)
	if err != nil {
		panic(err)
	}
	signer, err := km.Signer(ctx, info.ID)
	if err != nil {
		panic(err)
	}
	msg := []byte("payload")
	sig, err := signer.Sign(nil, msg, crypto.Hash(0)) // Ed25519 signs the message itself
	if err != nil {
		panic(err)
	}

	// A verifier finds the key from the verification method alone.
	_, pub, err := did.ResolveVerificationMethod(did.NewResolver(nil), info.VerificationMethod, did.AssertionMethod)
	if err != nil {
		panic(err)
	}
	fmt.Println(ed25519.Verify(pub.(ed25519.PublicKey), msg, sig))
	// Output: true
}
