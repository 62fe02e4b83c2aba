package qrcode

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"os"

	"github.com/makiuchi-d/gozxing"
	zxmulti "github.com/makiuchi-d/gozxing/multi/qrcode"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"
	"golang.org/x/text/encoding"
)

// Limits of decoding.
const (
	MaxFileSize = 20 << 20   // bytes of a PNG or JPEG file
	MaxPixels   = 40_000_000 // width×height of an image
)

// Errors of decoding. An error that matches ErrUnreadable also matches
// ErrNoCode: either way no text was read, ErrUnreadable is a hint for the
// person holding the code (its format information was read, its data could
// not be corrected; clutter can look like that too).
var (
	ErrNoCode     = errors.New("no QR code found in the image")
	ErrUnreadable = errors.New("no QR code could be read: one seems to be there, but damaged, blurred, too small or partly hidden")
	ErrTooLarge   = errors.New("the image is too large to decode")
	ErrFormat     = errors.New("the file is not a PNG or JPEG image")
	ErrDamaged    = errors.New("the image file is damaged or incomplete")
)

var (
	pngMagic  = []byte("\x89PNG\r\n\x1a\n")
	jpegMagic = []byte{0xff, 0xd8, 0xff}
)

// DecodeFile reads the QR code in a PNG or JPEG file; see [Decode].
func DecodeFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", err
	}
	if !fi.Mode().IsRegular() {
		return "", fmt.Errorf("%s: %w: not a regular file", path, ErrFormat)
	}
	if fi.Size() > MaxFileSize {
		return "", fmt.Errorf("%s: %w: %d bytes (at most %d)", path, ErrTooLarge, fi.Size(), MaxFileSize)
	}
	text, err := Decode(f)
	if err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	return text, nil
}

// Decode reads a PNG or JPEG image from r and returns the text of the QR
// code in it; see [DecodeImage]. It reads at most [MaxFileSize]+1 bytes and
// checks the declared dimensions against [MaxPixels] before decoding pixels.
// Errors: [ErrFormat] for other kinds of data, [ErrDamaged] for a broken
// file, [ErrTooLarge], and those of DecodeImage.
func Decode(r io.Reader) (string, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return "", err
	}
	if len(data) > MaxFileSize {
		return "", fmt.Errorf("%w: over %d bytes", ErrTooLarge, MaxFileSize)
	}
	var (
		decodeConfig func(io.Reader) (image.Config, error)
		decode       func(io.Reader) (image.Image, error)
		kind         string
	)
	switch {
	case bytes.HasPrefix(data, pngMagic):
		decodeConfig, decode, kind = png.DecodeConfig, png.Decode, "PNG"
	case bytes.HasPrefix(data, jpegMagic):
		decodeConfig, decode, kind = jpeg.DecodeConfig, jpeg.Decode, "JPEG"
	default:
		return "", ErrFormat
	}
	cfg, err := decodeConfig(bytes.NewReader(data))
	if err != nil {
		return "", fmt.Errorf("%w: %s: %v", ErrDamaged, kind, err)
	}
	if err := checkDimensions(cfg.Width, cfg.Height); err != nil {
		return "", err
	}
	img, err := decode(bufio.NewReader(bytes.NewReader(data)))
	if err != nil {
		return "", fmt.Errorf("%w: %s: %v", ErrDamaged, kind, err)
	}
	return DecodeImage(img)
}

func checkDimensions(w, h int) error {
	if w <= 0 || h <= 0 {
		return fmt.Errorf("%w: the image is empty (%dx%d)", ErrNoCode, w, h)
	}
	if int64(w)*int64(h) > MaxPixels {
		return fmt.Errorf("%w: %dx%d pixels (at most %d million)", ErrTooLarge, w, h, MaxPixels/1_000_000)
	}
	return nil
}

// DecodeImage returns the text of a QR code in img: a screenshot, a scan or
// a camera frame, in any position, at any rotation, from about 4 pixels per
// module. If img holds several codes, one of them is read. Text in
// alphanumeric or numeric mode is returned as is, byte-mode segments as
// their exact bytes (the string need not be valid UTF-8); only segments that
// name a character set (ECI) or use Kanji mode are converted to UTF-8.
//
// Errors: [ErrNoCode] when no code is read, more precisely [ErrUnreadable]
// (which also matches ErrNoCode) when one seems to be there but its data
// cannot be corrected, and [ErrTooLarge] for images over [MaxPixels].
func DecodeImage(img image.Image) (string, error) {
	if img == nil {
		return "", fmt.Errorf("%w: there is no image", ErrNoCode)
	}
	b := img.Bounds()
	if err := checkDimensions(b.Dx(), b.Dy()); err != nil {
		return "", err
	}
	return decodeLuminance(luminance(img), b.Dx(), b.Dy())
}

