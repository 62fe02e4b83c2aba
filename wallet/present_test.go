package wallet_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/cityid/cityid/credential/sdjwt"
	"github.com/cityid/cityid/verifier"
	"github.com/cityid/cityid/wallet"
)

// held returns a wallet holding a city ID in W3C and SD-JWT form, and the
// issuer that signed it.
func held(t *testing.T, clock *fakeClock) (*wallet.Wallet, string, *testIssuer, wallet.Credential) {
	t.Helper()
	w, dir := newWallet(t, wallet.Options{Clock: clock.Now, HTTPClient: noNetwork(t)})
	iss := newTestIssuer(t)
	if _, err := w.Import(iss.ldp(t, w.DID(), "CityIDCredential", cityClaims, clock.Now())); err != nil {
		t.Fatal(err)
	}
	c, err := w.Import(iss.sdjwt(t, w.Signer().Public(), "CityIDCredential", cityClaims, clock.Now()))
	if err != nil {
		t.Fatal(err)
	}
	return w, dir, iss, c
}

// TestPresentSDJWTVerifies: the presentation reveals only the chosen
// claims and a verifier trusting the issuer accepts it with holder binding.
func TestPresentSDJWTVerifies(t *testing.T) {
	clock := newClock()
	w, _, iss, c := held(t, clock)
	pres, err := w.PresentSDJWT(c.ID, []string{"residentOf", "birthDate"}, "https://pool.example", "nonce-1")
	if err != nil {
		t.Fatal(err)
	}
	v, err := verifier.New(verifier.Policy{
		TrustedIssuers: []verifier.TrustedIssuer{{DID: iss.did}}, Formats: verifier.SupportedFormats,
		Cryptosuites: []string{"eddsa-rdfc-2022"}, JWTAlgorithms: []string{"EdDSA"}, Clock: clock.Now,
		RequireHolderBinding: true, Challenge: "nonce-1", Audience: "https://pool.example",
		UnsafeSkipStatus: true, // the test issuer publishes no status list (TestReceiveFromIssuer checks one)
	})
	if err != nil {
		t.Fatal(err)
	}
	res := v.Verify(context.Background(), []byte(pres))
	if !res.Verified {
		t.Fatalf("refused: %+v", res.Failures)
	}
	if len(res.Claims) != 2 || res.Claims["residentOf"] != "Springfield" || res.Claims["birthDate"] != "1987-03-14" {
		t.Fatalf("disclosed %v", res.Claims)
	}
	tok, err := sdjwt.ParseUnverifiedUnsafe(pres)
	if err != nil || len(tok.Disclosures) != 2 {
		t.Fatalf("the presentation carries %d disclosures (%v), want 2", len(tok.Disclosures), err)
	}
}

func TestHistory(t *testing.T) {
	clock := newClock()
	w, dir, _, c := held(t, clock)
	if h, err := w.History(); err != nil || len(h) != 0 {
		t.Fatalf("new history: %v %v", h, err)
	}
	start := clock.Now()
	if _, err := w.PresentSDJWT(c.ID, []string{"givenName", "givenName", "residentOf"}, "https://pool.example", "n1"); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Hour)
	if _, err := w.PresentSDJWT(c.ID, []string{"birthDate"}, "https://bar.example", "n2"); err != nil {
		t.Fatal(err)
	}
	// A refused presentation is not recorded.
	if _, err := w.PresentSDJWT(c.ID, []string{"shoeSize"}, "https://bar.example", "n3"); !errors.Is(err, wallet.ErrUnknownClaim) {
		t.Fatalf("unknown claim: %v", err)
	}
	if err := w.Delete(c.ID); err != nil {
		t.Fatal(err)
	}
	w.Close()
	w, err := wallet.Open(dir, testPIN, wallet.Options{Clock: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	h, err := w.History()
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 2 {
		t.Fatalf("history %+v, want 2 events", h)
	}
	newest, oldest := h[0], h[1]
	if newest.Verifier != "https://bar.example" || !slices.Equal(newest.Claims, []string{"birthDate"}) || !newest.Time.Equal(start.Add(time.Hour)) {
		t.Fatalf("newest event %+v", newest)
	}
	if oldest.Verifier != "https://pool.example" || !slices.Equal(oldest.Claims, []string{"givenName", "residentOf"}) ||
		oldest.Form != wallet.FormatSDJWT || oldest.Challenge != "n1" || oldest.CredentialID != c.ID ||
		oldest.Title != c.Title || oldest.Type != "CityIDCredential" || !oldest.Time.Equal(start) {
		t.Fatalf("oldest event %+v", oldest)
	}
	if err := w.ClearHistory(); err != nil {
		t.Fatal(err)
	}
	if h, err := w.History(); err != nil || len(h) != 0 {
		t.Fatalf("after ClearHistory: %v %v", h, err)
	}
}

func TestPresentErrors(t *testing.T) {
	clock := newClock()
	w, _, _, c := held(t, clock)
	for name, tc := range map[string]struct {
		id       string
		disclose []string
		aud      string
		want     error
	}{
		"unknown claim":  {c.ID, []string{"shoeSize"}, "a", wallet.ErrUnknownClaim},
		"empty claim":    {c.ID, []string{""}, "a", wallet.ErrBadRequest},
		"unknown id":     {"nosuchcredentialx", []string{"givenName"}, "a", wallet.ErrNotFound},
		"malformed id":   {"'; DROP TABLE credentials; --", []string{"givenName"}, "a", wallet.ErrNotFound},
		"no audience":    {c.ID, []string{"givenName"}, "", wallet.ErrBadRequest},
		"nested unknown": {c.ID, []string{"address.locality"}, "a", wallet.ErrUnknownClaim},
	} {
		if _, err := w.PresentSDJWT(tc.id, tc.disclose, tc.aud, "n"); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", name, err, tc.want)
		}
	}
	if _, err := w.PresentQR(c.ID, []string{"givenName"}, wallet.PresentOptions{}); !errors.Is(err, wallet.ErrFormMissing) {
		t.Errorf("QR of a credential without a QR form: %v", err)
	}
	if h, _ := w.History(); len(h) != 0 {
		t.Fatalf("failed presentations were recorded: %+v", h)
	}
}

