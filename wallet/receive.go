package wallet

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/cityid/cityid/credential"
	"github.com/cityid/cityid/credential/compact"
	"github.com/cityid/cityid/credential/oid4vci"
)

// supportedFormats are the OpenID4VCI credential formats the wallet keeps.
var supportedFormats = []Format{FormatSDJWT, FormatLDP, FormatQR}

// heldFormats are the forms a wallet entry may hold: those, and paper.
var heldFormats = append(slices.Clone(supportedFormats), FormatPaper)

// offered is one configuration of an offer the wallet will receive.
type offered struct {
	id     string
	format Format
	typ    string // the type the metadata announces, "" when it does not say
}

// ReceiveOffer redeems an OpenID4VCI credential offer (the QR code or link
// a clerk shows) with the transaction code the clerk reads out, and stores
// what it receives. The offer is read from the URI; the only network calls
// go to the issuer's own OpenID4VCI endpoints (and to credential_offer_uri
// for an offer sent by reference).
//
// Every configuration in the offer whose format the wallet supports
// (dc+sd-jwt, ldp_vc, cityid-qr) is received with one access token
// (oid4vci.Client.ReceiveAll); other configurations are skipped and logged.
// Each credential is verified before anything is stored (see
// [Wallet.Import] for the checks), and the forms of one credential (same
// issuer, type and claims) become one wallet entry.
// If any form fails verification nothing is stored and the error wraps
// [ErrRejected]. If some forms arrived and others could not be received,
// the received ones are stored and returned with an error wrapping
// [ErrIncomplete].
func (w *Wallet) ReceiveOffer(ctx context.Context, offerURI, txCode string) ([]Credential, error) {
	w.mu.Lock()
	err := w.live()
	w.mu.Unlock()
	if err != nil {
		return nil, err
	}
	client := &oid4vci.Client{HTTP: w.opts.HTTPClient}
	offer, err := client.ResolveOffer(ctx, strings.TrimSpace(offerURI))
	if err != nil {
		return nil, fmt.Errorf("wallet: reading the offer: %w", err)
	}
	if err := offer.CheckTxCode(txCode); err != nil {
		return nil, fmt.Errorf("wallet: %w", err)
	}
	md, err := client.FetchIssuerMetadata(ctx, offer.CredentialIssuer)
	if err != nil {
		return nil, fmt.Errorf("wallet: %w", err)
	}
	var want []offered
	var ids []string
	for _, id := range offer.CredentialConfigurationIDs {
		conf, ok := md.CredentialConfigurationsSupported[id]
		if !ok || !slices.Contains(supportedFormats, Format(conf.Format)) {
			w.opts.Logger.Info("skipping a credential form this wallet does not keep", "configuration", id, "format", conf.Format)
			continue
		}
		want = append(want, offered{id: id, format: Format(conf.Format), typ: announcedType(conf)})
		ids = append(ids, id)
	}
	if len(want) == 0 {
		return nil, fmt.Errorf("wallet: %w: the offer holds no form this wallet can keep (it offers %s)",
			ErrUnsupported, strings.Join(offer.CredentialConfigurationIDs, ", "))
	}
	// One access token for every form: the pre-authorized code works once.
	results, err := client.ReceiveAll(ctx, offer, txCode, w.holder, ids...)
	if err != nil {
		return nil, fmt.Errorf("wallet: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(results) != len(want) {
		return nil, fmt.Errorf("wallet: %d results for %d credential forms", len(results), len(want))
	}
	type received struct {
		o    offered
		data []byte
	}
	var got []received
	var failed []string
	var errs []error
	for i, r := range results {
		if r.Err != nil {
			w.opts.Logger.Warn("a credential form could not be received", "configuration", r.ConfigurationID, "err", r.Err)
			failed = append(failed, fmt.Sprintf("%s (%v)", r.ConfigurationID, r.Err))
			errs = append(errs, r.Err)
			continue
		}
		got = append(got, received{want[i], r.Credential})
	}
	// Verify the W3C and SD-JWT forms first: a QR form is checked against
	// their issuer and status lists.
	slices.SortStableFunc(got, func(a, b received) int { return boolInt(a.o.format == FormatQR) - boolInt(b.o.format == FormatQR) })
	var forms []*form
	var hints qrHints
	for _, g := range got {
		if g.o.format == FormatQR && len(hints.issuers) == 0 {
			if hints, err = w.heldHints(); err != nil {
				return nil, err
			}
		}
		f, err := w.checkForm(ctx, g.o.format, g.data, g.o.typ, hints)
		if err != nil {
			return nil, fmt.Errorf("wallet: %w", err)
		}
		hints.add(f)
		forms = append(forms, f)
	}
	if len(forms) == 0 {
		return nil, fmt.Errorf("wallet: no credential could be received: %w", errors.Join(errs...))
	}
	if err := sameIssuer(forms); err != nil {
		return nil, err
	}
	entries, err := w.store(ctx, forms, offer.CredentialIssuer, displayName(md.Display), false)
	if err != nil {
		return nil, err
	}
	if len(failed) > 0 {
		return entries, fmt.Errorf("wallet: %w: %s", ErrIncomplete, strings.Join(failed, "; "))
	}
	return entries, nil
}

// announcedType is the credential type a configuration's metadata names.
func announcedType(conf oid4vci.CredentialConfiguration) string {
	if t, ok := credential.TypeFromVCT(conf.VCT); ok {
		return t
	}
	if d := conf.CredentialDefinition; d != nil {
		for _, t := range d.Type {
			if t != "VerifiableCredential" {
				return t
			}
		}
	}
	return ""
}

// sameIssuer refuses an offer whose forms name different issuers: one
// issuer service signs every form of its credentials with one key.
func sameIssuer(forms []*form) error {
	for _, f := range forms[1:] {
		if f.issuer != forms[0].issuer {
			return fmt.Errorf("wallet: %w", &RejectedError{Form: f.format,
				Reason: fmt.Sprintf("its issuer %s differs from the %s form's issuer %s", f.issuer, formName(forms[0].format), forms[0].issuer)})
		}
	}
	return nil
}

// Import verifies a credential file (a W3C credential in JSON, an issued
// SD-JWT VC, or the QR text) and stores it. The checks, with no network:
// the issuer is a did:key whose key made the proof; the proof verifies; the
// credential is valid now (5 minutes of clock skew); it is issued to this
// wallet (credentialSubject.id, or the SD-JWT's cnf key, is this wallet's).
// Revocation is not checked: the wallet fetches no status list.
//
// A form that matches an entry already held (same issuer, type and claims,
// and the entry lacks that form) joins that entry; the same form twice
// returns the existing entry.
func (w *Wallet) Import(data []byte) (Credential, error) {
	ctx := context.Background()
	w.mu.Lock()
	err := w.live()
	w.mu.Unlock()
	if err != nil {
		return Credential{}, err
	}
	f := detectForm(data)
	if f == "" {
		return Credential{}, fmt.Errorf("wallet: %w: this is not a credential the wallet can keep (a W3C credential, an SD-JWT VC or a city QR text)", ErrUnsupported)
	}
	var hints qrHints
	if f == FormatQR || f == FormatPaper {
		if hints, err = w.heldHints(); err != nil {
			return Credential{}, err
		}
	}
	fm, err := w.checkForm(ctx, f, bytes.TrimSpace(data), "", hints)
	if err != nil {
		return Credential{}, fmt.Errorf("wallet: %w", err)
	}
	entries, err := w.store(ctx, []*form{fm}, "file", "", true)
	if err != nil {
		return Credential{}, err
	}
	return entries[0], nil
}

// heldHints are the issuers and status lists of the credentials held.
func (w *Wallet) heldHints() (qrHints, error) {
	var h qrHints
	recs, err := w.records()
	if err != nil {
		return h, err
	}
	for _, r := range recs {
		for f, text := range r.Texts {
			if f != FormatQR {
				h.add(&form{format: f, text: text, issuer: r.Issuer})
			}
		}
	}
	return h, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// detectForm tells the form of an imported file by its shape.
func detectForm(data []byte) Format {
	data = bytes.TrimSpace(data)
	switch credential.Detect(data) {
	case credential.FormatLDP:
		return FormatLDP
	case credential.FormatSDJWT:
		return FormatSDJWT
	}
	if isQRText(data) {
		if p, err := compact.ParseUnsafe(string(data)); err == nil && p.Form == compact.FormPaper {
			return FormatPaper
		}
		return FormatQR
	}
	return ""
}

// groupKey identifies "the same credential" across forms.
func groupKey(f *form) string {
	claims, _ := json.Marshal(f.claims) // map keys sorted: canonical enough
	return f.issuer + "\x00" + f.typ + "\x00" + string(claims)
}

// store groups verified forms into entries and writes them in one
// transaction. With join, a form may join an entry already held.
// issuerName is the issuer's display name, if known; without one, the name
// the wallet already holds for the same issuer DID is used.
func (w *Wallet) store(ctx context.Context, forms []*form, source, issuerName string, join bool) ([]Credential, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.live(); err != nil {
		return nil, err
	}
	var existing []*record
	names := map[string]string{}
	if join || issuerName == "" {
		recs, err := w.recordsLocked()
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			if r.IssuerName != "" {
				names[r.Issuer] = r.IssuerName
			}
		}
		if join {
			existing = recs
		}
	}
	now := w.opts.Clock().UTC()
	var order []*record
	byKey := map[string]*record{}
	for _, f := range forms {
		key := groupKey(f)
		r := byKey[key]
		if r == nil && join {
			r = findEntry(existing, key, f)
		}
		if r == nil {
			r = &record{Credential: Credential{ID: newID(), Type: f.typ, Title: title(f.typ), Issuer: f.issuer,
				Claims: f.claims}, Source: source, ReceivedAt: now, Texts: map[Format]string{}}
		}
		if len(r.Evidence) == 0 {
			r.Evidence = f.evidence
		}
		if r.IssuerName == "" {
			r.IssuerName = cmp.Or(issuerName, names[f.issuer], w.bundleName(f.issuer))
		}
		if _, seen := byKey[key]; !seen {
			byKey[key] = r
			order = append(order, r)
		}
		if r.Texts[f.format] == f.text {
			continue // the same form again
		}
		r.Texts[f.format] = f.text
		if r.IssuedAt.IsZero() || (!f.issuedAt.IsZero() && f.issuedAt.Before(r.IssuedAt)) {
			r.IssuedAt = f.issuedAt
		}
		if r.ValidUntil.IsZero() || (!f.validUntil.IsZero() && f.validUntil.Before(r.ValidUntil)) {
			r.ValidUntil = f.validUntil
		}
	}
	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("wallet: %w", err)
	}
	defer tx.Rollback()
	out := make([]Credential, 0, len(order))
	for _, r := range order {
		if err := w.putRecord(ctx, tx, r); err != nil {
			return nil, err
		}
		out = append(out, r.entry())
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("wallet: saving credentials: %w", err)
	}
	return out, nil
}

// findEntry returns the newest entry with the same key that lacks f's form
// or already holds exactly f.
func findEntry(recs []*record, key string, f *form) *record {
	for i := len(recs) - 1; i >= 0; i-- {
		r := recs[i]
		if groupKey(&form{issuer: r.Issuer, typ: r.Type, claims: r.Claims}) != key {
			continue
		}
		if text, ok := r.Texts[f.format]; !ok || text == f.text {
			return r
		}
	}
	return nil
}

// maxIssuerName bounds the issuer's display name the wallet keeps.
const maxIssuerName = 100

// displayName is the issuer's name from its metadata's display entries
// (the first with a name), cleaned for showing: printable characters only,
// at most maxIssuerName of them.
func displayName(ds []oid4vci.Display) string {
	for _, d := range ds {
		name := strings.Join(strings.FieldsFunc(d.Name, func(r rune) bool {
			return unicode.IsSpace(r) || !unicode.IsPrint(r)
		}), " ")
		if name == "" {
			continue
		}
		if r := []rune(name); len(r) > maxIssuerName {
			name = string(r[:maxIssuerName-1]) + "…"
		}
		return name
	}
	return ""
}
