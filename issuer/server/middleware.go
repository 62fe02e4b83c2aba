package server

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/time/rate"

	"github.com/cityid/cityid/issuer"
)

// statusRecorder remembers the status code a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// logRequests logs method, route, status and duration: never query strings,
// bodies or claims (privacy: the log must not become a register of residents).
func logRequests(next http.Handler, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		log.Info("request", "method", r.Method, "route", routeLabel(r.URL.Path), "status", rec.status,
			"duration_ms", time.Since(start).Milliseconds())
	})
}

func recoverPanics(next http.Handler, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.Error("panic serving request", "route", routeLabel(r.URL.Path), "panic", v)
				writeJSON(w, http.StatusInternalServerError, map[string]string{
					"error": "server_error", "error_description": "the server hit an internal error; nothing was changed by this request unless it said so",
				})
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// limitBody refuses request bodies larger than max.
func limitBody(next http.Handler, max int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > max {
			writeJSON(w, http.StatusRequestEntityTooLarge, map[string]string{
				"error": "invalid_request", "error_description": "the request body is too large",
			})
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, max)
		next.ServeHTTP(w, r)
	})
}

// limiter keeps one token bucket per client IP (and a stricter one for the
// token endpoint), forgetting clients idle for ten minutes.
type limiter struct {
	mu      sync.Mutex
	rps     float64
	burst   int
	clients map[string]*clientLimits
	lastGC  time.Time
}

type clientLimits struct {
	all, token *rate.Limiter
	seen       time.Time
}

func newLimiter(rps float64, burst int) *limiter {
	return &limiter{rps: rps, burst: burst, clients: map[string]*clientLimits{}, lastGC: time.Now()}
}

func (l *limiter) get(ip string) *clientLimits {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if now.Sub(l.lastGC) > time.Minute {
		for k, c := range l.clients {
			if now.Sub(c.seen) > 10*time.Minute {
				delete(l.clients, k)
			}
		}
		l.lastGC = now
	}
	c, ok := l.clients[ip]
	if !ok {
		tokenBurst := l.burst / 10
		if tokenBurst < 3 {
			tokenBurst = 3
		}
		c = &clientLimits{
			all:   rate.NewLimiter(rate.Limit(l.rps), l.burst),
			token: rate.NewLimiter(rate.Limit(l.rps/10), tokenBurst),
		}
		l.clients[ip] = c
	}
	c.seen = now
	return c
}

func (l *limiter) middleware(next http.Handler, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := l.get(clientIP(r))
		ok := c.all.Allow()
		if ok && r.URL.Path == "/oid4vci/token" {
			ok = c.token.Allow()
		}
		if !ok {
			w.Header().Set("Retry-After", "1")
			writeJSON(w, http.StatusTooManyRequests, map[string]string{
				"error": "slow_down", "error_description": "too many requests from this address; wait a moment and try again",
			})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// metrics counts requests and their duration per route and status.
type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cityid_issuer_http_requests_total", Help: "HTTP requests by route and status code.",
		}, []string{"route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "cityid_issuer_http_request_duration_seconds", Help: "HTTP request duration by route.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14),
		}, []string{"route"}),
	}
	reg.MustRegister(m.requests, m.duration)
	return m
}

func (m *metrics) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		route := routeLabel(r.URL.Path)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		m.requests.WithLabelValues(route, strconv.Itoa(rec.status)).Inc()
		m.duration.WithLabelValues(route).Observe(time.Since(start).Seconds())
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeError answers with an *issuer.Error's code and status, or a generic
// server error (logged, details not leaked).
func writeError(w http.ResponseWriter, log *slog.Logger, err error) {
	var e *issuer.Error
	if errors.As(err, &e) {
		status := e.Status
		if status == 0 {
			status = http.StatusBadRequest
		}
		writeJSON(w, status, e)
		return
	}
	log.Error("request failed", "err", err)
	writeJSON(w, http.StatusInternalServerError, map[string]string{
		"error": "server_error", "error_description": "the server could not complete the request",
	})
}
