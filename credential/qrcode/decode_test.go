package qrcode

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"
)

// decodedLevel reads the error correction level gozxing finds in img.
func decodedLevel(t *testing.T, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := zxqr.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(res.GetResultMetadata()[gozxing.ResultMetadataType_ERROR_CORRECTION_LEVEL])
}

func mustEncode(t testing.TB, text string, level Level) *Code {
	t.Helper()
	c, err := Encode(text, level)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mustPNG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Typical compact-format texts, and texts that need byte mode, survive
// Encode, PNG and Decode exactly.
func TestRoundTrip(t *testing.T) {
	allBytes := make([]byte, 256)
	for i := range allBytes {
		allBytes[i] = byte(255 - i)
	}
	for _, tc := range []struct {
		name    string
		text    string
		level   Level
		version int // 0: not checked
	}{
		{"compact 300 at M", compactText(10, 300, base45Chars), Medium, 10},
		{"compact 350 at M", compactText(11, 350, base45Chars), Medium, 11},
		{"compact 419 at M", compactText(12, 419, base45Chars), Medium, 12},
		{"compact 420 at M", compactText(13, 420, base45Chars), Medium, 13},
		{"compact 221 at Q", compactText(14, 221, base45Chars), Quartile, 10},
		{"compact 296 at Q", compactText(15, 296, base45Chars), Quartile, 12},
		{"digits", "CID1:" + strings.Repeat("0123456789", 30), Medium, 0},
		{"all byte values", string(allBytes), Medium, 0},
		{"invalid UTF-8 like Shift_JIS", "\x82\xa0\x82\xa2\x82\xa4", Low, 0},
		{"UTF-8", "Ana María O'Neil-Núñez, Springfield", Medium, 0},
		{"offer URI", "openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fcity.example%2Foffers%2Fq7Ue", Medium, 0},
		{"mixed", "CID1:ABC" + "\x00\x01\xff" + "12345678901234567890", High, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := mustEncode(t, tc.text, tc.level)
			if tc.version != 0 && c.Version() != tc.version {
				t.Errorf("version %d, want %d", c.Version(), tc.version)
			}
			data, err := c.PNG(4 * (len(c.Modules()) + 2*QuietZone))
			if err != nil {
				t.Fatal(err)
			}
			got, err := Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.text {
				t.Errorf("decoded %q\nwant    %q", got, tc.text)
			}
		})
	}
}

// A version 12 code, the size of a holder-bound presentation, read back from
// images spoiled the ways a camera or a printer spoils them.
func TestDecodeSpoiledImages(t *testing.T) {
	text := compactText(20, 410, base45Chars)
	code := mustEncode(t, text, Medium)
	if code.Version() != 12 {
		t.Fatalf("version %d, want 12", code.Version())
	}
	for _, tc := range []struct {
		name  string
		scene scene
		jpeg  int // quality; 0: the image is decoded as is
	}{
		{name: "4 px a module", scene: scene{px: 4}},
		{name: "4.3 px a module", scene: scene{px: 4.3}},
		{name: "5.5 px a module", scene: scene{px: 5.5}},
		{name: "large, 12 px a module", scene: scene{px: 12}},
		{name: "rotated 5°", scene: scene{px: 5, angle: 5}},
		{name: "rotated 15°", scene: scene{px: 5, angle: 15}},
		{name: "rotated 45°", scene: scene{px: 6, angle: 45}},
		{name: "rotated 90°", scene: scene{px: 5, angle: 90}},
		{name: "rotated 180°", scene: scene{px: 5, angle: 180}},
		{name: "rotated 200°", scene: scene{px: 5, angle: 200}},
		{name: "noise σ=20", scene: scene{px: 5, noise: 20, seed: 1}},
		{name: "noise σ=35", scene: scene{px: 6, noise: 35, seed: 2}},
		{name: "box blur r=1", scene: scene{px: 5, blur: 1}},
		{name: "box blur r=2", scene: scene{px: 6, blur: 2}},
		{name: "JPEG q40", scene: scene{px: 5}, jpeg: 40},
		{name: "JPEG q40, rotated 10°, noise", scene: scene{px: 5, angle: 10, noise: 10, seed: 3}, jpeg: 40},
		{name: "low contrast 100/150", scene: scene{px: 5, dark: 100, light: 150}},
		{name: "low contrast 100/140, noise", scene: scene{px: 5, dark: 100, light: 140, noise: 8, seed: 4}},
		{name: "low contrast 100/130, noise", scene: scene{px: 5, dark: 100, light: 130, noise: 5, seed: 5}},
		{name: "dim screen 60/150 on white", scene: scene{px: 5, dark: 60, light: 150, surround: 230}},
		{name: "camera frame", scene: scene{width: 1280, height: 720, px: 5, angle: 4, cx: 0.62, cy: 0.45, clutter: true, noise: 10, blur: 1, seed: 7}},
		{name: "camera frame, corner", scene: scene{width: 1280, height: 720, px: 4.5, angle: -8, cx: 0.2, cy: 0.3, clutter: true, noise: 12, seed: 8}},
		{name: "camera frame, 4 px a module", scene: scene{width: 1280, height: 720, px: 4, angle: 7, cx: 0.32, cy: 0.45, clutter: true, noise: 12, blur: 1, seed: 10}},
		{name: "camera frame, low contrast", scene: scene{width: 1280, height: 720, px: 5, angle: 4, cx: 0.62, cy: 0.45, clutter: true, noise: 8, dark: 100, light: 150, seed: 11}},
		{name: "camera frame, JPEG q40", scene: scene{width: 1280, height: 720, px: 5, angle: 2, cx: 0.7, cy: 0.6, clutter: true, noise: 6, seed: 9}, jpeg: 40},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img := tc.scene.render(code)
			var (
				got string
				err error
			)
			if tc.jpeg > 0 {
				got, err = Decode(bytes.NewReader(jpegBytes(t, img, tc.jpeg)))
			} else {
				got, err = DecodeImage(img)
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != text {
				t.Errorf("decoded %q, want %q", got, text)
			}
		})
	}
}

