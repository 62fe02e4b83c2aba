package oid4vci

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	proto "github.com/cityid/cityid/credential/oid4vci"
	"github.com/cityid/cityid/issuer"
)

// token serves the token endpoint: pre-authorized code (and tx_code) for a
// Bearer access token (OpenID4VCI §6).
func (h *handler) token(w http.ResponseWriter, r *http.Request) {
	if !hasMediaType(r, "application/x-www-form-urlencoded") {
		writeError(w, proto.NewError(http.StatusBadRequest, proto.CodeInvalidRequest,
			"a token request must be sent as application/x-www-form-urlencoded"))
		return
	}
	body, perr := h.readBody(w, r, proto.CodeInvalidRequest)
	if perr != nil {
		writeError(w, perr)
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		writeError(w, proto.NewError(http.StatusBadRequest, proto.CodeInvalidRequest, "the form body is malformed: "+err.Error()))
		return
	}
	req, err := proto.ParseTokenRequest(form)
	if err != nil {
		writeError(w, err.(*proto.Error))
		return
	}
	grant, err := h.backend.RedeemPreAuthorizedCode(r.Context(), req.PreAuthorizedCode, req.TxCode)
	if err != nil {
		writeError(w, h.tokenError(err))
		return
	}
	if grant == nil || !validBearer(grant.AccessToken) {
		h.opts.Logger.Error("oid4vci: the backend returned no usable access token")
		writeError(w, serverError())
		return
	}
	writeJSON(w, http.StatusOK, proto.TokenResponse{
		AccessToken: grant.AccessToken,
		TokenType:   proto.TokenTypeBearer,
		ExpiresIn:   int64((grant.ExpiresIn + time.Second - 1) / time.Second),
	})
}

// nonce serves the nonce endpoint (OpenID4VCI §7).
func (h *handler) nonce(w http.ResponseWriter, r *http.Request) {
	if _, perr := h.readBody(w, r, proto.CodeInvalidRequest); perr != nil {
		writeError(w, perr)
		return
	}
	n, err := h.backend.NewNonce(r.Context())
	if err != nil {
		writeError(w, h.genericError(err, "nonce"))
		return
	}
	if n == "" {
		h.opts.Logger.Error("oid4vci: the backend returned an empty nonce")
		writeError(w, serverError())
		return
	}
	writeJSON(w, http.StatusOK, proto.NonceResponse{CNonce: n})
}

// credential serves the credential endpoint (OpenID4VCI §8): it checks the
// bearer token's form, the request and the proof of possession, then lets
// the backend check token and nonce and issue.
func (h *handler) credential(w http.ResponseWriter, r *http.Request) {
	authz := r.Header.Get("Authorization")
	token, ok := proto.BearerToken(authz)
	if !ok {
		e := proto.NewError(http.StatusUnauthorized, proto.CodeInvalidToken,
			"the Authorization header is not a Bearer access token")
		if authz == "" {
			// RFC 6750 §3.1: no error code in the challenge when the
			// request carries no credentials at all.
			e.Description = "the credential request needs a Bearer access token from the token endpoint"
			w.Header().Set("WWW-Authenticate", "Bearer")
			writeBody(w, e)
			return
		}
		writeError(w, e)
		return
	}
	if !hasMediaType(r, "application/json") {
		writeError(w, proto.NewError(http.StatusBadRequest, proto.CodeInvalidCredentialRequest,
			"a credential request must be sent as application/json"))
		return
	}
	body, perr := h.readBody(w, r, proto.CodeInvalidCredentialRequest)
	if perr != nil {
		writeError(w, perr)
		return
	}
	req, err := proto.ParseCredentialRequest(body)
	if err != nil {
		writeError(w, err.(*proto.Error))
		return
	}
	bad := func(code, desc string) { writeError(w, proto.NewError(http.StatusBadRequest, code, desc)) }
	if req.CredentialIdentifier != "" {
		bad(proto.CodeUnknownCredentialIdentifier, "this issuer hands out no credential identifiers; send credential_configuration_id")
		return
	}
	if len(req.CredentialResponseEncryption) > 0 {
		bad(proto.CodeInvalidEncryptionParameters, "this issuer does not encrypt credential responses")
		return
	}
	typeName, format, ok := issuer.ParseConfigurationID(req.CredentialConfigurationID)
	if !ok {
		bad(proto.CodeUnknownCredentialConfiguration,
			"credential configuration "+req.CredentialConfigurationID+" is not in this issuer's metadata")
		return
	}
	if req.Proofs == nil {
		bad(proto.CodeInvalidProof, "the request has no proofs; send proofs.jwt with one proof JWT")
		return
	}
	if len(req.Proofs.JWT) != 1 {
		bad(proto.CodeInvalidCredentialRequest, "this issuer issues one credential per request: send exactly one proof")
		return
	}
	holderDID, pub, nonce, err := proto.VerifyProofJWT(req.Proofs.JWT[0], h.issuerID, h.opts.Now(), h.opts.ProofMaxAge)
	if err != nil {
		bad(proto.CodeInvalidProof, strings.TrimPrefix(err.Error(), "oid4vci: "))
		return
	}
	if nonce == "" {
		bad(proto.CodeInvalidProof, "the proof has no nonce: get a c_nonce from the nonce endpoint and put it in the proof's nonce claim")
		return
	}
	rec, err := h.backend.IssueForToken(r.Context(), token, typeName, format,
		issuer.HolderProof{DID: holderDID, PublicKey: pub}, nonce)
	if err != nil {
		writeError(w, h.credentialError(err))
		return
	}
	if rec == nil || (rec.Format != "" && rec.Format != format) {
		h.opts.Logger.Error("oid4vci: the backend returned no credential or one of another format",
			"type", typeName, "format", format)
		writeError(w, serverError())
		return
	}
	ic, err := proto.NewIssuedCredential(string(format), rec.Credential)
	if err != nil {
		h.opts.Logger.Error("oid4vci: the backend returned an unusable credential", "id", rec.ID, "err", err)
		writeError(w, serverError())
		return
	}
	writeJSON(w, http.StatusOK, proto.CredentialResponse{Credentials: []proto.IssuedCredential{ic}})
}

