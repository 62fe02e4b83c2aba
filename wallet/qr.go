package wallet

import (
	"crypto"
	"crypto/ed25519"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/cityid/cityid/credential"
	"github.com/cityid/cityid/credential/compact"
	"github.com/cityid/cityid/credential/sdjwt"
	"github.com/cityid/cityid/credential/status"
	"github.com/cityid/cityid/did"
	"github.com/cityid/cityid/schemas"
	"github.com/cityid/cityid/verifier"
)

// The QR form (package credential/compact) names its issuer by a 4-byte key
// id and its status lists by 3-byte references, which a kiosk resolves with
// its trust bundle. The wallet has no bundle: it resolves them with what it
// already verified, the issuer DIDs and status lists of the credential's
// other forms (received in the same offer, or held).

// qrHints are the issuers and status lists a QR form may refer to.
type qrHints struct {
	issuers []string // did:key DIDs
	lists   []compact.StatusList
}

func (h *qrHints) add(f *form) {
	if !slices.Contains(h.issuers, f.issuer) {
		h.issuers = append(h.issuers, f.issuer)
	}
	for _, l := range statusListsOf(f.format, f.text) {
		if !slices.Contains(h.lists, l) {
			h.lists = append(h.lists, l)
		}
	}
}

// statusListsOf reads the status lists a verified W3C or SD-JWT form names.
func statusListsOf(f Format, text string) []compact.StatusList {
	var entries []map[string]any
	switch f {
	case FormatLDP:
		c, err := credential.Parse([]byte(text))
		if err != nil {
			return nil
		}
		entries = c.Status
	case FormatSDJWT:
		tok, err := sdjwt.ParseUnverifiedUnsafe(text)
		if err != nil {
			return nil
		}
		st, _ := tok.Payload["status"].(map[string]any)
		list, _ := st[verifier.SDJWTStatusMechanism].([]any)
		for _, e := range list {
			if m, ok := e.(map[string]any); ok {
				entries = append(entries, m)
			}
		}
	}
	var out []compact.StatusList
	for _, raw := range entries {
		if e, err := status.ParseEntry(raw); err == nil {
			out = append(out, compact.StatusList{URL: e.ListCredential, Purpose: e.Purpose})
		}
	}
	return out
}

// isQRText reports whether data is compact text (CID1:...).
func isQRText(data []byte) bool { return compact.Detect(string(data)) }

// checkQR verifies a stored QR form issued to this wallet: it must be the
// holder-bound stored form (not a presentation or a paper credential),
// bound to this wallet's key, signed by one of the hinted issuers, valid
// now. The wallet checks the issuer's signature the only way the format
// allows: it presents every claim to itself and verifies that.
func (w *Wallet) checkQR(data []byte, wantType string, hints qrHints) (*form, error) {
	reject := func(reason string, failures ...verifier.Failure) error {
		return &RejectedError{Form: FormatQR, Reason: reason, Failures: failures}
	}
	text := string(data)
	p, err := compact.ParseUnsafe(text)
	if err != nil {
		return nil, reject("it is not a readable QR credential: " + err.Error())
	}
	switch p.Form {
	case compact.FormPresentation:
		return nil, reject("it is a presentation, not an issued credential")
	case compact.FormPaper:
		return nil, reject("it is a paper credential, bound to no one: keep it on paper")
	}
	if k, ok := p.HolderKey.(ed25519.PublicKey); !ok || !k.Equal(w.holder.Public()) {
		return nil, reject("it is not bound to this wallet's key, so the wallet could not prove it is yours")
	}
	if wantType != "" && p.Type != wantType {
		return nil, reject(fmt.Sprintf("the issuer announced a %s but sent a %s", wantType, p.Type))
	}
	issuerKey, ok := findIssuer(p.KeyID, hints.issuers)
	if !ok {
		return nil, reject("the wallet cannot tell which issuer signed it: receive or import its W3C or SD-JWT form with it")
	}
	keys, err := compact.Keys(issuerKey)
	if err != nil {
		return nil, reject(err.Error())
	}
	lists, err := compact.StatusLists(hints.lists...)
	if err != nil {
		return nil, reject(err.Error())
	}
	now := w.receiveTime(p.Credential)
	pres, err := compact.Present(text, p.Claims, w.holder, compact.PresentOptions{Time: now})
	if err != nil {
		return nil, reject("the wallet cannot present it: " + err.Error())
	}
	v, err := compact.Verify(pres, keys, compact.VerifyOptions{Now: now, RequireHolder: true, StatusLists: lists})
	if err != nil {
		return nil, reject(string(qrReason(err)), verifier.Failure{Check: "proof", Reason: qrReason(err), Message: err.Error()})
	}
	subject, _ := v.Credential["credentialSubject"].(map[string]any)
	if id, ok := subject["id"].(string); ok && id != w.did {
		return nil, reject(fmt.Sprintf("it was issued to %s, not to this wallet (%s)", id, w.did))
	}
	return compactForm(FormatQR, text, v), nil
}

