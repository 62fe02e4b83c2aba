package kiosk_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/cityid/cityid/verifier/kiosk"
)

// A counter kiosk checks the age-over credential from the repository's
// examples, then the same code again.
func ExampleKiosk_Check() {
	k, err := kiosk.New(kiosk.Config{
		TrustBundlePath: "../../examples/city-bundle.json",
		PinnedRoot:      "did:key:z6Mkon3Necd6NkkyfoGoHxid2znGc59LU3K7mubaRcFbLfLX",
		Clock:           func() time.Time { return time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC) },
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	code, err := os.ReadFile("../../examples/age-over.sd-jwt")
	if err != nil {
		fmt.Println(err)
		return
	}
	o := k.Check(context.Background(), code)
	fmt.Println(o.Headline, o.TypeTitle, "from", o.Issuer)
	for _, c := range o.Claims {
		fmt.Printf("%s: %s\n", c.Label, c.Value)
	}
	o = k.Check(context.Background(), code)
	fmt.Println(o.Headline, o.ReasonCode, o.Reason)
	// Output:
	// ACCEPTED Age over from Springfield Residents Office (example)
	// Over 18: Yes
	// Over 21: Yes
	// REFUSED replayed This code was already shown at 12:00.
}

// Render draws an outcome for a clerk; on a terminal the banner is a
// full-width green or red box.
func ExampleRender() {
	o := kiosk.Outcome{
		Headline: kiosk.HeadlineRefused, ReasonCode: "revoked",
		Reason:        "The issuer has revoked this credential.",
		Refusals:      []kiosk.Refusal{{Code: "revoked", Text: "The issuer has revoked this credential."}},
		NextChallenge: "7KQ4XM",
	}
	_ = kiosk.Render(os.Stdout, o, 40)
	// Output:
	// ========================================
	//
	//                ✘ REFUSED
	//
	// ========================================
	//
	//   Reason: The issuer has revoked this
	//           credential.
	//   (code: revoked)
	// ----------------------------------------
	// Ready: scan the next code (challenge: 7KQ4XM)
}
