package ui

import (
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// contrast is the WCAG 2 contrast ratio of two opaque colours.
func contrast(a, b color.Color) float64 {
	lum := func(c color.Color) float64 {
		r, g, b, _ := c.RGBA()
		ch := func(v uint32) float64 {
			s := float64(v) / 0xffff
			if s <= 0.04045 {
				return s / 12.92
			}
			return math.Pow((s+0.055)/1.055, 2.4)
		}
		return 0.2126*ch(r) + 0.7152*ch(g) + 0.0722*ch(b)
	}
	la, lb := lum(a), lum(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// TestThemeContrastAndSize: text meets WCAG AAA contrast (7:1) in both
// variants, placeholders and disabled text too, and no text size is below
// Fyne's defaults.
func TestThemeContrastAndSize(t *testing.T) {
	th := Theme()
	for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
		bg := th.Color(theme.ColorNameBackground, v)
		for _, n := range []fyne.ThemeColorName{theme.ColorNameForeground, theme.ColorNamePlaceHolder, theme.ColorNameDisabled} {
			if r := contrast(th.Color(n, v), bg); r < 7 {
				t.Errorf("variant %d: %s on the background is %.1f:1, want at least 7:1", v, n, r)
			}
		}
	}
	def := theme.DefaultTheme()
	for _, n := range []fyne.ThemeSizeName{theme.SizeNameText, theme.SizeNameSubHeadingText, theme.SizeNameHeadingText, theme.SizeNameCaptionText} {
		if th.Size(n) < def.Size(n) {
			t.Errorf("%s is %.0f, smaller than Fyne's %.0f", n, th.Size(n), def.Size(n))
		}
	}
	if th.Size(theme.SizeNameText) < 18 {
		t.Errorf("body text is %.0f, want at least 18", th.Size(theme.SizeNameText))
	}
}
