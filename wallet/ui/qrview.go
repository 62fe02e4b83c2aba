package ui

import (
	"image"
	"image/color"
	"image/draw"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"

	"github.com/cityid/cityid/credential/qrcode"
)

// qrMinModulePixels is the smallest module the view draws: 4 pixels a
// module reads well with a cheap camera.
const qrMinModulePixels = 4

// newQRView draws code at the size it is given, in whole pixels per module
// (crisp edges at any size), centred on white, with the quiet zone white
// whatever the theme.
func newQRView(code *qrcode.Code) *canvas.Raster {
	r := canvas.NewRaster(func(w, h int) image.Image {
		img := image.NewGray(image.Rect(0, 0, w, h))
		draw.Draw(img, img.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
		side := min(w, h)
		if side <= 0 {
			return img
		}
		sym := code.Image(side)
		b := sym.Bounds()
		at := image.Pt((w-b.Dx())/2, (h-b.Dy())/2)
		draw.Draw(img, b.Sub(b.Min).Add(at), sym, b.Min, draw.Src)
		return img
	})
	r.ScaleMode = canvas.ImageScalePixels
	n := float32((len(code.Modules()) + 2*qrcode.QuietZone) * qrMinModulePixels)
	r.SetMinSize(fyne.NewSize(n/2, n/2)) // device pixels are often 2 per unit
	return r
}
