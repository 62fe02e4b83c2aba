package issuer

import (
	"strings"
	"testing"
	"time"
)

// FuzzParseValidUntil: a clerk's validity end parses to a whole-second UTC
// time that prints back to the same day, or is refused with an *Error.
func FuzzParseValidUntil(f *testing.F) {
	for _, s := range []string{"2031-01-31", "2031-02-30", "2031-01-31T10:00:00Z", "2031-01-31T10:00:00+02:00", "soon", "", "99999-01-01", "2031-1-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseValidUntil(s)
		if err != nil {
			wantCode(t, err, CodeInvalidRequest)
			return
		}
		if got.Location() != time.UTC {
			t.Fatalf("%q parsed to %v, not UTC", s, got)
		}
		if d, derr := time.Parse(time.DateOnly, s); derr == nil {
			if got.Format(time.DateOnly) != d.Format(time.DateOnly) || got.Format("15:04:05") != "23:59:59" {
				t.Fatalf("the date %q parsed to %v, want the end of that day", s, got)
			}
		}
	})
}

// FuzzRecoveryEvidence: evidence is accepted only from the fixed lists, and
// every refusal is an *Error that says what to do.
func FuzzRecoveryEvidence(f *testing.F) {
	f.Add("photo_id", "passport")
	f.Add("photo_id", "")
	f.Add("known_to_staff", "passport")
	f.Add("selfie", "")
	f.Add("photo_id", "AB123456")
	f.Fuzz(func(t *testing.T, kind, doc string) {
		err := RecoveryEvidence{Kind: kind, DocumentKind: doc}.Validate()
		ok := isChoice(EvidenceKinds(), kind) && (doc == "" || kind == EvidencePhotoID && isChoice(DocumentKinds(), doc))
		if (err == nil) != ok {
			t.Fatalf("Validate(%q, %q) = %v, want accepted=%v", kind, doc, err, ok)
		}
		if err != nil {
			e := wantCode(t, err, CodeInvalidRequest)
			if !strings.Contains(e.Message, "use one of") && !strings.Contains(e.Message, "say how") && !strings.Contains(e.Message, "only with") {
				t.Fatalf("the refusal does not say what to do: %q", e.Message)
			}
		}
	})
}
