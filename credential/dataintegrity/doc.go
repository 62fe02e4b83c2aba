// Package dataintegrity signs and verifies W3C Data Integrity proofs
// (https://www.w3.org/TR/vc-data-integrity/) with the EdDSA cryptosuites of
// https://www.w3.org/TR/vc-di-eddsa/: eddsa-rdfc-2022 (RDFC-1.0 canonical
// N-Quads, see package ld) and eddsa-jcs-2022 (JSON Canonicalization Scheme).
//
// Verify checks the mathematics and the shape of one proof. It does not
// resolve DID URLs or decide whether a key may speak for the issuer: the
// caller's KeyFunc does that, and the caller enforces issuer binding. It needs
// an explicit allow-list of cryptosuites. A document with more than one proof
// (a proof set or chain) is rejected, not partly verified. Nothing here
// touches the network: contexts come from package schemas only.
package dataintegrity
