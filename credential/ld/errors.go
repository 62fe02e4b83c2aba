package ld

import (
	"errors"
	"fmt"
)

// Sentinel errors; every error returned by this package matches one of them
// with errors.Is.
var (
	// ErrUnknownContext: the document names a context that is not embedded.
	ErrUnknownContext = errors.New("unknown JSON-LD context")
	// ErrUndefinedTerm: a property or type term is not defined by the
	// document's contexts, so expansion would drop it.
	ErrUndefinedTerm = errors.New("undefined JSON-LD term")
	// ErrDroppedValue: a value that conversion to RDF would drop or alter
	// (a relative IRI, a null, an invalid language tag, a base direction).
	ErrDroppedValue = errors.New("value not representable in the signed RDF")
	// ErrInvalidJSONLD: the document is not valid JSON-LD.
	ErrInvalidJSONLD = errors.New("invalid JSON-LD")
	// ErrLimit: the document exceeds a size, depth or complexity limit.
	ErrLimit = errors.New("JSON-LD document exceeds a limit")
)

// UnknownContextError reports a context URL that is not embedded.
// It matches ErrUnknownContext.
type UnknownContextError struct {
	URL string
}

func (e *UnknownContextError) Error() string {
	return fmt.Sprintf("unknown JSON-LD context %q: cityid never downloads contexts", e.URL)
}

// Is reports whether target is ErrUnknownContext.
func (e *UnknownContextError) Is(target error) bool { return target == ErrUnknownContext }

// TermError reports a term that the document's contexts do not define.
// It matches ErrUndefinedTerm.
type TermError struct {
	Term string // the term as written in the document
	Kind string // "property" or "type"
}

func (e *TermError) Error() string {
	if e.Term == "" {
		return fmt.Sprintf("undefined JSON-LD %s term: the document's @context does not define every term, so some data would not be signed", e.Kind)
	}
	return fmt.Sprintf("undefined JSON-LD %s term %q: the document's @context does not define it, so it would not be signed",
		e.Kind, e.Term)
}

// Is reports whether target is ErrUndefinedTerm.
func (e *TermError) Is(target error) bool { return target == ErrUndefinedTerm }

// ValueError reports a value that cannot be carried into the signed RDF
// unchanged. It matches ErrDroppedValue.
type ValueError struct {
	Where  string // JSON pointer into the document, or the expanded property IRI
	Reason string
}

func (e *ValueError) Error() string {
	if e.Where == "" {
		return "JSON-LD value rejected: " + e.Reason
	}
	return fmt.Sprintf("JSON-LD value at %s rejected: %s", e.Where, e.Reason)
}

// Is reports whether target is ErrDroppedValue.
func (e *ValueError) Is(target error) bool { return target == ErrDroppedValue }

// LimitError reports a document over one of the package's limits.
// It matches ErrLimit.
type LimitError struct {
	What  string
	Limit int
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("JSON-LD document exceeds the limit on %s (%d)", e.What, e.Limit)
}

// Is reports whether target is ErrLimit.
func (e *LimitError) Is(target error) bool { return target == ErrLimit }
