package issuer

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/url"
	"strings"
	"time"

	"github.com/cityid/cityid/did"
	"github.com/cityid/cityid/schemas"
)

// OpenID4VCI lifetimes and limits.
const (
	OfferTTL       = 15 * time.Minute // a credential offer
	AccessTokenTTL = 10 * time.Minute // an access token from a redeemed offer
	NonceTTL       = 5 * time.Minute  // a c_nonce
	MaxTxAttempts  = 5                // wrong tx_codes before an offer is burnt
	TxCodeLength   = 6
)

// PreAuthorizedGrantType is the OpenID4VCI pre-authorized code grant type.
const PreAuthorizedGrantType = "urn:ietf:params:oauth:grant-type:pre-authorized_code"

// OfferURIPrefix starts every credential offer URI (by value).
const OfferURIPrefix = "openid-credential-offer://?credential_offer="

// Credential configuration id suffixes, one per format.
const (
	configSuffixSDJWT = "_sd-jwt"
	configSuffixLDP   = "_ldp"
	configSuffixQR    = "_qr"
)

// ConfigurationID is the OpenID4VCI credential configuration id of a type in
// a format: "ResidencyCredential_sd-jwt", "ResidencyCredential_ldp" or
// "ResidencyCredential_qr".
func ConfigurationID(typeName string, f Format) string {
	switch f {
	case FormatSDJWT:
		return typeName + configSuffixSDJWT
	case FormatLDP:
		return typeName + configSuffixLDP
	case FormatQR:
		return typeName + configSuffixQR
	}
	return ""
}

// ParseConfigurationID splits a configuration id made by ConfigurationID. It
// reports false unless id names a credential type of package schemas.
func ParseConfigurationID(id string) (typeName string, f Format, ok bool) {
	switch {
	case strings.HasSuffix(id, configSuffixSDJWT):
		typeName, f = strings.TrimSuffix(id, configSuffixSDJWT), FormatSDJWT
	case strings.HasSuffix(id, configSuffixLDP):
		typeName, f = strings.TrimSuffix(id, configSuffixLDP), FormatLDP
	case strings.HasSuffix(id, configSuffixQR):
		typeName, f = strings.TrimSuffix(id, configSuffixQR), FormatQR
	default:
		return "", "", false
	}
	if _, known := schemas.Lookup(typeName); !known {
		return "", "", false
	}
	return typeName, f, true
}

type offerTxCode struct {
	InputMode   string `json:"input_mode"`
	Length      int    `json:"length"`
	Description string `json:"description"`
}

type offerGrant struct {
	Code   string      `json:"pre-authorized_code"`
	TxCode offerTxCode `json:"tx_code"`
}

type offerObject struct {
	CredentialIssuer string                `json:"credential_issuer"`
	ConfigurationIDs []string              `json:"credential_configuration_ids"`
	Grants           map[string]offerGrant `json:"grants"`
}

// txHash binds a tx_code to its pre-authorized code, so the stored hash of
// a 6-digit PIN cannot be brute-forced without the 256-bit code.
func txHash(code, tx string) []byte {
	m := hmac.New(sha256.New, []byte(code))
	m.Write([]byte(tx))
	return m.Sum(nil)
}

func randomDigits(n int) string {
	limit := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil)
	v, err := rand.Int(rand.Reader, limit)
	if err != nil {
		panic("issuer: the system random source failed: " + err.Error())
	}
	return fmt.Sprintf("%0*d", n, v)
}

// pendingOffer is an offer prepared outside the writer.
type pendingOffer struct {
	offer      Offer
	code       string
	claimsJSON []byte
	recovery   string    // the recovery that made the offer, if any
	suspended  bool      // its credential starts suspended (it replaces a suspended one)
	attester   *Attester // assisted enrolment, or nil
}