// This code's data holds a shape the single detector takes for a finder
// pattern (found by FuzzRoundTrip); the multi detector reads it.
func TestDecodeMisleadingFinder(t *testing.T) {
	text := "CID1:6BFOX'CBX08X78Y9x0X9Bb7C1a27Bx0A38X0C0X0CCYA+X70#y1C2AZ'B01"
	c := mustEncode(t, text, Medium)
	for _, px := range []int{3, 4, 5} {
		got, err := DecodeImage(c.Image(px * len(c.modules)))
		if err != nil || got != text {
			t.Errorf("%d px a module: %q, %v", px, got, err)
		}
	}
}

func TestDecodeNoCode(t *testing.T) {
	blank := image.NewGray(image.Rect(0, 0, 640, 480))
	draw.Draw(blank, blank.Bounds(), image.NewUniform(color.Gray{200}), image.Point{}, draw.Src)
	clutter := background(1280, 720, true, 0, newRand(5))
	for name, img := range map[string]image.Image{
		"blank":   blank,
		"clutter": clutter,
		"1 pixel": image.NewGray(image.Rect(0, 0, 1, 1)),
	} {
		if _, err := DecodeImage(img); !errors.Is(err, ErrNoCode) {
			t.Errorf("%s: %v, want ErrNoCode", name, err)
		}
	}
	if _, err := Decode(bytes.NewReader(mustPNG(t, clutter))); !errors.Is(err, ErrNoCode) {
		t.Errorf("clutter PNG: %v, want ErrNoCode", err)
	}
	for name, img := range map[string]image.Image{
		"nil":   nil,
		"empty": image.NewGray(image.Rect(0, 0, 0, 0)),
	} {
		if _, err := DecodeImage(img); !errors.Is(err, ErrNoCode) {
			t.Errorf("%s: %v, want ErrNoCode", name, err)
		}
	}
}

// A code whose finder patterns are intact but whose data is beyond repair
// is reported as found and unreadable, not as absent.
func TestDecodeUnreadable(t *testing.T) {
	c := mustEncode(t, compactText(30, 300, base45Chars), Low)
	n := len(c.modules)
	for y := 12; y < n-12; y++ { // invert the middle of the symbol
		for x := 12; x < n-12; x++ {
			c.modules[y][x] = !c.modules[y][x]
		}
	}
	_, err := DecodeImage(c.Image(6 * n))
	if !errors.Is(err, ErrUnreadable) || !errors.Is(err, ErrNoCode) {
		t.Errorf("got %v, want ErrUnreadable, which is also ErrNoCode", err)
	}
}

func TestDecodeBadFiles(t *testing.T) {
	valid, err := mustEncode(t, "CID1:FILE", Medium).PNG(200)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		data []byte
		want error
	}{
		{"empty", nil, ErrFormat},
		{"text", []byte("CID1:NOT AN IMAGE"), ErrFormat},
		{"GIF", []byte("GIF89a\x01\x00\x01\x00"), ErrFormat},
		{"PNG signature only", pngMagic, ErrDamaged},
		{"truncated PNG", valid[:len(valid)/2], ErrDamaged},
		{"truncated JPEG", jpegBytes(t, image.NewGray(image.Rect(0, 0, 64, 64)), 90)[:300], ErrDamaged},
		{"PNG of 8000×8000 declared", pngWithSize(t, valid, 8000, 8000), ErrTooLarge},
		{"PNG of 0×5 declared", pngWithSize(t, valid, 0, 5), ErrDamaged},
	} {
		if _, err := Decode(bytes.NewReader(tc.data)); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
	// Over MaxFileSize, refused without decoding.
	huge := io.MultiReader(bytes.NewReader(valid), zeros{})
	if _, err := Decode(huge); !errors.Is(err, ErrTooLarge) {
		t.Errorf("endless reader: %v, want ErrTooLarge", err)
	}
	if _, err := DecodeImage(hugeImage{}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("40 megapixel image: %v, want ErrTooLarge", err)
	}
}

