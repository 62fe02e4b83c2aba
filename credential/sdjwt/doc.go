// Package sdjwt issues, presents and verifies Selective Disclosure JWTs
// (RFC 9901) profiled as SD-JWT-based Verifiable Credentials
// (draft-ietf-oauth-sd-jwt-vc), with holder key binding.
//
// The three roles each have one entry point:
//
//   - [Issue] signs a claim set, hiding the claims named in
//     [IssueOptions.Disclosable] behind salted SHA-256 digests.
//   - [Present] lets the holder pick which claims to reveal and, given the
//     holder key, appends a Key Binding JWT over the exact presentation.
//   - [Verify] checks a presentation against a required policy
//     ([VerifyOptions]): an explicit algorithm allow-list (EdDSA with
//     Ed25519, ES256 with P-256), issuer binding of the signing key, the
//     disclosure digests, the validity window and the Key Binding JWT.
//
// Verification never touches the network: issuer keys come from the caller's
// [KeyFunc], the holder key from the credential's cnf claim. Every failure
// wraps one of the exported sentinel errors (ErrSignature, ErrExpired, ...),
// so callers can name the reason with errors.Is.
//
// [ParseUnverifiedUnsafe] decodes a token without checking anything, for
// display in a wallet or to find the issuer before verification; nothing it
// returns may be trusted.
package sdjwt
