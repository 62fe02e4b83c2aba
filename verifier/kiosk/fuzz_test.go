package kiosk_test

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/cityid/cityid/verifier/kiosk"
)

// FuzzReadScans checks the scanner's line splitting: every line it returns
// is non-empty, trimmed, within the limit and free of line breaks, and there
// are never more scans than lines.
func FuzzReadScans(f *testing.F) {
	f.Add([]byte("abc\r\ndef\rghi\n\n"), 8)
	f.Add([]byte("0123456789ABCDEF\n"), 4)
	f.Add([]byte(""), 1)
	f.Fuzz(func(t *testing.T, in []byte, max int) {
		if max < 1 || max > 1<<16 {
			t.Skip()
		}
		n := 0
		err := kiosk.ReadScans(bytes.NewReader(in), max, func(line []byte, tooLong bool) bool {
			n++
			if tooLong {
				if line != nil {
					t.Errorf("tooLong scan with a line %q", line)
				}
				return true
			}
			if len(line) == 0 || len(line) > max || bytes.ContainsAny(line, "\r\n") || !bytes.Equal(line, bytes.TrimSpace(line)) {
				t.Errorf("bad scan %q (max %d)", line, max)
			}
			return true
		})
		if err != nil {
			t.Fatal(err)
		}
		if lines := bytes.Count(in, []byte("\n")) + bytes.Count(in, []byte("\r")) + 1; n > lines {
			t.Errorf("%d scans from %d lines", n, lines)
		}
	})
}

// FuzzCheck feeds the kiosk anything a scanner could type: it must never
// panic, never accept, and always name a reason.
func FuzzCheck(f *testing.F) {
	w := newWorld(f)
	k := w.kiosk(f)
	f.Add(w.residency(f, 3, nil))
	f.Add([]byte(w.ageOver(f)))
	f.Add([]byte("CID1:NCFOXN%TS3DH0"))
	f.Add([]byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiablePresentation"]}`))
	valid := string(w.residency(f, 3, nil))
	f.Fuzz(func(t *testing.T, in []byte) {
		o := k.Check(ctx, in)
		if o.Pass && string(bytes.TrimSpace(in)) != valid && !strings.Contains(string(in), "~") {
			t.Fatalf("accepted fuzzed input %q", in)
		}
		if !o.Pass && (o.ReasonCode == "" || o.Reason == "" || len(o.Refusals) == 0) {
			t.Fatalf("refusal without a reason: %+v", o)
		}
		for _, s := range append([]string{o.Reason, o.Issuer, o.TypeTitle}, o.Warnings...) {
			if !utf8.ValidString(s) || strings.ContainsAny(s, "\x1b\r\n\x00") {
				t.Fatalf("unsafe text shown: %q", s)
			}
		}
	})
}
