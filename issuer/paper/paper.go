package paper

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/signintech/gopdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"

	"github.com/cityid/cityid/credential/qrcode"
	"github.com/cityid/cityid/issuer"
)

// Size is a paper size.
type Size string

// The paper sizes a credential can be printed on.
const (
	A4     Size = "a4"     // 210 × 297 mm
	Letter Size = "letter" // 8.5 × 11 in
)

// ParseSize reads a paper size name: a4 or letter (case-insensitive).
func ParseSize(s string) (Size, error) {
	switch Size(strings.ToLower(strings.TrimSpace(s))) {
	case A4:
		return A4, nil
	case Letter:
		return Letter, nil
	}
	return "", fmt.Errorf("unknown paper size %q: use a4 or letter", s)
}

// Page dimensions in millimetres.
func (s Size) dims() (w, h float64, err error) {
	switch s {
	case A4, "":
		return 210, 297, nil
	case Letter:
		return 215.9, 279.4, nil
	}
	return 0, 0, fmt.Errorf("paper: unknown paper size %q: use a4 or letter", s)
}

// QRWidthMM is the printed width of the QR symbol, without its quiet zone,
// in millimetres. Issue 6 asks for at least 35 mm; 60 mm reads from arm's
// length with a cheap camera even for a version 20 symbol (0.6 mm modules).
const QRWidthMM = 60

// Options say how to print.
type Options struct {
	// Size is the paper size; empty means A4.
	Size Size
	// Lang is the resident's language; empty means English.
	Lang Lang
}

// ErrInput is wrapped by every error about the credential or the options
// (as opposed to a failure writing the PDF).
var ErrInput = errors.New("paper")

const (
	fontRegular = "goregular"
	fontBold    = "gobold"
	marginMM    = 16
	gapMM       = 6
)

// mm converts millimetres to PDF points.
func mm(v float64) float64 { return v * 72 / 25.4 }

// Render writes c as a one-page PDF: the issuer and the credential type's
// title, the printed claims in large type with their labels, the QR code
// (error correction Q, QRWidthMM wide, with its quiet zone), the validity,
// the language, a boxed line telling the counter there is no holder
// binding, and the credential id. The output depends only on c and opts
// (the document date is c.PrintedAt), so it is the same byte for byte for
// the same input.
func Render(out io.Writer, c *issuer.PaperCredential, opts Options) error {
	if c == nil || c.Text == "" {
		return fmt.Errorf("%w: there is no paper credential to print", ErrInput)
	}
	if len(c.Claims) == 0 {
		return fmt.Errorf("%w: a paper credential must print at least one claim", ErrInput)
	}
	pw, ph, err := opts.Size.dims()
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInput, err)
	}
	lang := opts.Lang
	if lang == "" {
		lang = English
	}
	wd, ok := dictionary[lang]
	if !ok {
		return fmt.Errorf("%w: unknown language %q: use en or es", ErrInput, lang)
	}
	code, err := qrcode.Encode(c.Text, issuer.PaperQRLevel)
	if err != nil {
		return fmt.Errorf("%w: the credential does not fit a QR code: %w", ErrInput, err)
	}
	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{Unit: gopdf.UnitPT, PageSize: gopdf.Rect{W: mm(pw), H: mm(ph)}})
	pdf.SetInfo(gopdf.PdfInfo{
		Title:        wd.paper + ": " + wd.typeTitle(c.Type),
		Author:       c.IssuerName,
		Creator:      "cityid",
		CreationDate: c.PrintedAt.UTC(),
	})
	if err := pdf.AddTTFFontData(fontRegular, goregular.TTF); err != nil {
		return fmt.Errorf("paper: loading the font: %w", err)
	}
	if err := pdf.AddTTFFontData(fontBold, gobold.TTF); err != nil {
		return fmt.Errorf("paper: loading the font: %w", err)
	}
	pdf.AddPage()
	p := &page{pdf: pdf, w: wd, c: c, code: code, pw: pw, ph: ph}
	// The largest claim type that fits one page.
	for _, size := range []float64{22, 19, 16, 14, 12, 10} {
		p.valueSize = size
		p.dry = true
		if err := p.layout(); err != nil {
			return err
		}
		if p.y <= mm(ph-marginMM) {
			break
		}
	}
	if p.y > mm(ph-marginMM) {
		return fmt.Errorf("%w: the claims are too long for one page; print fewer of them", ErrInput)
	}
	p.dry = false
	if err := p.layout(); err != nil {
		return err
	}
	if err := pdf.Write(out); err != nil {
		return fmt.Errorf("paper: writing the PDF: %w", err)
	}
	return nil
}

