package bench

import (
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"strings"
	"text/template"
	"time"
)

// Report is one run's figures, ready to write as BENCHMARKS.md.
type Report struct {
	Date     time.Time
	Command  string
	Quick    bool
	Machine  Machine
	Elapsed  time.Duration
	Sections []*Section
}

// Section is one table of figures.
type Section struct {
	ID      string // stable name the template refers to, e.g. "sign-verify"
	Title   string
	Columns []string
	Rows    [][]string
	Notes   []string // facts of this run worth a line (skipped parts, counts)
	Targets []Target
}

// Target is one figure the project promised, with what this run measured.
type Target struct {
	Name     string // the figure, e.g. "verify SD-JWT VC"
	Goal     string // e.g. "≤ 3 × the Ed25519 verify floor"
	Measured string // e.g. "1.9 ×"; empty when not measured
	Met      bool
	Why      string // why it was not measured, when Measured is empty
}

// Verdict is "met", "not met" or "not measured".
func (t Target) Verdict() string {
	switch {
	case t.Measured == "":
		return "not measured"
	case t.Met:
		return "met"
	}
	return "not met"
}

// Section returns the section with id, or nil.
func (r *Report) Section(id string) *Section {
	for _, s := range r.Sections {
		if s.ID == id {
			return s
		}
	}
	return nil
}

// Targets lists every section's targets in order.
func (r *Report) Targets() []Target {
	var out []Target
	for _, s := range r.Sections {
		out = append(out, s.Targets...)
	}
	return out
}

//go:embed templates/BENCHMARKS.md.tmpl
var reportTemplate string

// WriteMarkdown writes the report as BENCHMARKS.md: the embedded template's
// prose (how to read each table) around this run's machine and figures.
func (r *Report) WriteMarkdown(w io.Writer) error {
	t, err := template.New("BENCHMARKS.md").Funcs(template.FuncMap{
		"table":   r.sectionMarkdown,
		"targets": r.targetsMarkdown,
	}).Parse(reportTemplate)
	if err != nil {
		return fmt.Errorf("bench: the report template is broken: %w", err)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, r); err != nil {
		return fmt.Errorf("bench: writing the report: %w", err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// sectionMarkdown renders a section's table and notes; the template calls it
// by id, so a section the run did not produce says so instead of vanishing.
func (r *Report) sectionMarkdown(id string) (string, error) {
	s := r.Section(id)
	if s == nil {
		return "", fmt.Errorf("the template names a section %q that the run does not make", id)
	}
	var b strings.Builder
	writeTable(&b, s.Columns, s.Rows)
	for _, n := range s.Notes {
		fmt.Fprintf(&b, "\n- %s", n)
	}
	if len(s.Notes) > 0 {
		b.WriteString("\n")
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

func (r *Report) targetsMarkdown() string {
	var rows [][]string
	for _, t := range r.Targets() {
		m := t.Measured
		if m == "" {
			m = "— (" + t.Why + ")"
		}
		v := t.Verdict()
		if t.Met {
			v = "**met**"
		}
		rows = append(rows, []string{t.Name, t.Goal, m, v})
	}
	var b strings.Builder
	writeTable(&b, []string{"figure", "target", "measured", "verdict"}, rows)
	return strings.TrimSuffix(b.String(), "\n")
}

// writeTable writes a Markdown table; columns after the first are
// right-aligned when their name starts with "#" (the "#" is dropped).
func writeTable(b *strings.Builder, cols []string, rows [][]string) {
	var head, rule []string
	for i, c := range cols {
		name, right := strings.CutPrefix(c, "#")
		head = append(head, name)
		switch {
		case right && i > 0:
			rule = append(rule, "---:")
		default:
			rule = append(rule, "---")
		}
	}
	fmt.Fprintf(b, "| %s |\n|%s|\n", strings.Join(head, " | "), strings.Join(rule, "|"))
	for _, r := range rows {
		cells := make([]string, len(cols))
		for i := range cells {
			if i < len(r) {
				cells[i] = strings.ReplaceAll(r[i], "|", `\|`)
			}
		}
		fmt.Fprintf(b, "| %s |\n", strings.Join(cells, " | "))
	}
}

// live prints a section's rows to the terminal as they are measured.
type live struct {
	w     io.Writer
	width []int
}

func newLive(w io.Writer, s *Section) *live {
	l := &live{w: w}
	fmt.Fprintf(w, "\n== %s\n", s.Title)
	var cols []string
	for i, c := range s.Columns {
		c = strings.TrimPrefix(c, "#")
		width := 14
		if i == 0 {
			width = 58
		}
		l.width = append(l.width, max(width, len([]rune(c))))
		cols = append(cols, c)
	}
	l.print(cols)
	return l
}

func (l *live) print(cells []string) {
	var b strings.Builder
	for i, c := range cells {
		w := 14
		if i < len(l.width) {
			w = l.width[i]
		}
		pad := w - len([]rune(c))
		if i == 0 {
			b.WriteString(c + strings.Repeat(" ", max(pad, 0)))
		} else {
			b.WriteString("  " + strings.Repeat(" ", max(pad, 0)) + c)
		}
	}
	fmt.Fprintln(l.w, strings.TrimRight(b.String(), " "))
}
