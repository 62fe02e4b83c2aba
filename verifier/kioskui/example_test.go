package kioskui_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/cityid/cityid/verifier/kiosk"
	"github.com/cityid/cityid/verifier/kioskui"
)

// The kiosk window checks what the scanner types into it. A real app
// passes app.New() instead of the test app and calls ShowAndRun.
func ExampleNew() {
	k, err := kiosk.New(kiosk.Config{
		TrustBundlePath: "../../examples/city-bundle.json",
		PinnedRoot:      "did:key:z6Mkon3Necd6NkkyfoGoHxid2znGc59LU3K7mubaRcFbLfLX",
		Clock:           func() time.Time { return time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC) },
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	a := test.NewApp()
	defer a.Quit()
	a.Settings().SetTheme(kioskui.Theme())
	ui := kioskui.New(context.Background(), a, k)
	code, err := os.ReadFile("../../examples/age-over.sd-jwt")
	if err != nil {
		fmt.Println(err)
		return
	}
	ui.Submit(string(code)) // what Enter does after a scan
	o, _ := ui.Shown()
	fmt.Println(o.Headline, o.TypeTitle)
	// Output: ACCEPTED Age over
}
