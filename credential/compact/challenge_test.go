package compact

import (
	"errors"
	"testing"
)

// A kiosk shows a challenge, but a wallet that could not read it presents
// without one: with ChallengeOptional that is accepted (the time window and
// the caller's replay cache keep it fresh); a presentation made for another
// challenge is refused all the same.
func TestChallengeOptional(t *testing.T) {
	got := issueAll(t, "CityIDCredential", map[string]any{"givenName": "Ana", "familyName": "Silva", "birthDate": "1990-04-30", "residentOf": "Springfield"})
	keys := testKeys(t, testKey(1))
	opts := verifyOpts(t)
	opts.Challenge = "K7Q2PZ"

	none := present(t, got.stored, []string{"residentOf"}, "")
	if _, err := Verify(none, keys, opts); !errors.Is(err, ErrChallenge) {
		t.Fatalf("no challenge, challenge required: %v", err)
	}
	opts.ChallengeOptional = true
	if _, err := Verify(none, keys, opts); err != nil {
		t.Fatalf("no challenge, challenge optional: %v", err)
	}
	if _, err := Verify(present(t, got.stored, []string{"residentOf"}, "K7Q2PZ"), keys, opts); err != nil {
		t.Fatalf("the shown challenge: %v", err)
	}
	if _, err := Verify(present(t, got.stored, []string{"residentOf"}, "OTHER1"), keys, opts); !errors.Is(err, ErrChallenge) {
		t.Fatalf("another challenge, challenge optional: %v", err)
	}
}
