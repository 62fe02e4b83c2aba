package sdjwt_test

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"errors"
	"fmt"
	"time"

	"github.com/cityid/cityid/credential/sdjwt"
)

// Keys derived from fixed seeds so that the examples are reproducible.
var (
	cityKey   = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{1}, ed25519.SeedSize))
	walletKey = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{2}, ed25519.SeedSize))
	issuedAt  = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
)

const (
	city    = "did:web:city.example"
	cityKID = city + "#key-1"
)

// trustBundle stands in for the verifier's offline DID resolution.
func trustBundle(issuer, kid string) (crypto.PublicKey, error) {
	if issuer == city && kid == cityKID {
		return cityKey.Public(), nil
	}
	return nil, fmt.Errorf("no key %s for %s", kid, issuer)
}

func issueResidentCard() string {
	claims := map[string]any{
		"given_name":  "Ada",
		"family_name": "Lovelace",
		"birthdate":   "1815-12-10",
		"address":     map[string]any{"locality": "Springfield", "postal_code": "12345"},
	}
	sd, err := sdjwt.Issue(claims, cityKey, sdjwt.IssueOptions{
		Issuer:      city,
		KeyID:       cityKID,
		VCT:         "https://city.example/credentials/resident",
		IssuedAt:    issuedAt,
		Expiry:      issuedAt.AddDate(1, 0, 0),
		HolderKey:   walletKey.Public(),
		Disclosable: []string{"given_name", "family_name", "birthdate", "address", "address.postal_code"},
		Decoys:      2,
	})
	if err != nil {
		panic(err)
	}
	return sd
}

func ExampleIssue() {
	sd := issueResidentCard()

	// The wallet can look inside without any key; nothing here is verified.
	tok, err := sdjwt.ParseUnverifiedUnsafe(sd)
	if err != nil {
		panic(err)
	}
	fmt.Println("typ:", tok.Header["typ"], "kid:", tok.Header["kid"])
	fmt.Println("disclosures:", len(tok.Disclosures))
	_, hidden := tok.Payload["birthdate"]
	fmt.Println("birthdate in the signed payload:", hidden)
	// Output:
	// typ: dc+sd-jwt kid: did:web:city.example#key-1
	// disclosures: 5
	// birthdate in the signed payload: false
}

func ExamplePresent() {
	sd := issueResidentCard()

	// Reveal only the postal code (its enclosing address disclosure comes
	// along), bound to the verifier's nonce with the wallet key.
	pres, err := sdjwt.Present(sd, []string{"address.postal_code"}, walletKey, sdjwt.KeyBindingOptions{
		Audience: "https://library.city.example",
		Nonce:    "8c1f4e",
		IssuedAt: issuedAt.Add(time.Hour),
	})
	if err != nil {
		panic(err)
	}
	tok, _ := sdjwt.ParseUnverifiedUnsafe(pres)
	fmt.Println("disclosures sent:", len(tok.Disclosures))
	fmt.Println("key binding JWT attached:", tok.KeyBinding != "")
	// Output:
	// disclosures sent: 2
	// key binding JWT attached: true
}

func ExampleVerify() {
	sd := issueResidentCard()
	pres, err := sdjwt.Present(sd, []string{"given_name", "address.postal_code"}, walletKey, sdjwt.KeyBindingOptions{
		Audience: "https://library.city.example",
		Nonce:    "8c1f4e",
		IssuedAt: issuedAt.Add(time.Hour),
	})
	if err != nil {
		panic(err)
	}

	policy := sdjwt.VerifyOptions{
		Algorithms:        []string{sdjwt.AlgEdDSA, sdjwt.AlgES256},
		Now:               issuedAt.Add(time.Hour + 10*time.Second),
		ClockSkew:         30 * time.Second,
		RequireKeyBinding: true,
		Audience:          "https://library.city.example",
		Nonce:             "8c1f4e",
	}
	v, err := sdjwt.Verify(pres, trustBundle, policy)
	if err != nil {
		panic(err)
	}
	fmt.Println("issuer:", v.Issuer, "key bound:", v.KeyBound)
	fmt.Println("given_name:", v.Claims["given_name"])
	// locality is plain inside the address disclosure, so it comes along.
	fmt.Println("address:", v.Claims["address"])
	fmt.Println("family_name disclosed:", v.Claims["family_name"] != nil)
	fmt.Println("disclosed:", v.Disclosed)

	// The same presentation replayed to another verifier fails, by name.
	policy.Audience = "https://pharmacy.example"
	_, err = sdjwt.Verify(pres, trustBundle, policy)
	fmt.Println("replayed elsewhere:", errors.Is(err, sdjwt.ErrAudience))
	// Output:
	// issuer: did:web:city.example key bound: true
	// given_name: Ada
	// address: map[locality:Springfield postal_code:12345]
	// family_name disclosed: false
	// disclosed: [address address.postal_code given_name]
	// replayed elsewhere: true
}
