package oid4vci

import (
	"encoding/json"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/cityid/cityid/did"
)

func FuzzParseOfferURI(f *testing.F) {
	f.Add(sampleOffer().URI())
	f.Add("openid-credential-offer://?credential_offer=%7B%22credential_issuer%22:%22https://credential-issuer.example.com%22,%22credential_configuration_ids%22:%5B%22UniversityDegree_JWT%22%5D,%22grants%22:%7B%22urn:ietf:params:oauth:grant-type:pre-authorized_code%22:%7B%22pre-authorized_code%22:%22c%22,%22tx_code%22:%7B%7D%7D%7D%7D")
	f.Add("openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fserver.example.com%2Fcredential-offer%2F1")
	f.Add("openid-credential-offer://?credential_offer=" + url.QueryEscape(`{"credential_issuer":"http://127.0.0.1:1","credential_configuration_ids":["a"],"grants":{}}`))
	f.Add("openid-credential-offer:?credential_offer=%7B%7D")
	f.Fuzz(func(t *testing.T, uri string) {
		o, err := ParseOfferURI(uri)
		if err != nil {
			if o != nil {
				t.Fatal("an offer returned with an error")
			}
			return
		}
		if err := o.Validate(); err != nil {
			t.Fatalf("a parsed offer does not validate: %v", err)
		}
		again := o.URI()
		if len(again) > MaxOfferURILength {
			return
		}
		o2, err := ParseOfferURI(again)
		if err != nil {
			t.Fatalf("URI() of a parsed offer does not parse: %v", err)
		}
		if !reflect.DeepEqual(o, o2) {
			t.Fatalf("round trip changed the offer: %+v vs %+v", o, o2)
		}
	})
}

func FuzzVerifyProofJWT(f *testing.F) {
	ed, p := edKey(f), p256Key(f)
	a, _ := NewProofJWT(ed, kidOf(f, ed), testAud, "n-1", testNow)
	b, _ := NewProofJWT(p, kidOf(f, p), testAud, "", testNow)
	jwkJSON, _ := jose.JSONWebKey{Key: p.Public()}.MarshalJSON()
	var jwk map[string]any
	json.Unmarshal(jwkJSON, &jwk)
	h := baseHeader(f, p)
	delete(h, "kid")
	h["jwk"] = jwk
	c := rawJWT(f, p, h, baseClaims())
	for _, s := range []string{a, b, c, "", "a.b.c", "..", strings.Repeat(".", 10),
		unsignedJWT(map[string]any{"alg": "none", "typ": ProofJWTType}, baseClaims())} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, jwt string) {
		holder, pub, nonce, err := VerifyProofJWT(jwt, testAud, testNow, 5*time.Minute)
		if err != nil {
			if holder != "" || pub != nil || nonce != "" {
				t.Fatal("values returned with an error")
			}
			return
		}
		// Whatever is accepted names a did:key whose key is the one returned.
		k, err := did.ParseKeyDID(holder)
		if err != nil {
			t.Fatalf("accepted holder %q is not a did:key: %v", holder, err)
		}
		if !sameKey(k, pub) {
			t.Fatal("the returned key is not the holder DID's key")
		}
		// And it is signed by that key: go-jose agrees.
		jws, err := jose.ParseSignedCompact(jwt, proofAlgs)
		if err != nil {
			t.Fatalf("go-jose cannot parse an accepted proof: %v", err)
		}
		if _, err := jws.Verify(pub); err != nil {
			t.Fatalf("go-jose rejects the signature of an accepted proof: %v", err)
		}
	})
}

func FuzzParseCredentialRequest(f *testing.F) {
	for _, s := range []string{
		`{"credential_configuration_id":"ResidencyCredential_ldp","proofs":{"jwt":["a.b.c"]}}`,
		`{"credential_configuration_id":"x","proof":{"proof_type":"jwt","jwt":"a.b.c"}}`,
		`{"credential_identifier":"x","proofs":{"di_vp":[{}]}}`,
		`{"credential_configuration_id":"x","credential_response_encryption":{"jwk":{},"enc":"A128GCM"}}`,
		`{}`, `null`, `[]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		req, err := ParseCredentialRequest(data)
		if err != nil {
			e, ok := err.(*Error)
			if !ok || e.Code == "" || e.Status < 400 {
				t.Fatalf("error %v is not an *Error with a code and status", err)
			}
			return
		}
		if (req.CredentialIdentifier == "") == (req.CredentialConfigurationID == "") {
			t.Fatalf("not exactly one identifier: %+v", req)
		}
		if req.Proofs != nil {
			if len(req.Proofs.JWT) == 0 {
				t.Fatal("empty proofs accepted")
			}
			for _, j := range req.Proofs.JWT {
				if j == "" {
					t.Fatal("an empty proof accepted")
				}
			}
		}
		b, err := json.Marshal(req)
		if err != nil {
			t.Fatal(err)
		}
		again, err := ParseCredentialRequest(b)
		if err != nil {
			t.Fatalf("a marshalled request does not parse: %v", err)
		}
		if again.CredentialConfigurationID != req.CredentialConfigurationID ||
			again.CredentialIdentifier != req.CredentialIdentifier ||
			!reflect.DeepEqual(again.Proofs, req.Proofs) {
			t.Fatalf("round trip changed the request: %+v vs %+v", req, again)
		}
	})
}
