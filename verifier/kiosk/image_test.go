package kiosk_test

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/cityid/cityid/credential/qrcode"
	"github.com/cityid/cityid/verifier/kiosk"
)

func writePNG(t *testing.T, text string) string {
	t.Helper()
	c, err := qrcode.Encode(text, qrcode.Low)
	if err != nil {
		t.Fatal(err)
	}
	data, err := c.PNG(4 * (len(c.Modules()) + 2*qrcode.QuietZone))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "code.png")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCheckImage(t *testing.T) {
	w := newWorld(t)
	k := w.kiosk(t)
	path := writePNG(t, string(w.present(t, w.ageOver(t), k.Challenge())))
	o := k.CheckImage(ctx, path)
	if !o.Pass || claimMap(o)["Over 18"] != "Yes" {
		t.Fatalf("QR image of a presentation: pass %v, %s", o.Pass, o.Reason)
	}
	// The same picture again is a replay.
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if o := k.CheckImageReader(ctx, bytes.NewReader(data)); o.ReasonCode != kiosk.ReasonReplayed {
		t.Fatalf("same image again: reason %q", o.ReasonCode)
	}
}

func TestCheckImageRefusals(t *testing.T) {
	w := newWorld(t)
	k := w.kiosk(t)
	dir := t.TempDir()
	blank := image.NewGray(image.Rect(0, 0, 200, 200))
	for i := range blank.Pix {
		blank.Pix[i] = 0xff
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, blank); err != nil {
		t.Fatal(err)
	}
	blankPath := filepath.Join(dir, "blank.png")
	textPath := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(blankPath, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(textPath, []byte("not an image"), 0o600); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		blankPath:                         string(kiosk.ReasonNoCode),
		textPath:                          string(kiosk.ReasonImageUnreadable),
		filepath.Join(dir, "missing.png"): string(kiosk.ReasonImageUnreadable),
	} {
		o := k.CheckImage(ctx, path)
		if o.Pass || string(o.ReasonCode) != want || o.Reason == "" || o.Advice == "" || o.NextChallenge == "" {
			t.Errorf("%s: pass %v, reason %q (%s), advice %q", filepath.Base(path), o.Pass, o.ReasonCode, o.Reason, o.Advice)
		}
	}
}
