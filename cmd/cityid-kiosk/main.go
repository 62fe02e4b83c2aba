// Command cityid-kiosk is the counter kiosk as a window: a large ACCEPTED
// or REFUSED screen with the disclosed claims, fed by a keyboard-wedge USB
// scanner (it types into the window) or by QR code pictures. It takes the
// same flags as the terminal kiosk, cityid kiosk:
//
//	cityid-kiosk --trust city-bundle.json --trust-root did:key:z6Mk... [--fullscreen] [IMAGE...]
//
// Images given as arguments are checked at start, the last outcome shown.
// The window is package kioskui; this command only parses flags and starts
// the Fyne app.
package main

import (
	"context"
	_ "embed"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"github.com/cityid/cityid/verifier/kiosk"
	"github.com/cityid/cityid/verifier/kioskui"
)

// appID is the Fyne application ID (also in FyneApp.toml).
const appID = "dev.cityid.kiosk"

//go:embed Icon.png
var icon []byte

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

func run(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("cityid-kiosk", flag.ContinueOnError)
	fs.SetOutput(stderr)
	flags := kiosk.BindFlags(fs)
	fullscreen := fs.Bool("fullscreen", false, "fill the screen (for a kiosk display)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: cityid-kiosk --trust BUNDLE [--trust-root DID] [flags] [IMAGE...]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	cfg, err := flags.Config()
	if err != nil {
		fs.Usage()
		fmt.Fprintf(stderr, "cityid-kiosk: %v\n", err)
		return 2
	}
	cfg.Logger = slog.New(slog.NewTextHandler(stderr, nil))
	k, err := kiosk.New(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "cityid-kiosk: %v\n", err)
		return 2
	}
	if k.Unpinned() {
		fmt.Fprintln(stderr, "cityid-kiosk: warning: the trust bundle is trusted as given; pin the city's root with --trust-root")
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	a := app.NewWithID(appID)
	a.SetIcon(fyne.NewStaticResource("Icon.png", icon))
	a.Settings().SetTheme(kioskui.Theme())
	ui := kioskui.New(ctx, a, k)
	for _, path := range fs.Args() {
		ui.CheckImageFile(path)
	}
	ui.Start(ctx)
	go func() {
		<-ctx.Done()
		a.Quit()
	}()
	w := ui.Window()
	w.SetFullScreen(*fullscreen)
	w.SetMaster()
	w.ShowAndRun()
	return 0
}