// compactForm is the verified compact credential v (a QR form or a paper
// credential's code) as the wallet keeps it.
func compactForm(f Format, text string, v *compact.Verified) *form {
	subject, _ := v.Credential["credentialSubject"].(map[string]any)
	out := &form{format: f, text: text, issuer: v.Issuer, typ: v.Type, claims: map[string]any{}}
	for k, val := range subject {
		if k != "id" {
			out.claims[k] = val
		}
	}
	if ev, err := schemas.ParseEvidence(v.Credential["evidence"]); err == nil {
		out.evidence = ev
	}
	out.issuedAt = rfc3339(v.Credential["validFrom"])
	out.validUntil = rfc3339(v.Credential["validUntil"])
	return out
}

// receiveTime is the time a compact credential is checked at: now, or its
// validFrom when the issuer's clock is a little ahead (receiveSkew), as for
// the other forms.
func (w *Wallet) receiveTime(credential map[string]any) time.Time {
	now := w.opts.Clock()
	if from, ok := credential["validFrom"].(string); ok {
		if t, err := time.Parse(time.RFC3339, from); err == nil && t.After(now) && t.Sub(now) <= receiveSkew {
			return t
		}
	}
	return now
}

// findIssuer finds the did:key issuer whose key has the compact key id.
func findIssuer(keyID string, issuers []string) (compact.IssuerKey, bool) {
	for _, iss := range issuers {
		pub, err := did.ParseKeyDID(iss)
		if err != nil {
			continue
		}
		if id, err := compact.KeyID(pub); err == nil && id == keyID {
			vm, err := did.KeyVerificationMethod(pub)
			if err != nil {
				continue
			}
			return compact.IssuerKey{Issuer: iss, VerificationMethod: vm, PublicKey: pub}, true
		}
	}
	return compact.IssuerKey{}, false
}

// qrReason names a compact verification failure as the verifier would.
func qrReason(err error) verifier.Reason {
	for _, e := range []struct {
		err    error
		reason verifier.Reason
	}{
		{compact.ErrSignature, verifier.ReasonBadSignature},
		{compact.ErrExpired, verifier.ReasonExpired},
		{compact.ErrNotYetValid, verifier.ReasonNotYetValid},
		{compact.ErrUnknownKey, verifier.ReasonKeyUnresolvable},
		{compact.ErrUnknownStatusList, verifier.ReasonStatusUnavailable},
		{compact.ErrAlgorithm, verifier.ReasonUnsupportedAlg},
		{compact.ErrHolderSignature, verifier.ReasonHolderMismatch},
		{compact.ErrHolderKey, verifier.ReasonHolderMismatch},
		{compact.ErrDisclosure, verifier.ReasonDisclosure},
	} {
		if errors.Is(err, e.err) {
			return e.reason
		}
	}
	return verifier.ReasonMalformed
}

func rfc3339(v any) time.Time {
	s, _ := v.(string)
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

// presentQR makes the QR text of a stored QR form.
func presentQR(text string, disclose []string, holder crypto.Signer, challenge string, now time.Time) (string, error) {
	out, err := compact.Present(text, disclose, holder, compact.PresentOptions{Challenge: challenge, Time: now})
	if errors.Is(err, compact.ErrDisclosure) {
		return "", fmt.Errorf("%w: %v", ErrBadRequest, err)
	}
	return out, err
}
