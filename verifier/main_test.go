package verifier_test

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"sync/atomic"
	"testing"
)

// networkCalls counts every attempt to use the default HTTP transport while
// the verifier's tests run: verification must never touch the network.
var networkCalls atomic.Int64

type refuseTransport struct{}

func (refuseTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	networkCalls.Add(1)
	return nil, errors.New("network access during verification: " + r.URL.String())
}

func TestMain(m *testing.M) {
	http.DefaultTransport = refuseTransport{}
	code := m.Run()
	if n := networkCalls.Load(); n > 0 {
		fmt.Fprintf(os.Stderr, "FAIL: the verifier tried to use the network %d times\n", n)
		code = 1
	}
	os.Exit(code)
}
