package main

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/cityid/cityid/issuer"
)

// maxBatchRows bounds one batch file.
const maxBatchRows = 1_000_000

// batchRow is one CSV data row turned into a request.
type batchRow struct {
	line int
	req  issuer.IssueRequest
}

// readBatchCSV reads a CSV whose header names "subject" and claim columns
// (nested claims as dotted names, e.g. address.postalCode). Empty cells are
// omitted claims; "true"/"false" are booleans. Rows that cannot be read are
// returned as problems with their line number.
func readBatchCSV(r io.Reader, typeName string, format issuer.Format) ([]batchRow, []string, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = false
	header, err := cr.Read()
	if err != nil {
		return nil, nil, fmt.Errorf("cannot read the CSV header: %v", err)
	}
	subjectCol := -1
	for i, h := range header {
		header[i] = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if header[i] == "subject" {
			subjectCol = i
		}
	}
	if subjectCol < 0 {
		return nil, nil, errors.New(`the CSV header must have a "subject" column (the resident's DID)`)
	}
	var rows []batchRow
	var problems []string
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				problems = append(problems, fmt.Sprintf("line %d: %v", pe.Line, pe.Err))
				if errors.Is(pe.Err, csv.ErrFieldCount) {
					continue
				}
			}
			return rows, problems, fmt.Errorf("cannot read the CSV: %v", err)
		}
		// FieldPos is only valid for a record read without an error (it
		// panicked on an unterminated quote).
		line, _ := cr.FieldPos(0)
		if len(rows)+len(problems) >= maxBatchRows {
			return nil, nil, fmt.Errorf("the CSV has more than %d rows; split it", maxBatchRows)
		}
		claims := map[string]any{}
		for i, cell := range rec {
			cell = strings.TrimSpace(cell)
			if i == subjectCol || cell == "" {
				continue
			}
			var v any = cell
			switch cell {
			case "true":
				v = true
			case "false":
				v = false
			}
			setPath(claims, header[i], v)
		}
		rows = append(rows, batchRow{line: line, req: issuer.IssueRequest{
			Type: typeName, Subject: strings.TrimSpace(rec[subjectCol]), Claims: claims, Format: format,
		}})
	}
	return rows, problems, nil
}

// setPath sets m["a"]["b"] = v for the dotted name "a.b".
func setPath(m map[string]any, name string, v any) {
	parts := strings.Split(name, ".")
	for _, p := range parts[:len(parts)-1] {
		next, ok := m[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[p] = next
		}
		m = next
	}
	m[parts[len(parts)-1]] = v
}

// progressBar draws "[#####.....] done/total" on w, at most ten times a second.
type progressBar struct {
	mu    sync.Mutex
	w     io.Writer
	tty   bool
	last  time.Time
	start time.Time
}

func newProgressBar(w io.Writer) *progressBar {
	tty := false
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			tty = true
		}
	}
	return &progressBar{w: w, tty: tty, start: time.Now()}
}

func (p *progressBar) update(done, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if done < total && time.Since(p.last) < 100*time.Millisecond {
		return
	}
	if !p.tty && done < total && time.Since(p.last) < 2*time.Second {
		return
	}
	p.last = time.Now()
	const width = 30
	filled := 0
	if total > 0 {
		filled = done * width / total
	}
	bar := strings.Repeat("#", filled) + strings.Repeat(".", width-filled)
	end := "\n"
	if p.tty && done < total {
		end = ""
	}
	prefix := ""
	if p.tty {
		prefix = "\r"
	}
	fmt.Fprintf(p.w, "%s[%s] %d/%d issued%s", prefix, bar, done, total, end)
}

func issuerBatch(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("issuer batch", stderr, "issuer batch --data DIR --type T --csv FILE [--format ldp|sd-jwt|qr]")
	dir := fs.String("data", "", "data directory")
	typ := fs.String("type", "", "credential type, e.g. AgeOverCredential")
	csvPath := fs.String("csv", "", `CSV file: a "subject" column (DID) and one column per claim`)
	format := fs.String("format", "ldp", "ldp, sd-jwt or qr")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *dir == "" || *typ == "" || *csvPath == "" || fs.NArg() != 0 {
		fs.Usage()
		return exitUsage
	}
	f, err := parseFormat(*format)
	if err != nil {
		fmt.Fprintf(stderr, "cityid issuer batch: %v\n", err)
		return exitUsage
	}
	file, err := os.Open(*csvPath)
	if err != nil {
		fmt.Fprintf(stderr, "cityid issuer batch: %v\n", err)
		return exitUsage
	}
	defer file.Close()
	rows, problems, err := readBatchCSV(file, *typ, f)
	if err != nil {
		fmt.Fprintf(stderr, "cityid issuer batch: %s: %v\n", *csvPath, err)
		return exitUsage
	}
	return withIssuer(*dir, "batch", stderr, func(svc *issuer.Service) int {
		reqs := make([]issuer.IssueRequest, len(rows))
		for i, r := range rows {
			reqs[i] = r.req
		}
		start := time.Now()
		bar := newProgressBar(stderr)
		results, err := svc.IssueBatch(context.Background(), cliActor(), reqs, bar.update)
		if err != nil {
			return reportErr(stderr, "batch", err)
		}
		issued := 0
		var storage error
		notStored := 0
		for _, res := range results {
			if errors.Is(res.Err, issuer.ErrDiskFull) || errors.Is(res.Err, issuer.ErrReadOnly) {
				storage = res.Err
				notStored++
				continue
			}
			if res.Err != nil {
				problems = append(problems, fmt.Sprintf("line %d: %s", rows[res.Index].line, describe(res.Err)))
				continue
			}
			issued++
			fmt.Fprintln(stdout, res.Record.ID)
		}
		elapsed := time.Since(start)
		fmt.Fprintf(stderr, "batch: %d issued, %d skipped, %d not stored, in %s (%.0f credentials/s)\n",
			issued, len(problems), notStored, elapsed.Round(time.Millisecond), float64(issued)/elapsed.Seconds())
		for _, p := range problems {
			fmt.Fprintf(stderr, "  skipped %s\n", p)
		}
		if storage != nil {
			fmt.Fprintf(stderr, "cityid issuer batch: %d rows were not issued: %v\n", notStored, storage)
			return exitFailed
		}
		if len(problems) > 0 {
			return exitFailed
		}
		return exitOK
	})
}

// describe renders an issuance error in one line, with field details.
func describe(err error) string {
	var e *issuer.Error
	if !errors.As(err, &e) {
		return err.Error()
	}
	msg := e.Message
	for _, f := range e.Fields {
		msg += "; " + f.Path + ": " + f.Message
	}
	return msg
}
