package did

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"errors"
	"os"
	"strings"
	"testing"
)

func cityResolver(t *testing.T) Resolver {
	t.Helper()
	web := NewPinnedWeb()
	if err := web.LoadDir("testdata/web"); err != nil {
		t.Fatal(err)
	}
	return NewResolver(web)
}

func TestResolveVerificationMethod(t *testing.T) {
	r := cityResolver(t)
	const city = "did:web:city.example"
	edKey, _ := ParseKeyDID("did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp")
	ecKey, _ := ParseKeyDID("did:key:zDnaerx9CtbPJ1q36T5Ln5wYt3MQYeGRG5ehnPAmxcf5mDZpv")
	embKey, _ := ParseKeyDID("did:key:z6MkvqoYXQfDDJRv8L4wKzxYeuKyVZBfi9Qo6Ro8MiLH3kDQ")
	loginKey, _ := ParseKeyDID("did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG")
	parksKey, _ := ParseKeyDID("did:key:z6MkwYMhwTvsq376YBAcJHy3vyRWzBgn5vKfVqqDCgm7XVKU")
	didKeyVM := "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp#z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"
	for _, tc := range []struct {
		name    string
		vm      string
		rel     Relationship
		wantKey crypto.PublicKey
		wantErr error
	}{
		{"absolute id, absolute ref", city + "#issuer-1", AssertionMethod, edKey, nil},
		{"relative id, absolute ref", city + "#issuer-2", AssertionMethod, ecKey, nil},
		{"embedded method", city + "#embedded", AssertionMethod, embKey, nil},
		{"authentication key", city + "#login", Authentication, loginKey, nil},
		{"did:web with path", "did:web:city.example:departments:parks#key-1", AssertionMethod, parksKey, nil},
		{"did:key", didKeyVM, AssertionMethod, edKey, nil},
		{"did:key capabilityDelegation", didKeyVM, CapabilityDelegation, edKey, nil},

		{"login key used for assertions", city + "#login", AssertionMethod, nil, ErrNotAuthorized},
		{"issuer key used for authentication", city + "#issuer-1", Authentication, nil, ErrNotAuthorized},
		{"embedded method under another relationship", city + "#embedded", Authentication, nil, ErrNotAuthorized},
		{"method controlled by another DID", city + "#borrowed", AssertionMethod, nil, ErrNotAuthorized},
		{"did:key has no keyAgreement", didKeyVM, KeyAgreement, nil, ErrNotAuthorized},
		{"unsupported key type", city + "#x25519", AssertionMethod, nil, ErrUnsupportedKeyType},
		{"unknown method", city + "#nope", AssertionMethod, nil, ErrNotFound},
		{"did:key with a foreign fragment", "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp#z6MknGc3ocHs3zdPiJbnaaqDi58NGb4pk1Sp9WxWufuXSdxf", AssertionMethod, nil, ErrNotFound},
		{"unpinned did:web", "did:web:other.example#issuer-1", AssertionMethod, nil, ErrNotFound},
		{"method of the parent DID via the child", "did:web:city.example:departments:parks#issuer-1", AssertionMethod, nil, ErrNotFound},
		{"unsupported method", "did:ion:abc#key-1", AssertionMethod, nil, ErrUnsupportedMethod},
		{"no fragment", city, AssertionMethod, nil, ErrInvalidDID},
		{"path", city + "/x#issuer-1", AssertionMethod, nil, ErrInvalidDID},
		{"query", city + "?versionId=1#issuer-1", AssertionMethod, nil, ErrInvalidDID},
		{"not a DID URL", "https://city.example#issuer-1", AssertionMethod, nil, ErrInvalidDID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vm, pub, err := ResolveVerificationMethod(r, tc.vm, tc.rel)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("error = %v, want %v", err, tc.wantErr)
				}
				if vm != nil || pub != nil {
					t.Fatalf("returned a method or key with an error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !pub.(interface{ Equal(crypto.PublicKey) bool }).Equal(tc.wantKey) {
				t.Fatalf("key %v, want %v", pub, tc.wantKey)
			}
			u, _ := ParseURL(tc.vm)
			if vm.Controller != u.DID.String() || vm.ID != tc.vm {
				t.Fatalf("method id %q controller %q", vm.ID, vm.Controller)
			}
		})
	}
	if _, _, err := ResolveVerificationMethod(r, city+"#issuer-1", "assertion"); err == nil {
		t.Error("unknown relationship accepted")
	}
}

