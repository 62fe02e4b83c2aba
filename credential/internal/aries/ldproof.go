package aries

import (
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/hyperledger/aries-framework-go/component/models/ld/processor"
	"github.com/hyperledger/aries-framework-go/component/models/ld/proof"
	"github.com/hyperledger/aries-framework-go/component/models/signature/signer"
	"github.com/hyperledger/aries-framework-go/component/models/signature/suite"
	"github.com/hyperledger/aries-framework-go/component/models/signature/suite/ed25519signature2020"
	"github.com/hyperledger/aries-framework-go/component/models/signature/verifier"
	"github.com/hyperledger/aries-framework-go/component/models/verifiable"
)

// ProofTypeEd25519Signature2020 is the only Linked Data proof type the
// adapter signs and verifies.
const ProofTypeEd25519Signature2020 = ed25519signature2020.SignatureType

// proofPurposeAssertion is the proof purpose of a credential issuer's proof.
const proofPurposeAssertion = "assertionMethod"

// Failure reasons. Errors returned by this package wrap one of these, so a
// caller can tell them apart with errors.Is; the message names the field.
var (
	// ErrInvalidKey: the key is not an Ed25519 key of the right length.
	ErrInvalidKey = errors.New("invalid Ed25519 key")
	// ErrInvalidInput: the document is not a JSON object, or a signing
	// argument is unusable.
	ErrInvalidInput = errors.New("invalid input")
	// ErrProofMissing: the credential carries no proof. (aries itself
	// accepts a credential without proof as "verified".)
	ErrProofMissing = errors.New("credential has no proof")
	// ErrProofUnsupported: the proof is not one Ed25519Signature2020 proof
	// with proofPurpose assertionMethod, a DID URL verificationMethod, a
	// created time and a base58btc proofValue.
	ErrProofUnsupported = errors.New("unsupported proof")
	// ErrSignature: the proof does not verify with the given key.
	ErrSignature = errors.New("linked data proof does not verify")
	// ErrInvalidCredential: aries' strict JSON Schema / JSON-LD validation
	// rejects the credential (for example a term no context defines).
	ErrInvalidCredential = errors.New("credential fails validation")
	// ErrLibraryPanic: aries-framework-go or json-gold panicked on the input.
	ErrLibraryPanic = errors.New("aries-framework-go panicked")
	// ErrNetworkRefused: something inside aries tried to use the network.
	ErrNetworkRefused = errors.New("network access refused: verification is offline")
)

// LDResult is what a verified Linked Data proof says. None of it is checked
// against the issuer: the caller MUST check that VerificationMethod is
// controlled by Issuer and that Issuer is the trusted issuer of the key it
// passed in (see the package documentation). aries' result alone must never
// be trusted.
type LDResult struct {
	// VerificationMethod is the proof's verificationMethod, as written.
	VerificationMethod string
	// Issuer is the credential's issuer id (issuer or issuer.id).
	Issuer string
	// Created is the proof's created time.
	Created time.Time
	// ProofPurpose is the proof's proofPurpose (always assertionMethod).
	ProofPurpose string
}

