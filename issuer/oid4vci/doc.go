// Package oid4vci serves the issuer's OpenID for Verifiable Credential
// Issuance 1.0 endpoints for the pre-authorized code flow:
//
//	GET  /.well-known/openid-credential-issuer   credential issuer metadata
//	GET  /.well-known/oauth-authorization-server authorization server metadata
//	POST /oid4vci/token                          pre-authorized code (+ tx_code) -> access token
//	POST /oid4vci/nonce                          a fresh c_nonce
//	POST /oid4vci/credential                     access token + proof JWT -> credential
//
// (each path below the path of the issuer's public URL, if it has one).
//
// [NewHandler] speaks the protocol and checks everything a request carries
// (body size, media types, the bearer token's form, the proof of possession
// with [oid4vci.VerifyProofJWT]); the [Backend], which *issuer.Service
// implements, decides: it redeems codes, issues and checks nonces and access
// tokens, and mints the credential. Its [*issuer.Error] codes become OAuth
// and OpenID4VCI error responses. Metadata lists every city credential type
// of package schemas in three formats (dc+sd-jwt, ldp_vc and cityid's
// compact QR form cityid-qr, whose credential is the "CID1:" text as a JSON
// string), with configuration ids from [issuer.ConfigurationID]. One access
// token gets each configuration of its offer once: the forms of one
// credential.
//
// The message types, proof JWTs and the wallet-side client live in package
// credential/oid4vci.
package oid4vci
