// Command mobile is the wallet's phone entry (Android and iOS), packaged
// with the fyne tool from this directory (see README.md):
//
//	fyne package -os android -app-id dev.cityid.wallet
//	fyne package -os ios -app-id dev.cityid.wallet
//
// The profiles live in the app's private storage (Fyne's
// Storage().RootURI(), the app's files directory on Android and its
// Documents directory on iOS), under "profiles". The wallet locks when
// the app leaves the foreground on a phone. The screens are package
// wallet/ui, the same as the desktop entry cmd/cityid-wallet; this
// package also builds and runs on a desktop (go run ./mobile), where it
// keeps its profiles in Fyne's storage for dev.cityid.wallet.
package main

import (
	_ "embed"
	"log"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"github.com/cityid/cityid/wallet/ui"
)

// appID is the Fyne application ID (also in FyneApp.toml).
const appID = "dev.cityid.wallet"

//go:embed Icon.png
var icon []byte

func main() {
	a := app.NewWithID(appID)
	a.SetIcon(fyne.NewStaticResource("Icon.png", icon))
	a.Settings().SetTheme(ui.Theme())
	root := filepath.Join(a.Storage().RootURI().Path(), "profiles")
	if err := os.MkdirAll(root, 0o700); err != nil {
		log.Fatalf("cityid wallet: %v", err)
	}
	w := a.NewWindow("")
	w.Resize(ui.DefaultSize) // a phone's window is always the whole screen
	u := ui.New(a, w, ui.Options{Root: root})
	if fyne.CurrentDevice().IsMobile() {
		// A phone left on a counter must not show the credentials.
		a.Lifecycle().SetOnExitedForeground(u.Lock)
	}
	w.SetMaster()
	w.ShowAndRun()
}