// SignEd25519Signature2020 adds an Ed25519Signature2020 proof (proofPurpose
// assertionMethod) to doc, a VC 1.1 credential whose @context includes
// https://www.w3.org/2018/credentials/v1 and
// https://w3id.org/security/suites/ed25519-2020/v1. created is written in UTC
// to whole seconds. The document must canonicalize to valid RDF (no relative
// IRIs such as an undefined type), and the signed document is checked with
// VerifyLDProof before it is returned, so a term no context defines (which
// would be left out of the signature) is an error rather than an unsigned
// claim.
func SignEd25519Signature2020(doc []byte, priv ed25519.PrivateKey, verificationMethod string, created time.Time) ([]byte, error) {
	if len(priv) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("aries: %w: private key is %d bytes, want %d", ErrInvalidKey, len(priv), ed25519.PrivateKeySize)
	}
	if err := checkVerificationMethod(verificationMethod); err != nil {
		return nil, fmt.Errorf("aries: %w: %v", ErrInvalidInput, err)
	}
	if created.IsZero() {
		return nil, fmt.Errorf("aries: %w: created time is zero", ErrInvalidInput)
	}
	obj, err := decodeObject(doc)
	if err != nil {
		return nil, err
	}
	if _, ok := obj["proof"]; ok {
		return nil, fmt.Errorf("aries: %w: document already has a proof", ErrInvalidInput)
	}
	// Refuse what would sign relative IRIs (an undefined type, say), which
	// aries' validation lets through and other verifiers reject.
	if _, err := Canonicalize(doc); err != nil {
		return nil, fmt.Errorf("aries: %w: %w", ErrInvalidCredential, err)
	}
	l, err := DocumentLoader()
	if err != nil {
		return nil, err
	}
	c := created.UTC().Truncate(time.Second)
	s := signer.New(ed25519signature2020.New(suite.WithSigner(ed25519Signer{priv})))
	var out []byte
	err = guard(func() error {
		var e error
		out, e = s.Sign(&signer.Context{
			SignatureType:           ProofTypeEd25519Signature2020,
			SignatureRepresentation: proof.SignatureProofValue,
			Created:                 &c,
			VerificationMethod:      verificationMethod,
			Purpose:                 proofPurposeAssertion,
		}, doc, processor.WithDocumentLoader(l))
		return e
	})
	if err != nil {
		return nil, fmt.Errorf("aries: sign: %w", err)
	}
	// aries writes "proof": [ {...} ]; write the usual single object.
	signedObj, err := decodeObject(out)
	if err != nil {
		return nil, err
	}
	if list, ok := signedObj["proof"].([]any); ok && len(list) == 1 {
		signedObj["proof"] = list[0]
		if out, err = json.Marshal(signedObj); err != nil {
			return nil, fmt.Errorf("aries: sign: %w", err)
		}
	}
	if _, err := VerifyLDProof(out, priv.Public().(ed25519.PublicKey)); err != nil {
		return nil, fmt.Errorf("aries: the signed document does not verify: %w", err)
	}
	return out, nil
}

// VerifyLDProof verifies the Ed25519Signature2020 proof of a VC 1.1
// credential with aries' verifiable.ParseCredential: the offline document
// loader, strict JSON Schema and JSON-LD validation, no credentialSchema
// download, and a public key fetcher that returns exactly pub whatever the
// proof names. It returns what the proof claims; the caller MUST enforce issuer
// binding (see LDResult and the package documentation).
//
// The credential must carry exactly one proof. VC 2.0 credentials and Data
// Integrity proofs are not supported by aries and are rejected.
func VerifyLDProof(vc []byte, pub ed25519.PublicKey) (*LDResult, error) {
	if len(pub) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("aries: %w: public key is %d bytes, want %d", ErrInvalidKey, len(pub), ed25519.PublicKeySize)
	}
	obj, err := decodeObject(vc)
	if err != nil {
		return nil, err
	}
	res, err := precheck(obj)
	if err != nil {
		return nil, err
	}
	l, err := DocumentLoader()
	if err != nil {
		return nil, err
	}
	key := append(ed25519.PublicKey(nil), pub...)
	fetcher := func(_, _ string) (*verifier.PublicKey, error) {
		return &verifier.PublicKey{Type: "Ed25519VerificationKey2020", Value: key}, nil
	}
	common := []verifiable.CredentialOpt{
		verifiable.WithJSONLDDocumentLoader(l),
		verifiable.WithNoCustomSchemaCheck(),
		verifiable.WithCredentialSchemaLoader(offlineSchemaLoader()),
		verifiable.WithStrictValidation(),
	}
	// The proof and the validation run as two calls so that the error says
	// which one failed; together they are what one ParseCredential does.
	err = guard(func() error {
		_, e := verifiable.ParseCredential(vc, append(common,
			verifiable.WithCredDisableValidation(),
			verifiable.WithPublicKeyFetcher(fetcher),
			verifiable.WithEmbeddedSignatureSuites(ed25519signature2020.New(
				suite.WithVerifier(ed25519signature2020.NewPublicKeyVerifier()))),
		)...)
		return e
	})
	if err != nil {
		return nil, fmt.Errorf("aries: %w: %w", ErrSignature, err)
	}
	err = guard(func() error {
		_, e := verifiable.ParseCredential(vc, append(common, verifiable.WithDisabledProofCheck())...)
		return e
	})
	if err != nil {
		return nil, fmt.Errorf("aries: %w: %w", ErrInvalidCredential, err)
	}
	return res, nil
}

// decodeObject requires doc to be one JSON object (so a JWT, which aries would
// also accept, is refused).
func decodeObject(doc []byte) (map[string]any, error) {
	var obj map[string]any
	if err := json.Unmarshal(doc, &obj); err != nil {
		return nil, fmt.Errorf("aries: %w: document is not a JSON object: %v", ErrInvalidInput, err)
	}
	if obj == nil {
		return nil, fmt.Errorf("aries: %w: document is null", ErrInvalidInput)
	}
	return obj, nil
}

