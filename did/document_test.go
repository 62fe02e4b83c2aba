package did

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
)

func TestKeyDocumentJSON(t *testing.T) {
	doc, err := ResolveKeyDID("did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp")
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	const k = "z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"
	want := `{
  "@context": [
    "https://www.w3.org/ns/did/v1",
    "https://w3id.org/security/multikey/v1"
  ],
  "id": "did:key:{K}",
  "verificationMethod": [
    {
      "id": "did:key:{K}#{K}",
      "type": "Multikey",
      "controller": "did:key:{K}",
      "publicKeyMultibase": "{K}"
    }
  ],
  "authentication": [
    "did:key:{K}#{K}"
  ],
  "assertionMethod": [
    "did:key:{K}#{K}"
  ],
  "capabilityInvocation": [
    "did:key:{K}#{K}"
  ],
  "capabilityDelegation": [
    "did:key:{K}#{K}"
  ]
}`
	if want = strings.ReplaceAll(want, "{K}", k); string(got) != want {
		t.Errorf("did:key document JSON:\n%s\nwant:\n%s", got, want)
	}
	back, err := ParseDocument(got)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, doc) {
		t.Errorf("parse(marshal(doc)) = %+v, want %+v", back, doc)
	}
}

func TestParseDocumentFile(t *testing.T) {
	data, err := os.ReadFile("testdata/web/city.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := ParseDocument(data)
	if err != nil {
		t.Fatal(err)
	}
	if doc.ID != "did:web:city.example" || len(doc.VerificationMethod) != 5 || len(doc.AssertionMethod) != 5 ||
		doc.AssertionMethod[4].Embedded == nil || doc.AssertionMethod[0].Ref != "#issuer-1" || len(doc.Service) != 1 {
		t.Fatalf("unexpected document %+v", doc)
	}
	if pub, err := doc.VerificationMethod[1].PublicKey(); err != nil {
		t.Fatal(err)
	} else if _, ok := pub.(*ecdsa.PublicKey); !ok {
		t.Fatalf("JsonWebKey2020 EC key decoded as %T", pub)
	}
	if _, err := doc.VerificationMethod[4].PublicKey(); !errors.Is(err, ErrUnsupportedKeyType) {
		t.Errorf("X25519 Multikey: %v, want ErrUnsupportedKeyType", err)
	}
}

func TestParseDocumentRejects(t *testing.T) {
	const vm = `{"id":"#k","type":"Multikey","controller":"did:web:a.example","publicKeyMultibase":"z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"}`
	for _, tc := range []struct {
		name, doc, reason string
		want              error
	}{
		{"not JSON", `{`, "unexpected", ErrInvalidDocument},
		{"trailing data", `{"id":"did:web:a.example"} {}`, "trailing", ErrInvalidDocument},
		{"missing id", `{}`, "missing id", ErrInvalidDocument},
		{"id not a DID", `{"id":"https://a.example"}`, "id", ErrInvalidDID},
		{"id is a DID URL", `{"id":"did:web:a.example#k"}`, "id", ErrInvalidDID},
		{"duplicate member", `{"id":"did:web:a.example","id":"did:web:b.example"}`, "duplicate member", ErrInvalidDocument},
		{"case variant member", `{"id":"did:web:a.example","AssertionMethod":["#k"]}`, "must be written", ErrInvalidDocument},
		{"case duplicate", `{"id":"did:web:a.example","ID":"did:web:b.example"}`, "duplicate member", ErrInvalidDocument},
		{"duplicate vm id", `{"id":"did:web:a.example","verificationMethod":[` + vm + `,` + strings.Replace(vm, `"#k"`, `"did:web:a.example#k"`, 1) + `]}`, "duplicate verification method", ErrInvalidDocument},
		{"embedded duplicates declared", `{"id":"did:web:a.example","verificationMethod":[` + vm + `],"authentication":[` + vm + `]}`, "duplicate verification method", ErrInvalidDocument},
		{"vm without type", `{"id":"did:web:a.example","verificationMethod":[{"id":"#k","controller":"did:web:a.example"}]}`, "without type", ErrInvalidDocument},
		{"vm without id", `{"id":"did:web:a.example","verificationMethod":[{"type":"Multikey","controller":"did:web:a.example"}]}`, "without id", ErrInvalidDocument},
		{"vm bad controller", `{"id":"did:web:a.example","verificationMethod":[{"id":"#k","type":"Multikey","controller":"a.example"}]}`, "controller", ErrInvalidDID},
		{"bad reference", `{"id":"did:web:a.example","assertionMethod":["k 1"]}`, "reference", ErrInvalidDID},
		{"reference is a number", `{"id":"did:web:a.example","assertionMethod":[1]}`, "string or an object", ErrInvalidDocument},
		{"context is a number", `{"@context":1,"id":"did:web:a.example"}`, "@context", ErrInvalidDocument},
		{"controller not a DID", `{"id":"did:web:a.example","controller":"x"}`, "controller", ErrInvalidDID},
		{"too deep", strings.Repeat("[", 100) + strings.Repeat("]", 100), "deeper", ErrInvalidDocument},
		{"too large", `{"id":"did:web:a.example","alsoKnownAs":["` + strings.Repeat("a", MaxDocumentSize) + `"]}`, "limit", ErrTooLarge},
	} {
		_, err := ParseDocument([]byte(tc.doc))
		if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.reason) {
			t.Errorf("%s: error = %v; want %v mentioning %q", tc.name, err, tc.want, tc.reason)
		}
		if !errors.Is(err, ErrInvalidDocument) {
			t.Errorf("%s: error %v does not wrap ErrInvalidDocument", tc.name, err)
		}
	}
}

