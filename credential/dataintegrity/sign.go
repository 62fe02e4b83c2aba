package dataintegrity

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"time"

	"github.com/multiformats/go-multibase"
)

// DefaultProofPurpose is the proof purpose of credentials.
const DefaultProofPurpose = "assertionMethod"

// SignOptions configure Sign.
type SignOptions struct {
	// Cryptosuite is EdDSARDFC2022 or EdDSAJCS2022. Required.
	Cryptosuite string
	// VerificationMethod is the DID URL of the signing key, e.g.
	// "did:key:z6Mk...#z6Mk...". Required.
	VerificationMethod string
	// ProofPurpose defaults to DefaultProofPurpose.
	ProofPurpose string
	// Created defaults to the current time; it is written in UTC to the
	// second.
	Created time.Time
	// Challenge and Domain are written to the proof when not empty.
	Challenge, Domain string
}

// Sign returns a copy of doc with a DataIntegrityProof made by signer, which
// must hold an Ed25519 key. doc itself is not modified. A document that
// already has a proof is refused: proof sets and chains are not supported.
func Sign(doc map[string]any, signer crypto.Signer, opts SignOptions) (map[string]any, error) {
	suite, ok := suites[opts.Cryptosuite]
	if !ok {
		return nil, fmt.Errorf("%w: %q (supported: %v)", ErrUnsupportedCryptosuite, opts.Cryptosuite, Supported())
	}
	if doc == nil {
		return nil, fmt.Errorf("%w: the document is nil", ErrOptions)
	}
	if _, has := doc["proof"]; has {
		return nil, fmt.Errorf("%w: the document already has a proof; proof sets and chains are not supported", ErrOptions)
	}
	if signer == nil {
		return nil, fmt.Errorf("%w: no signer", ErrOptions)
	}
	pub, ok := signer.Public().(ed25519.PublicKey)
	if !ok || len(pub) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("%w: %s needs an Ed25519 signer, got a %T key", ErrOptions, suite.name, signer.Public())
	}
	if !isAbsoluteIRI(opts.VerificationMethod) {
		return nil, fmt.Errorf("%w: VerificationMethod %q is not an absolute IRI (a DID URL)", ErrOptions, opts.VerificationMethod)
	}
	purpose := opts.ProofPurpose
	if purpose == "" {
		purpose = DefaultProofPurpose
	}
	created := opts.Created
	if created.IsZero() {
		created = time.Now()
	}

	proof := map[string]any{
		"type":               ProofType,
		"cryptosuite":        suite.name,
		"created":            created.UTC().Format(time.RFC3339),
		"verificationMethod": opts.VerificationMethod,
		"proofPurpose":       purpose,
	}
	if opts.Challenge != "" {
		proof["challenge"] = opts.Challenge
	}
	if opts.Domain != "" {
		proof["domain"] = opts.Domain
	}
	h, err := suite.hash(proofConfig(proof, doc), doc)
	if err != nil {
		return nil, err
	}
	sig, err := signer.Sign(rand.Reader, h.data[:], crypto.Hash(0))
	if err != nil {
		return nil, fmt.Errorf("dataintegrity: signing: %w", err)
	}
	// A faulty signer (a remote key service, a bad hardware token) must not
	// produce a credential that no one can verify.
	if !ed25519.Verify(pub, h.data[:], sig) {
		return nil, fmt.Errorf("dataintegrity: the signer returned a signature that does not verify with its public key")
	}
	value, err := multibase.Encode(multibase.Base58BTC, sig)
	if err != nil {
		return nil, fmt.Errorf("dataintegrity: encoding proofValue: %w", err)
	}
	proof["proofValue"] = value
	if ctx, ok := doc["@context"]; ok && suite.proofContext {
		proof["@context"] = ctx
	}

	out := make(map[string]any, len(doc)+1)
	for k, v := range doc {
		out[k] = v
	}
	out["proof"] = proof
	return out, nil
}
