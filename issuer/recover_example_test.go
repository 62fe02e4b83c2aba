package issuer_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/cityid/cityid/did"
	"github.com/cityid/cityid/issuer"
)

// A resident lost their phone. The clerk saw their passport at the counter
// and re-issues on paper: the old credential is revoked and its paper
// replacement, with the same validity, is minted in the same transaction.
func ExampleService_Recover() {
	dir, err := os.MkdirTemp("", "cityid-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	s, err := issuer.Open(ctx, dir, issuer.Options{PublicURL: "http://127.0.0.1:8080",
		Passphrase: []byte("example passphrase"), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		panic(err)
	}
	defer s.Close()
	clerk := issuer.Actor{Kind: "cli", Name: "ana"}
	res, _ := s.Enrol(ctx, clerk, "Rosa Resident", "CASE-7")
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	lostWallet, _ := did.KeyDID(pub)
	old, err := s.Issue(ctx, clerk, issuer.IssueRequest{Type: "AgeOverCredential", Subject: lostWallet,
		Claims: map[string]any{"ageOver18": true}, Format: issuer.FormatLDP, ResidentID: res.ID})
	if err != nil {
		panic(err)
	}

	rcv, err := s.Recover(ctx, clerk, issuer.RecoveryRequest{
		ResidentID: res.ID,
		Evidence:   issuer.RecoveryEvidence{Kind: issuer.EvidencePhotoID, DocumentKind: "passport"},
		Paper:      true,
	})
	if err != nil {
		panic(err)
	}
	now, _ := s.Get(ctx, old.ID)
	fmt.Println("old:", now.State)
	p := rcv.Paper[0]
	fmt.Println("new:", p.Type, p.Format, strings.HasPrefix(string(p.Credential), "CID1:"))
	fmt.Println("same validity:", p.ValidFrom.Equal(old.ValidFrom) && p.ValidUntil.Equal(*old.ValidUntil))
	// Output:
	// old: revoked
	// new: AgeOverCredential cityid-paper true
	// same validity: true
}

// A clerk's new validity end is a date: the credential is valid until the
// end of that day (UTC).
func ExampleParseValidUntil() {
	t, _ := issuer.ParseValidUntil("2031-01-31")
	fmt.Println(t)
	_, err := issuer.ParseValidUntil("next year")
	fmt.Println(err)
	// Output:
	// 2031-01-31 23:59:59 +0000 UTC
	// invalid_request: the validity end "next year" is not a date as YYYY-MM-DD
}

// The ways a clerk may re-verify a resident in person, for a form.
func ExampleEvidenceKinds() {
	for _, c := range issuer.EvidenceKinds() {
		fmt.Printf("%s: %s\n", c.Value, c.Label)
	}
	// Output:
	// photo_id: Photo ID document seen at the counter
	// caseworker_vouched: A caseworker vouched for them in person
	// known_to_staff: Known personally to counter staff
	// city_records_questions: Answered questions from the city's records
}
