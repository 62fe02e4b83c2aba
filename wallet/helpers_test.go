package wallet_test

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cityid/cityid/credential"
	"github.com/cityid/cityid/credential/compact"
	"github.com/cityid/cityid/credential/dataintegrity"
	"github.com/cityid/cityid/credential/sdjwt"
	"github.com/cityid/cityid/credential/status"
	"github.com/cityid/cityid/did"
	"github.com/cityid/cityid/schemas"
	"github.com/cityid/cityid/verifier"
	"github.com/cityid/cityid/wallet"
)

const testPIN = "482916"

// fakeClock is a settable clock; sleeps recorded by fakeSleep advance it.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// noNetwork is an HTTP client that fails the test if anything uses it.
func noNetwork(t *testing.T) *http.Client {
	return &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		t.Errorf("the wallet made a network request: %s %s", r.Method, r.URL)
		return nil, errors.New("no network in this test")
	})}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// newWallet creates a wallet in a fresh directory.
func newWallet(t testing.TB, opts wallet.Options) (*wallet.Wallet, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "ana")
	w, err := wallet.Create(dir, testPIN, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w, dir
}

// testIssuer signs city credentials locally, the way the issuer service
// does, for tests that need no service.
type testIssuer struct {
	signer crypto.Signer
	did    string
	vm     string
}

func newTestIssuer(t testing.TB) *testIssuer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	d, err := did.KeyDID(priv.Public())
	if err != nil {
		t.Fatal(err)
	}
	vm, _ := did.KeyVerificationMethod(priv.Public())
	return &testIssuer{signer: priv, did: d, vm: vm}
}

// vc is the unsigned credential of typ from ti to holder (none when
// holder is empty, as on paper) at now, valid a year, with the test status.
func (ti *testIssuer) vc(holder, typ string, claims map[string]any, now time.Time) map[string]any {
	subject := map[string]any{}
	if holder != "" {
		subject["id"] = holder
	}
	for k, v := range claims {
		subject[k] = v
	}
	return map[string]any{
		"@context":          []any{schemas.CredentialsV2URL, schemas.CityContextURL},
		"type":              []any{"VerifiableCredential", typ},
		"issuer":            ti.did,
		"validFrom":         now.UTC().Format(time.RFC3339),
		"validUntil":        now.AddDate(1, 0, 0).UTC().Format(time.RFC3339),
		"credentialSubject": subject,
		"credentialStatus":  testStatus(),
	}
}

// ldp returns a W3C credential of typ issued to holder at now, valid a year.
func (ti *testIssuer) ldp(t testing.TB, holder, typ string, claims map[string]any, now time.Time) []byte {
	t.Helper()
	doc := ti.vc(holder, typ, claims, now)
	doc["id"] = "urn:uuid:6f1c0a52-2a43-4bb0-9d0e-3f0b1e2a7c11"
	signed, err := dataintegrity.Sign(doc, ti.signer, dataintegrity.SignOptions{
		Cryptosuite: dataintegrity.EdDSARDFC2022, VerificationMethod: ti.vm, Created: now,
	})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(signed)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sdjwt returns an SD-JWT VC of typ bound to holderKey, every claim
// selectively disclosable.
func (ti *testIssuer) sdjwt(t testing.TB, holderKey crypto.PublicKey, typ string, claims map[string]any, now time.Time) []byte {
	t.Helper()
	var paths []string
	for k := range claims {
		paths = append(paths, k)
	}
	tok, err := sdjwt.Issue(claims, ti.signer, sdjwt.IssueOptions{
		Issuer: ti.did, KeyID: ti.vm, VCT: credential.VCT(typ), IssuedAt: now,
		Expiry: now.AddDate(1, 0, 0), HolderKey: holderKey, Disclosable: paths,
		Status: map[string]any{verifier.SDJWTStatusMechanism: testStatus()},
	})
	if err != nil {
		t.Fatal(err)
	}
	return []byte(tok)
}

// statusList is the revocation list the test issuer's credentials name.
const statusList = "https://id.springfield.example/status/revocation-0"

func testStatus() []any {
	return []any{status.Entry{Purpose: status.PurposeRevocation, Index: 7, ListCredential: statusList}.Map()}
}

// qr returns the stored QR form of a credential of typ bound to the
// holder's Ed25519 key, valid a year from now.
func (ti *testIssuer) qr(t testing.TB, holder crypto.PublicKey, typ string, claims map[string]any, now time.Time) []byte {
	t.Helper()
	holderDID, err := did.KeyDID(holder)
	if err != nil {
		t.Fatal(err)
	}
	text, err := compact.Issue(ti.vc(holderDID, typ, claims, now), ti.signer, compact.IssueOptions{KeyID: ti.vm, HolderKey: holder})
	if err != nil {
		t.Fatal(err)
	}
	return []byte(text)
}

// kioskKeys are what a kiosk's trust bundle gives compact.Verify.
func (ti *testIssuer) kioskKeys(t testing.TB) (compact.KeyFunc, compact.StatusFunc) {
	t.Helper()
	keys, err := compact.Keys(compact.IssuerKey{Issuer: ti.did, VerificationMethod: ti.vm, PublicKey: ti.signer.Public()})
	if err != nil {
		t.Fatal(err)
	}
	lists, err := compact.StatusLists(compact.StatusList{URL: statusList, Purpose: status.PurposeRevocation})
	if err != nil {
		t.Fatal(err)
	}
	return keys, lists
}

var cityClaims = map[string]any{
	"givenName":  "Zorabel",
	"familyName": "Quintanilla-Vexworth",
	"birthDate":  "1987-03-14",
	"residentOf": "Springfield",
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
