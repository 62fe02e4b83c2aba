package issuer

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/cityid/cityid/credential/trust"
	"github.com/cityid/cityid/did"
	"github.com/cityid/cityid/schemas"
	"github.com/cityid/cityid/verifier"
)

const testURL = "http://127.0.0.1:8080"

var testPass = []byte("correct horse battery staple")

// fakeClock is a settable clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Now().UTC().Truncate(time.Second)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func testOptions() Options {
	return Options{PublicURL: testURL, Passphrase: testPass, Logger: quietLogger(), CityName: "Testville"}
}

// openAt opens (or creates) a service in dir and closes it at the end of the test.
func openAt(t testing.TB, dir string, opts Options) *Service {
	t.Helper()
	s, err := Open(context.Background(), dir, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func newService(t testing.TB) *Service {
	t.Helper()
	return openAt(t, t.TempDir(), testOptions())
}

func newClockedService(t testing.TB) (*Service, *fakeClock) {
	t.Helper()
	c := newFakeClock()
	o := testOptions()
	o.Clock = c.Now
	return openAt(t, t.TempDir(), o), c
}

var cli = Actor{Kind: "cli", Name: "test"}

type holder struct {
	priv ed25519.PrivateKey
	pub  ed25519.PublicKey
	did  string
}

func newHolder(t testing.TB) holder {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	d, err := did.KeyDID(pub)
	if err != nil {
		t.Fatal(err)
	}
	return holder{priv, pub, d}
}

func residencyClaims() map[string]any {
	return map[string]any{
		"residentOf":    "Springfield",
		"housingStatus": "housed",
		"address": map[string]any{
			"streetAddress":   "742 Evergreen Terrace",
			"postalCode":      "49007",
			"addressLocality": "Springfield",
		},
	}
}

func cityIDClaims() map[string]any {
	return map[string]any{"givenName": "Ana María", "familyName": "Silva", "birthDate": "1990-04-30", "residentOf": "Springfield"}
}

func claimsFor(typeName string) map[string]any {
	switch typeName {
	case schemas.ResidencyCredential:
		return residencyClaims()
	case schemas.CityIDCredential:
		return cityIDClaims()
	case schemas.AgeOverCredential:
		return map[string]any{"ageOver18": true, "ageOver21": false}
	case schemas.ServiceEligibilityCredential:
		return map[string]any{"program": "transit-discount", "programName": "Reduced fare transit",
			"eligibleFrom": "2025-01-01", "eligibleUntil": time.Now().AddDate(1, 0, 0).Format(time.DateOnly)}
	}
	panic("no claims for " + typeName)
}

// verify checks a credential with the project's verifier against the
// service's freshly published bundle, pinned to its root.
func verify(t testing.TB, s *Service, cred []byte) *verifier.Result {
	t.Helper()
	ctx := context.Background()
	data, err := s.Bundle(ctx)
	if err != nil {
		t.Fatalf("Bundle: %v", err)
	}
	b, err := trust.Open(data, s.RootDID(), s.now())
	if err != nil {
		t.Fatalf("trust.Open: %v", err)
	}
	p := verifier.DefaultPolicy(b)
	p.Clock = s.now
	v, err := verifier.New(p)
	if err != nil {
		t.Fatal(err)
	}
	return v.Verify(ctx, cred)
}

// wantCode fails unless err is an *Error with code.
func wantCode(t testing.TB, err error, code string) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("got error %v (%T), want *Error with code %s", err, err, code)
	}
	if e.Code != code {
		t.Fatalf("got code %s (%s), want %s", e.Code, e.Message, code)
	}
	if e.Status == 0 || e.Message == "" {
		t.Fatalf("error %+v lacks status or message", e)
	}
	return e
}

// count returns the number of rows of a table.
func count(t testing.TB, s *Service, table string) int {
	t.Helper()
	var n int
	if err := s.db.Read.QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
