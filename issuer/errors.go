package issuer

import (
	"errors"
	"fmt"
	"net/http"
)

// statusOf maps each error code to its HTTP status.
var statusOf = map[string]int{
	CodeInvalidRequest: http.StatusBadRequest,
	CodeUnknownType:    http.StatusBadRequest,
	CodeInvalidClaims:  http.StatusBadRequest,
	CodeInvalidDID:     http.StatusBadRequest,
	CodeNotFound:       http.StatusNotFound,
	CodeConflict:       http.StatusConflict,
	CodeUnauthorized:   http.StatusUnauthorized,
	CodeForbidden:      http.StatusForbidden,
	CodeOfferUsed:      http.StatusBadRequest,
	CodeOfferExpired:   http.StatusBadRequest,
	CodeInvalidGrant:   http.StatusBadRequest,
	CodeInvalidToken:   http.StatusUnauthorized,
	CodeInvalidProof:   http.StatusBadRequest,
	CodeInvalidNonce:   http.StatusBadRequest,
	CodeTooManyTries:   http.StatusTooManyRequests,
}

// errorf returns an *Error with code, its HTTP status and a message.
func errorf(code, format string, args ...any) *Error {
	st, ok := statusOf[code]
	if !ok {
		st = http.StatusBadRequest
	}
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Status: st}
}

// IsCode reports whether err is (or wraps) an *Error with the given code.
func IsCode(err error, code string) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == code
}
