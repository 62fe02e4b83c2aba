package ui

import (
	"errors"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cityid/cityid/credential/trust"
	"github.com/cityid/cityid/wallet"
)

// Options configure the wallet UI. Only Root is required.
type Options struct {
	// Root is the directory holding one subdirectory per profile (see
	// wallet.Profiles).
	Root string
	// Open opens the wallet in dir with pin; nil means wallet.Open with
	// Clock.
	Open func(dir, pin string) (*wallet.Wallet, error)
	// Create makes a new wallet in dir; nil means wallet.Create with Clock.
	Create func(dir, pin string) (*wallet.Wallet, error)
	// Clock returns the current time; nil means time.Now.
	Clock func() time.Time
	// Restore makes a wallet in dir from the backup r; nil means
	// wallet.Restore with Clock.
	Restore func(dir string, r io.Reader, passphrase, pin string) (*wallet.Wallet, error)
	// SaveBackup opens the destination of a backup or recovery sheet
	// suggested as name; nil means Fyne's file-save dialog. A nil writer
	// with a nil error means the resident cancelled.
	SaveBackup func(name string) (io.WriteCloser, error)
	// OpenBackup opens the backup file to restore; nil means Fyne's
	// file-open dialog. A nil reader with a nil error means cancelled.
	OpenBackup func() (io.ReadCloser, error)
	// OpenPicture opens a picture (PNG or JPEG) of a QR code: the clerk's
	// offer or a paper credential; nil means Fyne's file-open dialog,
	// which on a phone offers the photos. Nil reader and error: cancelled.
	OpenPicture func() (io.ReadCloser, error)
	// Trust is the city's trust bundle, opened against its pinned root, if
	// the app has one: wallets check paper credentials from the city's
	// issuers with it (wallet.Options.Trust). Used by the default Open,
	// Create and Restore.
	Trust *trust.Bundle
	// CounterURL, if set, is a page listing the city's service counters,
	// linked from the restore screen for residents who lost everything.
	CounterURL *url.URL
}

// UI is the wallet app's window content. Its methods must be called on
// Fyne's goroutine (in callbacks, or through fyne.Do).
type UI struct {
	app  fyne.App
	win  fyne.Window
	opts Options

	w       *wallet.Wallet // nil while locked
	profile string         // the open or chosen profile's name
	notice  string         // a message for the next list screen
	back    func()         // what Escape does on the current screen

	// async runs slow work (Argon2id, network) off Fyne's goroutine; the
	// work hands its result back with fyne.Do. Tests run it in place.
	async func(func())
}

// DefaultSize is the desktop window's size; the layout also fits a phone
// (390x844).
var DefaultSize = fyne.NewSize(1024, 768)

// New builds the wallet's screens in window w of app a and shows the
// unlock screen (or the new-profile screen when there is no profile yet).
func New(a fyne.App, w fyne.Window, opts Options) *UI {
	registerTranslations()
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.Open == nil {
		clock := opts.Clock
		opts.Open = func(dir, pin string) (*wallet.Wallet, error) {
			return wallet.Open(dir, pin, wallet.Options{Clock: clock, Trust: opts.Trust})
		}
	}
	if opts.Create == nil {
		clock := opts.Clock
		opts.Create = func(dir, pin string) (*wallet.Wallet, error) {
			return wallet.Create(dir, pin, wallet.Options{Clock: clock, Trust: opts.Trust})
		}
	}
	if opts.Restore == nil {
		clock := opts.Clock
		opts.Restore = func(dir string, r io.Reader, passphrase, pin string) (*wallet.Wallet, error) {
			return wallet.Restore(dir, r, passphrase, pin, wallet.Options{Clock: clock, Trust: opts.Trust})
		}
	}
	u := &UI{app: a, win: w, opts: opts, async: func(f func()) { go f() }}
	w.SetTitle(lang.L("City wallet"))
	w.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) {
		if ev.Name == fyne.KeyEscape && u.back != nil {
			u.back()
		}
	})
	u.addShortcuts()
	u.ShowUnlock()
	return u
}

// Wallet returns the open wallet, or nil while the UI is locked.
func (u *UI) Wallet() *wallet.Wallet { return u.w }

// Window returns the UI's window.
func (u *UI) Window() fyne.Window { return u.win }

