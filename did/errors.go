package did

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every error returned by this package wraps at most one of
// them, so callers can name the failure reason with [errors.Is].
var (
	// ErrInvalidDID reports a string that is not a syntactically valid DID or
	// DID URL. The error is a [*SyntaxError] that wraps ErrInvalidDID.
	ErrInvalidDID = errors.New("invalid DID")
	// ErrUnsupportedMethod reports a DID method this package cannot resolve.
	ErrUnsupportedMethod = errors.New("unsupported DID method")
	// ErrUnsupportedKeyType reports a key type other than Ed25519 or P-256.
	ErrUnsupportedKeyType = errors.New("unsupported key type")
	// ErrInvalidKey reports malformed key material (bad multibase, wrong
	// length, point not on the curve, private key where a public one belongs).
	ErrInvalidKey = errors.New("invalid key")
	// ErrInvalidDocument reports a DID document that is malformed or does not
	// belong to the DID it was obtained for.
	ErrInvalidDocument = errors.New("invalid DID document")
	// ErrNotFound reports a DID with no known document (for example a did:web
	// DID that was never pinned) or a verification method absent from its
	// document.
	ErrNotFound = errors.New("not found")
	// ErrNotAuthorized reports a verification method that exists but may not
	// be used as asked: it is controlled by another DID, or it is not listed
	// under the requested verification relationship.
	ErrNotAuthorized = errors.New("verification method not authorized")
	// ErrTooLarge reports input over a size limit ([MaxLength],
	// [MaxDocumentSize]).
	ErrTooLarge = errors.New("too large")
	// ErrKeyNotFound reports a key ID unknown to a [KeyManager].
	ErrKeyNotFound = errors.New("key not found")
)

// SyntaxError describes why a string is not a valid DID or DID URL.
// It wraps [ErrInvalidDID].
type SyntaxError struct {
	// Input is the rejected string, truncated to 64 bytes for display.
	Input string
	// Pos is the byte offset of the offending character, or -1 when the
	// error is not about one character (empty input, too long, ...).
	Pos int
	// Reason says what is wrong, in words.
	Reason string
	// URL is true when a DID URL was being parsed.
	URL bool

	tooLong bool
}

func (e *SyntaxError) Error() string {
	what := "invalid DID"
	if e.URL {
		what = "invalid DID URL"
	}
	if e.Pos >= 0 {
		return fmt.Sprintf("%s %q: %s at position %d", what, e.Input, e.Reason, e.Pos)
	}
	return fmt.Sprintf("%s %q: %s", what, e.Input, e.Reason)
}

// Unwrap returns [ErrInvalidDID]; it also makes oversize input match
// [ErrTooLarge].
func (e *SyntaxError) Unwrap() []error {
	if e.tooLong {
		return []error{ErrInvalidDID, ErrTooLarge}
	}
	return []error{ErrInvalidDID}
}

func syntaxErr(s string, pos int, isURL bool, format string, args ...any) *SyntaxError {
	in := s
	if len(in) > 64 {
		in = in[:64] + "..."
	}
	return &SyntaxError{Input: in, Pos: pos, Reason: fmt.Sprintf(format, args...), URL: isURL}
}
