// Package aries is the project's ONE adapter to hyperledger/aries-framework-go.
//
// aries-framework-go is archived upstream. No other package may import it:
// replacing it with its successor (trustbloc/vc-go) must stay a change to this
// package alone. The adapter offers four things:
//
//   - [DocumentLoader]: an offline JSON-LD document loader that knows only the
//     contexts embedded in package schemas. An unknown context is an error
//     ([ErrUnknownContext]); nothing is ever downloaded.
//   - [SignEd25519Signature2020] and [VerifyLDProof]: legacy Linked Data
//     proofs (Ed25519Signature2020) on VC 1.1 credentials.
//   - [Canonicalize]: aries' own RDF Dataset Canonicalization (URDNA2015,
//     N-Quads), the reference other packages check their canonicalization
//     against.
//
// # Security: aries does NOT check issuer binding
//
// VerifyLDProof proves only that the proof was made by the private key of the
// public key the caller passed in. aries-framework-go never checks that the
// proof's verificationMethod belongs to the credential's issuer: a credential
// whose issuer is the city but whose proof was made by an attacker's key, with
// verificationMethod naming the attacker's did:key, verifies when given the
// attacker's key (see TestAriesDoesNotCheckIssuerBinding). The CALLER must:
//
//  1. pick the public key from its own trust bundle for the credential's
//     issuer, never from the credential;
//  2. check that [LDResult.VerificationMethod] is a method the issuer
//     controls (for did:key, that it starts with the issuer DID and "#");
//  3. check [LDResult.Issuer] is the issuer it trusts for this credential type.
//
// A successful [VerifyLDProof] result alone must never be trusted.
//
// Other aries traps this adapter closes: ParseCredential accepts a
// credential without any proof (VerifyLDProof requires exactly one); a
// credentialSchema of type JsonSchemaValidator2018 makes aries download the
// schema over HTTP (disabled, and the schema client refuses every request);
// with no document loader json-gold downloads contexts (a loader is always
// passed); JSON-LD terms that no context defines are silently left out of the
// signed data (strict validation rejects them); json-gold merges an
// "@import"ed context into the loaded document, so a loader that shares
// parsed documents can be poisoned by one credential (this loader hands out
// copies); aries emits relative IRIs that are not RDF (Canonicalize fails
// with ErrInvalidRDF, and signing refuses them).
package aries