func (u *UI) addShortcuts() {
	add := func(key fyne.KeyName, f func()) {
		u.win.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierShortcutDefault}, func(fyne.Shortcut) {
			if u.w != nil {
				f()
			}
		})
	}
	add(fyne.KeyR, u.ShowReceive)
	add(fyne.KeyH, u.ShowHistory)
	add(fyne.KeyL, u.Lock)
	add(fyne.KeyB, u.ShowBackup)
	add(fyne.KeyComma, u.ShowSettings)
}

// show makes content the window's content, with a heading, in a scroll
// so that large text never cuts anything off; focus (if not nil) gets the
// keyboard focus and back is what Escape does.
func (u *UI) show(heading string, body fyne.CanvasObject, focus fyne.Focusable, back func()) {
	u.win.SetFullScreen(false)
	title := widget.NewLabel(heading)
	title.SizeName = theme.SizeNameSubHeadingText
	title.TextStyle = fyne.TextStyle{Bold: true}
	title.Wrapping = fyne.TextWrapWord
	u.back = back
	u.win.SetContent(container.NewVScroll(container.NewPadded(container.NewVBox(title, body))))
	if focus != nil {
		u.win.Canvas().Focus(focus)
	}
}

// wrapped is a label that wraps, for any text that can be long.
func wrapped(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// message is a label for errors and notes: bold, in the given importance,
// and empty (so hidden) until it has something to say.
func message(importance widget.Importance) *widget.Label {
	l := wrapped("")
	l.Importance = importance
	l.TextStyle = fyne.TextStyle{Bold: true}
	l.Hide()
	return l
}

func say(l *widget.Label, text string) {
	l.SetText(text)
	if text == "" {
		l.Hide()
	} else {
		l.Show()
	}
}

// ShowUnlock shows the profile picker and PIN entry, or the new-profile
// screen when there is no profile.
func (u *UI) ShowUnlock() {
	profiles, err := wallet.Profiles(u.opts.Root)
	if err == nil && len(profiles) == 0 {
		u.ShowCreate()
		return
	}
	msg := message(widget.DangerImportance)
	if err != nil {
		say(msg, lang.L("The profiles could not be read: {{.Error}}", map[string]any{"Error": err.Error()}))
	}
	var chosen wallet.Profile
	names := make([]string, len(profiles))
	for i, p := range profiles {
		names[i] = p.Name
		if p.Name == u.profile || i == 0 {
			chosen = p
		}
	}
	pin := widget.NewPasswordEntry()
	pin.SetPlaceHolder(lang.L("PIN"))
	unlock := newButton(lang.L("Unlock"), nil)
	unlock.Importance = widget.HighImportance
	submit := func() { u.unlock(chosen, pin, msg, unlock) }
	unlock.OnTapped = submit
	pin.OnSubmitted = func(string) { submit() }

	body := container.NewVBox()
	if len(profiles) > 1 {
		pick := widget.NewSelect(names, nil)
		pick.SetSelected(chosen.Name)
		pick.OnChanged = func(name string) {
			for _, p := range profiles {
				if p.Name == name {
					chosen = p
				}
			}
			say(msg, "")
			u.win.Canvas().Focus(pin)
		}
		body.Add(widget.NewLabel(lang.L("Whose wallet is it?")))
		body.Add(pick)
	} else if len(profiles) == 1 {
		body.Add(wrapped(lang.L("Profile: {{.Name}}", map[string]any{"Name": chosen.Name})))
	}
	create := newButton(lang.L("Create a new profile"), u.ShowCreate)
	body.Add(widget.NewLabel(lang.L("Enter your PIN")))
	body.Add(pin)
	body.Add(msg)
	body.Add(unlock)
	body.Add(layout.NewSpacer())
	body.Add(create)
	body.Add(newButton(lang.L("Restore from a backup"), u.ShowRestore))
	u.show(lang.L("Unlock your wallet"), body, pin, nil)
}

// unlock opens profile p with the PIN typed, off Fyne's goroutine.
func (u *UI) unlock(p wallet.Profile, pin *widget.Entry, msg *widget.Label, button *spaceButton) {
	if p.Dir == "" {
		return
	}
	if p2, err := wallet.ReadProfile(p.Dir); err == nil {
		p = p2
	}
	if wait := p.RetryAt.Sub(u.opts.Clock()); wait > 0 {
		say(msg, lang.L("Too many wrong PINs. Try again in {{.Wait}}.", map[string]any{"Wait": formatWait(wait)}))
		return
	}
	text := pin.Text
	say(msg, lang.L("Checking the PIN…"))
	button.Disable()
	u.async(func() {
		// A cheap phone's memory: give what start-up left behind back to
		// the system before Argon2id takes its working memory, and that
		// back right after, rather than when the runtime gets round to it.
		debug.FreeOSMemory()
		w, err := u.opts.Open(p.Dir, text)
		debug.FreeOSMemory()
		fyne.Do(func() {
			button.Enable()
			if err != nil {
				pin.SetText("")
				var pe *wallet.PINError
				switch {
				case errors.As(err, &pe):
					say(msg, lang.L("Wrong PIN. You can try again in {{.Wait}}.", map[string]any{"Wait": formatWait(pe.Wait)}))
				default:
					say(msg, lang.L("The wallet could not be opened: {{.Error}}", map[string]any{"Error": err.Error()}))
				}
				u.win.Canvas().Focus(pin)
				return
			}
			u.w, u.profile = w, p.Name
			u.ShowList()
		})
	})
}

// ShowCreate shows the new-profile screen: a name, a PIN and the PIN again.
func (u *UI) ShowCreate() {
	name := widget.NewEntry()
	name.SetPlaceHolder(lang.L("Your name or a nickname"))
	pin := widget.NewPasswordEntry()
	pin.SetPlaceHolder(lang.L("PIN"))
	again := widget.NewPasswordEntry()
	again.SetPlaceHolder(lang.L("PIN again"))
	msg := message(widget.DangerImportance)
	create := newButton(lang.L("Create profile"), nil)
	create.Importance = widget.HighImportance
	submit := func() {
		n := strings.TrimSpace(name.Text)
		switch {
		case n == "" || n == "." || n == ".." || strings.ContainsAny(n, `/\:`) || strings.HasPrefix(n, "."):
			say(msg, lang.L("Choose a name without / \\ : or a leading dot."))
			u.win.Canvas().Focus(name)
			return
		case pin.Text != again.Text:
			say(msg, lang.L("The two PINs are not the same."))
			again.SetText("")
			u.win.Canvas().Focus(again)
			return
		}
		if err := wallet.CheckPIN(pin.Text); err != nil {
			say(msg, lang.L("Choose another PIN: at least 6 characters, not one repeated digit or a run like 123456."))
			u.win.Canvas().Focus(pin)
			return
		}
		dir := filepath.Join(u.opts.Root, n)
		if _, err := os.Stat(filepath.Join(dir, wallet.DBFile)); err == nil {
			say(msg, lang.L("A profile with this name already exists."))
			u.win.Canvas().Focus(name)
			return
		}
		say(msg, lang.L("Creating your wallet…"))
		create.Disable()
		p := pin.Text
		u.async(func() {
			w, err := u.opts.Create(dir, p)
			fyne.Do(func() {
				create.Enable()
				if err != nil {
					say(msg, lang.L("The profile could not be created: {{.Error}}", map[string]any{"Error": err.Error()}))
					return
				}
				u.w, u.profile = w, n
				u.ShowList()
			})
		})
	}
	create.OnTapped = submit
	name.OnSubmitted = func(string) { u.win.Canvas().Focus(pin) }
	pin.OnSubmitted = func(string) { u.win.Canvas().Focus(again) }
	again.OnSubmitted = func(string) { submit() }
	body := container.NewVBox(
		wrapped(lang.L("A profile keeps one person's credentials, locked with their own PIN.")),
		widget.NewLabel(lang.L("Name")), name,
		widget.NewLabel(lang.L("New PIN (at least 6 characters)")), pin,
		widget.NewLabel(lang.L("Confirm the PIN")), again,
		msg, create,
		newButton(lang.L("Restore from a backup"), u.ShowRestore),
	)
	var back func()
	if ps, _ := wallet.Profiles(u.opts.Root); len(ps) > 0 {
		back = u.ShowUnlock
		body.Add(newButton(lang.L("Back"), back))
	}
	u.show(lang.L("Create a new profile"), body, name, back)
}

// Lock closes the wallet and shows the unlock screen.
func (u *UI) Lock() {
	if u.w != nil {
		u.w.Close()
		u.w = nil
	}
	u.ShowUnlock()
}
