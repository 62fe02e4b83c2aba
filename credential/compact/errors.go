package compact

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every error from this package wraps at least one of them,
// so a caller can name the reason with errors.Is and still show the message,
// which says what was wrong in plain words.
var (
	// ErrPrefix: the text does not start with "CID" and a version, so it is
	// not a compact credential at all (a QR code of something else).
	ErrPrefix = errors.New("compact: not a cityid QR credential (no CID1: prefix)")
	// ErrVersion: the prefix names a format version this build does not know.
	ErrVersion = errors.New("compact: unsupported format version")
	// ErrTooLarge: the text, the inflated data or a CBOR item is over a limit
	// (MaxTextSize, MaxDataSize, nesting, element counts).
	ErrTooLarge = errors.New("compact: input too large")
	// ErrBase45: the text after the prefix is not valid Base45 (RFC 9285).
	ErrBase45 = errors.New("compact: invalid base45")
	// ErrInflate: the zlib-compressed data does not inflate.
	ErrInflate = errors.New("compact: compressed data is corrupt")
	// ErrCBOR: the data is not the CBOR structure the format defines, or not
	// in its one deterministic encoding.
	ErrCBOR = errors.New("compact: malformed data")
	// ErrForm: a well-formed text of the wrong form for the call, e.g. a
	// wallet's stored credential given to Verify, or a presentation given
	// to Present.
	ErrForm = errors.New("compact: wrong form")
	// ErrAlgorithm: a signature algorithm outside the allow-list (EdDSA with
	// Ed25519, ES256 with P-256), or one that does not match the key.
	ErrAlgorithm = errors.New("compact: algorithm not allowed")
	// ErrUnknownKey: the KeyFunc does not know the issuer key id (the issuer
	// is not in the trust bundle), or gave a key that does not match it.
	ErrUnknownKey = errors.New("compact: unknown issuer key")
	// ErrUnknownStatusList: a status list reference that the StatusFunc
	// cannot resolve, so revocation could not be checked.
	ErrUnknownStatusList = errors.New("compact: unknown status list")
	// ErrSignature: the issuer signature does not verify: the credential was
	// altered (a value, a digest, a date, the status) or forged.
	ErrSignature = errors.New("compact: issuer signature invalid")
	// ErrHolderSignature: the holder signature is missing or does not verify
	// with the holder key the issuer bound the credential to.
	ErrHolderSignature = errors.New("compact: holder signature invalid")
	// ErrHolderKey: Present was given a holder key other than the one the
	// credential is bound to, or none for a bound credential, or one for an
	// unbound credential.
	ErrHolderKey = errors.New("compact: wrong holder key")
	// ErrNotHolderBound: the verifier requires holder binding and the
	// credential has none (a paper credential, or one issued without a
	// holder key).
	ErrNotHolderBound = errors.New("compact: credential is not bound to a holder")
	// ErrChallenge: the presentation was made for another challenge than the
	// verifier's, or without one when the verifier gave one, or the other way
	// round.
	ErrChallenge = errors.New("compact: challenge mismatch")
	// ErrStale: the holder's timestamp is outside the verifier's window
	// (too old, or too far in the future).
	ErrStale = errors.New("compact: presentation too old or from the future")
	// ErrNotYetValid: the credential's validFrom is in the future.
	ErrNotYetValid = errors.New("compact: credential not yet valid")
	// ErrExpired: the credential's validUntil has passed.
	ErrExpired = errors.New("compact: credential expired")
	// ErrDisclosure: a claim named for disclosure that the credential does
	// not hold, or presented salts that do not match the disclosed claims.
	ErrDisclosure = errors.New("compact: invalid disclosure")
	// ErrCredential: Issue was given a credential the compact form cannot
	// carry faithfully (unknown type, claim, context or member; a value of
	// the wrong form).
	ErrCredential = errors.New("compact: credential cannot be made compact")
	// ErrCrypto: the signer or the randomness source failed.
	ErrCrypto = errors.New("compact: cryptographic operation failed")
)

// errorf wraps sentinel with a formatted explanation.
func errorf(sentinel error, format string, args ...any) error {
	return fmt.Errorf("%w: %s", sentinel, fmt.Sprintf(format, args...))
}
