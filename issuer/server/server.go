package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/cityid/cityid/issuer"
	"github.com/cityid/cityid/issuer/console"
	"github.com/cityid/cityid/issuer/oid4vci"
)

// Options configure the server.
type Options struct {
	Logger *slog.Logger
	// SecureCookies marks session cookies Secure (set when served over HTTPS).
	SecureCookies bool
	// RequestsPerSecond and Burst bound each client (by IP address); the
	// token endpoint, where PINs are tried, gets a tenth of it.
	RequestsPerSecond float64
	Burst             int
	// MaxBodyBytes bounds every request body.
	MaxBodyBytes int64
	// Bootstrap enables the console's first-admin page.
	Bootstrap func(ctx context.Context, secret, username, password string) (*issuer.Staff, error)
	// Registry receives the server's metrics (a new one when nil).
	Registry *prometheus.Registry
}

func (o *Options) defaults() {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.RequestsPerSecond == 0 {
		o.RequestsPerSecond = 50
	}
	if o.Burst == 0 {
		o.Burst = 100
	}
	if o.MaxBodyBytes == 0 {
		o.MaxBodyBytes = 1 << 20
	}
	if o.Registry == nil {
		o.Registry = prometheus.NewRegistry()
	}
}

// Handler builds the issuer's whole HTTP handler.
func Handler(api issuer.API, opts Options) (http.Handler, error) {
	opts.defaults()
	con, err := console.New(api, console.Options{SecureCookies: opts.SecureCookies, Logger: opts.Logger, Bootstrap: opts.Bootstrap})
	if err != nil {
		return nil, err
	}
	var name string
	if n, ok := api.(interface{ CityName() string }); ok {
		name = n.CityName() // the wallet shows it as the credentials' issuer
	}
	oid := oid4vci.NewHandler(api, oid4vci.Options{IssuerName: name, Logger: opts.Logger})

	mux := http.NewServeMux()
	mux.Handle("/.well-known/", oid)
	mux.Handle("/oid4vci/", oid)
	mux.Handle("/console/", con)
	mux.Handle("/api/", con)
	mux.Handle("GET /status/{id}", publication(opts.Logger, func(r *http.Request) ([]byte, string, error) {
		b, err := api.StatusListCredential(r.Context(), r.PathValue("id"))
		return b, "application/vc+ld+json", err
	}))
	mux.Handle("GET /bundle", publication(opts.Logger, func(r *http.Request) ([]byte, string, error) {
		b, err := api.Bundle(r.Context())
		return b, "application/json", err
	}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(opts.Registry, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/console/", http.StatusSeeOther)
	})

	m := newMetrics(opts.Registry)
	limits := newLimiter(opts.RequestsPerSecond, opts.Burst)
	var h http.Handler = mux
	h = limitBody(h, opts.MaxBodyBytes)
	h = limits.middleware(h, opts.Logger)
	h = m.middleware(h)
	h = logRequests(h, opts.Logger)
	h = recoverPanics(h, opts.Logger)
	return h, nil
}

// publication serves a signed document that verifiers and wallets fetch.
func publication(log *slog.Logger, get func(*http.Request) ([]byte, string, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ctype, err := get(r)
		if err != nil {
			writeError(w, log, err)
			return
		}
		w.Header().Set("Content-Type", ctype)
		w.Header().Set("Cache-Control", "public, max-age=300")
		_, _ = w.Write(body)
	})
}

// Serve runs the handler on addr until ctx is cancelled, then shuts down
// gracefully, letting requests in flight finish (at most 15 s). ready, if not
// nil, receives the bound address once the server listens.
func Serve(ctx context.Context, addr string, h http.Handler, log *slog.Logger, ready func(net.Addr)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    32 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	if ready != nil {
		ready(ln.Addr())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// clientIP is the request's remote IP address (no proxy headers are trusted).
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// routeLabel groups paths for metrics and logs without leaking identifiers.
func routeLabel(path string) string {
	switch {
	case strings.HasPrefix(path, "/.well-known/"):
		return path
	case strings.HasPrefix(path, "/oid4vci/"):
		return path
	case strings.HasPrefix(path, "/status/"):
		return "/status/{id}"
	case strings.HasPrefix(path, "/api/"):
		parts := strings.SplitN(strings.TrimPrefix(path, "/api/"), "/", 2)
		return "/api/" + parts[0]
	case strings.HasPrefix(path, "/console/"):
		return "/console/"
	case path == "/bundle", path == "/metrics", path == "/healthz", path == "/":
		return path
	}
	return "other"
}
