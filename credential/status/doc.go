// Package status implements W3C Bitstring Status List v1.0
// (https://www.w3.org/TR/vc-bitstring-status-list/): the bitstring ([List])
// with its encodedList form (GZIP, then multibase base64url without padding),
// the BitstringStatusListEntry a credential carries ([Entry]), the unsigned
// BitstringStatusListCredential an issuer publishes
// ([NewStatusListCredential]) and the status check a verifier runs ([Check]).
//
// Bit 0 is the most significant (left-most) bit of the first byte. A status
// of statusSize bits starts at bit index*statusSize and is read most
// significant bit first. statusSize up to [MaxStatusSize] is supported.
//
// The package never fetches anything. A verifier must itself obtain the
// status list credential named by Entry.ListCredential (from its trust bundle
// or cache), check that credential's proof, issuer, id and validity period,
// and only then pass its credentialSubject to [Check].
//
// Errors wrap the sentinels [ErrMalformed], [ErrRange], [ErrListLength],
// [ErrVerification] (the spec's MALFORMED_VALUE_ERROR, RANGE_ERROR,
// STATUS_LIST_LENGTH_ERROR and STATUS_VERIFICATION_ERROR) and
// [ErrListTooLarge] (a decompressed list over [MaxDecodedBytes], e.g. a
// zip bomb).
package status
