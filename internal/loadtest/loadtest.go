package loadtest

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cityid/cityid/credential/oid4vci"
	"github.com/cityid/cityid/did"
	"github.com/cityid/cityid/issuer"
)

// Config is one load run against an issuer at BaseURL.
type Config struct {
	// BaseURL is the issuer's loopback URL, e.g. http://127.0.0.1:8080.
	BaseURL string
	// Username and Password sign in to the staff API (a clerk suffices).
	Username, Password string
	// Flows is how many offer-to-credential flows to run; 0 means as many
	// as fit in Duration.
	Flows int
	// Concurrency is the number of wallets working at once (default 4).
	Concurrency int
	// Duration bounds the run (default 1 minute); flows still running
	// when it ends are cancelled and reported as errors.
	Duration time.Duration
	// RevokeEvery revokes every n-th received credential (0: none).
	RevokeEvery int
	// HTTP is the transport's base client; nil means a plain client with a
	// 30-second timeout. The run wraps its transport to time each request.
	HTTP *http.Client
	// OnAck, if set, is called (from several goroutines) for every
	// credential a wallet received.
	OnAck func(Ack)
}

// Ack is one write the issuer acknowledged: a credential a wallet received,
// and, once found through the staff API, its record.
type Ack struct {
	Subject    string // the wallet's did:key (unique per flow)
	Format     issuer.Format
	Credential []byte
	ID         string // empty if the search after receiving failed
	// StatusIndex is valid when ID is set.
	StatusIndex int
	Revoked     bool // the revocation was acknowledged
}

// Report is what a run measured.
type Report struct {
	Elapsed   time.Duration
	Flows     int // flows that completed without an error
	Acks      []Ack
	Endpoints []EndpointStats // in the order first used
	Errors    int
	// FirstErrors holds up to 20 error messages.
	FirstErrors []string
}

// Requests is the number of HTTP requests sent.
func (r *Report) Requests() int {
	n := 0
	for _, e := range r.Endpoints {
		n += e.Requests
	}
	return n
}

// credentialType is what every flow issues: the smallest city type.
const credentialType = "AgeOverCredential"

// Run drives the issuer until cfg.Flows flows are done or cfg.Duration has
// passed. It returns an error only when the run cannot start (bad config,
// staff sign-in refused); errors during the run are counted in the Report.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if cfg.BaseURL == "" {
		return nil, errors.New("loadtest: the issuer's URL is required")
	}
	if cfg.Flows < 0 || cfg.Concurrency < 0 || cfg.Duration < 0 || cfg.RevokeEvery < 0 {
		return nil, errors.New("loadtest: flows, concurrency, duration and revoke-every must not be negative")
	}
	if cfg.Concurrency == 0 {
		cfg.Concurrency = 4
	}
	if cfg.Duration == 0 {
		cfg.Duration = time.Minute
	}
	rec := newRecorder()
	staff, err := login(ctx, cfg, rec)
	if err != nil {
		return nil, err
	}
	wallet := &oid4vci.Client{HTTP: &http.Client{Timeout: 30 * time.Second, Transport: rec.wrap(baseTransport(cfg.HTTP)),
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}

	ctx, cancel := context.WithTimeout(ctx, cfg.Duration)
	defer cancel()
	start := time.Now()
	var next atomic.Int64
	var mu sync.Mutex
	rep := &Report{}
	fail := func(n int64, step string, err error) {
		mu.Lock()
		defer mu.Unlock()
		rep.Errors++
		if len(rep.FirstErrors) < 20 {
			rep.FirstErrors = append(rep.FirstErrors, fmt.Sprintf("flow %d, %s: %v", n, step, err))
		}
	}
	var wg sync.WaitGroup
	for range cfg.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				n := next.Add(1)
				if cfg.Flows > 0 && n > int64(cfg.Flows) {
					return
				}
				ack, step, err := flow(ctx, cfg, staff, wallet, n)
				if ack != nil {
					if cfg.OnAck != nil {
						cfg.OnAck(*ack)
					}
					mu.Lock()
					rep.Acks = append(rep.Acks, *ack)
					mu.Unlock()
				}
				if err != nil {
					if ctx.Err() != nil && cfg.Flows == 0 {
						return // the time is up: not a failure of the issuer
					}
					fail(n, step, err)
					continue
				}
				mu.Lock()
				rep.Flows++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	rep.Elapsed = time.Since(start)
	if cfg.Flows > 0 && rep.Flows+rep.Errors < cfg.Flows {
		missing := cfg.Flows - rep.Flows - rep.Errors
		fail(0, "time", fmt.Errorf("%d of %d flows did not start before the %s limit", missing, cfg.Flows, cfg.Duration))
		rep.Errors += missing - 1
	}
	rep.Endpoints = rec.stats()
	return rep, nil
}

