package wallet_test

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cityid/cityid/credential/compact"
	"github.com/cityid/cityid/credential/trust"
	"github.com/cityid/cityid/wallet"
)

// paper returns a paper credential of typ from ti, valid a year from now.
func (ti *testIssuer) paper(t testing.TB, typ string, claims map[string]any, now time.Time) []byte {
	t.Helper()
	text, err := compact.IssuePaper(ti.vc("", typ, claims, now), ti.signer, compact.IssueOptions{KeyID: ti.vm})
	if err != nil {
		t.Fatal(err)
	}
	return []byte(text)
}

// bundle is the city's trust bundle naming ti, as an app would hold it.
func (ti *testIssuer) bundle() *trust.Bundle {
	return &trust.Bundle{Name: "City of Springfield", Issuers: []trust.Issuer{{
		ID:    ti.did,
		Keys:  []trust.Key{{ID: ti.vm, PublicKeyMultibase: strings.TrimPrefix(ti.did, "did:key:")}},
		Types: []string{"CityIDCredential", "AgeOverCredential", "ResidencyCredential"},
	}}, Status: []trust.StatusList{{ID: statusList}}}
}

// TestImportPaper: a resident who had only paper gets a phone and scans the
// code: the wallet checks the issuer's signature against the city's trust
// bundle (or a credential it already holds from that issuer), keeps it as
// a paper form, names the issuer, and shows the same code, recording it.
// Unknown issuers, changed codes and expired papers are refused in words
// and nothing is stored.
func TestImportPaper(t *testing.T) {
	clock := newClock()
	iss := newTestIssuer(t)
	code := iss.paper(t, "AgeOverCredential", map[string]any{"ageOver18": true}, clock.Now())

	// No bundle and nothing from this issuer: refused, nothing stored.
	bare, _ := newWallet(t, wallet.Options{Clock: clock.Now})
	_, err := bare.Import(code)
	var rej *wallet.RejectedError
	if !errors.As(err, &rej) || !strings.Contains(rej.Reason, "does not know the issuer") {
		t.Fatalf("an unknown issuer's paper: %v", err)
	}
	if list, _ := bare.List(); len(list) != 0 {
		t.Fatalf("stored %v", list)
	}

	// With the city's bundle: kept, as paper, with the city's name.
	w, _ := newWallet(t, wallet.Options{Clock: clock.Now, Trust: iss.bundle()})
	c, err := w.Import(append([]byte("  "), append(code, '\n')...))
	if err != nil {
		t.Fatal(err)
	}
	if c.Type != "AgeOverCredential" || !slices.Equal(c.Forms, []wallet.Format{wallet.FormatPaper}) ||
		c.Claims["ageOver18"] != true || c.Issuer != iss.did || c.IssuerName != "City of Springfield" {
		t.Fatalf("entry %+v", c)
	}
	// Shown as it is printed, and recorded.
	shown, err := w.PresentPaper(c.ID, wallet.PresentOptions{Verifier: "Library"})
	if err != nil || shown != string(code) {
		t.Fatalf("PresentPaper: %v (same code: %v)", err, shown == string(code))
	}
	keys, lists := iss.kioskKeys(t)
	v, err := compact.Verify(shown, keys, compact.VerifyOptions{Now: clock.Now(), StatusLists: lists})
	if err != nil || !v.Paper {
		t.Fatalf("a kiosk refuses the shown code: %v", err)
	}
	h, err := w.History()
	if err != nil || len(h) != 1 || h[0].Form != wallet.FormatPaper || h[0].Verifier != "Library" || !slices.Equal(h[0].Claims, []string{"ageOver18"}) {
		t.Fatalf("history %+v %v", h, err)
	}
	// A paper entry has no holder-bound QR form to pick claims from.
	if _, err := w.PresentQR(c.ID, []string{"ageOver18"}, wallet.PresentOptions{}); !errors.Is(err, wallet.ErrFormMissing) {
		t.Fatalf("PresentQR of paper: %v", err)
	}
	// The same code again: the same entry.
	again, err := w.Import(code)
	if err != nil || again.ID != c.ID {
		t.Fatalf("second import: %+v %v", again, err)
	}

	// Without a bundle, a wallet that holds a credential from the issuer
	// knows its key.
	holderW, _ := newWallet(t, wallet.Options{Clock: clock.Now})
	if _, err := holderW.Import(iss.ldp(t, holderW.DID(), "CityIDCredential", cityClaims, clock.Now())); err != nil {
		t.Fatal(err)
	}
	if c, err := holderW.Import(code); err != nil || c.Forms[0] != wallet.FormatPaper {
		t.Fatalf("paper from a known issuer: %+v %v", c, err)
	}

	// Refused: a changed code, another issuer's key, an expired paper.
	other := newTestIssuer(t)
	expired := iss.paper(t, "AgeOverCredential", map[string]any{"ageOver18": true}, clock.Now().AddDate(-2, 0, 0))
	changed := bytes.Clone(code)
	changed[len(changed)-3] = map[bool]byte{true: 'A', false: 'B'}[changed[len(changed)-3] != 'A']
	for name, data := range map[string][]byte{
		"changed":      changed,
		"other issuer": other.paper(t, "AgeOverCredential", map[string]any{"ageOver18": true}, clock.Now()),
		"expired":      expired,
		"truncated":    code[:len(code)/2],
	} {
		fresh, _ := newWallet(t, wallet.Options{Clock: clock.Now, Trust: iss.bundle()})
		if _, err := fresh.Import(data); err == nil {
			t.Errorf("%s: accepted", name)
		} else if !strings.Contains(err.Error(), "refused") && !strings.Contains(err.Error(), "not") {
			t.Errorf("%s: %v", name, err)
		}
		if list, _ := fresh.List(); len(list) != 0 {
			t.Errorf("%s: stored %v", name, list)
		}
	}
}