// precheck enforces what aries leaves out: exactly one proof of the one
// supported shape, and an issuer id. It reads the fields it returns.
func precheck(obj map[string]any) (*LDResult, error) {
	raw, ok := obj["proof"]
	if !ok || raw == nil {
		return nil, fmt.Errorf("aries: %w", ErrProofMissing)
	}
	if list, isList := raw.([]any); isList {
		if len(list) != 1 {
			return nil, fmt.Errorf("aries: %w: proof holds %d proofs, want exactly 1", ErrProofUnsupported, len(list))
		}
		raw = list[0]
	}
	p, ok := raw.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("aries: %w: proof is not a JSON object", ErrProofUnsupported)
	}
	str := func(field string) (string, error) {
		v, ok := p[field].(string)
		if !ok || v == "" {
			return "", fmt.Errorf("aries: %w: proof.%s is missing or not a string", ErrProofUnsupported, field)
		}
		return v, nil
	}
	var res LDResult
	typ, err := str("type")
	if err != nil {
		return nil, err
	}
	if typ != ProofTypeEd25519Signature2020 {
		return nil, fmt.Errorf("aries: %w: proof.type is %q, want %q", ErrProofUnsupported, typ, ProofTypeEd25519Signature2020)
	}
	if res.ProofPurpose, err = str("proofPurpose"); err != nil {
		return nil, err
	}
	if res.ProofPurpose != proofPurposeAssertion {
		return nil, fmt.Errorf("aries: %w: proof.proofPurpose is %q, want %q", ErrProofUnsupported, res.ProofPurpose, proofPurposeAssertion)
	}
	if res.VerificationMethod, err = str("verificationMethod"); err != nil {
		return nil, err
	}
	if err := checkVerificationMethod(res.VerificationMethod); err != nil {
		return nil, fmt.Errorf("aries: %w: %v", ErrProofUnsupported, err)
	}
	created, err := str("created")
	if err != nil {
		return nil, err
	}
	if res.Created, err = time.Parse(time.RFC3339, created); err != nil {
		return nil, fmt.Errorf("aries: %w: proof.created %q is not an RFC 3339 time", ErrProofUnsupported, created)
	}
	pv, err := str("proofValue")
	if err != nil {
		return nil, err
	}
	if pv[0] != 'z' {
		return nil, fmt.Errorf("aries: %w: proof.proofValue must be multibase base58btc (prefix z)", ErrProofUnsupported)
	}
	if _, ok := p["jws"]; ok {
		return nil, fmt.Errorf("aries: %w: proof has both proofValue and jws", ErrProofUnsupported)
	}
	switch iss := obj["issuer"].(type) {
	case string:
		res.Issuer = iss
	case map[string]any:
		res.Issuer, _ = iss["id"].(string)
	}
	if res.Issuer == "" {
		return nil, fmt.Errorf("aries: %w: issuer (or issuer.id) is missing or not a string", ErrInvalidCredential)
	}
	return &res, nil
}

// checkVerificationMethod requires a DID URL with one fragment, the only
// shape aries' key resolution accepts ("did#key").
func checkVerificationMethod(vm string) error {
	did, frag, ok := strings.Cut(vm, "#")
	if !ok || !strings.HasPrefix(did, "did:") || frag == "" || strings.Contains(frag, "#") {
		return fmt.Errorf("verificationMethod %q is not a DID URL with one fragment", vm)
	}
	return nil
}

// guard turns a panic inside aries or json-gold into an error: a verifier
// fed hostile input must fail, not crash.
func guard(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v", ErrLibraryPanic, r)
		}
	}()
	return f()
}

// ed25519Signer is the signer aries' suite calls.
type ed25519Signer struct{ priv ed25519.PrivateKey }

func (s ed25519Signer) Sign(data []byte) ([]byte, error) { return ed25519.Sign(s.priv, data), nil }
func (s ed25519Signer) Alg() string                      { return "EdDSA" }

// refuseTransport fails every HTTP request: it backs the schema loader aries
// insists on having, in case a code path ever ignores WithNoCustomSchemaCheck.
type refuseTransport struct{}

func (refuseTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return nil, fmt.Errorf("%w: %s %s", ErrNetworkRefused, r.Method, r.URL.Redacted())
}

func offlineSchemaLoader() *verifiable.CredentialSchemaLoader {
	return verifiable.NewCredentialSchemaLoaderBuilder().
		SetSchemaDownloadClient(&http.Client{Transport: refuseTransport{}}).
		Build()
}
