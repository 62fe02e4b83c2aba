// Command cityid-wallet is the resident's wallet as a desktop window (a
// shelter's or a library's shared computer, or one's own): unlock a
// profile with its PIN, see the credentials, show one as a full-screen QR
// code, receive from a clerk's offer, read the history of presentations.
//
//	cityid-wallet [--profiles DIR]
//
// Each profile is a subdirectory of DIR (by default cityid-wallet in the
// user's configuration directory, e.g. ~/.config/cityid-wallet). The
// screens are package wallet/ui; this command only parses flags and
// starts the Fyne app. The phone entry is package mobile.
//
// Build it with -tags no_emoji (go build -tags no_emoji ./cmd/cityid-wallet):
// without Fyne's emoji font the wallet takes about 12 MB less memory; a
// build without the tag says so on standard error when it starts.
//
// For measurements without a person at the keyboard (scripts/wallet-coldstart):
//
//	CITYID_PIN=482913 cityid-wallet --profiles DIR --unlock-pin-env CITYID_PIN --exit-after-list
//
// types the PIN from that environment variable into the unlock screen as
// soon as the window shows, and once the credential list is the window's
// content prints one line and quits:
//
//	list shown: 1732270000123456789 unix ns, 412 ms after main, 200 credentials
//	memory: VmHWM 230112 kB, VmRSS 229876 kB, RssAnon 131032 kB, RssFile 95120 kB
//
// (the second line on Linux only: the peak and current resident memory,
// split into the process's own memory and mapped files such as the GL
// driver's shared libraries).
package main

import (
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"io"
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

func main() {
	start := time.Now()
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr, start))
}

// config is what the flags say.
type config struct {
	profiles  string        // the directory of profiles
	pin       string        // typed into the unlock screen when not empty
	exitAfter bool          // quit once the list is shown
	trust     *trust.Bundle // the city's trust bundle, when given
}

// defaultProfiles is the profiles directory when --profiles is not given.
func defaultProfiles() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "cityid-wallet")
}

// parse reads the flags; it returns the exit code when the command must
// stop (0 for -h).
func parse(args []string, stderr io.Writer) (config, int, bool) {
	fs := flag.NewFlagSet("cityid-wallet", flag.ContinueOnError)
	fs.SetOutput(stderr)
	profiles := fs.String("profiles", defaultProfiles(), "directory holding one subdirectory per profile")
	pinEnv := fs.String("unlock-pin-env", "", "unlock the first profile with the PIN in this environment variable (for measurements)")
	exitAfter := fs.Bool("exit-after-list", false, "with --unlock-pin-env: print when the credential list is shown, then quit")
	bundle := fs.String("trust", "", "the city's trust bundle: lets the wallet check paper credentials from the city's issuers")
	root := fs.String("trust-root", "", "the city's root DID that must have signed the bundle (required with --trust)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: cityid-wallet [--profiles DIR] [--trust BUNDLE --trust-root DID] [--unlock-pin-env VAR [--exit-after-list]]")
		fs.PrintDefaults()
	}
	fail := func(format string, a ...any) (config, int, bool) {
		fs.Usage()
		fmt.Fprintf(stderr, "cityid-wallet: "+format+"\n", a...)
		return config{}, 2, false
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return config{}, 0, false
		}
		return config{}, 2, false
	}
	cfg := config{profiles: *profiles, exitAfter: *exitAfter}
	switch {
	case fs.NArg() > 0:
		return fail("unexpected argument %q", fs.Arg(0))
	case cfg.profiles == "":
		return fail("--profiles DIR is required (no user configuration directory)")
	case cfg.exitAfter && *pinEnv == "":
		return fail("--exit-after-list needs --unlock-pin-env")
	case *bundle != "" && *root == "":
		return fail("--trust needs --trust-root, the city's root DID")
	case *pinEnv != "":
		cfg.pin = os.Getenv(*pinEnv)
		if cfg.pin == "" {
			return fail("--unlock-pin-env %s: the variable is empty or not set", *pinEnv)
		}
	}
	if *bundle != "" {
		data, err := os.ReadFile(*bundle)
		if err == nil {
			cfg.trust, err = trust.Open(data, *root, time.Now())
		}
		if err != nil {
			fmt.Fprintf(stderr, "cityid-wallet: the trust bundle: %v\n", err)
			return config{}, 1, false
		}
	}
	return cfg, 0, true
}

