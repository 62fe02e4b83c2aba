// Package compact is cityid's QR credential format: a W3C VC 2.0 city
// credential small enough for one QR code that a cheap camera or a USB
// scanner reads at arm's length, verified with no network.
//
// The layers follow the EU Digital COVID Certificate ("HC1:") and MOSIP
// Claim 169: the content is CBOR (RFC 8949, deterministic encoding), signed
// as a COSE_Sign1 (RFC 9052; EdDSA with Ed25519 or ES256 with P-256),
// zlib-compressed only when that helps (it never does at QR sizes), Base45
// encoded (RFC 9285, package base45) for the QR alphanumeric mode, behind the
// prefix "CID1:". The VC's terms are compacted with tables (the idea of
// CBOR-LD): a credential class code stands for @context and type, claim
// names are small integers, dates are day numbers, enumerations are indexes,
// the issuer is a 4-byte key id (KeyID) that the verifier's trust bundle
// resolves (KeyFunc), status lists are 3-byte references (StatusRef,
// StatusFunc). Verify maps the result back to the VC 2.0 data model.
//
// Three forms, one signature scheme:
//
//   - Issue signs a selectively disclosable credential and returns the text a
//     wallet stores: the issuer signs salted digests of the claims; the
//     salts are the leaves of a tree grown from one random seed.
//   - Present turns it into the QR text: the chosen claims in the clear with
//     the tree nodes that open them, the others as digests only, and a holder
//     signature (Ed25519) over the presentation, a timestamp and the
//     verifier's challenge when the credential is bound to a holder key.
//   - IssuePaper signs a printable credential with every claim in the clear
//     and no holder binding.
//
// Verify checks presentations and paper credentials; ParseUnsafe reads any
// form for display without checking anything. Errors wrap the sentinels in
// errors.go (ErrPrefix, ErrSignature, ErrChallenge, ...). Decoding is
// bounded (MaxTextSize, MaxDataSize, CBOR nesting and counts) and strict:
// every accepted data item is the one deterministic encoding of its content.
//
// docs/compact-qr.md specifies the format with test vectors and sizes.
package compact
