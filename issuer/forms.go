package issuer

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cityid/cityid/credential"
	"github.com/cityid/cityid/credential/compact"
	"github.com/cityid/cityid/credential/dataintegrity"
	"github.com/cityid/cityid/credential/sdjwt"
	"github.com/cityid/cityid/credential/status"
	"github.com/cityid/cityid/did"
	"github.com/cityid/cityid/schemas"
)

// A credential is one id, one status index, one subject and one validity; it
// can be signed in several forms (formats). Issue signs one form. A wallet
// redeeming an offer may collect each form once: the first makes the
// credential (the credentials row holds that form), the others are signed
// over the same id, status entries and validity and kept in credential_forms.
// Revocation and suspension act on the credential, so on every form.

// SDJWTEvidenceClaim is the SD-JWT VC claim that carries a credential's
// evidence, the same list of objects as the W3C evidence property. It is
// never selectively disclosable.
const SDJWTEvidenceClaim = "evidence"

// unsignedVC is the VC 2.0 data model of a credential without a proof: what
// the ldp_vc form signs with Data Integrity and the QR form with COSE.
func (s *Service) unsignedVC(rec *Record, claims map[string]any, issuerDID string) map[string]any {
	entries := s.statusEntries(rec.StatusIndex)
	subject := make(map[string]any, len(claims)+1)
	for k, v := range claims {
		subject[k] = v
	}
	if rec.Subject != "" { // a paper credential names no holder
		subject["id"] = rec.Subject
	}
	vc := map[string]any{
		"@context":          []any{schemas.CredentialsV2URL, schemas.CityContextURL},
		"id":                rec.ID,
		"type":              []any{"VerifiableCredential", rec.Type},
		"issuer":            issuerDID,
		"validFrom":         validFrom(rec).UTC().Format(time.RFC3339),
		"validUntil":        rec.ValidUntil.UTC().Format(time.RFC3339),
		"credentialSubject": subject,
		"credentialStatus":  []any{entries[0].Map(), entries[1].Map()},
	}
	if len(rec.Evidence) > 0 {
		vc["evidence"] = schemas.EvidenceList(rec.Evidence)
	}
	return vc
}

// validFrom is the start of a record's validity.
func validFrom(rec *Record) time.Time {
	if rec.ValidFrom.IsZero() {
		return rec.IssuedAt
	}
	return rec.ValidFrom
}

// signForm signs the credential rec in the format rec.Format, with the claims
// and holder key of in. The proof's creation time (SD-JWT: iat) is now; the
// validity is the record's.
func (s *Service) signForm(rec *Record, in *issueInput) ([]byte, error) {
	now := s.now().Truncate(time.Second)
	switch rec.Format {
	case FormatLDP:
		signed, err := dataintegrity.Sign(s.unsignedVC(rec, in.claims, s.issuerKey.DID), s.issuerSigner, dataintegrity.SignOptions{
			Cryptosuite: dataintegrity.EdDSARDFC2022, VerificationMethod: s.issuerKey.VerificationMethod, Created: now,
		})
		if err != nil {
			return nil, fmt.Errorf("signing the credential: %w", err)
		}
		return json.Marshal(signed)
	case FormatSDJWT:
		entries := s.statusEntries(rec.StatusIndex)
		var nbf time.Time // only for a replacement that keeps an earlier validity
		if from := validFrom(rec); !from.Equal(rec.IssuedAt) {
			nbf = from
		}
		claims := in.claims
		if len(rec.Evidence) > 0 {
			// Evidence is always disclosed: a verifier relying on the
			// credential is entitled to know how identity was established.
			claims = make(map[string]any, len(in.claims)+1)
			for k, v := range in.claims {
				claims[k] = v
			}
			claims[SDJWTEvidenceClaim] = schemas.EvidenceList(rec.Evidence)
		}
		tok, err := sdjwt.Issue(claims, s.issuerSigner, sdjwt.IssueOptions{
			NotBefore: nbf,
			Issuer:    s.issuerKey.DID, KeyID: s.issuerKey.VerificationMethod, VCT: credential.VCT(rec.Type),
			IssuedAt: now, Expiry: *rec.ValidUntil, HolderKey: in.holderKey, Disclosable: disclosable(in.claims, ""),
			Status: map[string]any{SDJWTStatusMechanism: []any{entries[0].Map(), entries[1].Map()}},
		})
		if err != nil {
			return nil, fmt.Errorf("signing the credential: %w", err)
		}
		return []byte(tok), nil
	case FormatQR:
		text, err := compact.Issue(s.unsignedVC(rec, in.claims, s.issuerKey.DID), s.issuerSigner,
			compact.IssueOptions{KeyID: s.issuerKey.VerificationMethod, HolderKey: in.holderKey})
		if err != nil {
			return nil, qrError(err)
		}
		if err := checkQRSize(text); err != nil {
			return nil, err
		}
		return []byte(text), nil
	case FormatPaper:
		text, err := compact.IssuePaper(s.unsignedVC(rec, in.claims, s.issuerKey.DID), s.issuerSigner,
			compact.IssueOptions{KeyID: s.issuerKey.VerificationMethod})
		if err != nil {
			return nil, qrError(err)
		}
		if len(text) > PaperQRCapacity {
			return nil, errorf(CodeInvalidRequest, "this %s is too large to print as one QR code: %d characters, more than "+
				"the %d one QR code holds at error correction Q; shorten the claims or re-issue it to a wallet", rec.Type, len(text), PaperQRCapacity)
		}
		return []byte(text), nil
	}
	return nil, unknownFormat(rec.Format)
}

