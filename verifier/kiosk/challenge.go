package kiosk

import (
	"crypto/rand"
	"fmt"
	"io"
	"time"
)

// ChallengeAlphabet holds the characters of a challenge: digits and
// upper-case letters without 0, 1, I, L and O, which are easily misread
// when a resident types the challenge into a wallet by hand. Every one is
// in the QR alphanumeric set.
const ChallengeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// ChallengeLength is the number of characters of a challenge: 31^6, about
// 2^29.7 possible challenges, against a window of minutes.
const ChallengeLength = 6

// challenges is the rotating challenge of a kiosk: the current one and, for
// a grace time after it was replaced, the previous one.
type challenges struct {
	rotation, grace time.Duration
	rand            io.Reader

	current       string
	since         time.Time
	previous      string
	previousUntil time.Time
}

// due reports whether the current challenge has been shown long enough.
func (c *challenges) due(now time.Time) bool {
	return c.current == "" || now.Sub(c.since) >= c.rotation || now.Before(c.since)
}

// previousValid reports whether the previous challenge is still accepted.
func (c *challenges) previousValid(now time.Time) bool {
	return c.previous != "" && c.grace > 0 && now.Before(c.previousUntil)
}

// next draws a new challenge, keeping the current one as the previous.
func (c *challenges) next(now time.Time, keepPrevious bool) error {
	s, err := NewChallenge(c.rand)
	if err != nil {
		return err
	}
	c.previous, c.previousUntil = "", time.Time{}
	if keepPrevious && c.current != "" && c.grace > 0 {
		c.previous, c.previousUntil = c.current, now.Add(c.grace)
	}
	c.current, c.since = s, now
	return nil
}

// NewChallenge draws a challenge of ChallengeLength characters from
// ChallengeAlphabet, uniformly (rejection sampling), reading random bytes
// from r (nil means crypto/rand).
func NewChallenge(r io.Reader) (string, error) {
	if r == nil {
		r = rand.Reader
	}
	const n = len(ChallengeAlphabet)
	const limit = 256 - 256%n // bytes at or above limit would bias the draw
	out := make([]byte, 0, ChallengeLength)
	buf := make([]byte, 2*ChallengeLength)
	for tries := 0; len(out) < ChallengeLength; tries++ {
		if tries == 16 {
			return "", fmt.Errorf("the random source gave too few usable bytes for a challenge")
		}
		if _, err := io.ReadFull(r, buf); err != nil {
			return "", fmt.Errorf("cannot read random bytes for a challenge: %w", err)
		}
		for _, b := range buf {
			if int(b) < limit && len(out) < ChallengeLength {
				out = append(out, ChallengeAlphabet[int(b)%n])
			}
		}
	}
	return string(out), nil
}
