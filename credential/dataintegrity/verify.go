package dataintegrity

import (
	"crypto"
	"crypto/ed25519"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/multiformats/go-multibase"
)

// KeyFunc resolves a verification method (a DID URL) to its public key. The
// caller decides which verification methods are acceptable for the document
// (issuer binding); an error refuses the proof.
type KeyFunc func(verificationMethod string) (crypto.PublicKey, error)

// VerifyOptions configure Verify.
type VerifyOptions struct {
	// Cryptosuites is the allow-list of cryptosuite names. Required.
	Cryptosuites []string
	// ProofPurpose is the expected purpose; it defaults to
	// DefaultProofPurpose.
	ProofPurpose string
	// Challenge and Domain, when not empty, must match the proof's.
	Challenge, Domain string
	// Now is the time an "expires" proof option is checked against; zero
	// means time.Now().
	Now time.Time
}

// Proof describes a verified proof.
type Proof struct {
	Type               string
	Cryptosuite        string
	VerificationMethod string
	ProofPurpose       string
	Created            time.Time // zero when the proof has no created
	Expires            time.Time // zero when the proof has no expires
	Challenge          string
	Domain             []string
}

// Limits on the proof fields Verify parses.
const (
	maxProofFields = 16
	maxIRILength   = 2048
	maxValueLength = 256 // an Ed25519 signature is 88 base58 characters
)

// Verify checks the single Data Integrity proof of doc. It returns the proof
// when the signature verifies with the key keys returns for the proof's
// verification method and the proof matches opts. doc is not modified.
//
// Errors match the sentinels of this package (see ErrNoProof and the others);
// a malformed field is a *FieldError.
func Verify(doc map[string]any, keys KeyFunc, opts VerifyOptions) (*Proof, error) {
	if len(opts.Cryptosuites) == 0 {
		return nil, fmt.Errorf("%w: VerifyOptions.Cryptosuites is empty: name the cryptosuites you accept", ErrOptions)
	}
	for _, name := range opts.Cryptosuites {
		if _, ok := suites[name]; !ok {
			return nil, fmt.Errorf("%w: allow-list names %q (supported: %v)", ErrUnsupportedCryptosuite, name, Supported())
		}
	}
	if keys == nil {
		return nil, fmt.Errorf("%w: no KeyFunc", ErrOptions)
	}
	if doc == nil {
		return nil, ErrNoProof
	}
	raw, ok := doc["proof"]
	if !ok {
		return nil, ErrNoProof
	}
	if list, isList := raw.([]any); isList {
		switch len(list) {
		case 0:
			return nil, ErrNoProof
		case 1:
			raw = list[0]
		default:
			return nil, malformed("proof", "%d proofs: proof sets and chains are not supported", len(list))
		}
	}
	proofMap, ok := raw.(map[string]any)
	if !ok {
		return nil, malformed("proof", "must be an object, got %s", jsonType(raw))
	}
	p, suite, sig, err := parseProof(proofMap, doc, opts)
	if err != nil {
		return nil, err
	}

	key, err := keys(p.VerificationMethod)
	if err != nil {
		return nil, fmt.Errorf("%w %q: %w", ErrKeyResolution, p.VerificationMethod, err)
	}
	pub, ok := key.(ed25519.PublicKey)
	if !ok || len(pub) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("%w %q: %s needs an Ed25519 public key, got %T", ErrKeyResolution, p.VerificationMethod, suite.name, key)
	}

	h, err := suite.hash(proofConfig(proofMap, doc), withoutProof(doc))
	if err != nil {
		return nil, err
	}
	if !ed25519.Verify(pub, h.data[:], sig) {
		return nil, ErrBadSignature
	}
	return p, nil
}

