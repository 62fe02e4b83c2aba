package issuer_test

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/cityid/cityid/did"
	"github.com/cityid/cityid/issuer"
)

// A clerk prints a resident's city ID on paper with only the two claims a
// shelter needs; the paper shares the credential's id and status index.
func ExampleService_PrintPaper() {
	tmp, err := os.MkdirTemp("", "cityid-example-")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(tmp)
	ctx := context.Background()
	svc, err := issuer.Open(ctx, filepath.Join(tmp, "data"), issuer.Options{
		PublicURL: "http://127.0.0.1:8080", Passphrase: []byte("example passphrase"),
		CityName: "Springfield", Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer svc.Close()
	clerk := issuer.Actor{Kind: "cli", Name: "clerk"}
	wallet, _ := did.KeyDID(ed25519.NewKeyFromSeed(make([]byte, 32)).Public())
	rec, err := svc.Issue(ctx, clerk, issuer.IssueRequest{Type: "CityIDCredential", Subject: wallet, Format: issuer.FormatLDP,
		Claims: map[string]any{"givenName": "Ana María", "familyName": "Silva", "birthDate": "1990-04-30", "residentOf": "Springfield"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	pc, err := svc.PrintPaper(ctx, clerk, rec.ID, []string{"givenName", "residentOf"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(pc.ID == rec.ID, pc.StatusIndex == rec.StatusIndex, pc.ClaimNames, pc.Text[:5])

	_, err = svc.PrintPaper(ctx, clerk, rec.ID, []string{"shoeSize"})
	fmt.Println(err)
	// Output:
	// true true [givenName residentOf] CID1:
	// invalid_request: this credential has no claim "shoeSize"; its claims are birthDate, familyName, givenName, residentOf
}
