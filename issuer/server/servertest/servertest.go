// Package servertest runs the real issuer service and its HTTP server on a
// loopback port, for the tests of everything that talks to an issuer:
// wallets, the CLI, the browser test. Like net/http/httptest, it is meant
// for tests only.
package servertest

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"testing"

	"github.com/cityid/cityid/issuer"
	"github.com/cityid/cityid/issuer/server"
)

// Options configure Start. The zero value is a fresh issuer in a temporary
// directory with a test passphrase and a silent logger.
type Options struct {
	// Dir is the data directory; empty means a new t.TempDir().
	Dir string
	// Passphrase seals the keys; empty means "servertest passphrase".
	Passphrase string
	// CityName is the trust bundle's name.
	CityName string
	// Server configures the HTTP server (its Logger defaults to silent).
	Server server.Options
	// Bootstrap enables the console's first-admin page.
	Bootstrap bool
}

// Start opens the service with PublicURL set to the loopback server's own
// URL, serves it, and closes both when t ends.
func Start(t testing.TB, opts Options) (*issuer.Service, *httptest.Server) {
	t.Helper()
	if opts.Dir == "" {
		opts.Dir = t.TempDir()
	}
	if opts.Passphrase == "" {
		opts.Passphrase = "servertest passphrase"
	}
	log := slog.New(slog.DiscardHandler)
	if opts.Server.Logger == nil {
		opts.Server.Logger = log
	}
	srv := httptest.NewUnstartedServer(nil)
	svc, err := issuer.Open(context.Background(), opts.Dir, issuer.Options{
		PublicURL:  "http://" + srv.Listener.Addr().String(),
		Passphrase: []byte(opts.Passphrase),
		Logger:     log,
		CityName:   opts.CityName,
	})
	if err != nil {
		srv.Listener.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	if opts.Bootstrap {
		opts.Server.Bootstrap = svc.Bootstrap
	}
	h, err := server.Handler(svc, opts.Server)
	if err != nil {
		srv.Listener.Close()
		t.Fatal(err)
	}
	srv.Config.Handler = h
	srv.Start()
	t.Cleanup(srv.Close)
	return svc, srv
}
