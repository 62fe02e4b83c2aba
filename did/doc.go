// Package did knows decentralized identifiers and the keys behind them, and
// nothing about credentials.
//
// It provides:
//
//   - DID and DID URL syntax ([Parse], [ParseURL]) following the DID Core ABNF;
//   - did:key for Ed25519 and P-256 keys ([KeyDID], [ParseKeyDID],
//     [EncodeMultikey], [DecodeMultikey], [ResolveKeyDID]);
//   - DID documents ([Document], [VerificationMethod]) and an offline
//     [Resolver] ([NewResolver]) that answers did:key by computation and
//     did:web from documents an administrator pinned beforehand ([PinnedWeb]);
//   - [ResolveVerificationMethod], which finds a verification method and
//     checks that the DID it belongs to controls it and authorizes it for a
//     verification relationship such as [AssertionMethod];
//   - a [KeyManager] seam for signing keys, with an in-memory implementation
//     ([NewSoftKeyManager]).
//
// Nothing that resolves or verifies touches the network. The only network
// call in the package is [FetchWebDocument], which an administrator runs
// explicitly to obtain a did:web document to pin.
//
// Failures wrap exported sentinel errors ([ErrInvalidDID], [ErrNotFound],
// [ErrNotAuthorized], [ErrUnsupportedMethod], ...) so callers can test the
// reason with [errors.Is]; syntax errors are also [*SyntaxError] values that
// carry the position of the offending character.
package did
