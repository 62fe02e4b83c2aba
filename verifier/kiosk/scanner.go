package kiosk

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"time"
)

// scan is one line a scanner typed, or the end of input.
type scan struct {
	line    []byte
	tooLong bool
	err     error // io.EOF at the end
}

// ReadScans reads what a keyboard-wedge scanner types: one code per line,
// ended by Enter (LF, CR or CR LF). Empty lines are skipped. A line longer
// than max bytes is not returned whole: emit gets tooLong and the line's
// rest is discarded up to its end. ReadScans stops when emit returns false
// and returns nil at the end of input.
func ReadScans(r io.Reader, max int, emit func(line []byte, tooLong bool) bool) error {
	br := bufio.NewReader(r)
	buf := make([]byte, 0, 1024)
	tooLong := false
	flush := func() bool {
		line := bytes.TrimSpace(buf)
		ok := true
		switch {
		case tooLong:
			ok = emit(nil, true)
		case len(line) > 0:
			ok = emit(bytes.Clone(line), false)
		}
		buf, tooLong = buf[:0], false
		return ok
	}
	for {
		b, err := br.ReadByte()
		if err != nil {
			flush()
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		if b == '\n' || b == '\r' {
			if !flush() {
				return nil
			}
			continue
		}
		if len(buf) >= max {
			tooLong = true
			continue
		}
		buf = append(buf, b)
	}
}

// RunScanner checks every code a keyboard-wedge scanner types on r (one per
// line) and renders each outcome on w, until the end of r (it returns nil)
// or until ctx is cancelled (it returns ctx.Err()). On a terminal, each
// outcome replaces the previous one, the screen returns to "Ready" after
// Config.ClearAfter, and a new challenge is shown as soon as it changes;
// otherwise outcomes are appended as plain text.
//
// Reading r happens in a goroutine that ends with r: after a cancellation it
// stays blocked until r returns (at the process's exit for standard input).
func (k *Kiosk) RunScanner(ctx context.Context, r io.Reader, w io.Writer) error {
	d := &display{w: w, tty: isTerminal(w), width: TerminalWidth(w)}
	scans := make(chan scan)
	done := make(chan struct{})
	defer close(done)
	go func() {
		send := func(s scan) bool {
			select {
			case scans <- s:
				return true
			case <-done:
				return false
			}
		}
		err := ReadScans(r, MaxInput, func(line []byte, tooLong bool) bool {
			return send(scan{line: line, tooLong: tooLong})
		})
		if err == nil {
			err = io.EOF
		}
		send(scan{err: err})
	}()
	if err := d.ready(k.Challenge()); err != nil {
		return err
	}
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case s := <-scans:
			if s.err != nil {
				if errors.Is(s.err, io.EOF) {
					return nil
				}
				return fmt.Errorf("reading the scanner: %w", s.err)
			}
			var o Outcome
			if s.tooLong {
				o = k.refuse(tooLong())
			} else {
				o = k.Check(ctx, s.line)
			}
			if err := d.show(o); err != nil {
				return err
			}
		case <-tick.C:
			if err := d.refresh(k); err != nil {
				return err
			}
		}
	}
}

// display is the scanner loop's screen.
type display struct {
	w         io.Writer
	tty       bool
	width     int
	last      *Outcome // on screen, nil when showing Ready
	challenge string   // the challenge on screen
}

func (d *display) ready(challenge string) error {
	d.last, d.challenge = nil, challenge
	if d.tty {
		if _, err := io.WriteString(d.w, ansiClear); err != nil {
			return err
		}
	}
	return renderReady(d.w, challenge, d.tty)
}

func (d *display) show(o Outcome) error {
	d.last, d.challenge = &o, o.NextChallenge
	sep := "\n" // plain text: outcomes follow each other
	if d.tty {
		sep = ansiClear
	}
	if _, err := io.WriteString(d.w, sep); err != nil {
		return err
	}
	return render(d.w, o, d.width, d.tty)
}

// refresh clears a stale outcome from a terminal and shows a new challenge.
func (d *display) refresh(k *Kiosk) error {
	ch := k.Challenge()
	if d.tty && d.last != nil && k.Stale(*d.last) {
		return d.ready(ch)
	}
	if ch == d.challenge {
		return nil
	}
	if d.tty && d.last != nil {
		o := *d.last
		o.NextChallenge = ch
		return d.show(o)
	}
	if d.tty {
		return d.ready(ch)
	}
	d.challenge = ch
	return renderReady(d.w, ch, false)
}
