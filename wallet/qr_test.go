package wallet_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cityid/cityid/credential/compact"
	"github.com/cityid/cityid/wallet"
)

// TestQRForm: the QR form joins the credential's entry, and its QR
// presentation, bound to the kiosk's challenge, passes the kiosk's check
// showing only the chosen claims; it is in the history.
func TestQRForm(t *testing.T) {
	clock := newClock()
	w, _, iss, c := held(t, clock)
	got, err := w.Import(iss.qr(t, w.Signer().Public(), "CityIDCredential", cityClaims, clock.Now()))
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != c.ID || !slices.Equal(got.Forms, []wallet.Format{wallet.FormatLDP, wallet.FormatSDJWT, wallet.FormatQR}) {
		t.Fatalf("the QR form did not join the entry: %+v", got)
	}
	clock.Advance(time.Minute)
	text, err := w.PresentQR(c.ID, []string{"residentOf", "givenName"}, wallet.PresentOptions{Challenge: "K7Q2", Verifier: "Library kiosk 3"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(text, compact.Prefix) {
		t.Fatalf("QR text %q", text)
	}
	keys, lists := iss.kioskKeys(t)
	v, err := compact.Verify(text, keys, compact.VerifyOptions{Now: clock.Now(), Challenge: "K7Q2", RequireHolder: true, StatusLists: lists})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(v.Disclosed, []string{"givenName", "residentOf"}) || !v.HolderBound || v.Issuer != iss.did {
		t.Fatalf("the kiosk sees %+v", v)
	}
	if _, err := compact.Verify(text, keys, compact.VerifyOptions{Now: clock.Now(), Challenge: "OTHER", StatusLists: lists}); !errors.Is(err, compact.ErrChallenge) {
		t.Fatalf("another kiosk's challenge: %v", err)
	}
	h, err := w.History()
	if err != nil || len(h) != 1 || h[0].Form != wallet.FormatQR || h[0].Verifier != "Library kiosk 3" ||
		!slices.Equal(h[0].Claims, []string{"givenName", "residentOf"}) || h[0].Challenge != "K7Q2" {
		t.Fatalf("history %+v %v", h, err)
	}
	if _, err := w.PresentQR(c.ID, []string{"shoeSize"}, wallet.PresentOptions{}); !errors.Is(err, wallet.ErrUnknownClaim) {
		t.Fatalf("unknown claim: %v", err)
	}
}

func TestQRImportRefuses(t *testing.T) {
	clock := newClock()
	w, _, iss, _ := held(t, clock)
	stranger := newTestIssuer(t)
	good := iss.qr(t, w.Signer().Public(), "CityIDCredential", cityClaims, clock.Now())
	tampered := []byte(string(good))
	i := len(tampered) - 10
	tampered[i] = map[bool]byte{true: 'A', false: 'B'}[tampered[i] != 'A']
	pres, err := w.PresentQR(mustOnly(t, w).ID, []string{"givenName"}, wallet.PresentOptions{})
	if !errors.Is(err, wallet.ErrFormMissing) {
		t.Fatalf("present before the QR form is held: %q %v", pres, err)
	}
	presented, err := compact.Present(string(good), []string{"givenName"}, w.Signer(), compact.PresentOptions{Time: clock.Now()})
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		data []byte
		want string
	}{
		"unknown issuer": {stranger.qr(t, w.Signer().Public(), "CityIDCredential", cityClaims, clock.Now()), "cannot tell which issuer"},
		"another holder": {iss.qr(t, stranger.signer.Public(), "CityIDCredential", cityClaims, clock.Now()), "not bound to this wallet's key"},
		"changed":        {tampered, "QR form"},
		"a presentation": {[]byte(presented), "is a presentation"},
		"expired":        {iss.qr(t, w.Signer().Public(), "CityIDCredential", cityClaims, clock.Now().AddDate(-2, 0, 0)), "expired"},
		"truncated":      {good[:len(good)/2], "not a readable QR credential"},
	} {
		_, err := w.Import(tc.data)
		var re *wallet.RejectedError
		if !errors.As(err, &re) || re.Form != wallet.FormatQR || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want a QR RejectedError saying %q", name, err, tc.want)
		}
	}
	if c := mustOnly(t, w); slices.Contains(c.Forms, wallet.FormatQR) {
		t.Fatalf("a refused QR form was stored: %+v", c)
	}
}

// TestQRAloneNeedsItsIssuer: a wallet that holds nothing from the issuer
// cannot check a QR form on its own, and says so.
func TestQRAloneNeedsItsIssuer(t *testing.T) {
	clock := newClock()
	w, _ := newWallet(t, wallet.Options{Clock: clock.Now})
	iss := newTestIssuer(t)
	_, err := w.Import(iss.qr(t, w.Signer().Public(), "CityIDCredential", cityClaims, clock.Now()))
	if !errors.Is(err, wallet.ErrRejected) || !strings.Contains(err.Error(), "cannot tell which issuer signed it") {
		t.Fatalf("QR form alone: %v", err)
	}
}

func mustOnly(t *testing.T, w *wallet.Wallet) wallet.Credential {
	t.Helper()
	list, err := w.List()
	if err != nil || len(list) != 1 {
		t.Fatalf("list %+v %v", list, err)
	}
	return list[0]
}

// TestQRFormJoinsForEveryType: for each city credential type, the claims
// read back from the QR form equal those of the W3C and SD-JWT forms, so
// the three forms of one credential are one entry.
func TestQRFormJoinsForEveryType(t *testing.T) {
	clock := newClock()
	for typ, claims := range map[string]map[string]any{
		"ResidencyCredential": {"residentOf": "Springfield", "housingStatus": "housed", "residentSince": "2010-09-01",
			"address": map[string]any{"streetAddress": "742 Evergreen Terrace", "unit": "2B", "postalCode": "49007", "addressLocality": "Springfield"}},
		"AgeOverCredential":            {"ageOver18": true, "ageOver21": false, "ageOver65": false},
		"ServiceEligibilityCredential": {"program": "transit-discount", "programName": "Reduced fare transit", "eligibleFrom": "2026-01-01", "eligibleUntil": "2026-12-31"},
		"CityIDCredential": {"givenName": "Ana María", "familyName": "O'Neil-Núñez", "birthDate": "1990-04-30",
			"photoDigest": "uEiBVxk0PzW-dX3yCgJOFfj_f2mhHi7TpvSTUge85HHgE6A", "residentOf": "Springfield"},
	} {
		t.Run(typ, func(t *testing.T) {
			w, _ := newWallet(t, wallet.Options{Clock: clock.Now})
			iss := newTestIssuer(t)
			var last wallet.Credential
			for _, data := range [][]byte{
				iss.ldp(t, w.DID(), typ, claims, clock.Now()),
				iss.sdjwt(t, w.Signer().Public(), typ, claims, clock.Now()),
				iss.qr(t, w.Signer().Public(), typ, claims, clock.Now()),
			} {
				c, err := w.Import(data)
				if err != nil {
					t.Fatal(err)
				}
				last = c
			}
			if len(last.Forms) != 3 {
				list, _ := w.List()
				t.Fatalf("the forms did not join one entry: %+v", list)
			}
		})
	}
}