func TestImportJoinsForms(t *testing.T) {
	clock := newClock()
	w, _ := newWallet(t, wallet.Options{Clock: clock.Now, HTTPClient: noNetwork(t)})
	iss := newTestIssuer(t)
	ldp := iss.ldp(t, w.DID(), "CityIDCredential", cityClaims, clock.Now())
	a, err := w.Import(ldp)
	if err != nil {
		t.Fatal(err)
	}
	b, err := w.Import(iss.sdjwt(t, w.Signer().Public(), "CityIDCredential", cityClaims, clock.Now()))
	if err != nil {
		t.Fatal(err)
	}
	if a.ID != b.ID || !slices.Equal(b.Forms, []wallet.Format{wallet.FormatLDP, wallet.FormatSDJWT}) {
		t.Fatalf("the SD-JWT form did not join the entry: %+v then %+v", a, b)
	}
	again, err := w.Import(append([]byte("\n"), ldp...))
	if err != nil || again.ID != a.ID {
		t.Fatalf("the same file again: %+v %v", again, err)
	}
	other := map[string]any{"residentOf": "Springfield", "housingStatus": "noFixedAddress"}
	c, err := w.Import(iss.ldp(t, w.DID(), "ResidencyCredential", other, clock.Now()))
	if err != nil || c.ID == a.ID || c.Title != "Residency" {
		t.Fatalf("another credential: %+v %v", c, err)
	}
	list, err := w.List()
	if err != nil || len(list) != 2 || list[0].ID != a.ID || list[1].ID != c.ID {
		t.Fatalf("list %+v %v", list, err)
	}
	got, err := w.Get(a.ID)
	if err != nil || got.Claims["familyName"] != "Quintanilla-Vexworth" || !got.ValidUntil.Equal(clock.Now().AddDate(1, 0, 0)) {
		t.Fatalf("Get %+v %v", got, err)
	}
	// The caller's copy is its own.
	got.Claims["familyName"] = "changed"
	if again, _ := w.Get(a.ID); again.Claims["familyName"] != "Quintanilla-Vexworth" {
		t.Fatal("changing a returned entry changed the wallet")
	}
	if err := w.Delete(a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Get(a.ID); !errors.Is(err, wallet.ErrNotFound) {
		t.Fatalf("Get after Delete: %v", err)
	}
	if err := w.Delete(a.ID); !errors.Is(err, wallet.ErrNotFound) {
		t.Fatalf("Delete twice: %v", err)
	}
}

// TestImportRefuses: what the wallet will not keep, with the reason.
func TestImportRefuses(t *testing.T) {
	clock := newClock()
	w, _ := newWallet(t, wallet.Options{Clock: clock.Now, HTTPClient: noNetwork(t)})
	iss, stranger := newTestIssuer(t), newTestIssuer(t)
	now := clock.Now()
	// Names the stranger as issuer, signed with another key.
	forger := &testIssuer{signer: iss.signer, did: stranger.did, vm: iss.vm}
	presented, err := sdjwt.Present(string(iss.sdjwt(t, w.Signer().Public(), "CityIDCredential", cityClaims, now)), []string{"givenName"}, w.Signer(),
		sdjwt.KeyBindingOptions{Audience: "a", Nonce: "n", IssuedAt: now})
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		data []byte
		want string
	}{
		"issued to someone else":      {iss.ldp(t, stranger.did, "CityIDCredential", cityClaims, now), "not to this wallet"},
		"SD-JWT bound to another key": {iss.sdjwt(t, stranger.signer.Public(), "CityIDCredential", cityClaims, now), "not bound to this wallet's key"},
		"expired":                     {iss.ldp(t, w.DID(), "CityIDCredential", cityClaims, now.AddDate(-2, 0, 0)), "expired"},
		"not yet valid":               {iss.ldp(t, w.DID(), "CityIDCredential", cityClaims, now.Add(time.Hour)), "not_yet_valid"},
		"signed by another key":       {forger.ldp(t, w.DID(), "CityIDCredential", cityClaims, now), "issuer_key_mismatch"},
		"a presentation":              {[]byte(presented), "is a presentation"},
	} {
		_, err := w.Import(tc.data)
		var re *wallet.RejectedError
		if !errors.As(err, &re) || !contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want a RejectedError saying %q", name, err, tc.want)
		}
	}
	if _, err := w.Import([]byte("hello")); !errors.Is(err, wallet.ErrUnsupported) {
		t.Errorf("text: %v", err)
	}
	if list, _ := w.List(); len(list) != 0 {
		t.Fatalf("stored %+v", list)
	}
}

// TestConcurrentUse presents and lists from several goroutines at once (run
// with -race): every presentation is recorded once.
func TestConcurrentUse(t *testing.T) {
	clock := newClock()
	w, _, _, c := held(t, clock)
	const n = 8
	errs := make(chan error, 2*n)
	for i := 0; i < n; i++ {
		go func() {
			_, err := w.PresentSDJWT(c.ID, []string{"givenName"}, "https://pool.example", "n")
			errs <- err
		}()
		go func() {
			_, err := w.List()
			errs <- err
		}()
	}
	for i := 0; i < 2*n; i++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if h, err := w.History(); err != nil || len(h) != n {
		t.Fatalf("history has %d events (%v), want %d", len(h), err, n)
	}
}
