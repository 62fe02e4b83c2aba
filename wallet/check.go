package wallet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/cityid/cityid/credential"
	"github.com/cityid/cityid/credential/sdjwt"
	"github.com/cityid/cityid/did"
	"github.com/cityid/cityid/schemas"
	"github.com/cityid/cityid/verifier"
)

// form is one verified form of a credential, ready to store.
type form struct {
	format     Format
	text       string
	issuer     string
	typ        string
	claims     map[string]any
	evidence   []schemas.Evidence
	issuedAt   time.Time
	validUntil time.Time
}

// receiveSkew is the clock difference tolerated between issuer and wallet.
const receiveSkew = 5 * time.Minute

// checkForm verifies a credential before the wallet keeps it: a proof that
// verifies, made with a key of its issuer, a did:key; dates that hold now;
// bound to this wallet's DID; of type wantType when that is not empty.
// Revocation is not checked here (the wallet does not fetch status lists:
// verifiers check them against their trust bundle).
//
// A QR form is checked against hints: the issuers and status lists of the
// credential's other, already verified forms.
func (w *Wallet) checkForm(ctx context.Context, f Format, data []byte, wantType string, hints qrHints) (*form, error) {
	reject := func(reason string, failures ...verifier.Failure) error {
		return &RejectedError{Form: f, Reason: reason, Failures: failures}
	}
	if len(data) > credential.MaxSize {
		return nil, reject(fmt.Sprintf("it is larger than %d bytes", credential.MaxSize))
	}
	out := &form{format: f, text: string(data)}
	switch f {
	case FormatLDP:
		c, err := credential.Parse(data)
		if err != nil {
			return nil, reject("it is not a readable W3C credential: " + err.Error())
		}
		out.issuer, out.typ = c.Issuer, c.CityType()
		if c.ValidFrom != nil {
			out.issuedAt = c.ValidFrom.UTC()
		}
		if c.ValidUntil != nil {
			out.validUntil = c.ValidUntil.UTC()
		}
	case FormatSDJWT:
		tok, err := sdjwt.ParseUnverifiedUnsafe(string(data))
		if err != nil {
			return nil, reject("it is not a readable SD-JWT: " + err.Error())
		}
		if tok.KeyBinding != "" {
			return nil, reject("it is a presentation, not an issued credential")
		}
		out.issuer, _ = tok.Payload["iss"].(string)
		vct, _ := tok.Payload["vct"].(string)
		out.typ, _ = credential.TypeFromVCT(vct)
		out.issuedAt = unixClaim(tok.Payload["iat"])
		out.validUntil = unixClaim(tok.Payload["exp"])
	case FormatQR:
		return w.checkQR(data, wantType, hints)
	case FormatPaper:
		return w.checkPaper(data, hints)
	default:
		return nil, fmt.Errorf("wallet: %w: %q", ErrUnsupported, f)
	}
	if err := checkIssuerDID(out.issuer); err != nil {
		return nil, reject(err.Error())
	}
	if out.typ == "" {
		return nil, reject("it does not say which city credential type it is")
	}
	if wantType != "" && out.typ != wantType {
		return nil, reject(fmt.Sprintf("the issuer announced a %s but sent a %s", wantType, out.typ))
	}
	res, err := w.verify(ctx, data, f, out.issuer, out.typ)
	if err != nil {
		return nil, err
	}
	out.claims = res.Claims
	out.evidence = res.Evidence
	switch f {
	case FormatLDP:
		if res.Subject != w.did {
			return nil, reject(fmt.Sprintf("it was issued to %s, not to this wallet (%s)", orNone(res.Subject), w.did))
		}
	case FormatSDJWT:
		if res.Subject != "" && res.Subject != w.did {
			return nil, reject(fmt.Sprintf("it was issued to %s, not to this wallet (%s)", res.Subject, w.did))
		}
		// The credential must be bound (cnf) to this wallet's key: make a
		// key-bound presentation of it, which fails for any other key.
		if _, err := sdjwt.Present(string(data), nil, w.holder, sdjwt.KeyBindingOptions{
			Audience: w.did, Nonce: "cityid-wallet-receive", IssuedAt: w.opts.Clock(),
		}); err != nil {
			if errors.Is(err, sdjwt.ErrKeyBinding) {
				return nil, reject("it is not bound to this wallet's key, so the wallet could not prove it is yours")
			}
			return nil, reject("the wallet cannot present it: " + err.Error())
		}
	}
	return out, nil
}

// verify runs the verifier with a policy trusting exactly the credential's
// own did:key issuer for its type, with no status check and no network.
func (w *Wallet) verify(ctx context.Context, data []byte, f Format, issuer, typ string) (*verifier.Result, error) {
	v, err := verifier.New(verifier.Policy{
		TrustedIssuers:   []verifier.TrustedIssuer{{DID: issuer, Types: []string{typ}}},
		Formats:          []credential.Format{f},
		Cryptosuites:     []string{"eddsa-rdfc-2022", "eddsa-jcs-2022"},
		JWTAlgorithms:    []string{"EdDSA", "ES256"},
		Clock:            w.opts.Clock,
		ClockSkew:        receiveSkew,
		UnsafeSkipStatus: true,
	})
	if err != nil {
		return nil, fmt.Errorf("wallet: %w", err)
	}
	res := v.Verify(ctx, data)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !res.Verified {
		reason := "it did not pass verification"
		if len(res.Failures) > 0 {
			reason = string(res.Failures[0].Reason)
		}
		return nil, &RejectedError{Form: f, Reason: reason, Failures: res.Failures}
	}
	return res, nil
}

// checkIssuerDID accepts a did:key issuer only: its key is in the DID
// itself, so the wallet can check the proof with no network.
func checkIssuerDID(issuer string) error {
	if issuer == "" {
		return errors.New("it names no issuer")
	}
	if _, err := did.ParseKeyDID(issuer); err != nil {
		return fmt.Errorf("its issuer %q is not a did:key, which this wallet needs to check it offline", issuer)
	}
	return nil
}

// unixClaim reads a JWT NumericDate (a json.Number or float64).
func unixClaim(v any) time.Time {
	var n float64
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return time.Time{}
		}
		n = f
	case float64:
		n = x
	default:
		return time.Time{}
	}
	if n <= 0 || n > 1e11 {
		return time.Time{}
	}
	return time.Unix(int64(n), 0).UTC()
}

func orNone(s string) string {
	if s == "" {
		return "no one"
	}
	return s
}

// title is the human title of a credential type.
func title(typ string) string {
	if t, ok := schemas.Lookup(typ); ok && t.Title != "" {
		return t.Title
	}
	return typ
}
