package kioskui

import (
	"context"
	"fmt"
	"image/color"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cityid/cityid/verifier/kiosk"
)

// Texts of the ready screen.
const (
	HeadlineReady = "READY"
	readySubtitle = "Scan the resident's code"
	readyHint     = "Hold the QR code under the scanner, or open a picture of it."
	entryHint     = "Scanner input: scan a code, or type it and press Enter"
)

// DefaultSize is the window's size before it is made full screen.
var DefaultSize = fyne.NewSize(1024, 768)

// UI is the kiosk window. Its methods must be called on Fyne's goroutine
// (in callbacks, or through fyne.Do), except Start.
type UI struct {
	k   *kiosk.Kiosk
	ctx context.Context
	win fyne.Window

	content   *fyne.Container
	themed    *container.ThemeOverride
	body      *fyne.Container
	banner    *canvas.Rectangle
	icon      *canvas.Image
	headline  *canvas.Text
	subtitle  *canvas.Text
	reason    *widget.Label
	advice    *widget.Label
	claims    *fyne.Container
	warnings  *fyne.Container
	note      *widget.Label
	challenge *canvas.Text
	entry     *widget.Entry
	open      *widget.Button

	shown          *kiosk.Outcome // nil while the ready screen shows
	shownChallenge string         // the challenge on screen
}

// New builds the kiosk window of app a around k. ctx bounds the checks.
// Show the window with Window().Show() or ShowAndRun().
func New(ctx context.Context, a fyne.App, k *kiosk.Kiosk) *UI {
	u := &UI{k: k, ctx: ctx, win: a.NewWindow("cityid kiosk")}
	u.build()
	u.themed = container.NewThemeOverride(u.content, Theme())
	u.win.SetContent(u.themed)
	u.win.SetPadded(false) // the banner runs edge to edge
	u.win.Resize(DefaultSize)
	u.showReady()
	u.focus()
	// Keys typed while something else has the focus still reach the entry:
	// a scanner must never type into nowhere.
	u.win.Canvas().SetOnTypedRune(func(r rune) {
		u.focus()
		u.entry.TypedRune(r)
	})
	u.win.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) {
		u.focus()
		u.entry.TypedKey(ev)
	})
	u.win.SetOnDropped(func(_ fyne.Position, uris []fyne.URI) {
		if len(uris) > 0 {
			u.CheckImageURI(uris[0])
		}
	})
	return u
}

// Window returns the kiosk window.
func (u *UI) Window() fyne.Window { return u.win }

func (u *UI) build() {
	u.banner = canvas.NewRectangle(colorReady)
	u.icon = canvas.NewImageFromResource(iconReady)
	u.icon.FillMode = canvas.ImageFillContain
	u.icon.SetMinSize(fyne.NewSize(140, 140))
	u.headline = canvas.NewText(HeadlineReady, colorOnBanner)
	u.headline.TextSize = sizeHeadline
	u.headline.TextStyle = fyne.TextStyle{Bold: true}
	u.subtitle = canvas.NewText(readySubtitle, colorOnBanner)
	u.subtitle.TextSize = sizeSubtitle
	words := container.NewVBox(layout.NewSpacer(), u.headline, u.subtitle, layout.NewSpacer())
	top := container.NewStack(u.banner, container.NewPadded(container.NewHBox(u.icon, words)))

	u.reason = widget.NewLabel("")
	u.reason.Wrapping = fyne.TextWrapWord
	u.reason.TextStyle = fyne.TextStyle{Bold: true}
	u.advice = widget.NewLabel("")
	u.advice.Wrapping = fyne.TextWrapWord
	u.claims = container.New(layout.NewFormLayout())
	u.warnings = container.NewVBox()
	u.note = widget.NewLabel("")
	u.note.Wrapping = fyne.TextWrapWord
	u.body = container.NewVBox(u.reason, u.advice, u.claims, u.warnings, u.note)
	body := container.NewVScroll(container.NewPadded(u.body))

	caption := canvas.NewText("Challenge for the wallet:", colorCaption)
	caption.TextSize = sizeText
	u.challenge = canvas.NewText("", color.Black)
	u.challenge.TextSize = sizeChallenge
	u.challenge.TextStyle = fyne.TextStyle{Bold: true}
	u.open = widget.NewButtonWithIcon("Open image…", theme.FolderOpenIcon(), u.showOpenDialog)
	u.entry = widget.NewEntry()
	u.entry.SetPlaceHolder(entryHint)
	u.entry.OnSubmitted = u.Submit
	bottom := container.NewVBox(
		widget.NewSeparator(),
		container.NewHBox(container.NewCenter(caption), u.challenge, layout.NewSpacer(), container.NewCenter(u.open)),
		u.entry,
	)
	background := canvas.NewRectangle(colorBackground)
	u.content = container.NewStack(background, container.NewBorder(top, container.NewPadded(bottom), nil, nil, body))
}

// Submit checks one scanned code and shows the outcome. It is what Enter
// does in the entry.
func (u *UI) Submit(text string) {
	u.entry.SetText("")
	if strings.TrimSpace(text) == "" {
		u.focus()
		return
	}
	u.Show(u.k.Check(u.ctx, []byte(text)))
}

// CheckImageFile checks the QR code in a PNG or JPEG file.
func (u *UI) CheckImageFile(path string) {
	u.Show(u.k.CheckImage(u.ctx, path))
}

// CheckImageURI checks the QR code in an image the operator picked or
// dropped on the window.
func (u *UI) CheckImageURI(uri fyne.URI) {
	r, err := storage.Reader(uri)
	if err != nil {
		u.CheckImageFile(uri.Path()) // gives the refusal with the reason
		return
	}
	defer r.Close()
	u.Show(u.k.CheckImageReader(u.ctx, r))
}

