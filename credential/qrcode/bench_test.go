package qrcode

import (
	"errors"
	"testing"
)

// BenchmarkDecodeFrame1280x720 reads a version 12 code (a holder-bound
// presentation) from a camera-like frame: 5 px a module, turned 4°,
// off-centre on clutter, blurred and noisy. The target is 50 ms a frame.
func BenchmarkDecodeFrame1280x720(b *testing.B) {
	text := compactText(40, 410, base45Chars)
	frame := cameraFrame(b, text)
	b.ResetTimer()
	for b.Loop() {
		got, err := DecodeImage(frame)
		if err != nil || got != text {
			b.Fatalf("decoded %q, %v", got, err)
		}
	}
}

// BenchmarkDecodeFrame1280x720Small is the same at 4 px a module, turned 7°,
// where the first attempt fails and the smoothed one reads it.
func BenchmarkDecodeFrame1280x720Small(b *testing.B) {
	text := compactText(41, 410, base45Chars)
	frame := scene{width: 1280, height: 720, px: 4, angle: 7, cx: 0.32, cy: 0.45,
		clutter: true, noise: 12, blur: 1, seed: 10}.render(mustEncode(b, text, Medium))
	b.ResetTimer()
	for b.Loop() {
		got, err := DecodeImage(frame)
		if err != nil || got != text {
			b.Fatalf("decoded %q, %v", got, err)
		}
	}
}

// BenchmarkDecodeFrameNoCode is the kiosk's idle frame, cluttered and
// noisy: every attempt runs and fails.
func BenchmarkDecodeFrameNoCode(b *testing.B) {
	r := newRand(42)
	frame := boxBlur(background(1280, 720, true, 0, r), 1)
	for i, v := range frame.Pix {
		frame.Pix[i] = clamp(float64(v) + r.NormFloat64()*10)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := DecodeImage(frame); !errors.Is(err, ErrNoCode) {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncodePNG encodes a version 12 text and writes a 512-pixel PNG,
// what the wallet does to show a presentation.
func BenchmarkEncodePNG(b *testing.B) {
	text := compactText(43, 410, base45Chars)
	for b.Loop() {
		c, err := Encode(text, Medium)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := c.PNG(512); err != nil {
			b.Fatal(err)
		}
	}
}