// The QR form's limit. A wallet shows a presentation of the stored text as
// one QR code at error correction M (credential/qrcode), which holds at most
// QRCapacity characters in alphanumeric mode (version 40). The issuer
// refuses the QR form of a credential whose presentation showing every claim
// would not fit: it could never be shown. The usual city credentials take
// versions 11 to 13 (docs/compact-qr.md section 8).
const (
	QRCapacity = 3391
	// PaperQRCapacity is what one QR code holds in alphanumeric mode at error
	// correction Q (version 40), the level paper is printed at.
	PaperQRCapacity = 2420
	// qrProofBytes bounds what a presentation showing every claim adds to
	// the stored credential's CBOR: the holder proof [time, signature,
	// challenge tag], at most 1 + 9 + 66 + 3 bytes. Everything else has the
	// same size in both (docs/compact-qr.md section 6).
	qrProofBytes = 79
)

// base45Len is the length of the Base45 encoding of n bytes.
func base45Len(n int) int { return n/2*3 + n%2*2 }

// qrPresentationLen bounds the length of the text of a presentation showing
// every claim of the stored QR form text.
func qrPresentationLen(text string) int {
	m := len(text) - len(compact.Prefix)
	n := m/3*2 + m%3/2 // bytes of the stored data
	return len(compact.Prefix) + base45Len(n+qrProofBytes)
}

// checkQRSize refuses a stored QR form whose full presentation would not fit
// one QR code.
func checkQRSize(text string) error {
	if n := qrPresentationLen(text); n > QRCapacity {
		return errorf(CodeInvalidRequest, "this credential is too large for the QR form: a QR code showing all its claims "+
			"would need %d characters, more than the %d one QR code holds; shorten the claims or issue it as %s or %s",
			n, QRCapacity, FormatLDP, FormatSDJWT)
	}
	return nil
}

// qrError turns a refusal of compact.Issue into an *Error; other failures
// (the signer, the random source) stay internal errors.
func qrError(err error) error {
	for _, e := range []error{compact.ErrCredential, compact.ErrTooLarge, compact.ErrHolderKey} {
		if errors.Is(err, e) {
			return errorf(CodeInvalidRequest, "this credential cannot be issued in the QR form: %s",
				strings.TrimPrefix(err.Error(), "compact: "))
		}
	}
	return fmt.Errorf("signing the QR form: %w", err)
}

// qrHolderKey checks that a holder key can be bound into the QR form, which
// carries Ed25519 holder keys only; code is the error code to refuse with.
func qrHolderKey(pub crypto.PublicKey, code string) error {
	if k, ok := pub.(ed25519.PublicKey); ok && len(k) == ed25519.PublicKeySize {
		return nil
	}
	kind := fmt.Sprintf("%T", pub)
	if k, ok := pub.(*ecdsa.PublicKey); ok && k.Curve != nil {
		kind = k.Curve.Params().Name
	}
	return errorf(code, "the QR form binds a credential to an Ed25519 holder key (a did:key:z6Mk… DID), not to a %s key", kind)
}