// prepareOffer makes an offer of one credential in every form: SD-JWT VC,
// W3C VC and, when the claims fit one QR code, the QR form.
func (s *Service) prepareOffer(typeName string, claimsJSON []byte, residentID int64, attester *Attester) (*pendingOffer, error) {
	p := &pendingOffer{code: randomToken(32), claimsJSON: claimsJSON, attester: attester}
	p.offer = Offer{ID: randomToken(16), TxCode: randomDigits(TxCodeLength), Type: typeName, ResidentID: residentID,
		Expires: s.now().Add(OfferTTL)}
	ids := []string{ConfigurationID(typeName, FormatSDJWT), ConfigurationID(typeName, FormatLDP)}
	var claims map[string]any
	if err := json.Unmarshal(claimsJSON, &claims); err != nil {
		return nil, fmt.Errorf("reading the offer's claims: %w", err)
	}
	var evidence []schemas.Evidence
	if attester != nil {
		evidence = []schemas.Evidence{attester.Evidence()}
	}
	if err := s.qrFits(typeName, claims, evidence); err == nil {
		ids = append(ids, ConfigurationID(typeName, FormatQR))
	} else if !IsCode(err, CodeInvalidRequest) {
		return nil, err
	}
	obj := offerObject{
		CredentialIssuer: s.publicURL,
		ConfigurationIDs: ids,
		Grants: map[string]offerGrant{PreAuthorizedGrantType: {Code: p.code, TxCode: offerTxCode{
			InputMode: "numeric", Length: TxCodeLength, Description: "PIN the clerk reads out"}}},
	}
	b, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	p.offer.URI = OfferURIPrefix + url.QueryEscape(string(b))
	return p, nil
}

func (w *wtx) insertOffer(actor Actor, p *pendingOffer) error {
	var resident any
	if p.offer.ResidentID != 0 {
		resident = p.offer.ResidentID
	}
	var from, until, recovery, attester any
	if p.offer.ValidFrom != nil {
		from = p.offer.ValidFrom.UnixNano()
	}
	if p.offer.ValidUntil != nil {
		until = p.offer.ValidUntil.UnixNano()
	}
	if p.recovery != "" {
		recovery = p.recovery
	}
	if p.attester != nil {
		attester = p.attester.ID
	}
	if _, err := w.exec(`INSERT INTO offers (id, type, claims, resident_id, code_hash, tx_hash, attempts, state, created, expires,
		valid_from, valid_until, recovery, suspended, attester_id)
		VALUES (?, ?, ?, ?, ?, ?, 0, 'open', ?, ?, ?, ?, ?, ?, ?)`, p.offer.ID, p.offer.Type, string(p.claimsJSON), resident,
		hashSecret(p.code), txHash(p.code, p.offer.TxCode), w.now.UnixNano(), p.offer.Expires.UnixNano(), from, until, recovery, p.suspended,
		attester); err != nil {
		if strings.Contains(err.Error(), "FOREIGN KEY") {
			return errorf(CodeNotFound, "there is no resident %d", p.offer.ResidentID)
		}
		return fmt.Errorf("storing the offer: %w", err)
	}
	details := map[string]any{"type": p.offer.Type}
	if p.offer.ResidentID != 0 {
		details["resident"] = p.offer.ResidentID
	}
	if p.recovery != "" {
		details["recovery"] = p.recovery
	}
	attestationAudit(details, p.attester)
	return w.audit(actor, "offer.create", "offer:"+p.offer.ID, details)
}

// CreateOffer validates the claims and stores a single-use credential offer
// for a resident's wallet, with a pre-authorized code and a tx_code.
func (s *Service) CreateOffer(ctx context.Context, actor Actor, typeName string, claims map[string]any, residentID int64) (*Offer, error) {
	return s.CreateOfferFor(ctx, actor, OfferRequest{Type: typeName, Claims: claims, ResidentID: residentID})
}

// CreateOfferFor is CreateOffer with the whole request: with AttestedBy, the
// offered credential's evidence names that attester's attestation. The
// attester must be registered and enabled when the offer is made; the wallet
// redeeming the offer later gets the attestation the offer recorded.
func (s *Service) CreateOfferFor(ctx context.Context, actor Actor, req OfferRequest) (*Offer, error) {
	typeName, residentID := req.Type, req.ResidentID
	actor, err := s.requireStaff(ctx, actor)
	if err != nil {
		return nil, err
	}
	_, claimsJSON, err := validateClaims(typeName, req.Claims, "")
	if err != nil {
		return nil, err
	}
	var attester *Attester
	if req.AttestedBy != "" {
		if attester, err = s.activeAttester(ctx, req.AttestedBy); err != nil {
			return nil, err
		}
	}
	if residentID < 0 {
		return nil, errorf(CodeInvalidRequest, "the resident id must be positive")
	}
	if residentID > 0 {
		if _, err := s.Resident(ctx, residentID); err != nil {
			return nil, err
		}
	}
	p, err := s.prepareOffer(typeName, claimsJSON, residentID, attester)
	if err != nil {
		return nil, err
	}
	if err := s.w.do(ctx, func(w *wtx) error {
		if attester != nil {
			if err := w.recheckAttester(attester.ID); err != nil {
				return err
			}
		}
		return w.insertOffer(actor, p)
	}); err != nil {
		return nil, err
	}
	return &p.offer, nil
}

