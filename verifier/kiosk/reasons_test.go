package kiosk_test

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cityid/cityid/credential/qrcode"
	"github.com/cityid/cityid/verifier"
	"github.com/cityid/cityid/verifier/kiosk"
)

// reasonNames lists the names of the constants of type Reason (or
// verifier.Reason) declared in the non-test files of dir, from the source,
// so that a new reason cannot be added without its advice.
func reasonNames(t *testing.T, dir string) map[string]verifier.Reason {
	t.Helper()
	out := map[string]verifier.Reason{}
	files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			vs, ok := n.(*ast.ValueSpec)
			if !ok || vs.Type == nil {
				return true
			}
			var typ string
			switch x := vs.Type.(type) {
			case *ast.Ident:
				typ = x.Name
			case *ast.SelectorExpr:
				typ = x.Sel.Name
			}
			if typ == "Reason" {
				for i, id := range vs.Names {
					lit := vs.Values[i].(*ast.BasicLit)
					out[id.Name] = verifier.Reason(strings.Trim(lit.Value, "\""))
				}
			}
			return true
		})
	}
	if len(out) == 0 {
		t.Fatalf("no Reason constants in %s", dir)
	}
	return out
}

// TestEveryReasonHasAdvice: the kiosk tells the clerk what to do for every
// reason code, its own and the verifier's, in plain words: never a bare
// "invalid", and never the verifier's fallback for an unknown code.
func TestEveryReasonHasAdvice(t *testing.T) {
	all := reasonNames(t, ".")
	for name, r := range reasonNames(t, "..") {
		all["verifier."+name] = r
	}
	for name, r := range all {
		a := kiosk.Advice(r)
		bare := strings.ToLower(strings.Trim(strings.TrimSpace(a), ".!"))
		switch {
		case len(a) < 20:
			t.Errorf("%s (%s): advice %q is too short", name, r, a)
		case bare == "invalid" || bare == "invalid credential" || bare == "not valid":
			t.Errorf("%s: advice %q says nothing", name, a)
		case a == verifier.Reason("unknown code").StaffMessage() || strings.Contains(a, "("+string(r)+")"):
			t.Errorf("%s: no advice of its own (%q)", name, a)
		}
	}
	for _, r := range []verifier.Reason{verifier.ReasonMalformed, kiosk.ReasonCodeUnreadable} {
		a := strings.ToLower(kiosk.Advice(r))
		for _, want := range []string{"paper", "new code", "counter"} {
			if !strings.Contains(a, want) {
				t.Errorf("%s: advice %q lacks %q", r, a, want)
			}
		}
	}
}

// TestDamagedCodeRefusal: a scanned code that does not read says "damaged
// code" and what to do.
func TestDamagedCodeRefusal(t *testing.T) {
	w := newWorld(t)
	k := w.kiosk(t)
	o := k.Check(ctx, []byte("CID1:%%%%%%"))
	if o.Pass || o.ReasonCode != verifier.ReasonMalformed {
		t.Fatalf("outcome %+v", o)
	}
	if !strings.Contains(strings.ToLower(o.Reason), "damaged code") || !strings.Contains(o.Advice, "paper credential") || !strings.Contains(o.Advice, "counter") {
		t.Errorf("reason %q, advice %q", o.Reason, o.Advice)
	}
}

// TestDamagedImageRefusal: a picture of a QR code whose finder patterns are
// intact but whose data is beyond repair is a damaged code (qr_unreadable),
// not "no QR code".
func TestDamagedImageRefusal(t *testing.T) {
	w := newWorld(t)
	k := w.kiosk(t)
	// A fixed text (as the qrcode package's own test of unreadable codes):
	// the outcome is decided while reading the image, before any check.
	r := rand.New(rand.NewPCG(30, 1))
	const base45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
	text := []byte("CID1:")
	for len(text) < 300 {
		text = append(text, base45[r.IntN(len(base45))])
	}
	c, err := qrcode.Encode(string(text), qrcode.Low)
	if err != nil {
		t.Fatal(err)
	}
	m := c.Modules()
	n, scale, q := len(m), 6, qrcode.QuietZone
	img := image.NewGray(image.Rect(0, 0, (n+2*q)*scale, (n+2*q)*scale))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	for y := range n {
		for x := range n {
			dark := m[y][x]
			if y >= 12 && y < n-12 && x >= 12 && x < n-12 {
				dark = !dark // the middle of the symbol is ruined
			}
			if !dark {
				continue
			}
			for dy := range scale {
				for dx := range scale {
					img.SetGray((x+q)*scale+dx, (y+q)*scale+dy, color.Gray{})
				}
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	o := k.CheckImageReader(ctx, &buf)
	if o.Pass || o.ReasonCode != kiosk.ReasonCodeUnreadable || !strings.HasPrefix(o.Reason, "Damaged code") || !strings.Contains(o.Advice, "paper credential") {
		t.Fatalf("reason %s %q, advice %q", o.ReasonCode, o.Reason, o.Advice)
	}
}
