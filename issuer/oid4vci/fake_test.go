package oid4vci_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/cityid/cityid/credential"
	proto "github.com/cityid/cityid/credential/oid4vci"
	"github.com/cityid/cityid/credential/sdjwt"
	"github.com/cityid/cityid/did"
	"github.com/cityid/cityid/issuer"
	oid4vci "github.com/cityid/cityid/issuer/oid4vci"
	"github.com/cityid/cityid/schemas"
)

// fakeBackend plays issuer.Service for the endpoints: single-use offers
// with a tx_code and a try limit, single-use nonces, access tokens good for
// one credential per format. It mints real SD-JWT VCs bound to the proven
// holder key, and unsigned W3C credentials naming the holder DID.
type fakeBackend struct {
	url string

	mu      sync.Mutex
	offers  map[string]*fakeOffer // by pre-authorized code
	tokens  map[string]*fakeToken
	nonces  map[string]bool // issued, not yet used
	records []*issuer.Record
	failAll error // returned by every method when set

	issuerKey ed25519.PrivateKey
	issuerDID string
}

type fakeOffer struct {
	txCode, typeName string
	claims           map[string]any
	used             bool
	tries            int
}

type fakeToken struct {
	typeName string
	claims   map[string]any
	issued   map[issuer.Format]bool
}

const maxTries = 3

func newFake(t testing.TB) *fakeBackend {
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		panic(err)
	}
	d, _ := did.KeyDID(key.Public())
	return &fakeBackend{
		offers: map[string]*fakeOffer{}, tokens: map[string]*fakeToken{}, nonces: map[string]bool{},
		issuerKey: key, issuerDID: d,
	}
}

// serve starts the endpoints on a loopback test server and sets the
// backend's public URL to it.
func (f *fakeBackend) serve(t testing.TB, opts oid4vci.Options) *httptest.Server {
	var h http.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)
	f.url = srv.URL
	h = oid4vci.NewHandler(f, opts)
	return srv
}

func random() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// offer makes an offer for a type in both formats, as the counter would.
func (f *fakeBackend) offer(typeName string, claims map[string]any) (*proto.CredentialOffer, string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	code, tx := random(), "493536"
	f.offers[code] = &fakeOffer{txCode: tx, typeName: typeName, claims: claims}
	return &proto.CredentialOffer{
		CredentialIssuer: f.url,
		CredentialConfigurationIDs: []string{
			issuer.ConfigurationID(typeName, issuer.FormatSDJWT),
			issuer.ConfigurationID(typeName, issuer.FormatLDP),
		},
		Grants: &proto.Grants{PreAuthorizedCode: &proto.PreAuthorizedCodeGrant{
			PreAuthorizedCode: code,
			TxCode:            &proto.TxCode{InputMode: proto.InputModeNumeric, Length: len(tx), Description: "PIN the clerk reads out"},
		}},
	}, tx
}

func (f *fakeBackend) recordCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.records)
}

func ierr(code, msg string) *issuer.Error {
	return &issuer.Error{Code: code, Message: msg, Status: 400}
}

func (f *fakeBackend) PublicURL() string { return f.url }

func (f *fakeBackend) RedeemPreAuthorizedCode(ctx context.Context, code, txCode string) (*issuer.TokenGrant, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failAll != nil {
		return nil, f.failAll
	}
	o, ok := f.offers[code]
	switch {
	case !ok:
		return nil, ierr(issuer.CodeInvalidGrant, "the pre-authorized code is not valid")
	case o.used:
		return nil, ierr(issuer.CodeOfferUsed, "this offer was already used")
	case o.tries >= maxTries:
		return nil, ierr(issuer.CodeTooManyTries, "this offer is blocked after too many wrong PINs")
	case txCode == "":
		return nil, ierr(issuer.CodeInvalidRequest, "this offer needs its PIN (tx_code)")
	case txCode != o.txCode:
		o.tries++
		return nil, ierr(issuer.CodeInvalidGrant, "the PIN (tx_code) is wrong")
	}
	o.used = true
	tok := random()
	f.tokens[tok] = &fakeToken{typeName: o.typeName, claims: o.claims, issued: map[issuer.Format]bool{}}
	return &issuer.TokenGrant{AccessToken: tok, ExpiresIn: 5 * time.Minute}, nil
}

func (f *fakeBackend) NewNonce(ctx context.Context) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failAll != nil {
		return "", f.failAll
	}
	n := random()
	f.nonces[n] = true
	return n, nil
}

func (f *fakeBackend) IssueForToken(ctx context.Context, accessToken, typeName string, format issuer.Format, holder issuer.HolderProof, nonce string) (*issuer.Record, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failAll != nil {
		return nil, f.failAll
	}
	tok, ok := f.tokens[accessToken]
	if !ok {
		return nil, &issuer.Error{Code: issuer.CodeInvalidToken, Message: "the access token is not valid", Status: 401}
	}
	if !f.nonces[nonce] {
		return nil, ierr(issuer.CodeInvalidNonce, "the c_nonce is unknown or already used; get a fresh one")
	}
	delete(f.nonces, nonce)
	if want, _ := did.KeyDID(holder.PublicKey); holder.DID == "" || holder.DID != want {
		return nil, ierr(issuer.CodeInvalidProof, "the holder DID is not the did:key of the proven key")
	}
	if typeName != tok.typeName {
		return nil, ierr(issuer.CodeInvalidRequest, "this access token is for a "+tok.typeName)
	}
	if tok.issued[format] {
		return nil, ierr(issuer.CodeOfferUsed, "this offer's credential was already issued in this format")
	}
	var cred []byte
	switch format {
	case issuer.FormatSDJWT:
		vm, _ := did.KeyVerificationMethod(f.issuerKey.Public())
		s, err := sdjwt.Issue(tok.claims, f.issuerKey, sdjwt.IssueOptions{
			Issuer: f.issuerDID, KeyID: vm, VCT: credential.VCT(typeName), HolderKey: holder.PublicKey,
		})
		if err != nil {
			return nil, err
		}
		cred = []byte(s)
	case issuer.FormatLDP:
		subject := map[string]any{"id": holder.DID}
		for k, v := range tok.claims {
			subject[k] = v
		}
		b, err := json.MarshalIndent(map[string]any{
			"@context":          []string{schemas.CredentialsV2URL, schemas.CityContextURL},
			"type":              []string{"VerifiableCredential", typeName},
			"issuer":            f.issuerDID,
			"credentialSubject": subject,
		}, "", "  ")
		if err != nil {
			return nil, err
		}
		cred = b
	default:
		return nil, errors.New("unknown format")
	}
	tok.issued[format] = true
	rec := &issuer.Record{ID: "urn:uuid:" + random(), Type: typeName, Subject: holder.DID, Format: format, Credential: cred}
	f.records = append(f.records, rec)
	return rec, nil
}
