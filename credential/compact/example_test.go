package compact_test

import (
	"bytes"
	"crypto/ed25519"
	"fmt"
	"time"

	"github.com/cityid/cityid/credential/compact"
	"github.com/cityid/cityid/credential/status"
	"github.com/cityid/cityid/did"
)

// The issuer signs, the wallet presents two claims, the kiosk verifies.
func Example() {
	issuerKey := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{1}, 32))
	holderKey := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{2}, 32))
	issuer, _ := did.KeyDID(issuerKey.Public())
	vm, _ := did.KeyVerificationMethod(issuerKey.Public())
	holder, _ := did.KeyDID(holderKey.Public())
	list := "https://id.springfield.example/status/revocation-0"
	now := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

	// Issuer: an unsigned VC 2.0 city credential, bound to the holder's key.
	vc := map[string]any{
		"@context":   []any{"https://www.w3.org/ns/credentials/v2", "https://cityid.dev/ns/v1"},
		"type":       []any{"VerifiableCredential", "CityIDCredential"},
		"issuer":     issuer,
		"validFrom":  "2026-11-20T09:00:00Z",
		"validUntil": "2031-11-20T09:00:00Z",
		"credentialSubject": map[string]any{
			"id": holder, "givenName": "Maria", "familyName": "Garcia", "birthDate": "1987-03-14", "residentOf": "Springfield",
		},
		"credentialStatus": []any{status.Entry{Purpose: "revocation", Index: 7, ListCredential: list}.Map()},
	}
	stored, err := compact.Issue(vc, issuerKey, compact.IssueOptions{KeyID: vm, HolderKey: holderKey.Public()})
	if err != nil {
		panic(err)
	}

	// Wallet: show only the name and the city, for the kiosk's challenge.
	qr, err := compact.Present(stored, []string{"givenName", "residentOf"}, holderKey,
		compact.PresentOptions{Challenge: "K7Q2", Time: now})
	if err != nil {
		panic(err)
	}

	// Kiosk: keys and status lists come from its trust bundle.
	keys, _ := compact.Keys(compact.IssuerKey{Issuer: issuer, VerificationMethod: vm, PublicKey: issuerKey.Public()})
	lists, _ := compact.StatusLists(compact.StatusList{URL: list, Purpose: "revocation"})
	v, err := compact.Verify(qr, keys, compact.VerifyOptions{Now: now.Add(time.Minute), Challenge: "K7Q2", StatusLists: lists})
	if err != nil {
		panic(err)
	}
	fmt.Println(qr[:5])
	fmt.Println(v.Type, v.Disclosed, v.HolderBound)
	fmt.Println(v.Credential["credentialSubject"].(map[string]any)["givenName"])

	// A replay to another kiosk with another challenge fails.
	_, err = compact.Verify(qr, keys, compact.VerifyOptions{Now: now, Challenge: "ZZ91", StatusLists: lists})
	fmt.Println(err)
	// Output:
	// CID1:
	// CityIDCredential [givenName residentOf] true
	// Maria
	// compact: challenge mismatch: the presentation was made for another challenge
}

func ExampleDetect() {
	fmt.Println(compact.Detect("CID1:6BFOXN*TS0BI$ZD4N9:9S6RCVN5+O30K3/XIV0W23NTDEXWK G2EP4J0B3KL6QM5/OVGA/MAT%ZSGO"))
	fmt.Println(compact.Detect("HC1:6BFOXN*TS0BI$ZD4N9"))
	// Output:
	// true
	// false
}