func TestDecodeFile(t *testing.T) {
	dir := t.TempDir()
	c := mustEncode(t, "CID1:FROM A FILE", Medium)
	data, err := c.PNG(300)
	if err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, "code.png")
	jpg := filepath.Join(dir, "code.jpg")
	big := filepath.Join(dir, "big.png")
	if err := os.WriteFile(good, data, 0o600); err != nil {
		t.Fatal(err)
	}
	gray := image.NewGray(c.Image(300).Bounds())
	draw.Draw(gray, gray.Bounds(), c.Image(300), image.Point{}, draw.Src)
	if err := os.WriteFile(jpg, jpegBytes(t, gray, 40), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(big, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, MaxFileSize+1); err != nil { // sparse
		t.Fatal(err)
	}
	for _, path := range []string{good, jpg} {
		if got, err := DecodeFile(path); err != nil || got != "CID1:FROM A FILE" {
			t.Errorf("%s: %q, %v", filepath.Base(path), got, err)
		}
	}
	for _, tc := range []struct {
		path string
		want error
	}{
		{filepath.Join(dir, "missing.png"), fs.ErrNotExist},
		{dir, ErrFormat},
		{big, ErrTooLarge},
	} {
		_, err := DecodeFile(tc.path)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.path, err, tc.want)
		}
		if err != nil && !strings.Contains(err.Error(), tc.path) {
			t.Errorf("%s: the error does not name the file: %v", tc.path, err)
		}
	}
}

// Every in-memory image type gives the same luminance as the generic path,
// with transparency composited over white.
func TestLuminanceTypes(t *testing.T) {
	r := newRand(6)
	src := image.NewNRGBA(image.Rect(3, 5, 40, 30)) // not at the origin
	for i := range src.Pix {
		src.Pix[i] = byte(r.IntN(256))
	}
	rgba := image.NewRGBA(src.Bounds())
	draw.Draw(rgba, rgba.Bounds(), src, src.Bounds().Min, draw.Src)
	gray := image.NewGray(src.Bounds())
	draw.Draw(gray, gray.Bounds(), src, src.Bounds().Min, draw.Src)
	ycc := image.NewYCbCr(src.Bounds(), image.YCbCrSubsampleRatio420)
	for y := src.Bounds().Min.Y; y < src.Bounds().Max.Y; y++ {
		for x := src.Bounds().Min.X; x < src.Bounds().Max.X; x++ {
			ycc.Y[ycc.YOffset(x, y)] = gray.GrayAt(x, y).Y
		}
	}
	pal := image.NewPaletted(src.Bounds(), color.Palette{color.Black, color.White, color.NRGBA{200, 10, 10, 128}, color.Transparent})
	draw.Draw(pal, pal.Bounds(), src, src.Bounds().Min, draw.Src)
	sub := rgba.SubImage(image.Rect(10, 10, 20, 25))

	for name, img := range map[string]image.Image{
		"NRGBA": src, "RGBA": rgba, "Gray": gray, "Paletted": pal, "sub-image": sub,
	} {
		got := luminance(img)
		want := luminance(opaque{img}) // the generic path
		if len(got) != len(want) {
			t.Fatalf("%s: %d values, want %d", name, len(got), len(want))
		}
		for i := range got {
			if d := int(got[i]) - int(want[i]); d < -1 || d > 1 {
				t.Fatalf("%s: pixel %d: luminance %d, generic %d", name, i, got[i], want[i])
			}
		}
	}
	// YCbCr gives its Y plane as is.
	if got := luminance(ycc); !bytes.Equal(got, luminance(gray)) {
		t.Error("YCbCr: luminance is not the Y plane")
	}
	// Fully transparent is white; opaque black is black.
	tr := image.NewNRGBA(image.Rect(0, 0, 2, 1))
	tr.SetNRGBA(1, 0, color.NRGBA{0, 0, 0, 255})
	if got := luminance(tr); got[0] != 255 || got[1] != 0 {
		t.Errorf("transparent/black: %v, want [255 0]", got)
	}
}

// opaque hides an image's concrete type, so luminance takes its generic path.
type opaque struct{ image.Image }

// hugeImage claims 40,040,000 pixels and holds none.
type hugeImage struct{ image.Image }

func (hugeImage) Bounds() image.Rectangle { return image.Rect(0, 0, 40_000, 1_001) }

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// pngWithSize rewrites the width and height in a PNG's IHDR chunk (and its
// CRC), leaving the pixel data as it was.
func pngWithSize(t *testing.T, data []byte, w, h uint32) []byte {
	t.Helper()
	out := bytes.Clone(data)
	// signature (8), length (4), "IHDR" (4), then width and height.
	if string(out[12:16]) != "IHDR" {
		t.Fatal("no IHDR chunk first")
	}
	binary.BigEndian.PutUint32(out[16:], w)
	binary.BigEndian.PutUint32(out[20:], h)
	binary.BigEndian.PutUint32(out[29:], crc32.ChecksumIEEE(out[12:29]))
	return out
}
