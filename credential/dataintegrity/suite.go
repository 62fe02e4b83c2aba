package dataintegrity

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"

	"github.com/gowebpki/jcs"

	"github.com/cityid/cityid/credential/ld"
)

// Cryptosuite names.
const (
	EdDSARDFC2022 = "eddsa-rdfc-2022"
	EdDSAJCS2022  = "eddsa-jcs-2022"
)

// ProofType is the type of every proof this package makes and accepts.
const ProofType = "DataIntegrityProof"

// MaxDocumentSize bounds the JSON serialization of a document canonicalized
// with JCS, in bytes. RDFC-1.0 documents are bounded by ld.MaxValues and
// ld.MaxDepth.
const MaxDocumentSize = 1 << 20

// cryptosuite is one supported cryptosuite: how it canonicalizes the
// unsecured document and the proof configuration. Both EdDSA suites hash
// with SHA-256 and sign with Ed25519.
type cryptosuite struct {
	name      string
	canonical func(map[string]any) ([]byte, error)
	// proofContext reports whether the proof added to a document carries
	// the document's @context (eddsa-jcs-2022 does, eddsa-rdfc-2022 not).
	proofContext bool
}

var suites = map[string]*cryptosuite{
	EdDSARDFC2022: {name: EdDSARDFC2022, canonical: ld.Canonicalize},
	EdDSAJCS2022:  {name: EdDSAJCS2022, canonical: canonicalJCS, proofContext: true},
}

// Supported lists the cryptosuites this package implements.
func Supported() []string { return []string{EdDSARDFC2022, EdDSAJCS2022} }

// canonicalJCS is the JSON Canonicalization Scheme (RFC 8785) of doc.
func canonicalJCS(doc map[string]any) ([]byte, error) {
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("document is not JSON: %w", err)
	}
	if len(b) > MaxDocumentSize {
		return nil, &ld.LimitError{What: "document size in bytes", Limit: MaxDocumentSize}
	}
	return jcs.Transform(b)
}

// hashData is the "hashing" step of both EdDSA suites: SHA-256 of the
// canonical proof configuration followed by SHA-256 of the canonical
// document.
type hashes struct {
	canonicalConfig, canonicalDoc []byte
	data                          [2 * sha256.Size]byte
}

// hash canonicalizes the proof configuration and the unsecured document and
// returns the data to sign.
func (s *cryptosuite) hash(config, unsecured map[string]any) (*hashes, error) {
	h := new(hashes)
	var err error
	if h.canonicalConfig, err = s.canonical(config); err != nil {
		return nil, &documentError{what: "proof configuration", err: err}
	}
	if h.canonicalDoc, err = s.canonical(unsecured); err != nil {
		return nil, &documentError{what: "document", err: err}
	}
	ch := sha256.Sum256(h.canonicalConfig)
	dh := sha256.Sum256(h.canonicalDoc)
	copy(h.data[:sha256.Size], ch[:])
	copy(h.data[sha256.Size:], dh[:])
	return h, nil
}

// proofConfig is the proof configuration: the proof options (every proof
// field but proofValue) with the document's @context.
func proofConfig(options map[string]any, doc map[string]any) map[string]any {
	config := make(map[string]any, len(options)+1)
	for k, v := range options {
		if k != "proofValue" {
			config[k] = v
		}
	}
	if ctx, ok := doc["@context"]; ok {
		config["@context"] = ctx
	}
	return config
}

// withoutProof is doc without its proof member.
func withoutProof(doc map[string]any) map[string]any {
	out := make(map[string]any, len(doc))
	for k, v := range doc {
		if k != "proof" {
			out[k] = v
		}
	}
	return out
}
