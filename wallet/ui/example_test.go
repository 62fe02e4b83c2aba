package ui_test

import (
	"os"
	"path/filepath"

	"fyne.io/fyne/v2/test"

	"github.com/cityid/cityid/wallet/ui"
)

// An app entry (cmd/cityid-wallet, mobile/) makes the app and the window
// with fyne.io/fyne/v2/app and hands them to New; here the test driver's
// app stands in for it.
func Example() {
	a := test.NewApp() // app.NewWithID("dev.cityid.wallet") in the entry
	defer a.Quit()
	a.Settings().SetTheme(ui.Theme())
	w := a.NewWindow("")
	w.Resize(ui.DefaultSize)
	home, _ := os.UserConfigDir()
	u := ui.New(a, w, ui.Options{Root: filepath.Join(home, "cityid", "profiles")})
	_ = u // u.Lock() when the app goes to the background
	// w.ShowAndRun() in the entry
}
