// Package trust reads, checks and writes the city's signed trust bundle: the
// list of issuers a verifier trusts (their DIDs, keys and the credential types
// each may issue), with a version, an expiry and cached status lists.
//
// The bundle is a JWS (RFC 7515, flattened JSON serialization) signed by the
// city's root key, a did:key. A verifier pins that root: the first bundle
// arrives through a trusted channel, and every update must be signed by the
// pinned root (or by the next root the pinned bundle announced) and carry a
// higher version. The format is specified in docs/trust-bundle.md.
package trust
