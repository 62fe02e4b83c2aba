// Command mobile is the wallet's phone entry (Android and iOS), packaged
// with the fyne tool from this directory (see README.md):
//
//	fyne package -os android -tags no_emoji -app-id dev.cityid.wallet
//	fyne package -os ios -tags no_emoji -app-id dev.cityid.wallet
//
// The profiles live in the app's private storage (Fyne's
// Storage().RootURI(), the app's files directory on Android and its
// Documents directory on iOS), under "profiles". The wallet locks when
// the app leaves the foreground on a phone. The screens are package
// wallet/ui, the same as the desktop entry cmd/cityid-wallet; this
// package also builds and runs on a desktop (go run ./mobile), where it
// keeps its profiles in Fyne's storage for dev.cityid.wallet. A city's
// package embeds its trust bundle (city/README.md) so that residents can
// keep paper credentials from its issuers.
package main

import (
	"embed"
	_ "embed"
	"errors"
	"fmt"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"github.com/cityid/cityid/credential/trust"
	"github.com/cityid/cityid/wallet/ui"
)

// appID is the Fyne application ID (also in FyneApp.toml).
const appID = "dev.cityid.wallet"

//go:embed Icon.png
var icon []byte

// city holds the city's trust bundle and root DID when whoever packages
// the app put them there (city/README.md).
//
//go:embed city
var city embed.FS

// cityTrust opens the embedded trust bundle against the embedded root, or
// returns nil when the package has none.
func cityTrust(now time.Time) (*trust.Bundle, error) {
	data, err := city.ReadFile("city/bundle.json")
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	root, err := city.ReadFile("city/root.txt")
	if err != nil {
		return nil, fmt.Errorf("city/bundle.json needs city/root.txt, the city's root DID: %w", err)
	}
	return trust.Open(data, strings.TrimSpace(string(root)), now)
}

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
	bundle, err := cityTrust(time.Now())
	if err != nil {
		// The wallet works without it; only paper credentials from issuers
		// it holds nothing from cannot be checked.
		log.Printf("cityid wallet: the packaged trust bundle is not used: %v", err)
	}
	u := ui.New(a, w, ui.Options{Root: root, Trust: bundle})
	if fyne.CurrentDevice().IsMobile() {
		// A phone left on a counter must not show the credentials.
		a.Lifecycle().SetOnExitedForeground(u.Lock)
	}
	w.SetMaster()
	w.ShowAndRun()
}
