// Package oid4vci is the wire protocol of OpenID for Verifiable Credential
// Issuance 1.0 (final) as cityid uses it: the pre-authorized code flow with a
// transaction code, JWT proof of possession bound to a did:key, and the
// dc+sd-jwt and ldp_vc credential formats, plus cityid's own cityid-qr
// format ([FormatCompactQR], the compact QR form of docs/compact-qr.md). The issuer's HTTP endpoints
// (package issuer/oid4vci) and the resident's wallet share it.
//
// It provides:
//
//   - the messages: [CredentialOffer], [IssuerMetadata],
//     [AuthorizationServerMetadata], [TokenRequest] and [TokenResponse],
//     [NonceResponse], [CredentialRequest] and [CredentialResponse], and the
//     OAuth-style [Error] response;
//   - credential offers as URIs: [ParseOfferURI] and [CredentialOffer.URI].
//     An offer sent by reference (credential_offer_uri) is never fetched by
//     the parser; [Client.ResolveOffer] fetches it when asked;
//   - proof of possession: [NewProofJWT] makes an openid4vci-proof+jwt and
//     [VerifyProofJWT] checks one. The holder key always comes from the
//     did:key in the kid header (or an embedded jwk, turned into its did:key);
//     nothing is resolved over the network;
//   - a [Client] that runs the whole pre-authorized code flow for a wallet:
//     metadata, token, nonce and credential requests, for one configuration
//     ([Client.Receive]) or, with one access token, for several
//     ([Client.ReceiveAll]: the forms of one credential offered side by
//     side).
//
// Every parser bounds its input size and refuses duplicate JSON members.
// Proof failures wrap [ErrInvalidProof] and one more specific sentinel
// ([ErrProofAlgorithm], [ErrProofAudience], ...), so callers can name the
// reason with errors.Is.
package oid4vci
