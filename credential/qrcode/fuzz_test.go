package qrcode

import (
	"bytes"
	"errors"
	"image"
	"testing"
)

// FuzzDecode feeds arbitrary bytes to Decode as an image file: it must not
// panic, and every failure must be one of the named errors.
func FuzzDecode(f *testing.F) {
	c, err := Encode("CID1:FUZZ", Medium)
	if err != nil {
		f.Fatal(err)
	}
	small, err := c.PNG(3 * 29)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(small)
	f.Add(jpegBytes(f, c.Image(3*29), 50))
	f.Add(pngMagic)
	f.Add(jpegMagic)
	f.Add([]byte("CID1:NOT AN IMAGE"))
	f.Fuzz(func(t *testing.T, data []byte) {
		text, err := Decode(bytes.NewReader(data))
		if err == nil {
			if text == "" {
				t.Error("decoded an empty text without error")
			}
			return
		}
		for _, named := range []error{ErrFormat, ErrDamaged, ErrTooLarge, ErrNoCode, ErrUnreadable} {
			if errors.Is(err, named) {
				return
			}
		}
		t.Errorf("unnamed error: %v", err)
	})
}

// FuzzRoundTrip encodes arbitrary text at every level and reads it back from
// the image at 3 pixels a module: the text must come back byte for byte.
func FuzzRoundTrip(f *testing.F) {
	f.Add("CID1:6BFOXN*TS0BI$ZD4N9:9S6RCVN5+O30K3/XIV0W23NTDEXWK G2EP4J0B", uint8(1))
	f.Add("\x00\xff binary \x80", uint8(0))
	f.Add("Ana María O'Neil-Núñez", uint8(3))
	f.Add("1234567890ABC", uint8(2))
	f.Fuzz(func(t *testing.T, text string, level uint8) {
		c, err := Encode(text, Level(level%4))
		if errors.Is(err, ErrEmpty) || errors.Is(err, ErrTooLong) {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		img := c.Image(3 * (len(c.modules)))
		got, err := DecodeImage(img)
		if err != nil {
			t.Fatalf("version %d: %v", c.Version(), err)
		}
		if got != text {
			t.Fatalf("decoded %q, want %q", got, text)
		}
		if _, ok := img.(*image.Paletted); !ok {
			t.Fatalf("Image returned %T", img)
		}
	})
}
