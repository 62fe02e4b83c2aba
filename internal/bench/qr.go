package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"image"
	"math"
	"math/rand/v2"

	"github.com/cityid/cityid/credential"
	"github.com/cityid/cityid/credential/compact"
	"github.com/cityid/cityid/credential/dataintegrity"
	"github.com/cityid/cityid/credential/qrcode"
	"github.com/cityid/cityid/credential/sdjwt"
)

// The size targets of issue #4.
const (
	targetHolderBoundM = 12 // holder-bound city ID presentation, level M
	targetPaperQ       = 10 // paper city ID, level Q
)

// qrSizes lists every type's compact forms with their QR versions, beside
// the city ID in the other forms.
func (s *suite) qrSizes(context.Context) error {
	sec := s.section("qr-sizes", "QR sizes and versions per credential type",
		"credential", "form", "#bytes", "#QR text chars", "#version at M", "#version at Q", "target", "verdict")
	iss, hold := s.issuer, s.holder
	version := func(text string, l qrcode.Level) (int, string) {
		v, err := qrcode.VersionFor(text, l)
		if err != nil {
			return 41, "> 40"
		}
		return v, fmt.Sprint(v)
	}
	row := func(name, form, text string, bytes int, tg func(m, q int) *Target) {
		m, ms := version(text, qrcode.Medium)
		q, qs := version(text, qrcode.Quartile)
		goal, verdict := "", ""
		if tg != nil {
			if t := tg(m, q); t != nil {
				goal, verdict = s.target(sec, *t)
			}
		}
		s.add(sec, name, form, fmt.Sprint(bytes), fmt.Sprint(len(text)), ms, qs, goal, verdict)
	}
	for i, smp := range samples {
		city := i == 0
		stored, err := compact.Issue(vc2(smp, iss.did, hold.did, true), iss.priv,
			compact.IssueOptions{KeyID: iss.vm, HolderKey: hold.pub})
		if err != nil {
			return fmt.Errorf("%s: %w", smp.name, err)
		}
		pres, err := compact.Present(stored, claimNames(smp.claims), hold.priv,
			compact.PresentOptions{Time: benchNow, Challenge: "K7Q2"})
		if err != nil {
			return fmt.Errorf("%s: %w", smp.name, err)
		}
		if city {
			s.cityPresentation = pres
		}
		row(smp.name, "compact, holder-bound, challenge", pres, base45Bytes(pres), func(m, _ int) *Target {
			if !city {
				return nil
			}
			return &Target{Name: "QR version of the holder-bound city ID presentation (issue #4)",
				Goal: fmt.Sprintf("≤ %d at M", targetHolderBoundM), Measured: fmt.Sprintf("version %d", m), Met: m <= targetHolderBoundM}
		})
		paper, err := compact.IssuePaper(vc2(smp, iss.did, "", true), iss.priv, compact.IssueOptions{KeyID: iss.vm})
		if err != nil {
			return fmt.Errorf("%s on paper: %w", smp.name, err)
		}
		row(smp.name, "compact, paper", paper, base45Bytes(paper), func(_, q int) *Target {
			if !city {
				return nil
			}
			return &Target{Name: "QR version of the paper city ID (issue #4)",
				Goal: fmt.Sprintf("≤ %d at Q", targetPaperQ), Measured: fmt.Sprintf("version %d", q), Met: q <= targetPaperQ}
		})
		if !city {
			continue
		}
		signed, err := dataintegrity.Sign(vc2(smp, iss.did, hold.did, true), iss.priv, dataintegrity.SignOptions{
			Cryptosuite: dataintegrity.EdDSARDFC2022, VerificationMethod: iss.vm, Created: benchNow})
		if err != nil {
			return err
		}
		ldp, err := json.Marshal(signed)
		if err != nil {
			return err
		}
		row(smp.name, "JSON-LD + eddsa-rdfc-2022", string(ldp), len(ldp), nil)
		tok, err := sdjwt.Issue(smp.claims, iss.priv, sdjwt.IssueOptions{
			Issuer: iss.did, KeyID: iss.vm, VCT: credential.VCT(smp.typ), IssuedAt: benchNow,
			Expiry: benchNow.AddDate(5, 0, 0), HolderKey: hold.pub, Disclosable: claimNames(smp.claims),
			Status: map[string]any{"bitstring_status_list": statusEntries()}})
		if err != nil {
			return err
		}
		sd, err := sdjwt.Present(tok, claimNames(smp.claims), hold.priv, sdjwt.KeyBindingOptions{
			Audience: "did:web:kiosk.springfield.example", Nonce: "K7Q2", IssuedAt: benchNow})
		if err != nil {
			return err
		}
		row(smp.name, "SD-JWT VC + key binding", sd, len(sd), nil)
	}
	s.note(sec, "every claim disclosed; QR versions as the wallet encodes them (package credential/qrcode); the compact form's bytes are its CBOR/COSE data before Base45")
	return nil
}

