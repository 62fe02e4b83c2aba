package qrcode

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"strings"
	"testing"
)

// The alphanumeric capacities of ISO/IEC 18004 Table 7 (also in
// /work/shared/GUIDE.md): a text of QR alphanumeric characters must take
// exactly these versions, which byte mode (8 bits a character) never could.
func TestVersionAlphanumericCapacity(t *testing.T) {
	letters := "ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:" // no digits: no numeric segments
	for _, tc := range []struct {
		level   Level
		chars   int
		version int
	}{
		{Medium, 311, 10}, {Medium, 312, 11},
		{Medium, 419, 12}, {Medium, 420, 13},
		{Medium, 600, 15}, {Medium, 601, 16},
		{Quartile, 221, 10}, {Quartile, 222, 11},
		{Quartile, 296, 12}, {Quartile, 297, 13},
	} {
		text := compactText(1, tc.chars, letters)
		got, err := VersionFor(text, tc.level)
		if err != nil {
			t.Fatal(err)
		}
		if got != tc.version {
			t.Errorf("%d alphanumeric characters at %v: version %d, want %d", tc.chars, tc.level, got, tc.version)
		}
	}
	// The same length in lower case must go to byte mode, far larger.
	if v, _ := VersionFor(strings.ToLower(compactText(1, 419, letters)), Medium); v != 16 {
		t.Errorf("419 bytes at M: version %d, want 16 (byte mode)", v)
	}
}

func TestEncodeErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		text  string
		level Level
		want  error
	}{
		{"empty", "", Medium, ErrEmpty},
		{"too long", strings.Repeat("x", 1300), High, ErrTooLong}, // H holds 1273 bytes at v40
		{"level", "CID1:ABC", Level(4), ErrLevel},
		{"negative level", "CID1:ABC", Level(-1), ErrLevel},
	} {
		_, err := Encode(tc.text, tc.level)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: Encode: %v, want %v", tc.name, err, tc.want)
		}
		_, err = VersionFor(tc.text, tc.level)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: VersionFor: %v, want %v", tc.name, err, tc.want)
		}
	}
	// The largest byte payload at H fits.
	if c, err := Encode(strings.Repeat("x", 1273), High); err != nil || c.Version() != 40 {
		t.Errorf("1273 bytes at H: %v, %v; want version 40", c, err)
	}
}

func TestLevelString(t *testing.T) {
	var got []string
	for _, l := range []Level{Low, Medium, Quartile, High, 9} {
		got = append(got, l.String())
	}
	if s := strings.Join(got, " "); s != "L M Q H Level(9)" {
		t.Errorf("got %q", s)
	}
}

// The level asked for is the level in the symbol's format information, as
// the decoder reports it (go-qrcode calls Q "High" and H "Highest").
func TestLevelInSymbol(t *testing.T) {
	for _, l := range []Level{Low, Medium, Quartile, High} {
		c, err := Encode("CID1:LEVEL", l)
		if err != nil {
			t.Fatal(err)
		}
		if got := decodedLevel(t, c.Image(200)); got != l.String() {
			t.Errorf("encoded at %v, decoder reads %s", l, got)
		}
	}
}

func TestModules(t *testing.T) {
	c, err := Encode(compactText(2, 400, base45Chars), Medium)
	if err != nil {
		t.Fatal(err)
	}
	if c.Version() != 12 || c.Level() != Medium {
		t.Fatalf("version %d level %v, want 12 M", c.Version(), c.Level())
	}
	m := c.Modules()
	if len(m) != 17+4*12 || len(m[0]) != len(m) {
		t.Fatalf("modules %dx%d, want 65x65", len(m[0]), len(m))
	}
	// The three finder patterns: a dark 7×7 ring with a dark 3×3 centre.
	for _, corner := range [][2]int{{0, 0}, {len(m) - 7, 0}, {0, len(m) - 7}} {
		for y := 0; y < 7; y++ {
			for x := 0; x < 7; x++ {
				ring := x == 0 || y == 0 || x == 6 || y == 6
				centre := x >= 2 && x <= 4 && y >= 2 && y <= 4
				if got := m[corner[1]+y][corner[0]+x]; got != (ring || centre) {
					t.Fatalf("finder at %v: module (%d,%d) dark=%v", corner, x, y, got)
				}
			}
		}
	}
	m[0][0] = false
	if !c.Modules()[0][0] {
		t.Error("Modules returned the code's own slices")
	}
}

func TestImage(t *testing.T) {
	c, err := Encode(compactText(3, 400, base45Chars), Medium)
	if err != nil {
		t.Fatal(err)
	}
	m := c.Modules()
	full := len(m) + 2*QuietZone // 73
	for _, tc := range []struct{ size, wantSide, scale int }{
		{300, 300, 4}, // 4 px a module, 4 px left over: 2 each side
		{73, 73, 1},
		{10, 73, 1}, // too small: the smallest image
		{-5, 73, 1},
		{MaxImageSize * 2, MaxImageSize, MaxImageSize / 73},
	} {
		img := c.Image(tc.size).(*image.Paletted)
		if img.Bounds().Dx() != tc.wantSide || img.Bounds().Dy() != tc.wantSide {
			t.Errorf("Image(%d): %v, want %d square", tc.size, img.Bounds(), tc.wantSide)
			continue
		}
		offset := (tc.wantSide - tc.scale*full) / 2
		for y := 0; y < tc.wantSide; y++ {
			for x := 0; x < tc.wantSide; x++ {
				mx, my := (x-offset)/tc.scale-QuietZone, (y-offset)/tc.scale-QuietZone
				want := x >= offset && y >= offset && mx >= 0 && my >= 0 && mx < len(m) && my < len(m) && m[my][mx]
				if got := img.ColorIndexAt(x, y) == 1; got != want {
					t.Fatalf("Image(%d) pixel (%d,%d) dark=%v, want %v", tc.size, x, y, got, want)
				}
			}
		}
	}
}

func TestPNG(t *testing.T) {
	c, err := Encode("CID1:PNG", Medium)
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range []int{0, -1, MaxImageSize + 1} {
		if _, err := c.PNG(size); !errors.Is(err, ErrSize) {
			t.Errorf("PNG(%d): %v, want ErrSize", size, err)
		}
	}
	data, err := c.PNG(250)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds() != image.Rect(0, 0, 250, 250) {
		t.Errorf("PNG bounds %v", img.Bounds())
	}
	if len(data) > 2000 {
		t.Errorf("a version 1 code as PNG takes %d bytes; expected a 1-bit PNG under 2000", len(data))
	}
}