func run(args []string, stdout, stderr io.Writer, start time.Time) int {
	cfg, code, ok := parse(args, stderr)
	if !ok {
		return code
	}
	if emojiFont {
		fmt.Fprintln(stderr, "cityid-wallet: note: built without -tags no_emoji; Fyne's emoji font takes about 12 MB of memory")
	}
	if err := os.MkdirAll(cfg.profiles, 0o700); err != nil {
		fmt.Fprintf(stderr, "cityid-wallet: %v\n", err)
		return 1
	}
	a := app.NewWithID(appID)
	a.SetIcon(fyne.NewStaticResource("Icon.png", icon))
	a.Settings().SetTheme(ui.Theme())
	w := a.NewWindow("")
	w.Resize(ui.DefaultSize)
	u := ui.New(a, w, ui.Options{Root: cfg.profiles, Trust: cfg.trust})
	if cfg.pin != "" {
		a.Lifecycle().SetOnStarted(func() {
			if err := typePIN(w, cfg.pin); err != nil {
				fmt.Fprintf(stderr, "cityid-wallet: %v\n", err)
				code = 1
				a.Quit()
				return
			}
			if cfg.exitAfter {
				go func() {
					if err := waitForList(u, stdout, start); err != nil {
						fmt.Fprintf(stderr, "cityid-wallet: %v\n", err)
						code = 1
					}
					fyne.Do(a.Quit)
				}()
			}
		})
	}
	w.SetMaster()
	w.ShowAndRun()
	return code
}

// typePIN types pin into the unlock screen's PIN entry (the focused
// widget) and presses Enter, as a person would.
func typePIN(w fyne.Window, pin string) error {
	e, ok := w.Canvas().Focused().(fyne.Focusable)
	if !ok || e == nil {
		return errors.New("--unlock-pin-env: no PIN entry has the focus (is there a profile?)")
	}
	for _, r := range pin {
		e.TypedRune(r)
	}
	e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	return nil
}

// waitForList waits until the UI holds an open wallet, which it sets in
// the same step as it makes the credential list the window's content,
// then prints when that happened.
func waitForList(u *ui.UI, stdout io.Writer, start time.Time) error {
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		var shown time.Time
		n := 0
		fyne.DoAndWait(func() {
			if w := u.Wallet(); w != nil {
				shown = time.Now() // before counting, which reads them again
				if list, err := w.List(); err == nil {
					n = len(list)
				}
			}
		})
		if !shown.IsZero() {
			fmt.Fprintf(stdout, "list shown: %d unix ns, %d ms after main, %d credentials\n",
				shown.UnixNano(), shown.Sub(start).Milliseconds(), n)
			if m := memoryStatus(); m != "" {
				fmt.Fprintf(stdout, "memory: %s\n", m)
			}
			return nil
		}
		time.Sleep(2 * time.Millisecond)
	}
	return errors.New("--exit-after-list: the credential list did not show within 60 s (wrong PIN?)")
}

// memoryStatus is the resident memory lines of /proc/self/status, or ""
// where there is none.
func memoryStatus() string {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return ""
	}
	var parts []string
	for _, line := range strings.Split(string(data), "\n") {
		name, value, ok := strings.Cut(line, ":")
		switch name {
		case "VmHWM", "VmRSS", "RssAnon", "RssFile":
			if ok {
				parts = append(parts, name+" "+strings.TrimSpace(value))
			}
		}
	}
	return strings.Join(parts, ", ")
}