// Decoder settings: gozxing appends byte segments verbatim with the Nop
// character set, so the text is the encoded bytes; TRY_HARDER scans every
// row for finder patterns instead of stepping over some.
var (
	fast = map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_CHARACTER_SET: encoding.Nop}
	hard = map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_CHARACTER_SET: encoding.Nop, gozxing.DecodeHintType_TRY_HARDER: true}
)

// decodeLuminance tries, in turn, until one reads a code:
//  1. the hybrid (local threshold) binariser on the image as captured:
//     sharp images and most camera frames;
//  2. the same on the image smoothed and contrast-stretched (smoothStretch):
//     dim, noisy and soft photographs;
//  3. the global histogram binariser: a dim code on a bright surround;
//  4. the first binarisation again, scanning every row for finder
//     patterns and trying every plausible three of them: small codes in
//     large images, and codes whose data happens to contain a shape like a
//     finder pattern, which misleads the single detector.
//
// A frame without a code pays for all four (see BenchmarkDecodeFrameNoCode).
func decodeLuminance(lum []byte, w, h int) (string, error) {
	var d decoding
	raw := d.bitmap(lum, w, h, gozxing.NewHybridBinarizer)
	if text, ok := d.try(raw, fast); ok {
		return text, nil
	}
	if text, ok := d.try(d.bitmap(smoothStretch(lum, w, h), w, h, gozxing.NewHybridBinarizer), fast); ok {
		return text, nil
	}
	if text, ok := d.try(d.bitmap(lum, w, h, gozxing.NewGlobalHistgramBinarizer), fast); ok {
		return text, nil
	}
	if text, ok := d.tryMulti(raw); ok {
		return text, nil
	}
	return "", d.err()
}

// decoding collects what the attempts of decodeLuminance learnt.
type decoding struct {
	reader gozxing.Reader
	found  error // the last failure after a code's format was read
	other  error // a failure to set up an attempt
}

func (d *decoding) bitmap(lum []byte, w, h int, binarizer func(gozxing.LuminanceSource) gozxing.Binarizer) *gozxing.BinaryBitmap {
	src, err := gozxing.NewPlanarYUVLuminanceSource(lum, w, h, 0, 0, w, h, false)
	if err != nil {
		d.other = err
		return nil
	}
	bmp, err := gozxing.NewBinaryBitmap(binarizer(src))
	if err != nil {
		d.other = err
		return nil
	}
	return bmp
}

func (d *decoding) try(bmp *gozxing.BinaryBitmap, hints map[gozxing.DecodeHintType]any) (string, bool) {
	if bmp == nil {
		return "", false
	}
	if d.reader == nil {
		d.reader = zxqr.NewQRCodeReader()
	}
	res, err := d.reader.Decode(bmp, hints)
	if err == nil {
		return res.GetText(), true
	}
	var checksum gozxing.ChecksumException
	if errors.As(err, &checksum) {
		d.found = err
	}
	return "", false
}

func (d *decoding) tryMulti(bmp *gozxing.BinaryBitmap) (string, bool) {
	if bmp == nil {
		return "", false
	}
	res, err := zxmulti.NewQRCodeMultiReader().DecodeMultiple(bmp, hard)
	if err != nil || len(res) == 0 {
		return "", false // it drops the codes it located and could not read
	}
	return res[0].GetText(), true
}

func (d *decoding) err() error {
	switch {
	case d.found != nil:
		return unreadableError{d.found}
	case d.other != nil:
		return fmt.Errorf("qrcode: %v", d.other)
	}
	return ErrNoCode
}

// unreadableError is ErrUnreadable, which is also ErrNoCode.
type unreadableError struct{ cause error }

func (e unreadableError) Error() string {
	return fmt.Sprintf("%v (%v)", ErrUnreadable, e.cause)
}

func (e unreadableError) Is(target error) bool {
	return target == ErrUnreadable || target == ErrNoCode
}