func (u *UI) showOpenDialog() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			u.focus()
			return
		}
		defer r.Close()
		u.Show(u.k.CheckImageReader(u.ctx, r))
	}, u.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".png", ".jpg", ".jpeg", ".PNG", ".JPG", ".JPEG"}))
	d.SetOnClosed(u.focus)
	d.Show()
}

// focus gives the scanner entry the keyboard focus.
func (u *UI) focus() { u.win.Canvas().Focus(u.entry) }

// Show puts an outcome on screen.
func (u *UI) Show(o kiosk.Outcome) {
	u.shown = &o
	if o.Pass {
		u.banner.FillColor, u.icon.Resource = colorAccepted, iconAccepted
	} else {
		u.banner.FillColor, u.icon.Resource = colorRefused, iconRefused
	}
	u.headline.Text = o.Headline
	u.subtitle.Text = o.What()
	if u.subtitle.Text == "" {
		u.subtitle.Text = "Not a credential this kiosk can accept"
	}
	if o.Pass { // the claims first: they are what the clerk came for
		u.body.Objects = []fyne.CanvasObject{u.claims, u.reason, u.advice, u.warnings, u.note}
		u.reason.SetText(strings.Join(append(append([]string(nil), o.Evidence...), o.Reason), "\n"))
		u.advice.SetText(o.Notice)
	} else {
		u.body.Objects = []fyne.CanvasObject{u.reason, u.advice, u.claims, u.warnings, u.note}
		u.reason.SetText("Reason: " + o.Reason)
		advice := o.Advice
		for _, r := range o.Refusals[min(1, len(o.Refusals)):] {
			advice += "\nAlso: " + r.Text
		}
		u.advice.SetText(strings.TrimSpace(advice))
	}
	u.setClaims(o.Claims)
	u.setWarnings(o.Warnings)
	u.note.SetText(note(o))
	hideEmpty(u.advice, u.note)
	u.setChallenge(o.NextChallenge)
	u.refresh()
	u.focus()
}

// Shown returns the outcome on screen, if any.
func (u *UI) Shown() (kiosk.Outcome, bool) {
	if u.shown == nil {
		return kiosk.Outcome{}, false
	}
	return *u.shown, true
}

func (u *UI) showReady() {
	u.shown = nil
	u.banner.FillColor, u.icon.Resource = colorReady, iconReady
	u.headline.Text, u.subtitle.Text = HeadlineReady, readySubtitle
	u.reason.SetText(readyHint)
	u.advice.SetText("")
	u.setClaims(nil)
	u.setWarnings(nil)
	u.note.SetText("")
	hideEmpty(u.advice, u.note)
	u.setChallenge(u.k.Challenge())
	u.refresh()
}

func (u *UI) setClaims(cs []kiosk.Claim) {
	u.claims.RemoveAll()
	u.claims.Hidden = len(cs) == 0
	for _, c := range cs {
		label := widget.NewLabel(c.Label)
		value := widget.NewLabelWithStyle(c.Value, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		value.Wrapping = fyne.TextWrapWord
		value.SizeName = theme.SizeNameSubHeadingText
		u.claims.Add(label)
		u.claims.Add(value)
	}
}

// hideEmpty hides labels with no text, so they take no room.
func hideEmpty(labels ...*widget.Label) {
	for _, l := range labels {
		if l.Text == "" {
			l.Hide()
		} else {
			l.Show()
		}
	}
}

func (u *UI) setWarnings(ws []string) {
	u.warnings.RemoveAll()
	u.warnings.Hidden = len(ws) == 0
	for _, w := range ws {
		icon := canvas.NewImageFromResource(iconWarning)
		icon.FillMode = canvas.ImageFillContain
		icon.SetMinSize(fyne.NewSize(32, 32))
		text := canvas.NewText(w, colorWarning)
		text.TextSize = sizeText
		text.TextStyle = fyne.TextStyle{Bold: true}
		u.warnings.Add(container.NewHBox(icon, text))
	}
}

func (u *UI) setChallenge(ch string) {
	u.challenge.Text, u.shownChallenge = ch, ch
}

// refresh redraws the whole window, applying the theme to new widgets (the
// test driver also does not lay parents out again when a child's minimum
// size changes).
func (u *UI) refresh() {
	u.icon.Refresh()
	u.themed.Refresh()
}

// Tick replaces a stale outcome by the ready screen and shows a new
// challenge when the kiosk rotated it. Start calls it every second.
func (u *UI) Tick() {
	if u.shown != nil && u.k.Stale(*u.shown) {
		u.showReady()
		return
	}
	if ch := u.k.Challenge(); ch != u.shownChallenge {
		u.setChallenge(ch)
		u.refresh()
	}
}

// Start calls Tick every second on Fyne's goroutine until ctx ends.
func (u *UI) Start(ctx context.Context) {
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				fyne.Do(u.Tick)
			}
		}
	}()
}

// note is the small print of an outcome: revocation list age, reason code.
func note(o kiosk.Outcome) string {
	var parts []string
	if o.StatusAsOf != nil && !o.CheckedAt.IsZero() {
		parts = append(parts, fmt.Sprintf("Revocation list of %s.", o.StatusAsOf.UTC().Format(time.DateOnly)))
	}
	if !o.Pass && o.ReasonCode != "" {
		parts = append(parts, fmt.Sprintf("Code: %s.", o.ReasonCode))
	}
	if !o.CheckedAt.IsZero() {
		parts = append(parts, "Checked at "+o.CheckedAt.Format("15:04:05")+".")
	}
	return strings.Join(parts, " ")
}
