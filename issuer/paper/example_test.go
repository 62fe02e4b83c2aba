package paper_test

import (
	"bytes"
	"fmt"
	"time"

	"github.com/cityid/cityid/issuer"
	"github.com/cityid/cityid/issuer/paper"
)

// Render lays out a paper credential from issuer.Service.PrintPaper; here
// one is written out by hand.
func ExampleRender() {
	pc := &issuer.PaperCredential{
		ID:         "urn:uuid:3f0c2a4e-8b1d-4c6e-9a55-0d7e2b9c4f10",
		Type:       "AgeOverCredential",
		IssuerDID:  "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
		IssuerName: "Springfield",
		ValidFrom:  time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC),
		ValidUntil: time.Date(2027, 11, 22, 10, 0, 0, 0, time.UTC),
		Claims:     map[string]any{"ageOver18": true},
		ClaimNames: []string{"ageOver18"},
		Text:       "CID1:EXAMPLE", // the signed paper credential in real use
		PrintedAt:  time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC),
	}
	var pdf bytes.Buffer
	if err := paper.Render(&pdf, pc, paper.Options{Size: paper.Letter, Lang: paper.Spanish}); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(pdf.Bytes()[:5]))
	// Output: %PDF-
}

func ExampleParseSize() {
	size, err := paper.ParseSize("Letter")
	fmt.Println(size, err)
	_, err = paper.ParseSize("a5")
	fmt.Println(err)
	// Output:
	// letter <nil>
	// unknown paper size "a5": use a4 or letter
}
