package qrcode

import (
	"image"
	"image/color"
)

// luminance returns img as 8-bit luma (ITU-R BT.601 weights, as JPEG's Y),
// one byte a pixel, row by row, with transparent pixels composited over
// white. The common in-memory types are read straight from their pixel
// slices; the JPEG decoder's YCbCr already carries the luma plane.
func luminance(img image.Image) []byte {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	out := make([]byte, w*h)
	switch m := img.(type) {
	case *image.Gray:
		for y := 0; y < h; y++ {
			i := m.PixOffset(b.Min.X, b.Min.Y+y)
			copy(out[y*w:(y+1)*w], m.Pix[i:i+w])
		}
	case *image.YCbCr:
		for y := 0; y < h; y++ {
			i := m.YOffset(b.Min.X, b.Min.Y+y)
			copy(out[y*w:(y+1)*w], m.Y[i:i+w])
		}
	case *image.RGBA: // premultiplied: over white, c' = c + (255 - a)
		for y := 0; y < h; y++ {
			p := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			row := out[y*w : (y+1)*w]
			for x := range row {
				q := p[4*x : 4*x+4 : 4*x+4]
				white := 255 - uint32(q[3])
				row[x] = luma(uint32(q[0])+white, uint32(q[1])+white, uint32(q[2])+white)
			}
		}
	case *image.NRGBA: // c' = (c·a + 255·(255 - a)) / 255
		for y := 0; y < h; y++ {
			p := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			row := out[y*w : (y+1)*w]
			for x := range row {
				q := p[4*x : 4*x+4 : 4*x+4]
				a := uint32(q[3])
				if a == 255 {
					row[x] = luma(uint32(q[0]), uint32(q[1]), uint32(q[2]))
					continue
				}
				white := 255 * (255 - a)
				row[x] = luma((uint32(q[0])*a+white)/255, (uint32(q[1])*a+white)/255, (uint32(q[2])*a+white)/255)
			}
		}
	case *image.Paletted:
		var table [256]byte
		for i, c := range m.Palette {
			table[i] = lumaOf(c)
		}
		for y := 0; y < h; y++ {
			p := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			row := out[y*w : (y+1)*w]
			for x := range row {
				row[x] = table[p[x]]
			}
		}
	default:
		i := 0
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				out[i] = lumaOf(img.At(x, y))
				i++
			}
		}
	}
	return out
}

// luma weighs 8-bit R, G, B as 0.299, 0.587, 0.114 (16-bit fixed point).
func luma(r, g, b uint32) byte {
	return byte((19595*r + 38470*g + 7471*b + 1<<15) >> 16)
}

// lumaOf converts any colour, composited over white.
func lumaOf(c color.Color) byte {
	r, g, b, a := c.RGBA() // premultiplied, 16 bits
	white := 0xffff - a
	return luma((r+white)>>8, (g+white)>>8, (b+white)>>8)
}
