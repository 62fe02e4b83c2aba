package kiosk

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/term"
)

// DefaultWidth is the width Render uses when it is given none.
const DefaultWidth = 80

// minBannerWidth is the narrowest screen the block-letter banner fits.
const minBannerWidth = 60

// ANSI sequences used on a terminal.
const (
	ansiReset    = "\x1b[0m"
	ansiBold     = "\x1b[1m"
	ansiAccepted = "\x1b[1;30;42m" // bold black on green
	ansiRefused  = "\x1b[1;97;41m" // bold white on red
	ansiWarning  = "\x1b[1;33m"    // bold yellow
	ansiClear    = "\x1b[H\x1b[2J" // home, clear screen
)

// glyphs are 5x5 block letters for the banner, with a tick and a cross so
// the outcome does not rest on colour alone.
var glyphs = map[rune][5]string{
	'A': {" ### ", "#   #", "#####", "#   #", "#   #"},
	'C': {" ####", "#    ", "#    ", "#    ", " ####"},
	'D': {"#### ", "#   #", "#   #", "#   #", "#### "},
	'E': {"#####", "#    ", "#### ", "#    ", "#####"},
	'F': {"#####", "#    ", "#### ", "#    ", "#    "},
	'P': {"#### ", "#   #", "#### ", "#    ", "#    "},
	'R': {"#### ", "#   #", "#### ", "#  # ", "#   #"},
	'S': {" ####", "#    ", " ### ", "    #", "#### "},
	'T': {"#####", "  #  ", "  #  ", "  #  ", "  #  "},
	'U': {"#   #", "#   #", "#   #", "#   #", " ### "},
	'✔': {"      #", "     # ", "#   #  ", " # #   ", "  #    "},
	'✘': {"#   #", " # # ", "  #  ", " # # ", "#   #"},
}

// bannerRows draws text in block letters, using mark for the ink. The rows
// are all as wide.
func bannerRows(text string, mark string) []string {
	rows := make([]string, 5)
	for i := range rows {
		var b strings.Builder
		for j, r := range []rune(text) {
			if j > 0 {
				b.WriteString(" ")
			}
			g, ok := glyphs[r]
			if !ok {
				g = [5]string{"   ", "   ", "   ", "   ", "   "}
			}
			b.WriteString(strings.ReplaceAll(g[i], "#", mark))
		}
		rows[i] = b.String()
	}
	return rows
}

// bannerText is the word and its shape: a tick for accepted, a cross for
// refused.
func bannerText(o Outcome) string {
	if o.Pass {
		return "✔ " + HeadlineAccepted
	}
	return "✘ " + HeadlineRefused
}

// isTerminal reports whether w is a terminal (not a pipe or a file).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// TerminalWidth returns the width of w when it is a terminal, else DefaultWidth.
func TerminalWidth(w io.Writer) int {
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		if cols, _, err := term.GetSize(int(f.Fd())); err == nil && cols > 0 {
			return cols
		}
	}
	return DefaultWidth
}

// Render draws o for a clerk: a large ACCEPTED or REFUSED banner (in block
// letters when width allows, in a full-width green or red box when w is a
// terminal, plain text otherwise), the reason, the disclosed claims and any
// warnings, then the line inviting the next scan with the challenge to use.
// A width of zero or less means DefaultWidth.
func Render(w io.Writer, o Outcome, width int) error {
	return render(w, o, width, isTerminal(w))
}

// RenderReady draws the line inviting the next scan.
func RenderReady(w io.Writer, challenge string) error {
	return renderReady(w, challenge, isTerminal(w))
}

func renderReady(w io.Writer, challenge string, color bool) error {
	var err error
	if color {
		_, err = fmt.Fprintf(w, "Ready: scan the next code (challenge: %s%s%s)\n", ansiBold, challenge, ansiReset)
	} else {
		_, err = fmt.Fprintf(w, "Ready: scan the next code (challenge: %s)\n", challenge)
	}
	return err
}