// parseProof checks the shape of the proof and its agreement with opts and
// returns it with its cryptosuite and decoded signature.
func parseProof(m map[string]any, doc map[string]any, opts VerifyOptions) (*Proof, *cryptosuite, []byte, error) {
	if len(m) > maxProofFields {
		return nil, nil, nil, malformed("proof", "%d fields, more than the %d allowed", len(m), maxProofFields)
	}
	p := &Proof{}
	var err error
	if p.Type, err = stringField(m, "type", true); err != nil {
		return nil, nil, nil, err
	}
	if p.Type != ProofType {
		return nil, nil, nil, malformed("type", "is %q, want %q", p.Type, ProofType)
	}
	if p.Cryptosuite, err = stringField(m, "cryptosuite", true); err != nil {
		return nil, nil, nil, err
	}
	suite := suites[p.Cryptosuite]
	if !slices.Contains(opts.Cryptosuites, p.Cryptosuite) || suite == nil {
		return nil, nil, nil, fmt.Errorf("%w: %q is not in the allow-list %v", ErrUnsupportedCryptosuite, p.Cryptosuite, opts.Cryptosuites)
	}
	if p.VerificationMethod, err = stringField(m, "verificationMethod", true); err != nil {
		return nil, nil, nil, err
	}
	if len(p.VerificationMethod) > maxIRILength || !isAbsoluteIRI(p.VerificationMethod) {
		return nil, nil, nil, malformed("verificationMethod", "%q is not an absolute IRI", truncate(p.VerificationMethod))
	}
	if p.ProofPurpose, err = stringField(m, "proofPurpose", true); err != nil {
		return nil, nil, nil, err
	}
	want := opts.ProofPurpose
	if want == "" {
		want = DefaultProofPurpose
	}
	if p.ProofPurpose != want {
		return nil, nil, nil, fmt.Errorf("%w: proof is for %q, expected %q", ErrWrongPurpose, truncate(p.ProofPurpose), want)
	}
	if p.Created, err = timeField(m, "created"); err != nil {
		return nil, nil, nil, err
	}
	if p.Expires, err = timeField(m, "expires"); err != nil {
		return nil, nil, nil, err
	}
	if !p.Expires.IsZero() {
		now := opts.Now
		if now.IsZero() {
			now = time.Now()
		}
		if now.After(p.Expires) {
			return nil, nil, nil, fmt.Errorf("%w at %s", ErrProofExpired, p.Expires.Format(time.RFC3339))
		}
	}
	if p.Challenge, err = stringField(m, "challenge", false); err != nil {
		return nil, nil, nil, err
	}
	if opts.Challenge != "" && p.Challenge != opts.Challenge {
		return nil, nil, nil, fmt.Errorf("%w: proof has %q", ErrChallengeMismatch, truncate(p.Challenge))
	}
	if p.Domain, err = domainField(m); err != nil {
		return nil, nil, nil, err
	}
	if opts.Domain != "" && !slices.Contains(p.Domain, opts.Domain) {
		return nil, nil, nil, fmt.Errorf("%w: proof is for %q, expected %q", ErrDomainMismatch, p.Domain, opts.Domain)
	}
	if _, ok := m["previousProof"]; ok {
		return nil, nil, nil, malformed("previousProof", "proof chains are not supported")
	}
	if ctx, ok := m["@context"]; ok && !reflect.DeepEqual(ctx, doc["@context"]) {
		return nil, nil, nil, ErrContextMismatch
	}
	sig, err := proofValue(m)
	if err != nil {
		return nil, nil, nil, err
	}
	return p, suite, sig, nil
}

func stringField(m map[string]any, field string, required bool) (string, error) {
	v, ok := m[field]
	if !ok {
		if required {
			return "", malformed(field, "missing")
		}
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", malformed(field, "must be a string, got %s", jsonType(v))
	}
	if len(s) > maxIRILength {
		return "", malformed(field, "longer than %d bytes", maxIRILength)
	}
	return s, nil
}

// dateTimeStamp is the XML Schema dateTimeStamp lexical form: a date and
// time with seconds and a mandatory time zone.
var dateTimeStamp = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$`)

func timeField(m map[string]any, field string) (time.Time, error) {
	v, ok := m[field]
	if !ok {
		return time.Time{}, nil
	}
	s, ok := v.(string)
	if !ok {
		return time.Time{}, malformed(field, "must be a string, got %s", jsonType(v))
	}
	if !dateTimeStamp.MatchString(s) {
		return time.Time{}, malformed(field, "%q is not an XML Schema dateTimeStamp (like 2025-01-31T12:00:00Z)", truncate(s))
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, malformed(field, "%q is not a valid date and time", truncate(s))
	}
	return t, nil
}

func domainField(m map[string]any) ([]string, error) {
	v, ok := m["domain"]
	if !ok {
		return nil, nil
	}
	switch d := v.(type) {
	case string:
		return []string{d}, nil
	case []any:
		out := make([]string, 0, len(d))
		for _, item := range d {
			s, ok := item.(string)
			if !ok || len(d) > maxProofFields {
				return nil, malformed("domain", "must be a string or a short list of strings")
			}
			out = append(out, s)
		}
		return out, nil
	}
	return nil, malformed("domain", "must be a string or a list of strings, got %s", jsonType(v))
}

func proofValue(m map[string]any) ([]byte, error) {
	s, err := stringField(m, "proofValue", true)
	if err != nil {
		return nil, err
	}
	if len(s) > maxValueLength {
		return nil, malformed("proofValue", "%d characters, more than the %d allowed", len(s), maxValueLength)
	}
	if !strings.HasPrefix(s, "z") {
		return nil, malformed("proofValue", "must be multibase base58btc (start with 'z')")
	}
	enc, sig, err := multibase.Decode(s)
	if err != nil || enc != multibase.Base58BTC {
		return nil, malformed("proofValue", "not valid base58btc")
	}
	if len(sig) != ed25519.SignatureSize {
		return nil, malformed("proofValue", "signature is %d bytes, an Ed25519 signature is %d", len(sig), ed25519.SignatureSize)
	}
	return sig, nil
}

// isAbsoluteIRI accepts a scheme followed by a colon and no whitespace.
func isAbsoluteIRI(s string) bool {
	colon := strings.IndexByte(s, ':')
	if colon < 1 || strings.ContainsAny(s, " \t\r\n<>\"{}|^`\\") {
		return false
	}
	for i := 0; i < colon; i++ {
		c := s[i]
		alpha := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
		if !alpha && (i == 0 || !('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	return true
}

func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	default:
		return "a number"
	}
}

// truncate shortens attacker-supplied text quoted in errors.
func truncate(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}
