package wallet

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cityid/cityid/verifier"
)

// Sentinel errors. Every error the package returns wraps one of them (or a
// context error), so callers can tell the reason with errors.Is.
var (
	// ErrWrongPIN: the PIN does not open the wallet. The error is a
	// [*PINError] saying how long to wait before the next try.
	ErrWrongPIN = errors.New("wrong PIN")
	// ErrWeakPIN: a new PIN is too short, too long or too easy to guess.
	ErrWeakPIN = errors.New("PIN not accepted")
	// ErrNoWallet: the directory holds no wallet.
	ErrNoWallet = errors.New("no wallet in this directory")
	// ErrExists: Create found a wallet already in the directory.
	ErrExists = errors.New("a wallet already exists in this directory")
	// ErrCorrupt: the wallet file is damaged or was changed outside cityid.
	ErrCorrupt = errors.New("the wallet file is damaged")
	// ErrClosed: the wallet was closed.
	ErrClosed = errors.New("the wallet is closed")
	// ErrNotFound: no credential with that id.
	ErrNotFound = errors.New("no such credential in the wallet")
	// ErrRejected: a credential did not pass the checks made before storing
	// it. The error is a [*RejectedError] naming the failed checks.
	ErrRejected = errors.New("credential refused")
	// ErrUnsupported: the offer or file holds no credential form this
	// wallet can keep.
	ErrUnsupported = errors.New("unsupported credential form")
	// ErrIncomplete: some forms of an offered credential arrived and were
	// stored, others could not be received.
	ErrIncomplete = errors.New("not every form of the offered credential was received")
	// ErrFormMissing: the credential is not held in the form a presentation
	// needs (e.g. no QR form).
	ErrFormMissing = errors.New("the credential is not held in this form")
	// ErrUnknownClaim: a claim chosen for disclosure is not in the credential.
	ErrUnknownClaim = errors.New("the credential has no such claim")
	// ErrBadRequest: an argument is empty or malformed.
	ErrBadRequest = errors.New("invalid request")
)

// PINError reports a wrong PIN and the delay before the next try. It wraps
// [ErrWrongPIN].
type PINError struct {
	// Failures counts wrong PINs since the last right one.
	Failures int
	// Wait is how long Open will wait before it checks the next PIN.
	Wait time.Duration
}

func (e *PINError) Error() string {
	return fmt.Sprintf("wrong PIN: wait %s before trying again (%d wrong %s in a row)",
		humanDuration(e.Wait), e.Failures, plural(e.Failures, "try", "tries"))
}

func (e *PINError) Unwrap() error { return ErrWrongPIN }

// RejectedError reports a credential refused before it was stored. It wraps
// [ErrRejected].
type RejectedError struct {
	// Form is the credential form that was refused.
	Form Format
	// Reason says what was wrong, in words a resident can read.
	Reason string
	// Failures are the verifier's failed checks, when the verifier ran.
	Failures []verifier.Failure
}

func (e *RejectedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "credential refused (%s form): %s", formName(e.Form), e.Reason)
	for _, f := range e.Failures {
		fmt.Fprintf(&b, "; %s: %s", f.Check, f.Message)
	}
	return b.String()
}

func (e *RejectedError) Unwrap() error { return ErrRejected }

// humanDuration writes 4 s, 2 min, 15 min.
func humanDuration(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d s", int((d+time.Second-1)/time.Second))
	case d%time.Minute == 0:
		return fmt.Sprintf("%d min", int(d/time.Minute))
	}
	return fmt.Sprintf("%d min %d s", int(d/time.Minute), int(d%time.Minute/time.Second))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