// lyingResolver returns a fixed document for every DID.
type lyingResolver struct{ doc *Document }

func (l lyingResolver) Resolve(string) (*Document, error) { return l.doc, nil }

func TestResolveVerificationMethodDistrustsResolver(t *testing.T) {
	attacker, err := ResolveKeyDID("did:key:z6MknGc3ocHs3zdPiJbnaaqDi58NGb4pk1Sp9WxWufuXSdxf")
	if err != nil {
		t.Fatal(err)
	}
	// A resolver that answers the city's DID with the attacker's document.
	_, _, err = ResolveVerificationMethod(lyingResolver{attacker}, "did:web:city.example#"+strings.TrimPrefix(attacker.ID, "did:key:"), AssertionMethod)
	if !errors.Is(err, ErrInvalidDocument) {
		t.Fatalf("error = %v, want ErrInvalidDocument", err)
	}
	if _, _, err := ResolveVerificationMethod(lyingResolver{nil}, "did:web:city.example#k", AssertionMethod); !errors.Is(err, ErrInvalidDocument) {
		t.Fatalf("nil document: error = %v, want ErrInvalidDocument", err)
	}
	// A document that declares the same method twice, built in code (ParseDocument would refuse it).
	twice := &Document{ID: "did:web:city.example", VerificationMethod: []VerificationMethod{
		{ID: "#k", Type: TypeMultikey, Controller: "did:web:city.example", PublicKeyMultibase: attacker.VerificationMethod[0].PublicKeyMultibase},
		{ID: "did:web:city.example#k", Type: TypeMultikey, Controller: "did:web:city.example", PublicKeyMultibase: "z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"},
	}, AssertionMethod: []MethodRef{{Ref: "#k"}}}
	if _, _, err := ResolveVerificationMethod(lyingResolver{twice}, "did:web:city.example#k", AssertionMethod); !errors.Is(err, ErrInvalidDocument) {
		t.Fatalf("duplicate method: error = %v, want ErrInvalidDocument", err)
	}
}

func TestNewResolver(t *testing.T) {
	r := NewResolver(nil)
	if _, err := r.Resolve("did:web:city.example"); !errors.Is(err, ErrNotFound) {
		t.Errorf("did:web without pins: %v, want ErrNotFound", err)
	}
	if _, err := r.Resolve("did:example:123"); !errors.Is(err, ErrUnsupportedMethod) {
		t.Errorf("did:example: %v, want ErrUnsupportedMethod", err)
	}
	if _, err := r.Resolve("did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp#x"); !errors.Is(err, ErrInvalidDID) {
		t.Errorf("DID URL: %v, want ErrInvalidDID", err)
	}
	doc, err := r.Resolve("did:key:zDnaerx9CtbPJ1q36T5Ln5wYt3MQYeGRG5ehnPAmxcf5mDZpv")
	if err != nil {
		t.Fatal(err)
	}
	if pub, err := doc.VerificationMethod[0].PublicKey(); err != nil {
		t.Fatal(err)
	} else if _, ok := pub.(*ecdsa.PublicKey); !ok {
		t.Fatalf("P-256 did:key resolved to %T", pub)
	}
}