// RedeemPreAuthorizedCode exchanges a pre-authorized code and its tx_code
// for an access token, once. Wrong tx_codes are counted; the fifth burns the
// offer.
func (s *Service) RedeemPreAuthorizedCode(ctx context.Context, code, txCode string) (*TokenGrant, error) {
	if code == "" || len(code) > 512 || len(txCode) > 64 {
		return nil, errorf(CodeInvalidGrant, "the pre-authorized code is not valid")
	}
	token := randomToken(32)
	wallet := Actor{Kind: "wallet", Name: "wallet"}
	err := s.w.do(ctx, func(w *wtx) error {
		var id, state string
		var stored []byte
		var attempts int
		var expires int64
		err := w.queryRow("SELECT id, tx_hash, attempts, state, expires FROM offers WHERE code_hash = ?", hashSecret(code)).
			Scan(&id, &stored, &attempts, &state, &expires)
		if errors.Is(err, sql.ErrNoRows) {
			return errorf(CodeInvalidGrant, "the pre-authorized code is not valid")
		}
		if err != nil {
			return err
		}
		object := "offer:" + id
		switch {
		case state == "redeemed":
			return errorf(CodeOfferUsed, "this offer was already used; ask the counter for a new one")
		case state == "burnt":
			return errorf(CodeTooManyTries, "this offer was blocked after %d wrong PINs; ask the counter for a new one", MaxTxAttempts)
		case state != "open":
			return errorf(CodeInvalidGrant, "this offer was withdrawn at the counter (a newer offer or paper replaced it); ask the counter for a new one")
		case w.now.UnixNano() >= expires:
			return errorf(CodeOfferExpired, "this offer has expired; ask the counter for a new one")
		}
		if subtle.ConstantTimeCompare(txHash(code, txCode), stored) != 1 {
			attempts++
			if attempts >= MaxTxAttempts {
				if _, err := w.exec("UPDATE offers SET attempts = ?, state = 'burnt' WHERE id = ?", attempts, id); err != nil {
					return err
				}
				if err := w.audit(wallet, "offer.burnt", object, map[string]any{"attempts": attempts}); err != nil {
					return err
				}
				return keep(errorf(CodeTooManyTries, "too many wrong PINs: this offer is now blocked; ask the counter for a new one"))
			}
			if _, err := w.exec("UPDATE offers SET attempts = ? WHERE id = ?", attempts, id); err != nil {
				return err
			}
			if err := w.audit(wallet, "offer.redeem_failed", object, map[string]any{"attempts": attempts}); err != nil {
				return err
			}
			return keep(errorf(CodeInvalidGrant, "the PIN (tx_code) is wrong; %d tries left", MaxTxAttempts-attempts))
		}
		if _, err := w.exec("UPDATE offers SET state = 'redeemed', token_hash = ?, token_expires = ? WHERE id = ? AND state = 'open'",
			hashSecret(token), w.now.Add(AccessTokenTTL).UnixNano(), id); err != nil {
			return err
		}
		return w.audit(wallet, "offer.redeem", object, nil)
	})
	if err != nil {
		return nil, err
	}
	return &TokenGrant{AccessToken: token, ExpiresIn: AccessTokenTTL}, nil
}

// Nonces are stateless until used: expiry (8 bytes) || random (16 bytes) ||
// HMAC-SHA256 of both (16 bytes), base64url. A used nonce's hash is stored
// (until it expires) in the same transaction as the credential it was used
// for, so it works once.
const nonceLen = 8 + 16 + 16

