package dataintegrity

import (
	"errors"
	"fmt"

	"github.com/cityid/cityid/credential/ld"
)

// Sentinel errors. Every error Verify returns matches one of them with
// errors.Is, so a caller can name the reason a proof was refused.
var (
	// ErrNoProof: the document carries no proof.
	ErrNoProof = errors.New("dataintegrity: document has no proof")
	// ErrMalformedProof: a proof field is missing or malformed; the error
	// is a *FieldError naming the field.
	ErrMalformedProof = errors.New("dataintegrity: malformed proof")
	// ErrUnsupportedCryptosuite: the cryptosuite is not in the caller's
	// allow-list or not implemented.
	ErrUnsupportedCryptosuite = errors.New("dataintegrity: unsupported cryptosuite")
	// ErrWrongPurpose: the proof purpose is not the one expected.
	ErrWrongPurpose = errors.New("dataintegrity: wrong proof purpose")
	// ErrChallengeMismatch: the proof's challenge is not the expected one.
	ErrChallengeMismatch = errors.New("dataintegrity: challenge mismatch")
	// ErrDomainMismatch: the proof's domain is not the expected one.
	ErrDomainMismatch = errors.New("dataintegrity: domain mismatch")
	// ErrProofExpired: the proof's expires time has passed.
	ErrProofExpired = errors.New("dataintegrity: proof expired")
	// ErrKeyResolution: the KeyFunc failed or returned an unusable key.
	ErrKeyResolution = errors.New("dataintegrity: cannot resolve verification method")
	// ErrContextMismatch: the proof's @context differs from the document's.
	ErrContextMismatch = errors.New("dataintegrity: proof @context does not match the document's")
	// ErrBadSignature: the signature does not verify.
	ErrBadSignature = errors.New("dataintegrity: signature does not verify")
	// ErrInvalidDocument: the document cannot be canonicalized (undefined
	// terms, values JSON-LD would drop, unknown contexts, limits). The error
	// also matches the specific error of package ld.
	ErrInvalidDocument = errors.New("dataintegrity: document cannot be canonicalized")
	// ErrUnknownContext is ld.ErrUnknownContext: the document names a context
	// the project does not embed.
	ErrUnknownContext = ld.ErrUnknownContext
	// ErrOptions: Sign or Verify was called with unusable options.
	ErrOptions = errors.New("dataintegrity: invalid options")
)

// FieldError names the proof field that is missing or malformed.
// It matches ErrMalformedProof.
type FieldError struct {
	Field  string
	Reason string
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("dataintegrity: malformed proof: %s: %s", e.Field, e.Reason)
}

// Is reports whether target is ErrMalformedProof.
func (e *FieldError) Is(target error) bool { return target == ErrMalformedProof }

// documentError wraps an error from package ld so that it matches both
// ErrInvalidDocument and the ld sentinel.
type documentError struct {
	what string // "document" or "proof configuration"
	err  error
}

func (e *documentError) Error() string {
	return fmt.Sprintf("dataintegrity: %s cannot be canonicalized: %v", e.what, e.err)
}

func (e *documentError) Is(target error) bool { return target == ErrInvalidDocument }
func (e *documentError) Unwrap() error        { return e.err }

func malformed(field, format string, args ...any) error {
	return &FieldError{Field: field, Reason: fmt.Sprintf(format, args...)}
}