func TestVerificationMethodPublicKey(t *testing.T) {
	const edMK = "z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"
	const p256MK = "zDnaerx9CtbPJ1q36T5Ln5wYt3MQYeGRG5ehnPAmxcf5mDZpv"
	edJWK := `{"kty":"OKP","crv":"Ed25519","x":"_eT7oDCtAC98L31MMx9J0T-w7HR-zuvsY08f9MvKne8"}`
	for _, tc := range []struct {
		name string
		vm   VerificationMethod
		want error // nil: success
	}{
		{"Multikey Ed25519", VerificationMethod{Type: "Multikey", PublicKeyMultibase: edMK}, nil},
		{"Multikey P-256", VerificationMethod{Type: "Multikey", PublicKeyMultibase: p256MK}, nil},
		{"Ed25519VerificationKey2020", VerificationMethod{Type: "Ed25519VerificationKey2020", PublicKeyMultibase: edMK}, nil},
		{"Ed25519VerificationKey2020 with P-256", VerificationMethod{Type: "Ed25519VerificationKey2020", PublicKeyMultibase: p256MK}, ErrInvalidKey},
		{"JsonWebKey OKP", VerificationMethod{Type: "JsonWebKey", PublicKeyJwk: json.RawMessage(edJWK)}, nil},
		{"Multikey without key", VerificationMethod{Type: "Multikey"}, ErrInvalidKey},
		{"Multikey with JWK only", VerificationMethod{Type: "Multikey", PublicKeyJwk: json.RawMessage(edJWK)}, ErrInvalidKey},
		{"both encodings", VerificationMethod{Type: "Multikey", PublicKeyMultibase: edMK, PublicKeyJwk: json.RawMessage(edJWK)}, ErrInvalidKey},
		{"JWK with private key", VerificationMethod{Type: "JsonWebKey2020", PublicKeyJwk: json.RawMessage(
			`{"kty":"OKP","crv":"Ed25519","x":"_eT7oDCtAC98L31MMx9J0T-w7HR-zuvsY08f9MvKne8","d":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAU"}`)}, ErrInvalidKey},
		{"JWK EC point off curve", VerificationMethod{Type: "JsonWebKey2020", PublicKeyJwk: json.RawMessage(
			`{"kty":"EC","crv":"P-256","x":"igrFmi0whuihKnj9R3Om1SoMph72wUGeFaBbzG2vzns","y":"efsX5b10x8yjyrj4ny3pGfLcY7Xby1KzgqOdqnsrJIQ"}`)}, ErrInvalidKey},
		{"JWK short Ed25519", VerificationMethod{Type: "JsonWebKey2020", PublicKeyJwk: json.RawMessage(`{"kty":"OKP","crv":"Ed25519","x":"AAAA"}`)}, ErrInvalidKey},
		{"JWK RSA", VerificationMethod{Type: "JsonWebKey2020", PublicKeyJwk: json.RawMessage(`{"kty":"RSA","n":"AQAB","e":"AQAB"}`)}, ErrUnsupportedKeyType},
		{"JWK secp256k1", VerificationMethod{Type: "JsonWebKey2020", PublicKeyJwk: json.RawMessage(`{"kty":"EC","crv":"secp256k1","x":"AA","y":"AA"}`)}, ErrUnsupportedKeyType},
		{"JWK not an object", VerificationMethod{Type: "JsonWebKey2020", PublicKeyJwk: json.RawMessage(`"x"`)}, ErrInvalidKey},
		{"legacy type", VerificationMethod{Type: "Ed25519VerificationKey2018", PublicKeyMultibase: edMK}, ErrUnsupportedKeyType},
	} {
		pub, err := tc.vm.PublicKey()
		if tc.want == nil {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			} else if _, isEd := pub.(ed25519.PublicKey); !isEd {
				if _, isEC := pub.(*ecdsa.PublicKey); !isEC {
					t.Errorf("%s: returned %T", tc.name, pub)
				}
			}
			continue
		}
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: error = %v, want %v", tc.name, err, tc.want)
		}
	}
}

// FuzzParseDocument checks that ParseDocument never panics, that a parsed
// document survives marshal -> parse unchanged, and that decoding the keys of
// its methods never panics and fails only with a named reason.
func FuzzParseDocument(f *testing.F) {
	for _, name := range []string{"testdata/web/city.json", "testdata/web/parks.json"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"id":"did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp","controller":["did:a:b","did:c:d"]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := ParseDocument(data)
		if err != nil {
			if !errors.Is(err, ErrInvalidDocument) {
				t.Fatalf("error %v does not wrap ErrInvalidDocument", err)
			}
			return
		}
		if c := doc.clone(); !reflect.DeepEqual(c, doc) {
			t.Fatalf("clone differs:\n%+v\n%+v", c, doc)
		}
		out, err := json.Marshal(doc)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		doc2, err := ParseDocument(out)
		if err != nil {
			t.Fatalf("reparse of %s: %v", out, err)
		}
		out2, err := json.Marshal(doc2)
		if err != nil || string(out2) != string(out) {
			t.Fatalf("marshal not stable:\n%s\n%s", out, out2)
		}
		for i := range doc.VerificationMethod {
			if _, err := doc.VerificationMethod[i].PublicKey(); err != nil &&
				!errors.Is(err, ErrInvalidKey) && !errors.Is(err, ErrUnsupportedKeyType) {
				t.Fatalf("PublicKey error %v wraps no sentinel", err)
			}
		}
	})
}
