package kioskui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Colours of the banner. The green and red are dark enough for white text
// (contrast above 4.5:1); the tick and cross shapes carry the same meaning
// for people who cannot tell them apart.
var (
	colorAccepted   = color.NRGBA{R: 0x1b, G: 0x6e, B: 0x34, A: 0xff}
	colorRefused    = color.NRGBA{R: 0xb3, G: 0x1b, B: 0x1b, A: 0xff}
	colorReady      = color.NRGBA{R: 0x2f, G: 0x3e, B: 0x4c, A: 0xff}
	colorOnBanner   = color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff}
	colorWarning    = color.NRGBA{R: 0x8a, G: 0x4b, B: 0x00, A: 0xff}
	colorCaption    = color.NRGBA{R: 0x44, G: 0x44, B: 0x44, A: 0xff}
	colorBackground = color.NRGBA{R: 0xfa, G: 0xfa, B: 0xfa, A: 0xff}
)

// Text sizes, for reading at arm's length and beyond.
const (
	sizeHeadline  = 96
	sizeSubtitle  = 28
	sizeChallenge = 56
	sizeText      = 24
	sizeValue     = 34 // claim values
)

// kioskTheme is the default light theme with larger text.
type kioskTheme struct{ fyne.Theme }

// Theme is the kiosk's theme: Fyne's light theme with text large enough to
// read from a distance. The window applies it to its content; an app that
// shows only the kiosk should also make it the app's theme.
func Theme() fyne.Theme { return kioskTheme{theme.DefaultTheme()} }

func (t kioskTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, theme.VariantLight)
}

func (t kioskTheme) Size(n fyne.ThemeSizeName) float32 {
	switch n {
	case theme.SizeNameText:
		return sizeText
	case theme.SizeNameSubHeadingText:
		return sizeValue
	}
	return t.Theme.Size(n)
}

// Icons drawn for the banner, white on the banner's colour.
var (
	iconAccepted = fyne.NewStaticResource("kiosk-accepted.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path fill="#ffffff" d="M2.5 12.5 L5.5 9.5 L9.5 13.5 L18.5 4.5 L21.5 7.5 L9.5 19.5 Z"/></svg>`))
	iconRefused  = fyne.NewStaticResource("kiosk-refused.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path fill="#ffffff" d="M5 2.5 L12 9.5 L19 2.5 L21.5 5 L14.5 12 L21.5 19 L19 21.5 L12 14.5 L5 21.5 L2.5 19 L9.5 12 L2.5 5 Z"/></svg>`))
	iconReady    = fyne.NewStaticResource("kiosk-ready.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path fill="#ffffff" d="M2 2 H9 V4.5 H4.5 V9 H2 Z M15 2 H22 V9 H19.5 V4.5 H15 Z M2 15 H4.5 V19.5 H9 V22 H2 Z M19.5 15 H22 V22 H15 V19.5 H19.5 Z M3 11 H21 V13 H3 Z"/></svg>`))
	iconWarning  = fyne.NewStaticResource("kiosk-warning.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path fill="#8a4b00" d="M12 1.5 L23 21.5 H1 Z"/><path fill="#ffffff" d="M11 8 H13 V15 H11 Z M11 17 H13 V19 H11 Z"/></svg>`))
)