// page lays out one paper credential. With dry set it only measures.
type page struct {
	pdf       *gopdf.GoPdf
	w         *words
	c         *issuer.PaperCredential
	code      *qrcode.Code
	pw, ph    float64 // page size, mm
	valueSize float64
	dry       bool
	y         float64 // current position from the top, points
	err       error
}

// text writes s at (x, y) in font and size, wrapped to width points, and
// returns the height used. lead is the line height as a multiple of size.
func (p *page) text(x, y, width float64, font string, size float64, s string, gray uint8) float64 {
	if p.err != nil {
		return 0
	}
	if err := p.pdf.SetFont(font, "", size); err != nil {
		p.err = fmt.Errorf("paper: %w", err)
		return 0
	}
	lines := p.wrap(s, width)
	lead := size * 1.25
	if !p.dry {
		p.pdf.SetTextColor(gray, gray, gray)
		for i, l := range lines {
			p.pdf.SetXY(x, y+float64(i)*lead)
			if err := p.pdf.Cell(nil, l); err != nil {
				p.err = fmt.Errorf("paper: %w", err)
				return 0
			}
		}
	}
	return float64(len(lines)) * lead
}

// wrap breaks s into lines no wider than width points in the current font:
// at spaces, and inside words too long for a line (identifiers, digests).
func (p *page) wrap(s string, width float64) []string {
	measure := func(t string) float64 {
		w, err := p.pdf.MeasureTextWidth(t)
		if err != nil && p.err == nil {
			p.err = fmt.Errorf("paper: %w", err)
		}
		return w
	}
	var lines []string
	cur := ""
	for _, word := range strings.Fields(s) {
		try := word
		if cur != "" {
			try = cur + " " + word
		}
		if measure(try) <= width {
			cur = try
			continue
		}
		if cur != "" {
			lines = append(lines, cur)
			cur = ""
		}
		for measure(word) > width && utf8.RuneCountInString(word) > 1 {
			r := []rune(word)
			n := len(r) - 1
			for n > 1 && measure(string(r[:n])) > width {
				n--
			}
			lines = append(lines, string(r[:n]))
			word = string(r[n:])
		}
		cur = word
	}
	if cur != "" || len(lines) == 0 {
		lines = append(lines, cur)
	}
	return lines
}

