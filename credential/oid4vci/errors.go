package oid4vci

import "errors"

// Sentinel errors. Proof failures wrap ErrInvalidProof and one of the
// ErrProof... reasons; offer failures wrap ErrInvalidOffer (or
// ErrOfferByReference, ErrTooLarge).
var (
	// ErrInvalidOffer reports a credential offer that is malformed or breaks
	// a rule of the specification.
	ErrInvalidOffer = errors.New("invalid credential offer")
	// ErrOfferByReference reports an offer URI that carries
	// credential_offer_uri: the offer must be fetched, which ParseOfferURI
	// never does. See [Client.ResolveOffer] and [OfferReferenceError].
	ErrOfferByReference = errors.New("the credential offer is sent by reference")
	// ErrTooLarge reports input or a response over a size limit.
	ErrTooLarge = errors.New("too large")
	// ErrProtocol reports a server response that does not follow the
	// protocol (wrong content type, missing member, mismatched issuer).
	ErrProtocol = errors.New("protocol violation")
	// ErrTxCode reports a transaction code that does not fit the offer
	// (missing, not asked for, wrong length or characters).
	ErrTxCode = errors.New("transaction code does not fit the offer")

	// ErrInvalidProof is wrapped by every key proof failure.
	ErrInvalidProof = errors.New("invalid proof of possession")
	// ErrProofMalformed: not a compact JWS, bad base64 or JSON, missing or
	// mistyped claims.
	ErrProofMalformed = errors.New("malformed proof JWT")
	// ErrProofAlgorithm: alg is not EdDSA or ES256 (e.g. none or HS256), or
	// does not match the key.
	ErrProofAlgorithm = errors.New("proof algorithm not allowed")
	// ErrProofType: typ is not openid4vci-proof+jwt.
	ErrProofType = errors.New("wrong proof JWT type")
	// ErrProofKey: no usable holder key: kid is not a did:key DID URL, the
	// jwk is not a public Ed25519 or P-256 key, both or neither are given,
	// or the header uses x5c, trust_chain or key_attestation.
	ErrProofKey = errors.New("unusable proof key")
	// ErrProofSignature: the signature does not verify with the holder key.
	ErrProofSignature = errors.New("proof signature does not verify")
	// ErrProofAudience: aud is not the credential issuer.
	ErrProofAudience = errors.New("proof is for another audience")
	// ErrProofTime: iat is too old or in the future, or exp/nbf exclude now.
	ErrProofTime = errors.New("proof issued at an unacceptable time")
)

// OfferReferenceError is returned by [ParseOfferURI] for an offer sent by
// reference. It wraps [ErrOfferByReference] and names the URL to fetch.
type OfferReferenceError struct {
	URL string
}

func (e *OfferReferenceError) Error() string {
	return "oid4vci: " + ErrOfferByReference.Error() + " (credential_offer_uri " + e.URL + "); fetch it explicitly"
}

func (e *OfferReferenceError) Unwrap() error { return ErrOfferByReference }