func (s *Service) nonceMAC(b []byte) []byte {
	m := hmac.New(sha256.New, s.nonceKey)
	m.Write([]byte("cityid c_nonce v1"))
	m.Write(b)
	return m.Sum(nil)[:16]
}

// NewNonce returns a fresh c_nonce, valid for NonceTTL and usable once.
func (s *Service) NewNonce(ctx context.Context) (string, error) {
	b := make([]byte, 24, nonceLen)
	binary.BigEndian.PutUint64(b, uint64(s.now().Add(NonceTTL).Unix()))
	if _, err := rand.Read(b[8:24]); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(append(b, s.nonceMAC(b)...)), nil
}

// checkNonce verifies a nonce's MAC and expiry and returns its expiry.
func (s *Service) checkNonce(nonce string) (time.Time, error) {
	b, err := base64.RawURLEncoding.DecodeString(nonce)
	if err != nil || len(b) != nonceLen || !hmac.Equal(s.nonceMAC(b[:24]), b[24:]) {
		return time.Time{}, errorf(CodeInvalidNonce, "the c_nonce is not one this issuer made; get a fresh one")
	}
	exp := time.Unix(int64(binary.BigEndian.Uint64(b)), 0)
	if !s.now().Before(exp) {
		return time.Time{}, errorf(CodeInvalidNonce, "the c_nonce has expired; get a fresh one")
	}
	return exp, nil
}

// IssueForToken issues the credential offered under accessToken to the
// holder key the wallet proved, in the given format, once per format. The
// forms of one offer are one credential: the first form requested makes it
// (id, status index, validity); the others are signed over the same id,
// status entries and validity, for the same holder key. So revoking the
// credential revokes every form.
func (s *Service) IssueForToken(ctx context.Context, accessToken string, typeName string, format Format, holder HolderProof, nonce string) (*Record, error) {
	f, ok := ParseFormat(string(format))
	if !ok {
		return nil, unknownFormat(format)
	}
	if accessToken == "" || len(accessToken) > 512 {
		return nil, errorf(CodeInvalidToken, "the access token is not valid")
	}
	var offerID, offerType, claims string
	var resident, validFrom, validUntil, attesterID sql.NullInt64
	var tokenExpires int64
	var suspended bool
	err := s.db.Read.QueryRowContext(ctx, `SELECT id, type, claims, resident_id, token_expires, valid_from, valid_until, suspended, attester_id
		FROM offers WHERE token_hash = ? AND state = 'redeemed'`,
		hashSecret(accessToken)).Scan(&offerID, &offerType, &claims, &resident, &tokenExpires, &validFrom, &validUntil, &suspended, &attesterID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errorf(CodeInvalidToken, "the access token is not valid")
	}
	if err != nil {
		return nil, err
	}
	if s.now().UnixNano() >= tokenExpires {
		return nil, errorf(CodeInvalidToken, "the access token has expired")
	}
	if typeName != offerType {
		return nil, errorf(CodeInvalidRequest, "this access token is for a %s, not a %s", offerType, truncate(typeName, 60))
	}
	nonceExp, err := s.checkNonce(nonce)
	if err != nil {
		return nil, err
	}
	if holder.PublicKey == nil {
		return nil, errorf(CodeInvalidProof, "no holder key was proven")
	}
	keyDID, err := did.KeyDID(holder.PublicKey)
	if err != nil || keyDID != holder.DID {
		return nil, errorf(CodeInvalidProof, "the holder DID is not the did:key of the proven key")
	}
	if f == FormatQR {
		if err := qrHolderKey(holder.PublicKey, CodeInvalidProof); err != nil {
			return nil, err
		}
	}
	var raw map[string]any
	if err := json.Unmarshal([]byte(claims), &raw); err != nil {
		return nil, fmt.Errorf("reading the offer's claims: %w", err)
	}
	in := &issueInput{typeName: offerType, subject: holder.DID, holderKey: holder.PublicKey, format: f, residentID: resident.Int64,
		suspended: suspended}
	// A replacement offer (Recover) keeps the validity it was made with.
	if validFrom.Valid {
		t := time.Unix(0, validFrom.Int64).UTC()
		in.validFrom = &t
	}
	if validUntil.Valid {
		t := time.Unix(0, validUntil.Int64).UTC()
		in.validUntil = &t
	}
	// An attested offer gives the attestation it recorded.
	if attesterID.Valid {
		if in.attester, err = scanAttester(s.db.Read.QueryRowContext(ctx, "SELECT "+attesterCols+" FROM attesters WHERE id = ?", attesterID.Int64)); err != nil {
			return nil, fmt.Errorf("reading the offer's attester: %w", err)
		}
	}
	if in.claims, in.claimsJSON, err = validateClaims(offerType, raw, ""); err != nil {
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		rec, err := s.issueOfferForm(ctx, offerID, in, nonce, nonceExp)
		if errors.Is(err, errOfferRace) && attempt < 3 {
			continue
		}
		return rec, err
	}
}

