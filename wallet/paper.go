package wallet

import (
	"cmp"
	"fmt"

	"github.com/cityid/cityid/credential/compact"
	"github.com/cityid/cityid/credential/status"
	"github.com/cityid/cityid/verifier"
)

// Paper credentials. A resident without a phone gets a printed credential
// whose QR code anyone can check (package credential/compact's paper form:
// every printed claim in the clear, signed by the issuer, bound to no
// one). A resident who later gets a phone scans or types that code into
// the wallet and keeps the same credential: same issuer signature, same
// revocation entry, same validity. It stays a paper credential: a verifier
// still compares the printed name with the person, and a counter can issue
// the resident a holder-bound credential for this wallet instead.

// checkPaper verifies a paper credential's code before the wallet keeps it:
// the issuer is one the wallet knows (the issuer of a credential it holds,
// or an issuer of the city's trust bundle in Options.Trust) and its
// signature verifies; the dates hold now. Revocation is not checked here,
// as for every form (the wallet fetches no status list).
func (w *Wallet) checkPaper(data []byte, hints qrHints) (*form, error) {
	reject := func(reason string, failures ...verifier.Failure) error {
		return &RejectedError{Form: FormatPaper, Reason: reason, Failures: failures}
	}
	text := string(data)
	p, err := compact.ParseUnsafe(text)
	if err != nil {
		return nil, reject("it is not a readable paper credential code: " + err.Error())
	}
	if p.Form != compact.FormPaper {
		return nil, reject("it is not a paper credential's code")
	}
	issuerKey, ok := findIssuer(p.KeyID, hints.issuers)
	if !ok {
		issuerKey, ok = w.bundleIssuer(p.KeyID)
	}
	if !ok {
		return nil, reject("the wallet does not know the issuer that signed it: this app has no trust bundle for the city, and no credential from that issuer")
	}
	keys, err := compact.Keys(issuerKey)
	if err != nil {
		return nil, reject(err.Error())
	}
	lists := w.paperStatusLists(hints)
	now := w.receiveTime(p.Credential)
	v, err := compact.Verify(text, keys, compact.VerifyOptions{Now: now, StatusLists: lists})
	if err != nil {
		return nil, reject(string(qrReason(err)), verifier.Failure{Check: "proof", Reason: qrReason(err), Message: err.Error()})
	}
	if !v.Paper {
		return nil, reject("it is not a paper credential's code")
	}
	return compactForm(FormatPaper, text, v), nil
}

// paperStatusLists resolves a paper credential's status list references
// with the lists the wallet knows: those its credentials name, and those
// of the trust bundle. The wallet does not check revocation, but the code
// names its list only by a reference, which must resolve for the code to
// verify.
func (w *Wallet) paperStatusLists(hints qrHints) compact.StatusFunc {
	known := map[string]compact.StatusList{}
	add := func(l compact.StatusList) { known[compact.StatusRef(l.Purpose, l.URL)] = l }
	for _, l := range hints.lists {
		add(l)
	}
	if w.opts.Trust != nil {
		for _, l := range w.opts.Trust.Status {
			for _, purpose := range []string{status.PurposeRevocation, status.PurposeSuspension} {
				add(compact.StatusList{URL: l.ID, Purpose: purpose})
			}
		}
	}
	return func(ref string) (string, string, error) {
		if l, ok := known[ref]; ok {
			return l.URL, l.Purpose, nil
		}
		return "", "", fmt.Errorf("%w: the wallet does not know the revocation list %s; it needs the city's current trust bundle", compact.ErrUnknownStatusList, ref)
	}
}

// bundleIssuer finds the trust bundle's issuer key with the compact key id.
func (w *Wallet) bundleIssuer(keyID string) (compact.IssuerKey, bool) {
	b := w.opts.Trust
	if b == nil {
		return compact.IssuerKey{}, false
	}
	for _, iss := range b.Issuers {
		for _, k := range iss.Keys {
			pub, ok := iss.PublicKey(k.ID)
			if !ok {
				continue
			}
			if id, err := compact.KeyID(pub); err == nil && id == keyID {
				return compact.IssuerKey{Issuer: iss.ID, VerificationMethod: k.ID, PublicKey: pub}, true
			}
		}
	}
	return compact.IssuerKey{}, false
}

// bundleName is the name the trust bundle gives issuer, or "".
func (w *Wallet) bundleName(issuer string) string {
	if w.opts.Trust == nil {
		return ""
	}
	iss, ok := w.opts.Trust.Issuer(issuer)
	if !ok {
		return ""
	}
	return cmp.Or(iss.Name, w.opts.Trust.Name)
}

// PresentPaper returns the code of entry id's paper form, to show as a QR
// code as the paper itself would be shown: every printed claim, bound to
// no one. It records the showing in the history (all the claims, to
// verifier if named). Entries with a QR form are shown with PresentQR
// instead, which discloses only what the resident picks.
func (w *Wallet) PresentPaper(id string, opts PresentOptions) (string, error) {
	if len(opts.Verifier) > maxArgLength {
		return "", fmt.Errorf("wallet: %w: the verifier name is longer than %d bytes", ErrBadRequest, maxArgLength)
	}
	r, _, err := w.prepare(id, nil, FormatPaper)
	if err != nil {
		return "", err
	}
	if err := w.logEvent(r, claimNames(r.Claims), FormatPaper, opts.Verifier, ""); err != nil {
		return "", err
	}
	return r.Texts[FormatPaper], nil
}
