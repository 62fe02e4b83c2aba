package status_test

import (
	"fmt"
	"time"

	"github.com/cityid/cityid/credential/status"
)

func Example() {
	// Issuer: revoke credential 94567 and publish the list (unsigned here;
	// the issuer signs it with Data Integrity before publishing).
	list := status.New()
	if err := list.Set(94567, true); err != nil {
		panic(err)
	}
	listVC, err := status.NewStatusListCredential("https://city.example/status/3",
		"did:web:city.example", status.PurposeRevocation, list,
		time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		panic(err)
	}

	// Verifier: the credentialStatus of a credential it checks.
	entry, err := status.ParseEntry(map[string]any{
		"id":                   "https://city.example/status/3#94567",
		"type":                 "BitstringStatusListEntry",
		"statusPurpose":        "revocation",
		"statusListIndex":      "94567",
		"statusListCredential": "https://city.example/status/3",
	})
	if err != nil {
		panic(err)
	}
	// ... after verifying listVC's proof, issuer, id and validity:
	revoked, err := status.Check(entry, listVC["credentialSubject"].(map[string]any))
	fmt.Println(revoked, err)
	// Output: true <nil>
}

func ExampleDecode() {
	// The all-zero 16 KiB list of the specification's example.
	l, err := status.Decode("uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA")
	if err != nil {
		panic(err)
	}
	set, _ := l.Get(94567)
	fmt.Println(l.Len(), set)
	// Output: 131072 false
}
