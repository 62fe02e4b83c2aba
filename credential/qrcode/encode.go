package qrcode

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"

	goqr "github.com/skip2/go-qrcode"
)

// Level is a QR error correction level: the share of the symbol that may be
// damaged and still read (ISO/IEC 18004 section 7.5.1).
type Level int

// The four error correction levels, from the least to the most redundant.
const (
	Low      Level = iota // L: about 7% of the codewords can be restored
	Medium                // M: about 15%
	Quartile              // Q: about 25%
	High                  // H: about 30%
)

// String returns the level's letter: "L", "M", "Q" or "H".
func (l Level) String() string {
	switch l {
	case Low:
		return "L"
	case Medium:
		return "M"
	case Quartile:
		return "Q"
	case High:
		return "H"
	}
	return fmt.Sprintf("Level(%d)", int(l))
}

func (l Level) recovery() (goqr.RecoveryLevel, error) {
	switch l {
	case Low:
		return goqr.Low, nil
	case Medium:
		return goqr.Medium, nil
	case Quartile:
		return goqr.High, nil // go-qrcode names Q "High"
	case High:
		return goqr.Highest, nil // and H "Highest"
	}
	return 0, fmt.Errorf("%w: %d (use Low, Medium, Quartile or High)", ErrLevel, int(l))
}

// QuietZone is the width, in modules, of the light margin the standard
// requires around a QR symbol. [Code.Image] and [Code.PNG] include it;
// [Code.Modules] does not.
const QuietZone = 4

// MaxImageSize bounds the width and height, in pixels, that [Code.Image] and
// [Code.PNG] draw.
const MaxImageSize = 8192

// Errors of encoding.
var (
	ErrEmpty   = errors.New("qrcode: there is no text to encode")
	ErrTooLong = errors.New("qrcode: the text is too long for a QR code")
	ErrLevel   = errors.New("qrcode: unknown error correction level")
	ErrSize    = errors.New("qrcode: image size out of range")
)

// Code is an encoded QR symbol.
type Code struct {
	version int
	level   Level
	modules [][]bool // with the quiet zone, as go-qrcode builds it
}

// Encode encodes text as a QR code at the given error correction level, in
// the smallest version (1 to 40) that holds it. Text of QR alphanumeric
// characters only is encoded in alphanumeric mode (digit runs may use numeric
// mode where that is shorter); other text in byte mode, byte for byte.
func Encode(text string, level Level) (*Code, error) {
	q, err := newQR(text, level)
	if err != nil {
		return nil, err
	}
	var bitmap [][]bool
	if err := noPanic(func() { bitmap = q.Bitmap() }); err != nil {
		return nil, err
	}
	return &Code{version: q.VersionNumber, level: level, modules: bitmap}, nil
}

// VersionFor returns the QR version (1 to 40) that [Encode] would choose for
// text at the given level, without building the symbol; a version has
// 17+4×version modules a side.
func VersionFor(text string, level Level) (int, error) {
	q, err := newQR(text, level)
	if err != nil {
		return 0, err
	}
	return q.VersionNumber, nil
}

func newQR(text string, level Level) (q *goqr.QRCode, err error) {
	rl, err := level.recovery()
	if err != nil {
		return nil, err
	}
	if text == "" {
		return nil, ErrEmpty
	}
	if err := noPanic(func() { q, err = goqr.New(text, rl) }); err != nil {
		return nil, err
	}
	if err != nil {
		// go-qrcode's only other failure is content beyond version 40.
		return nil, fmt.Errorf("%w: %d bytes do not fit version 40 at level %v", ErrTooLong, len(text), level)
	}
	return q, nil
}

// noPanic runs f and turns a panic of go-qrcode (it panics on internal
// inconsistencies) into an error.
func noPanic(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("qrcode: the encoder failed: %v", r)
		}
	}()
	f()
	return nil
}

// Version returns the QR version, 1 to 40.
func (c *Code) Version() int { return c.version }

// Level returns the error correction level.
func (c *Code) Level() Level { return c.level }

// Modules returns the symbol row by row, true for a dark module, without the
// quiet zone: a square of 17+4×Version() modules a side. The caller owns the
// returned slices and must leave [QuietZone] light modules around them when
// drawing.
func (c *Code) Modules() [][]bool {
	n := len(c.modules) - 2*QuietZone
	out := make([][]bool, n)
	for y := range out {
		out[y] = append([]bool(nil), c.modules[y+QuietZone][QuietZone:QuietZone+n]...)
	}
	return out
}

// Image draws the code, dark on light, with its quiet zone, in a square of
// size×size pixels. Every module is the same whole number of pixels, the
// largest that fits; the code is centred and the rest is light. A size too
// small for one pixel per module gives the smallest image that has one
// (Version()×4+25 pixels a side); a size over [MaxImageSize] is reduced to it.
func (c *Code) Image(size int) image.Image {
	full := len(c.modules)
	size = min(max(size, full), MaxImageSize)
	scale := size / full
	offset := (size - scale*full) / 2

	img := image.NewPaletted(image.Rect(0, 0, size, size), color.Palette{color.White, color.Black})
	for y, row := range c.modules {
		for x, dark := range row {
			if !dark {
				continue
			}
			for py := 0; py < scale; py++ {
				start := img.PixOffset(offset+x*scale, offset+y*scale+py)
				line := img.Pix[start : start+scale]
				for i := range line {
					line[i] = 1
				}
			}
		}
	}
	return img
}

// PNG returns [Code.Image] of the given size as a PNG file (1 bit per pixel).
// Unlike Image it refuses a size outside 1 to [MaxImageSize] with [ErrSize].
func (c *Code) PNG(size int) ([]byte, error) {
	if size < 1 || size > MaxImageSize {
		return nil, fmt.Errorf("%w: %d pixels (1 to %d)", ErrSize, size, MaxImageSize)
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, c.Image(size)); err != nil {
		return nil, fmt.Errorf("qrcode: writing the PNG: %w", err)
	}
	return buf.Bytes(), nil
}
