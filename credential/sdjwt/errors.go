package sdjwt

import "errors"

// Sentinel errors. Every error returned by this package wraps one of them,
// so callers can branch with errors.Is and still show the detailed message.
// Some wrap a second one that names the cause more precisely: a Key Binding
// JWT failure is ErrKeyBinding and, say, ErrType; ErrKeyLookup and ErrCrypto
// also wrap the underlying error from the KeyFunc or crypto.Signer.
var (
	// ErrMalformed: the input is not a well-formed SD-JWT, disclosure,
	// JWS or claim (bad base64url, bad JSON, wrong claim type, missing
	// required claim).
	ErrMalformed = errors.New("sdjwt: malformed")
	// ErrTooLarge: the input exceeds MaxTokenSize or MaxDisclosures.
	ErrTooLarge = errors.New("sdjwt: input too large")
	// ErrAlgorithm: a signature or digest algorithm is not allowed, does not
	// match the key type, or the key type is unsupported.
	ErrAlgorithm = errors.New("sdjwt: algorithm not allowed")
	// ErrType: the JOSE typ header is not the expected media type.
	ErrType = errors.New("sdjwt: wrong token type")
	// ErrKeyLookup: the KeyFunc could not supply the issuer key.
	ErrKeyLookup = errors.New("sdjwt: issuer key lookup failed")
	// ErrSignature: the issuer signature does not verify.
	ErrSignature = errors.New("sdjwt: invalid signature")
	// ErrIssuerBinding: the signing key (kid) does not belong to the issuer
	// named in iss.
	ErrIssuerBinding = errors.New("sdjwt: signing key not bound to issuer")
	// ErrExpired: the credential's exp lies in the past.
	ErrExpired = errors.New("sdjwt: credential expired")
	// ErrNotYetValid: the credential's nbf or iat lies in the future.
	ErrNotYetValid = errors.New("sdjwt: credential not yet valid")
	// ErrDisclosure: a disclosure is unreferenced, duplicated, of the wrong
	// shape, or would set a reserved or already present claim.
	ErrDisclosure = errors.New("sdjwt: invalid disclosure")
	// ErrKeyBinding: the Key Binding JWT is missing (when required), badly
	// signed, stale or outside its own exp/nbf, or bound to a different
	// presentation (sd_hash). It may also wrap ErrType, ErrAlgorithm or
	// ErrMalformed; never ErrExpired or ErrNotYetValid, which are about the
	// credential.
	ErrKeyBinding = errors.New("sdjwt: key binding failed")
	// ErrNonce: the Key Binding JWT carries a different nonce.
	ErrNonce = errors.New("sdjwt: key binding nonce mismatch")
	// ErrAudience: the Key Binding JWT was made for a different audience.
	ErrAudience = errors.New("sdjwt: key binding audience mismatch")
	// ErrOptions: the caller's options are incomplete or contradictory
	// (e.g. an empty algorithm allow-list).
	ErrOptions = errors.New("sdjwt: invalid options")
	// ErrCrypto: the crypto.Signer or the randomness source failed while
	// issuing or presenting.
	ErrCrypto = errors.New("sdjwt: cryptographic operation failed")
	// ErrUnknownClaim: Present was asked to disclose a claim path that the
	// credential does not contain.
	ErrUnknownClaim = errors.New("sdjwt: no such claim")
)
