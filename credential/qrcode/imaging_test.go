package qrcode

import (
	"bytes"
	"image"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// This file makes the test images: a code drawn as a camera would see it
// (any scale, rotation and position, anti-aliased), then noise, blur, low
// contrast, JPEG loss and background clutter. Everything is deterministic:
// the random sources are seeded.

// base45Chars is the RFC 9285 alphabet, which is the QR alphanumeric set.
const base45Chars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"

// compactText returns "CID1:" and n-5 characters drawn from alphabet, the
// shape of cityid's compact presentation text.
func compactText(seed uint64, n int, alphabet string) string {
	r := rand.New(rand.NewPCG(seed, 1))
	var b strings.Builder
	b.WriteString("CID1:")
	for b.Len() < n {
		b.WriteByte(alphabet[r.IntN(len(alphabet))])
	}
	return b.String()
}

// scene describes how a code appears in a test image.
type scene struct {
	width, height int     // canvas; 0 means just big enough for the code
	px            float64 // pixels per module
	angle         float64 // degrees, clockwise
	cx, cy        float64 // centre of the code, as a fraction of the canvas (0 means 0.5)
	clutter       bool    // background shapes instead of plain paper
	surround      byte    // grey level of the plain background (0 means light)
	dark, light   byte    // module grey levels (0 means 20 and 235)
	noise         float64 // standard deviation of added Gaussian noise, in grey levels
	blur          int     // box blur radius in pixels
	seed          uint64
}

// render draws code into a grey image as the scene says, sampling every
// pixel 3×3 times so module edges are grey as in a photograph.
func (s scene) render(c *Code) *image.Gray {
	full := float64(len(c.modules)) // with the quiet zone
	if s.width == 0 {
		side := int(math.Ceil(full*s.px*(math.Abs(math.Cos(s.angle*math.Pi/180))+math.Abs(math.Sin(s.angle*math.Pi/180))))) + 8
		s.width, s.height = side, side
	}
	if s.cx == 0 {
		s.cx = 0.5
	}
	if s.cy == 0 {
		s.cy = 0.5
	}
	if s.dark == 0 && s.light == 0 {
		s.dark, s.light = 20, 235
	}
	r := rand.New(rand.NewPCG(s.seed, 2))
	if s.surround == 0 {
		s.surround = s.light
	}
	img := background(s.width, s.height, s.clutter, s.surround, r)

	sin, cos := math.Sincos(-s.angle * math.Pi / 180)
	ox, oy := s.cx*float64(s.width), s.cy*float64(s.height)
	const sub = 3
	for y := 0; y < s.height; y++ {
		for x := 0; x < s.width; x++ {
			sum, inside := 0, 0
			for sy := 0; sy < sub; sy++ {
				for sx := 0; sx < sub; sx++ {
					dx := float64(x) + (float64(sx)+0.5)/sub - ox
					dy := float64(y) + (float64(sy)+0.5)/sub - oy
					mx := (dx*cos-dy*sin)/s.px + full/2
					my := (dx*sin+dy*cos)/s.px + full/2
					if mx < 0 || my < 0 || mx >= full || my >= full {
						sum += int(img.Pix[y*img.Stride+x])
						continue
					}
					inside++
					if c.modules[int(my)][int(mx)] {
						sum += int(s.dark)
					} else {
						sum += int(s.light)
					}
				}
			}
			if inside > 0 {
				img.Pix[y*img.Stride+x] = byte(sum / (sub * sub))
			}
		}
	}
	if s.blur > 0 {
		img = boxBlur(img, s.blur)
	}
	if s.noise > 0 {
		for i, v := range img.Pix {
			img.Pix[i] = clamp(float64(v) + r.NormFloat64()*s.noise)
		}
	}
	return img
}

// background is level grey, or with clutter a gradient under random
// rectangles, bars and speckles such as a counter top or a hand would give.
func background(w, h int, clutter bool, level byte, r *rand.Rand) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := float64(level)
			if clutter {
				v = 90 + 120*float64(x)/float64(w) + 30*math.Sin(float64(y)/40)
			}
			img.Pix[y*img.Stride+x] = clamp(v)
		}
	}
	if !clutter {
		return img
	}
	for range 60 {
		x0, y0 := r.IntN(w), r.IntN(h)
		x1, y1 := x0+5+r.IntN(w/6), y0+2+r.IntN(h/6)
		v := byte(r.IntN(256))
		for y := y0; y < min(y1, h); y++ {
			for x := x0; x < min(x1, w); x++ {
				img.Pix[y*img.Stride+x] = v
			}
		}
	}
	for range 4000 {
		img.Pix[r.IntN(h)*img.Stride+r.IntN(w)] = byte(r.IntN(256))
	}
	return img
}

// boxBlur averages each pixel with its neighbours within radius (a square).
func boxBlur(src *image.Gray, radius int) *image.Gray {
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	tmp := make([]int, w*h)
	for y := 0; y < h; y++ { // horizontal
		for x := 0; x < w; x++ {
			sum, n := 0, 0
			for k := max(0, x-radius); k <= min(w-1, x+radius); k++ {
				sum += int(src.Pix[y*src.Stride+k])
				n++
			}
			tmp[y*w+x] = sum / n
		}
	}
	dst := image.NewGray(b)
	for y := 0; y < h; y++ { // vertical
		for x := 0; x < w; x++ {
			sum, n := 0, 0
			for k := max(0, y-radius); k <= min(h-1, y+radius); k++ {
				sum += tmp[k*w+x]
				n++
			}
			dst.Pix[y*dst.Stride+x] = byte(sum / n)
		}
	}
	return dst
}

func clamp(v float64) byte {
	return byte(math.Round(math.Max(0, math.Min(255, v))))
}

// jpegBytes encodes img as a JPEG file of the given quality.
func jpegBytes(t testing.TB, img image.Image, quality int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// cameraFrame is the benchmark's frame: a version 12 code at 5 pixels a
// module, turned 4°, off-centre on a cluttered 1280×720 background, with
// noise and the softness of a cheap lens.
func cameraFrame(t testing.TB, text string) *image.Gray {
	t.Helper()
	c, err := Encode(text, Medium)
	if err != nil {
		t.Fatal(err)
	}
	return scene{width: 1280, height: 720, px: 5, angle: 4, cx: 0.62, cy: 0.45,
		clutter: true, noise: 10, blur: 1, seed: 7}.render(c)
}

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 3)) }