func TestPinnedWeb(t *testing.T) {
	city, err := os.ReadFile("testdata/web/city.json")
	if err != nil {
		t.Fatal(err)
	}
	p := NewPinnedWeb()
	if err := p.Add("did:web:evil.example", city); !errors.Is(err, ErrInvalidDocument) {
		t.Errorf("document with another id: %v, want ErrInvalidDocument", err)
	}
	if err := p.Add("did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp", city); !errors.Is(err, ErrUnsupportedMethod) {
		t.Errorf("pinning a did:key: %v, want ErrUnsupportedMethod", err)
	}
	if err := p.Add("did:web:city.example", []byte(`{"id":"did:web:city.example","id":"did:web:evil.example"}`)); !errors.Is(err, ErrInvalidDocument) {
		t.Errorf("ambiguous document: %v, want ErrInvalidDocument", err)
	}
	if got := p.DIDs(); len(got) != 0 {
		t.Fatalf("failed pins left %v", got)
	}
	if err := p.Add("did:web:city.example", city); err != nil {
		t.Fatal(err)
	}
	city[0] = 'X' // the pin must not alias the caller's buffer
	a, err := p.Resolve("did:web:city.example")
	if err != nil {
		t.Fatal(err)
	}
	a.VerificationMethod[0].PublicKeyMultibase = "tampered"
	a.VerificationMethod[1].PublicKeyJwk[0] = 'X'
	a.AssertionMethod[4].Embedded.Controller = "did:web:evil.example"
	a.AssertionMethod[0].Ref = "#tampered"
	b, err := p.Resolve("did:web:city.example")
	if err != nil {
		t.Fatal(err)
	}
	if b.VerificationMethod[0].PublicKeyMultibase == "tampered" || b.VerificationMethod[1].PublicKeyJwk[0] == 'X' ||
		b.AssertionMethod[4].Embedded.Controller != "did:web:city.example" || b.AssertionMethod[0].Ref != "#issuer-1" {
		t.Fatal("Resolve returned a document sharing memory with the pin")
	}

	// LoadDir: two files for one DID, and a bad file, leave nothing pinned.
	dir := t.TempDir()
	orig, _ := os.ReadFile("testdata/web/city.json")
	os.WriteFile(dir+"/a.json", orig, 0o600)
	os.WriteFile(dir+"/b.json", orig, 0o600)
	q := NewPinnedWeb()
	if err := q.LoadDir(dir); !errors.Is(err, ErrInvalidDocument) || !strings.Contains(err.Error(), "both hold") {
		t.Errorf("duplicate files: %v", err)
	}
	os.Remove(dir + "/b.json")
	os.WriteFile(dir+"/c.json", []byte(`{"id":"did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"}`), 0o600)
	if err := q.LoadDir(dir); !errors.Is(err, ErrUnsupportedMethod) || !strings.Contains(err.Error(), "c.json") {
		t.Errorf("did:key file: %v", err)
	}
	os.WriteFile(dir+"/c.json", []byte(`{"id":"did:web:big.example","alsoKnownAs":["`+strings.Repeat("a", MaxDocumentSize)+`"]}`), 0o600)
	if err := q.LoadDir(dir); !errors.Is(err, ErrTooLarge) {
		t.Errorf("oversize file: %v", err)
	}
	if got := q.DIDs(); len(got) != 0 {
		t.Fatalf("failed LoadDir pinned %v", got)
	}
	os.Remove(dir + "/c.json")
	if err := q.LoadDir(dir); err != nil {
		t.Fatal(err)
	}
	if got := q.DIDs(); len(got) != 1 || got[0] != "did:web:city.example" {
		t.Fatalf("DIDs() = %v", got)
	}
}

func TestLoadDirTestdata(t *testing.T) {
	p := NewPinnedWeb()
	if err := p.LoadDir("testdata/web"); err != nil {
		t.Fatal(err)
	}
	want := []string{"did:web:city.example", "did:web:city.example:departments:parks"}
	if got := p.DIDs(); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("DIDs() = %v, want %v", got, want)
	}
	doc, err := p.Resolve(want[1])
	if err != nil {
		t.Fatal(err)
	}
	if pub, err := doc.VerificationMethod[0].PublicKey(); err != nil {
		t.Fatal(err)
	} else if _, ok := pub.(ed25519.PublicKey); !ok {
		t.Fatalf("OKP JWK decoded as %T", pub)
	}
}