// qrFits reports (as an *Error) whether a credential of this type with these
// claims can be issued in the QR form, by signing a stand-in with a throwaway
// key: the largest status position, today's validity, an Ed25519 holder.
// CreateOffer lists the QR configuration only for claims that fit.
func (s *Service) qrFits(typeName string, claims map[string]any, evidence []schemas.Evidence) error {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	issuerDID, err := did.KeyDID(pub)
	if err != nil {
		return err
	}
	vm, err := did.KeyVerificationMethod(pub)
	if err != nil {
		return err
	}
	now := s.now().Truncate(time.Second)
	until := defaultValidUntil(typeName, claims, now)
	if !until.After(now) {
		until = now.Add(time.Hour)
	}
	rec := &Record{ID: "urn:uuid:00000000-0000-4000-8000-000000000000", Type: typeName, Subject: issuerDID,
		StatusIndex: status.MinLength - 1, IssuedAt: now, ValidUntil: &until, Evidence: evidence}
	text, err := compact.Issue(s.unsignedVC(rec, claims, issuerDID), priv, compact.IssueOptions{KeyID: vm, HolderKey: pub})
	if err != nil {
		return qrError(err)
	}
	return checkQRSize(text)
}

// errOfferRace: another request of the same offer made the offer's
// credential between reading and storing; the caller signs again.
var errOfferRace = errors.New("issuer: the offer's credential was made concurrently")

// offerCredential returns the credential an offer has issued so far (nil if
// none) and the formats it was issued in.
func (s *Service) offerCredential(ctx context.Context, offerID string) (*Record, map[Format]bool, error) {
	rows, err := s.db.Read.QueryContext(ctx, "SELECT format, credential_id FROM offer_credentials WHERE offer_id = ? ORDER BY rowid", offerID)
	if err != nil {
		return nil, nil, err
	}
	formats := map[Format]bool{}
	var id string
	for rows.Next() {
		var f, cid string
		if err := rows.Scan(&f, &cid); err != nil {
			rows.Close()
			return nil, nil, err
		}
		formats[Format(f)] = true
		if id == "" {
			id = cid
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil || id == "" {
		return nil, formats, err
	}
	rec, err := s.Get(ctx, id)
	if err != nil {
		return nil, nil, fmt.Errorf("reading the offer's credential: %w", err)
	}
	return rec, formats, nil
}

// insertForm stores a later form of a stored credential, unless the
// credential was revoked meanwhile or already has that form.
func (w *wtx) insertForm(actor Actor, rec *Record) error {
	var state CredentialState
	var first Format
	err := w.queryRow("SELECT state, format FROM credentials WHERE id = ?", rec.ID).Scan(&state, &first)
	if errors.Is(err, sql.ErrNoRows) {
		return errorf(CodeNotFound, "there is no credential %s", rec.ID)
	}
	if err != nil {
		return err
	}
	if state == StateRevoked {
		return errorf(CodeConflict, "the credential %s was revoked; ask the counter for a new offer", rec.ID)
	}
	dup := errorf(CodeOfferUsed, "the credential %s was already issued as %s", rec.ID, rec.Format)
	if first == rec.Format {
		return dup
	}
	res, err := w.exec("INSERT INTO credential_forms (credential_id, format, issued_at, credential) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
		rec.ID, string(rec.Format), w.now.UnixNano(), rec.Credential)
	if err != nil {
		return fmt.Errorf("storing the credential: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return dup
	}
	return w.audit(actor, "credential.issue_form", rec.ID, map[string]any{"format": rec.Format, "statusIndex": rec.StatusIndex})
}

// formsOf splits the forms column of recordCols: the first form, then the
// later ones in the order they were issued.
func formsOf(first Format, later sql.NullString) []Format {
	out := []Format{first}
	if later.Valid && later.String != "" {
		for _, f := range strings.Split(later.String, " ") {
			out = append(out, Format(f))
		}
	}
	return out
}
