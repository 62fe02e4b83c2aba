package kiosk_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/cityid/cityid/verifier/kiosk"
)

func TestReadScans(t *testing.T) {
	type got struct {
		line    string
		tooLong bool
	}
	tests := []struct {
		name, in string
		max      int
		want     []got
	}{
		{"LF", "abc\ndef\n", 10, []got{{"abc", false}, {"def", false}}},
		{"CR LF and CR", "abc\r\ndef\rghi", 10, []got{{"abc", false}, {"def", false}, {"ghi", false}}},
		{"empty lines skipped", "\n\n  \r\nabc\n\n", 10, []got{{"abc", false}}},
		{"spaces trimmed", "  abc \t\n", 10, []got{{"abc", false}}},
		{"too long", "0123456789X\nok\n", 10, []got{{"", true}, {"ok", false}}},
		{"exactly max", "0123456789\n", 10, []got{{"0123456789", false}}},
		{"too long at EOF", "0123456789XYZ", 10, []got{{"", true}}},
		{"nothing", "", 10, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out []got
			err := kiosk.ReadScans(strings.NewReader(tt.in), tt.max, func(line []byte, tooLong bool) bool {
				out = append(out, got{string(line), tooLong})
				return true
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(out) != len(tt.want) {
				t.Fatalf("got %+v, want %+v", out, tt.want)
			}
			for i := range out {
				if out[i] != tt.want[i] {
					t.Errorf("scan %d = %+v, want %+v", i, out[i], tt.want[i])
				}
			}
		})
	}
	boom := errors.New("unplugged")
	err := kiosk.ReadScans(io.MultiReader(strings.NewReader("abc\n"), iotest.ErrReader(boom)), 10, func([]byte, bool) bool { return true })
	if !errors.Is(err, boom) {
		t.Errorf("read error %v, want %v", err, boom)
	}
	n := 0
	_ = kiosk.ReadScans(strings.NewReader("a\nb\nc\n"), 10, func([]byte, bool) bool { n++; return false })
	if n != 1 {
		t.Errorf("emit returning false: %d more scans", n-1)
	}
}

func TestRunScanner(t *testing.T) {
	w := newWorld(t)
	k := w.kiosk(t)
	code := w.residency(t, 3, nil)
	in := bytes.Join([][]byte{code, code, []byte("GARBAGE"), bytes.Repeat([]byte("Z"), kiosk.MaxInput+5), nil}, []byte("\r\n"))
	var out bytes.Buffer
	if err := k.RunScanner(context.Background(), bytes.NewReader(in), &out); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	for _, want := range []string{
		"Ready: scan the next code (challenge: ",
		"Resident of     Springfield",
		"already shown at 10:42",
		"(code: replayed)",
		"(code: unsupported_format)",
		"(code: too_long)",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	if got := strings.Count(text, "(code: "); got != 3 {
		t.Errorf("%d refusals rendered, want 3", got)
	}
	if strings.Count(text, "Ready: scan the next code") != 5 {
		t.Errorf("want a ready line at start and after each of 4 scans:\n%s", text)
	}
}

func TestRunScannerCancelled(t *testing.T) {
	w := newWorld(t)
	k := w.kiosk(t)
	r, pw := io.Pipe()
	defer pw.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := k.RunScanner(ctx, r, io.Discard); !errors.Is(err, context.Canceled) {
		t.Fatalf("RunScanner after cancel = %v", err)
	}
}

func TestRunScannerReadError(t *testing.T) {
	w := newWorld(t)
	k := w.kiosk(t)
	err := k.RunScanner(context.Background(), iotest.ErrReader(errors.New("unplugged")), io.Discard)
	if err == nil || !strings.Contains(err.Error(), "unplugged") {
		t.Fatalf("err = %v", err)
	}
}
