package oid4vci

import (
	"context"
	"crypto"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/cityid/cityid/did"
)

// Received is the outcome of one configuration in [Client.ReceiveAll].
type Received struct {
	ConfigurationID string
	// Format is the configuration's format in the issuer's metadata.
	Format string
	// Credential is the credential, as [Client.Receive] returns it; nil when
	// Err is set.
	Credential []byte
	// Err says why this configuration was not received: the holder key
	// cannot be bound in it (it was then not requested), or the credential
	// request failed (an [*Error] when the issuer answered with an error
	// code).
	Err error
}

// ReceiveAll redeems a credential offer once and requests each of the
// configurations ids (every configuration of the offer when ids is empty)
// with the one access token, each with a fresh c_nonce and proof JWT for
// holder. An issuer may offer one credential in several formats side by
// side (cityid: SD-JWT VC, W3C VC and the compact QR form of the same
// credential); this collects them all.
//
// Configurations whose metadata does not accept a did:key holder proved with
// holder's algorithm are not requested. The error is non-nil only when
// nothing could be requested: a bad offer or argument, unusable metadata, no
// configuration the holder can be bound in, or a failed token request. The
// results, one per configuration in order, carry the other failures.
func (c *Client) ReceiveAll(ctx context.Context, offer *CredentialOffer, txCode string, holder crypto.Signer, ids ...string) ([]Received, error) {
	if offer == nil {
		return nil, fmt.Errorf("oid4vci: %w: no offer", ErrInvalidOffer)
	}
	if err := offer.Validate(); err != nil {
		return nil, err
	}
	grant := offer.PreAuthorized()
	if grant == nil {
		return nil, fmt.Errorf("oid4vci: %w: the offer has no pre-authorized code grant", ErrInvalidOffer)
	}
	if len(ids) == 0 {
		ids = offer.CredentialConfigurationIDs
	}
	for i, id := range ids {
		if _, err := pickConfiguration(offer, id); err != nil {
			return nil, err
		}
		if slices.Contains(ids[:i], id) {
			return nil, fmt.Errorf("oid4vci: configuration %q is asked for twice", id)
		}
	}
	if err := offer.CheckTxCode(txCode); err != nil {
		return nil, err
	}
	if holder == nil {
		return nil, errors.New("oid4vci: Receive: no holder key")
	}
	kid, err := did.KeyVerificationMethod(holder.Public())
	if err != nil {
		return nil, fmt.Errorf("oid4vci: holder key: %w", err)
	}
	alg, err := algFor(holder.Public())
	if err != nil {
		return nil, fmt.Errorf("oid4vci: holder key: %w", err)
	}

	md, err := c.FetchIssuerMetadata(ctx, offer.CredentialIssuer)
	if err != nil {
		return nil, err
	}
	out := make([]Received, len(ids))
	var firstErr error
	usable := 0
	for i, id := range ids {
		out[i].ConfigurationID = id
		conf, ok := md.CredentialConfigurationsSupported[id]
		if !ok {
			return nil, fmt.Errorf("oid4vci: %w: the issuer's metadata does not describe the offered configuration %q", ErrProtocol, id)
		}
		out[i].Format = conf.Format
		if out[i].Err = checkBinding(conf, alg); out[i].Err != nil {
			firstErr = cmpOr(firstErr, out[i].Err)
			continue
		}
		usable++
	}
	if usable == 0 {
		return nil, firstErr
	}
	server, err := pickAuthorizationServer(md, grant)
	if err != nil {
		return nil, err
	}
	asmd, err := c.FetchAuthorizationServerMetadata(ctx, server)
	if err != nil {
		return nil, err
	}
	token, err := c.requestToken(ctx, asmd.TokenEndpoint, TokenRequest{
		GrantType:         GrantTypePreAuthorizedCode,
		PreAuthorizedCode: grant.PreAuthorizedCode,
		TxCode:            txCode,
	})
	if err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Err != nil {
			continue
		}
		if err := ctx.Err(); err != nil {
			out[i].Err = err
			continue
		}
		out[i].Credential, out[i].Err = c.requestOne(ctx, md, token, out[i].ConfigurationID, out[i].Format, holder, kid)
	}
	return out, nil
}

// cmpOr returns a unless it is nil, else b.
func cmpOr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// requestOne gets a nonce, makes a proof and requests one configuration,
// trying once more with a fresh nonce if the issuer answers invalid_nonce.
func (c *Client) requestOne(ctx context.Context, md *IssuerMetadata, token, id, format string, holder crypto.Signer, kid string) ([]byte, error) {
	for attempt := 0; ; attempt++ {
		nonce := ""
		if md.NonceEndpoint != "" {
			var err error
			if nonce, err = c.requestNonce(ctx, md.NonceEndpoint); err != nil {
				return nil, err
			}
		}
		proof, err := NewProofJWT(holder, kid, md.CredentialIssuer, nonce, time.Now())
		if err != nil {
			return nil, err
		}
		resp, err := c.requestCredential(ctx, md.CredentialEndpoint, token, CredentialRequest{
			CredentialConfigurationID: id,
			Proofs:                    &Proofs{JWT: []string{proof}},
		})
		var e *Error
		if errors.As(err, &e) && e.Code == CodeInvalidNonce && md.NonceEndpoint != "" && attempt == 0 {
			continue
		}
		if err != nil {
			return nil, err
		}
		return credentialOf(resp, format, md.CredentialEndpoint)
	}
}
