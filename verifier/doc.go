// Package verifier checks city credentials and presentations offline.
//
// An agency embeds it with one call: build a Verifier from a Policy (the
// policy is required: which issuers are trusted, which forms and algorithms
// are accepted, the clock and the maximum age), then call Verify. Nothing on
// the verification path touches the network: contexts are embedded, issuer
// keys come from the signed trust bundle or from did:key itself, and status
// lists come cached in the bundle.
//
// Verify never trusts a signature alone: the key that made the proof must
// belong to the credential's issuer (issuer binding), the issuer must be
// trusted for the credential's type, and every failure is reported with a
// named reason and a sentence a clerk can read out.
//
// Opt-outs that weaken a check carry Unsafe in their name.
package verifier
