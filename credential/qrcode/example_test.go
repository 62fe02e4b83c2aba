package qrcode_test

import (
	"bytes"
	"fmt"
	"image"
	_ "image/png" // for image.DecodeConfig
	"os"
	"path/filepath"
	"strings"

	"github.com/cityid/cityid/credential/qrcode"
)

// A presentation in a compact alphanumeric format is shown as a QR code:
// 419 alphanumeric characters fit version 12 at level M.
func ExampleEncode() {
	text := "CID1:" + strings.Repeat("6BFOXN*TS0BI$ZD", 27) + "A/Q:+MK 9"
	code, err := qrcode.Encode(text, qrcode.Medium)
	if err != nil {
		fmt.Println(err)
		return
	}
	png, err := code.PNG(400)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(text), "characters: version", code.Version(), "level", code.Level())
	img, _, err := image.DecodeConfig(bytes.NewReader(png))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(code.Modules()), "modules a side; PNG of", img.Width, "x", img.Height, "pixels")
	// Output:
	// 419 characters: version 12 level M
	// 65 modules a side; PNG of 400 x 400 pixels
}

// A size report: the version a text needs at each level.
func ExampleVersionFor() {
	text := "CID1:" + strings.Repeat("NCFOXN*TS0BI$ZD4", 18)
	for _, level := range []qrcode.Level{qrcode.Low, qrcode.Medium, qrcode.Quartile, qrcode.High} {
		v, err := qrcode.VersionFor(text, level)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%d characters at %v: version %d\n", len(text), level, v)
	}
	// Output:
	// 293 characters at L: version 9
	// 293 characters at M: version 10
	// 293 characters at Q: version 12
	// 293 characters at H: version 15
}

// The kiosk reads a code from a camera frame already in memory.
func ExampleDecodeImage() {
	code, err := qrcode.Encode("CID1:NCFOXN*TS0BI$ZD4", qrcode.Quartile)
	if err != nil {
		fmt.Println(err)
		return
	}
	text, err := qrcode.DecodeImage(code.Image(300))
	if err != nil {
		fmt.Println(err) // qrcode.ErrNoCode: ask for the code to be shown again
		return
	}
	fmt.Println(text)
	// Output: CID1:NCFOXN*TS0BI$ZD4
}

// `cityid verify` reads a code from a PNG or JPEG file.
func ExampleDecodeFile() {
	dir, err := os.MkdirTemp("", "qrcode-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	code, err := qrcode.Encode("CID1:FROM A FILE", qrcode.Medium)
	if err != nil {
		fmt.Println(err)
		return
	}
	png, err := code.PNG(256)
	if err != nil {
		fmt.Println(err)
		return
	}
	path := filepath.Join(dir, "presentation.png")
	if err := os.WriteFile(path, png, 0o600); err != nil {
		fmt.Println(err)
		return
	}
	text, err := qrcode.DecodeFile(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(text)
	// Output: CID1:FROM A FILE
}