// base45Bytes is the size of the data behind a compact text's Base45
// (RFC 9285: two bytes in three characters, a last byte in two).
func base45Bytes(text string) int {
	n := len(text) - len(compact.Prefix)
	return n/3*2 + n%3/2
}

// qrDecode times reading the holder-bound city ID presentation from a
// camera-like 1280×720 frame.
func (s *suite) qrDecode(context.Context) error {
	sec := s.section("qr-decode", "QR decoding from a camera frame",
		"image", "#QR version", "#time / decode", "#allocs / decode", "target", "verdict")
	text := s.cityPresentation
	code, err := qrcode.Encode(text, qrcode.Medium)
	if err != nil {
		return err
	}
	frame := cameraFrame(code.Modules(), 1280, 720, 5, 4)
	t, err := s.time("decode a camera frame", bench{op: func(int) error {
		got, err := qrcode.DecodeImage(frame)
		if err != nil {
			return err
		}
		if got != text {
			return errWrong("decoded %d characters that differ from the %d encoded", len(got), len(text))
		}
		return nil
	}})
	if err != nil {
		return err
	}
	ms := t.Ns / 1e6
	goal, verdict := s.target(sec, Target{Name: "QR decode from a 1280×720 camera-like frame",
		Goal: "≤ 50 ms", Measured: fmt.Sprintf("%.1f ms", ms), Met: ms <= 50})
	s.add(sec, "1280×720 grey frame: 5 px a module, turned 4°, clutter, blur, noise", fmt.Sprint(code.Version()),
		formatNs(t.Ns), allocs(t), goal, verdict)
	return nil
}

// cameraFrame draws a QR symbol (its modules, quiet zone included) as a
// cheap camera sees it: px pixels a module, turned by angle degrees,
// off-centre on a cluttered gradient, edges anti-aliased (3×3 samples a
// pixel), softened by a box blur and with Gaussian noise. Deterministic.
func cameraFrame(modules [][]bool, w, h int, px, angle float64) *image.Gray {
	r := rand.New(rand.NewPCG(7, 2))
	img := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Pix[y*img.Stride+x] = clamp(90 + 120*float64(x)/float64(w) + 30*math.Sin(float64(y)/40))
		}
	}
	for range 60 { // counter-top clutter
		x0, y0 := r.IntN(w), r.IntN(h)
		x1, y1, v := x0+5+r.IntN(w/6), y0+2+r.IntN(h/6), byte(r.IntN(256))
		for y := y0; y < min(y1, h); y++ {
			for x := x0; x < min(x1, w); x++ {
				img.Pix[y*img.Stride+x] = v
			}
		}
	}
	full := float64(len(modules))
	sin, cos := math.Sincos(-angle * math.Pi / 180)
	ox, oy := 0.62*float64(w), 0.45*float64(h)
	const sub = 3
	for y := range h {
		for x := range w {
			sum, inside := 0, 0
			for sy := range sub {
				for sx := range sub {
					dx := float64(x) + (float64(sx)+0.5)/sub - ox
					dy := float64(y) + (float64(sy)+0.5)/sub - oy
					mx, my := (dx*cos-dy*sin)/px+full/2, (dx*sin+dy*cos)/px+full/2
					switch {
					case mx < 0 || my < 0 || mx >= full || my >= full:
						sum += int(img.Pix[y*img.Stride+x])
						continue
					case modules[int(my)][int(mx)]:
						sum += 20
					default:
						sum += 235
					}
					inside++
				}
			}
			if inside > 0 {
				img.Pix[y*img.Stride+x] = byte(sum / (sub * sub))
			}
		}
	}
	img = boxBlur(img)
	for i, v := range img.Pix {
		img.Pix[i] = clamp(float64(v) + r.NormFloat64()*10)
	}
	return img
}

// boxBlur averages each pixel with its eight neighbours.
func boxBlur(src *image.Gray) *image.Gray {
	b := src.Bounds()
	dst := image.NewGray(b)
	w, h := b.Dx(), b.Dy()
	for y := range h {
		for x := range w {
			sum, n := 0, 0
			for yy := max(0, y-1); yy <= min(h-1, y+1); yy++ {
				for xx := max(0, x-1); xx <= min(w-1, x+1); xx++ {
					sum += int(src.Pix[yy*src.Stride+xx])
					n++
				}
			}
			dst.Pix[y*dst.Stride+x] = byte(sum / n)
		}
	}
	return dst
}

func clamp(v float64) byte { return byte(math.Round(math.Max(0, math.Min(255, v)))) }