// layout places everything from the top of the page down; p.y ends below
// the last line.
func (p *page) layout() error {
	p.err = nil
	left, full := mm(marginMM), mm(p.pw-2*marginMM)
	p.y = mm(marginMM)
	c, w := p.c, p.w

	issuerName := c.IssuerName
	if issuerName == "" {
		issuerName = c.IssuerDID
	}
	p.y += p.text(left, p.y, full, fontBold, 15, issuerName, 60)
	p.y += p.text(left, p.y, full, fontBold, 28, w.typeTitle(c.Type), 0)
	p.y += p.text(left, p.y, full, fontRegular, 13, w.paper, 60)
	p.y += mm(2)
	p.rule(left, p.y, full, 1)
	p.y += mm(gapMM)

	// The QR code on the right, the claims on the left.
	modules := p.code.Modules()
	n := float64(len(modules))
	module := mm(QRWidthMM) / n
	box := module * (n + 2*qrcode.QuietZone)
	qx := left + full - box
	top := p.y
	p.qr(modules, qx+module*qrcode.QuietZone, top+module*qrcode.QuietZone, module)
	qrBottom := top + box
	qrBottom += p.text(qx, qrBottom, box, fontRegular, 9, w.scan, 60)

	colW := full - box - mm(gapMM)
	cy := top
	for _, l := range w.claimLines(c.Type, c.Claims) {
		cy += p.text(left, cy, colW, fontRegular, 11, l.label, 80)
		cy += p.text(left, cy, colW, fontBold, p.valueSize, l.value, 0)
		cy += mm(3)
	}
	p.y = max(cy, qrBottom) + mm(gapMM)

	until := w.noExpiry
	if !c.ValidUntil.IsZero() {
		until = w.date(c.ValidUntil)
	}
	half := full/2 - mm(gapMM)/2
	h1 := p.text(left, p.y, half, fontRegular, 11, w.validFrom, 80)
	h1 += p.text(left, p.y+h1, half, fontBold, 15, w.date(c.ValidFrom), 0)
	h2 := p.text(left+full/2, p.y, half, fontRegular, 11, w.validUntil, 80)
	h2 += p.text(left+full/2, p.y+h2, half, fontBold, 15, until, 0)
	p.y += max(h1, h2) + mm(4)

	p.y += p.text(left, p.y, full, fontRegular, 12, w.issuedBy+" "+issuerName, 0)
	p.y += p.text(left, p.y, full, fontRegular, 8, c.IssuerDID, 80)
	p.y += mm(2)
	p.y += p.text(left, p.y, full, fontRegular, 12, w.languageLabel+": "+w.language, 0)
	p.y += mm(gapMM)

	// The counter's warning, boxed.
	pad := mm(4)
	boxTop := p.y
	inner := full - 2*pad
	h := p.text(left+pad, boxTop+pad, inner, fontBold, 16, w.noBinding, 0)
	h += mm(1)
	h += p.text(left+pad, boxTop+pad+h, inner, fontRegular, 10, w.noBindingMore, 30)
	if !p.dry {
		p.pdf.SetLineWidth(2)
		p.pdf.SetStrokeColor(0, 0, 0)
		p.pdf.RectFromUpperLeftWithStyle(left, boxTop, full, h+2*pad, "D")
	}
	p.y = boxTop + h + 2*pad + mm(gapMM)

	p.y += p.text(left, p.y, full, fontRegular, 9, w.credentialID+": "+c.ID, 60)
	if !c.PrintedAt.IsZero() {
		p.y += p.text(left, p.y, full, fontRegular, 9, w.printedOn+" "+w.date(c.PrintedAt.UTC())+" "+c.PrintedAt.UTC().Format("15:04")+" UTC", 60)
	}
	return p.err
}

// rule draws a horizontal line.
func (p *page) rule(x, y, width, thick float64) {
	if p.dry {
		return
	}
	p.pdf.SetLineWidth(thick)
	p.pdf.SetStrokeColor(0, 0, 0)
	p.pdf.Line(x, y, x+width, y)
}

// qr draws the symbol's dark modules as filled rectangles (vector, so it
// prints sharp at any resolution), one per run of dark modules in a row.
// Each run reaches a hair into the row below so that no light seam shows
// between rows when the page is rendered with anti-aliasing.
func (p *page) qr(modules [][]bool, x, y, module float64) {
	if p.dry {
		return
	}
	p.pdf.SetFillColor(0, 0, 0)
	overlap := module * 0.05
	for r, row := range modules {
		for c := 0; c < len(row); {
			if !row[c] {
				c++
				continue
			}
			start := c
			for c < len(row) && row[c] {
				c++
			}
			h := module
			if r+1 < len(modules) {
				h += overlap
			}
			p.pdf.RectFromUpperLeftWithStyle(x+float64(start)*module, y+float64(r)*module, float64(c-start)*module, h, "F")
		}
	}
}
