package paper_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"image"
	"image/png"
	"log/slog"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"

	"github.com/cityid/cityid/credential/qrcode"
	"github.com/cityid/cityid/credential/trust"
	"github.com/cityid/cityid/did"
	"github.com/cityid/cityid/issuer"
	"github.com/cityid/cityid/issuer/paper"
	"github.com/cityid/cityid/schemas"
	"github.com/cityid/cityid/verifier"
)

// The resolution the printed page is rendered at, as a camera would see a
// sheet at arm's length.
const dpi = 150

var (
	printTime = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	clerk     = issuer.Actor{Kind: "cli", Name: "clerk-test"}
	anaMaria  = map[string]any{"givenName": "Ana María", "familyName": "O'Neil-Núñez", "birthDate": "1990-04-30", "residentOf": "Springfield"}
)

// city is a real issuer service (SQLite, keys, status lists) in a
// temporary directory, with one city ID credential issued to a wallet.
type city struct {
	svc *issuer.Service
	rec *issuer.Record
}

func newCity(t *testing.T) *city {
	t.Helper()
	svc, err := issuer.Open(context.Background(), filepath.Join(t.TempDir(), "data"), issuer.Options{
		Logger:    slog.New(slog.DiscardHandler),
		PublicURL: "http://127.0.0.1:8080", Passphrase: []byte("paper test passphrase"),
		Clock: func() time.Time { return printTime }, CityName: "Springfield",
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	holder, err := did.KeyDID(pub)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := svc.Issue(context.Background(), clerk, issuer.IssueRequest{
		Type: schemas.CityIDCredential, Subject: holder, Claims: anaMaria, Format: issuer.FormatQR,
	})
	if err != nil {
		t.Fatal(err)
	}
	return &city{svc: svc, rec: rec}
}

// kiosk is an offline verifier holding the issuer's current trust bundle.
func (c *city) kiosk(t *testing.T, edit func(*verifier.Policy)) *verifier.Verifier {
	t.Helper()
	at := printTime.Add(time.Hour)
	data, err := c.svc.Bundle(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	b, err := trust.Open(data, c.svc.RootDID(), at)
	if err != nil {
		t.Fatal(err)
	}
	p := verifier.DefaultPolicy(b)
	p.Clock = func() time.Time { return at }
	if edit != nil {
		edit(&p)
	}
	v, err := verifier.New(p)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// scanned is what a camera reads from a printed page.
type scanned struct {
	text    string
	widthMM float64 // the QR symbol's width on paper, measured in the picture
	page    image.Image
}

// printAndScan renders the PDF to a PNG with pdftoppm, as a printer would
// put it on paper, and reads the QR code back from the picture.
func printAndScan(t *testing.T, pdf []byte) scanned {
	t.Helper()
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Fatal("pdftoppm is missing: install poppler-utils (scripts/setup does)")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "paper.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("pdftoppm", "-r", "150", "-png", in, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	pages, _ := filepath.Glob(filepath.Join(dir, "page*.png"))
	if len(pages) != 1 {
		t.Fatalf("the PDF has %d pages, want one", len(pages))
	}
	f, err := os.Open(pages[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	text, err := qrcode.DecodeImage(img)
	if err != nil {
		t.Fatalf("no QR code could be read from the printed page: %v", err)
	}
	return scanned{text: text, widthMM: measureQR(t, img, text), page: img}
}

// measureQR measures the printed width of the symbol from the finder
// patterns' centres that an independent QR reader (gozxing) locates in the
// picture, and checks the quiet zone around it is blank.
func measureQR(t *testing.T, img image.Image, text string) float64 {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := zxqr.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		t.Fatalf("gozxing cannot read the printed code: %v", err)
	}
	pts := res.GetResultPoints() // bottom-left, top-left, top-right finder centres
	if len(pts) < 3 {
		t.Fatalf("gozxing found %d finder patterns", len(pts))
	}
	version, err := qrcode.VersionFor(text, issuer.PaperQRLevel)
	if err != nil {
		t.Fatal(err)
	}
	n := float64(17 + 4*version)
	tl, tr := pts[1], pts[2]
	pitch := math.Hypot(tr.GetX()-tl.GetX(), tr.GetY()-tl.GetY()) / (n - 7) // finder centres are 3.5 modules in
	left, top := tl.GetX()-3.5*pitch, tl.GetY()-3.5*pitch
	// The quiet zone: four modules of light around the symbol (sampled
	// between half a module and 3.5 modules out).
	dark := 0
	for i := 0.0; i <= n; i += 0.5 {
		for _, d := range []float64{0.5, 2, 3.5} {
			for _, p := range [][2]float64{
				{left - d*pitch, top + i*pitch}, {left + n*pitch + d*pitch, top + i*pitch},
				{left + i*pitch, top - d*pitch}, {left + i*pitch, top + n*pitch + d*pitch},
			} {
				r, g, b, _ := img.At(int(p[0]), int(p[1])).RGBA()
				if (r+g+b)/3 < 0x8000 {
					dark++
				}
			}
		}
	}
	if dark > 0 {
		t.Errorf("%d dark samples in the QR code's quiet zone", dark)
	}
	return n * pitch / dpi * 25.4
}

// The done-when test of issue 6: a printed PDF, rendered to a picture,
// yields a QR code that verifies offline at a kiosk, flagged as paper.
func TestPrintedPaperVerifiesOffline(t *testing.T) {
	c := newCity(t)
	ctx := context.Background()
	pc, err := c.svc.PrintPaper(ctx, clerk, c.rec.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	kiosk := c.kiosk(t, nil)
	for _, tc := range []struct {
		size   paper.Size
		lang   paper.Lang
		w, h   int // page in pixels at 150 dpi
		phrase string
	}{
		{paper.A4, paper.English, 1240, 1754, "No holder binding"},
		{paper.Letter, paper.Spanish, 1275, 1650, "Sin vínculo con el titular"},
	} {
		t.Run(string(tc.size), func(t *testing.T) {
			var pdf bytes.Buffer
			if err := paper.Render(&pdf, pc, paper.Options{Size: tc.size, Lang: tc.lang}); err != nil {
				t.Fatal(err)
			}
			s := printAndScan(t, pdf.Bytes())
			if b := s.page.Bounds(); abs(b.Dx()-tc.w) > 1 || abs(b.Dy()-tc.h) > 1 {
				t.Errorf("page of %dx%d pixels, want %dx%d (%s at %d dpi)", b.Dx(), b.Dy(), tc.w, tc.h, tc.size, dpi)
			}
			if s.text != pc.Text {
				t.Fatalf("the printed code reads %q, want the paper credential", s.text)
			}
			if s.widthMM < 35 || math.Abs(s.widthMM-paper.QRWidthMM) > 2 {
				t.Errorf("the printed QR code is %.1f mm wide, want %d mm (at least 35)", s.widthMM, paper.QRWidthMM)
			}
			t.Logf("%s: QR version %d, %.1f mm wide on paper", tc.size, mustVersion(t, s.text), s.widthMM)
			res := kiosk.Verify(ctx, []byte(s.text))
			if !res.Verified || !res.Paper || !res.NoHolderBinding {
				t.Fatalf("verified %v, paper %v, no holder binding %v: %+v", res.Verified, res.Paper, res.NoHolderBinding, res.Failures)
			}
			if res.Checks.Status.Outcome != verifier.OK {
				t.Errorf("status check %v", res.Checks.Status)
			}
			for k, v := range anaMaria {
				if res.Claims[k] != v {
					t.Errorf("claim %s = %v, want %v", k, res.Claims[k], v)
				}
			}
			if res.Subject != "" {
				t.Errorf("the paper names a subject: %s", res.Subject)
			}
			if !pdfHasText(t, pdf.Bytes(), tc.phrase) {
				t.Errorf("the page does not say %q", tc.phrase)
			}
		})
	}
}

func abs(i int) int { return max(i, -i) }

func mustVersion(t *testing.T, text string) int {
	v, err := qrcode.VersionFor(text, issuer.PaperQRLevel)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// pdfHasText extracts the page's text with pdftotext when installed (it
// comes with pdftoppm in poppler-utils).
func pdfHasText(t *testing.T, pdf []byte, phrase string) bool {
	t.Helper()
	in := filepath.Join(t.TempDir(), "p.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", in, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.Contains(strings.Join(strings.Fields(string(out)), " "), phrase)
}

// A minimal-disclosure print carries only the chosen claims; revoking the
// credential revokes its paper; a kiosk requiring holder binding for the
// type refuses it.
func TestPrintedPaperDisclosureRevocationPolicy(t *testing.T) {
	c := newCity(t)
	ctx := context.Background()
	pc, err := c.svc.PrintPaper(ctx, clerk, c.rec.ID, []string{"residentOf", "givenName"})
	if err != nil {
		t.Fatal(err)
	}
	var pdf bytes.Buffer
	if err := paper.Render(&pdf, pc, paper.Options{}); err != nil {
		t.Fatal(err)
	}
	s := printAndScan(t, pdf.Bytes())
	res := c.kiosk(t, nil).Verify(ctx, []byte(s.text))
	if !res.Verified || !res.Paper {
		t.Fatalf("minimal paper: %+v", res.Failures)
	}
	if len(res.Claims) != 2 || res.Claims["residentOf"] != "Springfield" || res.Claims["givenName"] != "Ana María" {
		t.Errorf("minimal paper carries %v, want only residentOf and givenName", res.Claims)
	}
	if pdfHasText(t, pdf.Bytes(), "1990") || pdfHasText(t, pdf.Bytes(), "Núñez") {
		t.Error("the minimal-disclosure page prints a claim that was not chosen")
	}

	strict := c.kiosk(t, func(p *verifier.Policy) { p.RequireHolderBindingFor = []string{schemas.CityIDCredential} })
	res = strict.Verify(ctx, []byte(s.text))
	if res.Verified || len(res.Failures) != 1 || res.Failures[0].Reason != verifier.ReasonHolderProofMissing {
		t.Errorf("RequireHolderBindingFor CityIDCredential: %+v", res.Failures)
	}

	if err := c.svc.Revoke(ctx, clerk, c.rec.ID); err != nil {
		t.Fatal(err)
	}
	res = c.kiosk(t, nil).Verify(ctx, []byte(s.text))
	if res.Verified || res.Checks.Status.Reason != verifier.ReasonRevoked {
		t.Errorf("after revocation the paper verifies: %+v", res.Checks.Status)
	}
}

// The same input gives the same PDF, byte for byte.
func TestRenderDeterministic(t *testing.T) {
	c := newCity(t)
	pc, err := c.svc.PrintPaper(context.Background(), clerk, c.rec.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	var a, b bytes.Buffer
	if err := paper.Render(&a, pc, paper.Options{Lang: paper.Spanish}); err != nil {
		t.Fatal(err)
	}
	if err := paper.Render(&b, pc, paper.Options{Lang: paper.Spanish}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two renderings of the same paper credential differ")
	}
}