func render(w io.Writer, o Outcome, width int, color bool) error {
	if width <= 0 {
		width = DefaultWidth
	}
	bw := bufio.NewWriter(w)
	writeBanner(bw, o, width, color)
	line := func(format string, args ...any) { fmt.Fprintf(bw, format+"\n", args...) }
	para := func(prefix, text string) {
		for _, l := range wrap(prefix+text, width-2, strings.Repeat(" ", utf8.RuneCountInString(prefix))) {
			line("  %s", l)
		}
	}
	if what := o.What(); what != "" {
		line("  %s", what)
	}
	line("")
	if o.Pass && o.Notice != "" {
		if color {
			bw.WriteString(ansiWarning)
		}
		para("", ">> "+o.Notice+" <<")
		if color {
			bw.WriteString(ansiReset)
		}
		line("")
	}
	if o.Pass {
		width := labelWidth(o.Claims)
		for _, c := range o.Claims {
			if color {
				line("  %-*s  %s%s%s", width, c.Label, ansiBold, c.Value, ansiReset)
			} else {
				line("  %-*s  %s", width, c.Label, c.Value)
			}
		}
		if len(o.Claims) == 0 {
			line("  (no claims disclosed)")
		}
		line("")
		for _, e := range o.Evidence {
			para("", e)
		}
		para("", o.Reason)
	} else {
		para("Reason: ", o.Reason)
		if o.Advice != "" {
			para("What to do: ", o.Advice)
		}
		for _, r := range o.Refusals[min(1, len(o.Refusals)):] {
			para("Also: ", r.Text)
		}
		line("  (code: %s)", o.ReasonCode)
	}
	for _, warn := range o.Warnings {
		if color {
			bw.WriteString(ansiWarning)
		}
		para("! ", warn)
		if color {
			bw.WriteString(ansiReset)
		}
	}
	if o.StatusAsOf != nil && !o.CheckedAt.IsZero() {
		line("  Revocation list of %s (%s old)", o.StatusAsOf.UTC().Format(time.DateOnly), age(o.CheckedAt.Sub(*o.StatusAsOf)))
	}
	line("%s", strings.Repeat("-", width))
	if err := renderReady(bw, o.NextChallenge, color); err != nil {
		return err
	}
	return bw.Flush()
}

// writeBanner draws the headline: block letters in a box of width columns.
func writeBanner(w io.Writer, o Outcome, width int, color bool) {
	text := bannerText(o)
	var rows []string
	if width >= minBannerWidth {
		mark := "#"
		if color {
			mark = "█"
		}
		rows = append([]string{""}, bannerRows(text, mark)...)
		rows = append(rows, "")
	} else {
		rows = []string{"", text, ""}
	}
	block := 0
	for _, r := range rows {
		block = max(block, utf8.RuneCountInString(r))
	}
	for i, r := range rows {
		rows[i] = center(r+strings.Repeat(" ", block-utf8.RuneCountInString(r)), width)
	}
	if !color {
		rule := strings.Repeat("=", width)
		fmt.Fprintln(w, rule)
		for _, r := range rows {
			fmt.Fprintln(w, strings.TrimRight(r, " "))
		}
		fmt.Fprintln(w, rule)
		return
	}
	style := ansiRefused
	if o.Pass {
		style = ansiAccepted
	}
	for _, r := range rows {
		fmt.Fprintf(w, "%s%s%s\n", style, r, ansiReset)
	}
}

// wrap breaks text into lines of at most width columns at spaces; lines
// after the first start with indent. A word longer than a line is not cut.
func wrap(text string, width int, indent string) []string {
	words := strings.Fields(text)
	if len(words) == 0 {
		return []string{""}
	}
	var lines []string
	cur := ""
	for _, word := range words {
		switch {
		case cur == "":
			cur = word
			if len(lines) > 0 {
				cur = indent + word
			}
		case utf8.RuneCountInString(cur)+1+utf8.RuneCountInString(word) > width:
			lines = append(lines, cur)
			cur = indent + word
		default:
			cur += " " + word
		}
	}
	return append(lines, cur)
}

// center pads s with spaces to width columns, s in the middle.
func center(s string, width int) string {
	n := utf8.RuneCountInString(s)
	if n >= width {
		return s
	}
	left := (width - n) / 2
	return strings.Repeat(" ", left) + s + strings.Repeat(" ", width-n-left)
}

func labelWidth(cs []Claim) int {
	w := 0
	for _, c := range cs {
		w = max(w, utf8.RuneCountInString(c.Label))
	}
	return w
}

// age renders how old something is, in days or hours.
func age(d time.Duration) string {
	switch {
	case d < time.Hour:
		return "less than an hour"
	case d < 48*time.Hour:
		return fmt.Sprintf("%d hours", int(d.Hours()))
	}
	return fmt.Sprintf("%d days", int(d.Hours()/24))
}