// flow runs one offer through to a received credential, then the staff
// search (and revocation) of it. It returns the Ack as soon as the
// credential was received, even if a later step fails.
func flow(ctx context.Context, cfg Config, staff *staffClient, wallet *oid4vci.Client, n int64) (*Ack, string, error) {
	var offer struct {
		URI    string `json:"uri"`
		TxCode string `json:"tx_code"`
	}
	if err := staff.do(ctx, "POST", "/api/offers", map[string]any{"type": credentialType,
		"claims": map[string]any{"ageOver18": true}}, &offer); err != nil {
		return nil, "staff offer", err
	}
	parsed, err := wallet.ResolveOffer(ctx, offer.URI)
	if err != nil {
		return nil, "offer URI", err
	}
	pub, holder, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, "holder key", err
	}
	subject, err := did.KeyDID(pub)
	if err != nil {
		return nil, "holder key", err
	}
	format := issuer.FormatSDJWT
	if n%2 == 0 {
		format = issuer.FormatLDP
	}
	cred, err := wallet.Receive(ctx, parsed, offer.TxCode, holder, issuer.ConfigurationID(credentialType, format))
	if err != nil {
		return nil, "wallet receive", err
	}
	ack := &Ack{Subject: subject, Format: format, Credential: cred}
	rec, err := staff.find(ctx, subject)
	if err != nil {
		return ack, "staff search", err
	}
	ack.ID, ack.StatusIndex = rec.ID, rec.StatusIndex
	if cfg.RevokeEvery > 0 && n%int64(cfg.RevokeEvery) == 0 {
		if err := staff.do(ctx, "POST", "/api/credentials/"+url.PathEscape(rec.ID)+"/revoke", nil, nil); err != nil {
			return ack, "staff revoke", err
		}
		ack.Revoked = true
	}
	return ack, "", nil
}

// record is the part of the staff API's credential record the run reads.
type record struct {
	ID          string `json:"id"`
	Subject     string `json:"subject"`
	StatusIndex int    `json:"status_index"`
	State       string `json:"state"`
	Credential  string `json:"credential"`
}

// staffClient is a signed-in staff session of the JSON API.
type staffClient struct {
	base string
	http *http.Client
	csrf string
}

func baseTransport(c *http.Client) http.RoundTripper {
	if c != nil && c.Transport != nil {
		return c.Transport
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64
	return t
}

func login(ctx context.Context, cfg Config, rec *recorder) (*staffClient, error) {
	jar, _ := cookiejar.New(nil)
	s := &staffClient{base: strings.TrimSuffix(cfg.BaseURL, "/"),
		http: &http.Client{Timeout: 30 * time.Second, Jar: jar, Transport: rec.wrap(baseTransport(cfg.HTTP))}}
	var out struct {
		CSRF string `json:"csrf_token"`
	}
	if err := s.do(ctx, "POST", "/api/login", map[string]string{"username": cfg.Username, "password": cfg.Password}, &out); err != nil {
		return nil, fmt.Errorf("loadtest: staff sign-in as %q: %w", cfg.Username, err)
	}
	s.csrf = out.CSRF
	return s, nil
}

// find returns the one credential record issued to subject.
func (s *staffClient) find(ctx context.Context, subject string) (*record, error) {
	var out struct {
		Credentials []record `json:"credentials"`
	}
	if err := s.do(ctx, "GET", "/api/credentials?q="+url.QueryEscape(subject), nil, &out); err != nil {
		return nil, err
	}
	var found []record
	for _, r := range out.Credentials {
		if r.Subject == subject {
			found = append(found, r)
		}
	}
	if len(found) != 1 {
		return nil, fmt.Errorf("the search for %s found %d credentials, want 1", subject, len(found))
	}
	return &found[0], nil
}

// do sends a staff API request with body as JSON and decodes a 2xx answer
// into out; any other answer is an error quoting the API's message.
func (s *staffClient) do(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, s.base+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if method == "POST" && s.csrf != "" {
		req.Header.Set("X-CSRF-Token", s.csrf)
	}
	resp, err := s.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return fmt.Errorf("%s %s: reading the answer: %w", method, path, err)
	}
	if resp.StatusCode/100 != 2 {
		var e struct {
			Message string `json:"error_description"`
		}
		_ = json.Unmarshal(data, &e)
		if e.Message == "" {
			e.Message = strings.TrimSpace(string(data))
		}
		return fmt.Errorf("%s %s answered HTTP %d: %s", method, path, resp.StatusCode, e.Message)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("%s %s: the answer is not the expected JSON: %w", method, path, err)
		}
	}
	return nil
}
