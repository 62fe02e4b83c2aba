// Package server is the issuer's HTTP server: it mounts the OpenID4VCI
// endpoints, the staff console and JSON API, the status lists and the trust
// bundle on one net/http server, with structured logs (log/slog), Prometheus
// metrics, per-client rate limits, request size limits, panic recovery and
// graceful shutdown. It holds no logic of its own: every route calls the
// issuer.Service.
package server