// tokenError maps a backend error at the token endpoint to an OAuth token
// error response (RFC 6749 §5.2, OpenID4VCI §6.3).
func (h *handler) tokenError(err error) *proto.Error {
	var ie *issuer.Error
	if !errors.As(err, &ie) {
		return h.genericError(err, "token")
	}
	switch ie.Code {
	case issuer.CodeInvalidRequest:
		return proto.NewError(http.StatusBadRequest, proto.CodeInvalidRequest, ie.Message)
	case issuer.CodeInvalidGrant, issuer.CodeOfferUsed, issuer.CodeOfferExpired,
		issuer.CodeNotFound, issuer.CodeTooManyTries, issuer.CodeUnauthorized, issuer.CodeForbidden:
		return proto.NewError(http.StatusBadRequest, proto.CodeInvalidGrant, ie.Message)
	}
	return h.genericError(err, "token")
}

// credentialError maps a backend error at the credential endpoint to a
// bearer token error (RFC 6750 §3.1) or a credential error (§8.3.1).
func (h *handler) credentialError(err error) *proto.Error {
	var ie *issuer.Error
	if !errors.As(err, &ie) {
		return h.genericError(err, "credential")
	}
	switch ie.Code {
	case issuer.CodeInvalidToken, issuer.CodeUnauthorized, issuer.CodeNotFound, issuer.CodeOfferExpired:
		return proto.NewError(http.StatusUnauthorized, proto.CodeInvalidToken, ie.Message)
	case issuer.CodeForbidden:
		return proto.NewError(http.StatusForbidden, proto.CodeInsufficientScope, ie.Message)
	case issuer.CodeInvalidNonce:
		return proto.NewError(http.StatusBadRequest, proto.CodeInvalidNonce, ie.Message)
	case issuer.CodeInvalidProof, issuer.CodeInvalidDID:
		return proto.NewError(http.StatusBadRequest, proto.CodeInvalidProof, ie.Message)
	case issuer.CodeUnknownType:
		return proto.NewError(http.StatusBadRequest, proto.CodeUnknownCredentialConfiguration, ie.Message)
	case issuer.CodeInvalidRequest:
		return proto.NewError(http.StatusBadRequest, proto.CodeInvalidCredentialRequest, ie.Message)
	case issuer.CodeOfferUsed, issuer.CodeConflict, issuer.CodeInvalidClaims, issuer.CodeTooManyTries:
		return proto.NewError(http.StatusBadRequest, proto.CodeCredentialRequestDenied, ie.Message)
	}
	return h.genericError(err, "credential")
}

// genericError answers an error no endpoint-specific rule covers: a
// client-side *issuer.Error keeps its status with invalid_request; anything
// else is logged and answered with server_error.
func (h *handler) genericError(err error, endpoint string) *proto.Error {
	var ie *issuer.Error
	if errors.As(err, &ie) && ie.Status >= 400 && ie.Status < 500 {
		return proto.NewError(ie.Status, proto.CodeInvalidRequest, ie.Message)
	}
	h.opts.Logger.Error("oid4vci: backend failure", "endpoint", endpoint, "err", err)
	return serverError()
}

func serverError() *proto.Error {
	return proto.NewError(http.StatusInternalServerError, proto.CodeServerError,
		"the issuer could not complete the request; try again later")
}

// validBearer reports whether a backend access token can travel in an
// Authorization header.
func validBearer(token string) bool {
	got, ok := proto.BearerToken("Bearer " + token)
	return ok && got == token
}

// writeBody writes an error body without a challenge header of its own.
func writeBody(w http.ResponseWriter, e *proto.Error) {
	body, _ := json.Marshal(e)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(e.Status)
	w.Write(body)
}
