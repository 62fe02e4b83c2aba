package wallet

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// PIN rules. A PIN is at least MinPINLength characters: digits on a phone,
// or any characters (a passphrase). A PIN of one repeated character or a
// run of consecutive digits (123456, 987654) is refused.
const (
	MinPINLength = 6
	MaxPINLength = 128
)

// Delays after wrong PINs: after n wrong PINs in a row, Open waits
// BaseDelay * 2^(n-1), at most MaxDelay, before it checks the next PIN. The
// count is stored in the wallet, so closing the app does not reset it.
const (
	BaseDelay = time.Second
	MaxDelay  = 15 * time.Minute
)

// RetryDelay is the wait before the next PIN check after failures wrong
// PINs in a row: 0, 1 s, 2 s, 4 s, ... up to MaxDelay.
func RetryDelay(failures int) time.Duration {
	if failures <= 0 {
		return 0
	}
	d := BaseDelay
	for i := 1; i < failures; i++ {
		d *= 2
		if d >= MaxDelay {
			return MaxDelay
		}
	}
	return d
}

// CheckPIN tells whether pin is acceptable as a new PIN. Errors wrap
// [ErrWeakPIN] and say why.
func CheckPIN(pin string) error {
	n := utf8.RuneCountInString(pin)
	switch {
	case !utf8.ValidString(pin):
		return fmt.Errorf("wallet: %w: the PIN is not valid text", ErrWeakPIN)
	case n < MinPINLength:
		return fmt.Errorf("wallet: %w: a PIN needs at least %d digits", ErrWeakPIN, MinPINLength)
	case n > MaxPINLength:
		return fmt.Errorf("wallet: %w: a PIN may have at most %d characters", ErrWeakPIN, MaxPINLength)
	case strings.TrimSpace(pin) != pin:
		return fmt.Errorf("wallet: %w: a PIN must not start or end with a space", ErrWeakPIN)
	case isRepeated(pin):
		return fmt.Errorf("wallet: %w: a PIN of one repeated digit is too easy to guess", ErrWeakPIN)
	case isDigitRun(pin):
		return fmt.Errorf("wallet: %w: a run of consecutive digits is too easy to guess", ErrWeakPIN)
	}
	return nil
}

// isDigitRun reports whether s is consecutive digits up or down (123456,
// 654321, 890123 does not count).
func isDigitRun(s string) bool {
	if strings.Trim(s, "0123456789") != "" {
		return false
	}
	up, down := true, true
	for i := 1; i < len(s); i++ {
		up = up && s[i] == s[i-1]+1
		down = down && s[i] == s[i-1]-1
	}
	return up || down
}

// isRepeated reports whether s is one character repeated.
func isRepeated(s string) bool {
	r, size := utf8.DecodeRuneInString(s)
	return strings.Count(s, string(r))*size == len(s)
}
