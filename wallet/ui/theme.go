package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Text sizes of the wallet's theme: larger than Fyne's defaults (14, 18,
// 24) for residents who read at arm's length or with poor sight. The
// system's scale setting multiplies them further.
const (
	sizeText       = 18
	sizeSubHeading = 24
	sizeHeading    = 30
	sizeFocusRing  = 3 // the input border, so the focus is easy to see
)

// walletTheme is Fyne's default theme with larger text and stronger
// contrast: black on white (white on black in the dark variant), and
// placeholders and disabled text still readable.
type walletTheme struct{ fyne.Theme }

// Theme is the wallet's theme: large text and high contrast, light or dark
// as the system prefers. The app entries make it the app's theme
// (a.Settings().SetTheme(ui.Theme())).
func Theme() fyne.Theme { return walletTheme{theme.DefaultTheme()} }

var (
	black     = color.NRGBA{A: 0xff}
	white     = color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff}
	darkGrey  = color.NRGBA{R: 0x4a, G: 0x4a, B: 0x4a, A: 0xff} // 8.9:1 on white
	lightGrey = color.NRGBA{R: 0xbd, G: 0xbd, B: 0xbd, A: 0xff} // 10.9:1 on black
)

func (t walletTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	dark := v == theme.VariantDark
	switch n {
	case theme.ColorNameBackground:
		if dark {
			return black
		}
		return white
	case theme.ColorNameForeground:
		if dark {
			return white
		}
		return black
	case theme.ColorNamePlaceHolder, theme.ColorNameDisabled:
		if dark {
			return lightGrey
		}
		return darkGrey
	}
	return t.Theme.Color(n, v)
}

func (t walletTheme) Size(n fyne.ThemeSizeName) float32 {
	switch n {
	case theme.SizeNameText:
		return sizeText
	case theme.SizeNameSubHeadingText:
		return sizeSubHeading
	case theme.SizeNameHeadingText:
		return sizeHeading
	case theme.SizeNameInputBorder:
		return sizeFocusRing
	}
	return t.Theme.Size(n)
}
