package bench

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	"github.com/cityid/cityid/issuer"
)

// Options configure Run.
type Options struct {
	// Quick runs every benchmark only a few times: a smoke test that every
	// part still works, whose figures mean nothing.
	Quick bool
	// SkipGUI skips the wallet window's cold start (it needs Xvfb, and
	// builds cmd/cityid-wallet).
	SkipGUI bool
	// Command is recorded in the report as the command that made it.
	Command string
	// Progress receives the live table while the run goes on; nil discards it.
	Progress io.Writer
	// RepoDir is the module's root directory, where the GUI cold start
	// builds cmd/cityid-wallet; empty means the directory holding go.mod
	// at or above the working directory.
	RepoDir string
}

// Run measures everything in one process and returns the report. The
// figures depend on the machine and its load; nothing here fails because a
// figure is slow: a missed target is reported as "not met".
func Run(ctx context.Context, opts Options) (*Report, error) {
	start := time.Now()
	s := &suite{opts: opts, out: opts.Progress, d: time.Second, reps: 3}
	if s.out == nil {
		s.out = io.Discard
	}
	if opts.Quick {
		s.d, s.reps = 5*time.Millisecond, 1
	}
	s.rep = &Report{Date: start.UTC(), Command: opts.Command, Quick: opts.Quick, Machine: readMachine()}
	tmp, err := os.MkdirTemp("", "cityid-bench-")
	if err != nil {
		return nil, fmt.Errorf("bench: cannot make a temporary directory: %w", err)
	}
	defer os.RemoveAll(tmp)
	s.tmp = tmp
	if s.issuer, err = newKey(1); err != nil {
		return nil, err
	}
	if s.holder, err = newKey(2); err != nil {
		return nil, err
	}
	steps := []struct {
		name string
		f    func(context.Context) error
	}{
		{"sign and verify", s.primitives},
		{"the whole verifier", s.verifierSection},
		{"durable issuance", s.issuance},
		{"QR sizes", s.qrSizes},
		{"QR decoding", s.qrDecode},
		{"wallet cold start", s.wallet},
	}
	defer func() {
		if s.svc != nil {
			s.svc.Close()
		}
	}()
	for _, st := range steps {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := st.f(ctx); err != nil {
			return nil, fmt.Errorf("bench: %s: %w", st.name, err)
		}
	}
	s.rep.Elapsed = time.Since(start)
	fmt.Fprintf(s.out, "\nall figures measured in %s\n", s.rep.Elapsed.Round(time.Second))
	return s.rep, nil
}

// section starts a section of the report and its live table.
func (s *suite) section(id, title string, cols ...string) *Section {
	sec := &Section{ID: id, Title: title, Columns: cols}
	s.rep.Sections = append(s.rep.Sections, sec)
	s.live = newLive(s.out, sec)
	return sec
}

// add appends a row to sec and prints it.
func (s *suite) add(sec *Section, cells ...string) {
	sec.Rows = append(sec.Rows, cells)
	s.live.print(cells)
}

// note adds a note to sec and prints it.
func (s *suite) note(sec *Section, format string, args ...any) {
	n := fmt.Sprintf(format, args...)
	sec.Notes = append(sec.Notes, n)
	fmt.Fprintln(s.out, "  note: "+n)
}

// target records t in sec and returns the row's target and verdict cells.
func (s *suite) target(sec *Section, t Target) (string, string) {
	sec.Targets = append(sec.Targets, t)
	return t.Goal, t.Verdict()
}

// time measures b reps times and returns the run with the median time:
// on a shared machine one slow round should not make the figure.
func (s *suite) time(name string, b bench) (timing, error) {
	var runs []timing
	for range s.reps {
		t, err := run(b, s.d)
		if err != nil {
			return t, fmt.Errorf("%s: %w", name, err)
		}
		runs = append(runs, t)
	}
	slices.SortFunc(runs, func(a, b timing) int { return cmp.Compare(a.Ns, b.Ns) })
	return runs[len(runs)/2], nil
}

// allocs formats allocations per operation.
func allocs(t timing) string { return fmt.Sprintf("%.0f", t.Allocs) }

// suite is one run's state.
type suite struct {
	opts Options
	out  io.Writer
	d    time.Duration // how long each benchmark's last round lasts at least
	reps int           // how many times each benchmark runs (the median counts)
	rep  *Report
	live *live
	tmp  string

	issuer, holder key
	svc            *issuer.Service

	// Figures later sections compare with.
	signFloor, verifyFloor, ariesVerify float64
	cityPresentation                    string // the holder-bound city ID QR text
}
