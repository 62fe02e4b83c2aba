package loadtest

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// EndpointStats is the latency of one endpoint ("POST /oid4vci/token").
type EndpointStats struct {
	Endpoint string
	Requests int
	// Errors counts transport failures and answers other than 2xx.
	Errors        int
	P50, P99, Max time.Duration
}

// recorder times every request by endpoint.
type recorder struct {
	mu    sync.Mutex
	order []string
	lat   map[string][]time.Duration
	errs  map[string]int
}

func newRecorder() *recorder {
	return &recorder{lat: map[string][]time.Duration{}, errs: map[string]int{}}
}

type timed struct {
	next http.RoundTripper
	rec  *recorder
}

func (r *recorder) wrap(next http.RoundTripper) http.RoundTripper { return timed{next, r} }

func (t timed) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	if err != nil && req.Context().Err() != nil {
		// Cut off when the run's time was up (Run does not count such a
		// flow either): neither an answer nor a failure of the issuer.
		return resp, err
	}
	t.rec.add(req.Method+" "+endpoint(req.URL), time.Since(start), err != nil || resp.StatusCode/100 != 2)
	return resp, err
}

// endpoint names a URL path with its identifiers replaced by {id}.
func endpoint(u *url.URL) string {
	parts := strings.Split(u.Path, "/")
	for i, p := range parts {
		if i >= 3 && (parts[1] == "api" || parts[1] == "status") && p != "revoke" && p != "suspend" && p != "reissue" {
			parts[i] = "{id}"
		}
	}
	return strings.Join(parts, "/")
}

func (r *recorder) add(name string, d time.Duration, failed bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.lat[name]; !ok {
		r.order = append(r.order, name)
	}
	r.lat[name] = append(r.lat[name], d)
	if failed {
		r.errs[name]++
	}
}

func (r *recorder) stats() []EndpointStats {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]EndpointStats, 0, len(r.order))
	for _, name := range r.order {
		d := slices.Clone(r.lat[name])
		slices.Sort(d)
		out = append(out, EndpointStats{Endpoint: name, Requests: len(d), Errors: r.errs[name],
			P50: percentile(d, 50), P99: percentile(d, 99), Max: d[len(d)-1]})
	}
	return out
}

// percentile is the nearest-rank p-th percentile of sorted durations.
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := (p*len(sorted) + 99) / 100 // ceil(p/100 * n)
	return sorted[max(rank, 1)-1]
}

// Markdown is the report as a small Markdown table with a summary line.
func (r *Report) Markdown() string {
	var b strings.Builder
	secs := r.Elapsed.Seconds()
	if secs <= 0 {
		secs = 1e-9
	}
	fmt.Fprintf(&b, "%d flows in %.1f s (%.1f flows/s, %.1f requests/s), %d errors\n\n",
		r.Flows, r.Elapsed.Seconds(), float64(r.Flows)/secs, float64(r.Requests())/secs, r.Errors)
	b.WriteString("| endpoint | requests | errors | p50 | p99 | max |\n|---|---:|---:|---:|---:|---:|\n")
	for _, e := range r.Endpoints {
		fmt.Fprintf(&b, "| `%s` | %d | %d | %s | %s | %s |\n", e.Endpoint, e.Requests, e.Errors, ms(e.P50), ms(e.P99), ms(e.Max))
	}
	for _, e := range r.FirstErrors {
		fmt.Fprintf(&b, "\n- error: %s", e)
	}
	if len(r.FirstErrors) > 0 {
		b.WriteString("\n")
	}
	return b.String()
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

// CheckReport is what [Check] found.
type CheckReport struct {
	Checked int
	// Problems describes every lost, changed or unrevoked credential and
	// every status index handed out twice, in plain words.
	Problems []string
}

// OK reports whether every acknowledged write was found intact.
func (c *CheckReport) OK() bool { return len(c.Problems) == 0 }

// Check asks the issuer, through the staff API, for every acknowledged
// credential: it must exist under its holder's DID, hold the very bytes the
// wallet received, be revoked if its revocation was acknowledged, and have
// a status index no other acknowledged credential has.
func Check(ctx context.Context, cfg Config, acks []Ack) (*CheckReport, error) {
	staff, err := login(ctx, cfg, newRecorder())
	if err != nil {
		return nil, err
	}
	rep := &CheckReport{}
	owner := map[int]string{}
	for _, a := range acks {
		rep.Checked++
		found, err := staff.find(ctx, a.Subject)
		if err != nil {
			rep.Problems = append(rep.Problems, fmt.Sprintf("credential for %s is lost: %v", a.Subject, err))
			continue
		}
		if a.ID != "" && (found.ID != a.ID || found.StatusIndex != a.StatusIndex) {
			rep.Problems = append(rep.Problems, fmt.Sprintf("credential for %s changed: acknowledged %s at status index %d, stored %s at %d",
				a.Subject, a.ID, a.StatusIndex, found.ID, found.StatusIndex))
		}
		var full record
		if err := staff.do(ctx, "GET", "/api/credentials/"+url.PathEscape(found.ID), nil, &full); err != nil {
			rep.Problems = append(rep.Problems, fmt.Sprintf("credential %s cannot be read: %v", found.ID, err))
			continue
		}
		if !bytes.Equal(bytes.TrimSpace([]byte(full.Credential)), bytes.TrimSpace(a.Credential)) {
			rep.Problems = append(rep.Problems, fmt.Sprintf("credential %s stored differs from what the wallet received", found.ID))
		}
		if a.Revoked && full.State != "revoked" {
			rep.Problems = append(rep.Problems, fmt.Sprintf("credential %s was revoked (acknowledged) but is %s", found.ID, full.State))
		}
		if prev, dup := owner[found.StatusIndex]; dup {
			rep.Problems = append(rep.Problems, fmt.Sprintf("status index %d is used by both %s and %s", found.StatusIndex, prev, found.ID))
		}
		owner[found.StatusIndex] = found.ID
	}
	return rep, nil
}