// issueOfferForm signs and stores one form of an offer's credential: a new
// credential for the offer's first form, else the same credential in
// in.format. It returns errOfferRace if another request made the offer's
// credential meanwhile (nothing is stored then).
func (s *Service) issueOfferForm(ctx context.Context, offerID string, in *issueInput, nonce string, nonceExp time.Time) (*Record, error) {
	f := in.format
	first, formats, err := s.offerCredential(ctx, offerID)
	if err != nil {
		return nil, err
	}
	if formats[f] {
		return nil, errorf(CodeOfferUsed, "this offer's %s credential was already issued", f)
	}
	var rec *Record
	if first == nil {
		if rec, err = s.newRecord(ctx, in); err != nil {
			return nil, err
		}
	} else {
		if first.Subject != in.subject {
			return nil, errorf(CodeInvalidProof, "this offer's credential was issued to another holder key; "+
				"every form of it is bound to the same key: prove possession of %s", truncate(first.Subject, 80))
		}
		if first.State == StateRevoked {
			return nil, errorf(CodeConflict, "the credential %s was revoked; ask the counter for a new offer", first.ID)
		}
		rec = &Record{ID: first.ID, Type: first.Type, Subject: first.Subject, Format: f, ResidentID: first.ResidentID,
			StatusIndex: first.StatusIndex, State: first.State, IssuedAt: first.IssuedAt, ValidFrom: first.ValidFrom, ValidUntil: first.ValidUntil,
			Evidence: first.Evidence, attesterID: first.attesterID}
	}
	if rec.Credential, err = s.signForm(rec, in); err != nil {
		return nil, err
	}
	actor := Actor{Kind: "wallet", Name: in.subject}
	err = s.w.do(ctx, func(w *wtx) error {
		if _, err := w.exec("DELETE FROM used_nonces WHERE expires < ?", w.now.UnixNano()); err != nil {
			return err
		}
		res, err := w.exec("INSERT INTO used_nonces (hash, expires) VALUES (?, ?) ON CONFLICT DO NOTHING", hashSecret(nonce), nonceExp.UnixNano())
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errorf(CodeInvalidNonce, "the c_nonce was already used; get a fresh one")
		}
		// The offer may have been withdrawn (by a counter recovery) since
		// the token was checked: then nothing more is minted from it.
		var state string
		if err := w.queryRow("SELECT state FROM offers WHERE id = ?", offerID).Scan(&state); err != nil {
			return err
		}
		if state != "redeemed" {
			return errorf(CodeInvalidToken, "this offer was withdrawn at the counter; ask the counter for a new one")
		}
		var made string
		err = w.queryRow("SELECT credential_id FROM offer_credentials WHERE offer_id = ? ORDER BY rowid LIMIT 1", offerID).Scan(&made)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if first == nil {
			if made != "" {
				return errOfferRace
			}
			err = w.insertCredential(actor, rec, in.claimsJSON)
			if err == nil && in.suspended {
				err = w.suspendNew(actor, rec)
			}
		} else {
			if made != first.ID {
				return fmt.Errorf("the offer %s's credential changed from %s to %s", offerID, first.ID, made)
			}
			err = w.insertForm(actor, rec)
		}
		if err != nil {
			return err
		}
		res, err = w.exec("INSERT INTO offer_credentials (offer_id, format, credential_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", offerID, string(f), rec.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errorf(CodeOfferUsed, "this offer's %s credential was already issued", f)
		}
		return w.audit(actor, "offer.issue", "offer:"+offerID, map[string]any{"credential": rec.ID, "format": f})
	})
	if err != nil {
		return nil, err
	}
	return rec, nil
}
