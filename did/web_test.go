package did

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
)

func TestWebDocumentURL(t *testing.T) {
	for _, tc := range []struct{ did, want string }{
		{"did:web:w3c-ccg.github.io", "https://w3c-ccg.github.io/.well-known/did.json"},
		{"did:web:w3c-ccg.github.io:user:alice", "https://w3c-ccg.github.io/user/alice/did.json"},
		{"did:web:example.com%3A3000", "https://example.com:3000/.well-known/did.json"},
		{"did:web:example.com%3a3000:user:alice", "https://example.com:3000/user/alice/did.json"},
		{"did:web:city.example:a%20b", "https://city.example/a%20b/did.json"},
		{"did:web:localhost", "https://localhost/.well-known/did.json"},
	} {
		got, err := WebDocumentURL(tc.did)
		if err != nil || got != tc.want {
			t.Errorf("WebDocumentURL(%q) = %q, %v; want %q", tc.did, got, err, tc.want)
		}
	}
	for _, tc := range []struct {
		did  string
		want error
	}{
		{"did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp", ErrUnsupportedMethod},
		{"did:web:", ErrInvalidDID},
		{"did:web:127.0.0.1", ErrInvalidDID},
		{"did:web:%5B%3A%3A1%5D", ErrInvalidDID},
		{"did:web:example.com%3A0", ErrInvalidDID},
		{"did:web:example.com%3A65536", ErrInvalidDID},
		{"did:web:example.com%3A", ErrInvalidDID},
		{"did:web:example.com%3A%2B80", ErrInvalidDID},
		{"did:web:example.com%40evil.example", ErrInvalidDID}, // userinfo
		{"did:web:example.com%2Fevil", ErrInvalidDID},
		{"did:web:-example.com", ErrInvalidDID},
		{"did:web:example..com", ErrInvalidDID},
		{"did:web:example.com::x", ErrInvalidDID},
		{"did:web:example.com:..", ErrInvalidDID},
		{"did:web:example.com:a%2Fb", ErrInvalidDID},
		{"did:web:example.com:a%3Fb", ErrInvalidDID},
		{"did:web:example.com#frag", ErrInvalidDID},
	} {
		if got, err := WebDocumentURL(tc.did); !errors.Is(err, tc.want) {
			t.Errorf("WebDocumentURL(%q) = %q, %v; want %v", tc.did, got, err, tc.want)
		}
	}
}

// FuzzWebDocumentURL checks that WebDocumentURL never panics and that every
// URL it returns is an HTTPS URL without userinfo, query or fragment, whose
// host is the DID's host and whose path ends in /did.json.
func FuzzWebDocumentURL(f *testing.F) {
	for _, s := range []string{"did:web:example.com", "did:web:example.com%3A8443:a:b", "did:web:a%2Fb", "did:web:x:%2e%2e"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := WebDocumentURL(s)
		if err != nil {
			return
		}
		u, err := url.Parse(got)
		if err != nil {
			t.Fatalf("%q -> %q does not parse: %v", s, got, err)
		}
		hostport, _, _ := strings.Cut(strings.TrimPrefix(s, "did:web:"), ":")
		hostport, _ = url.PathUnescape(hostport)
		if u.Scheme != "https" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Host != hostport ||
			!strings.HasSuffix(u.Path, "/did.json") || strings.Contains(u.Path, "/../") || strings.Contains(u.Path, "//") {
			t.Fatalf("%q -> unexpected URL %q", s, got)
		}
	})
}

// tlsFixture serves DID documents over loopback TLS. Its client reaches
// the server for any host name (the test certificate is valid for
// example.com and *.example.com), so did:web DIDs keep real domain names.
func tlsFixture(t *testing.T, mux *http.ServeMux) *http.Client {
	t.Helper()
	srv := httptest.NewTLSServer(mux)
	t.Cleanup(srv.Close)
	client := srv.Client()
	tr := client.Transport.(*http.Transport).Clone()
	addr := srv.Listener.Addr().String()
	tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
	client.Transport = tr
	return client
}

func TestFetchWebDocument(t *testing.T) {
	city, err := os.ReadFile("testdata/web/city.json")
	if err != nil {
		t.Fatal(err)
	}
	withID := func(id string) []byte {
		return []byte(strings.ReplaceAll(string(city), `"did:web:city.example"`, `"`+id+`"`))
	}
	mux := http.NewServeMux()
	serve := func(path string, body []byte) {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/did+json")
			w.Write(body)
		})
	}
	serve("city.example/.well-known/did.json", withID("did:web:city.example"))
	serve("example.com/.well-known/did.json", withID("did:web:example.com%3A8443"))
	serve("wrong.example.com/.well-known/did.json", withID("did:web:city.example"))
	big := `{"id":"did:web:big.example.com","alsoKnownAs":["` + strings.Repeat("a", MaxDocumentSize) + `"]}`
	serve("big.example.com/.well-known/did.json", []byte(big))
	serve("junk.example.com/.well-known/did.json", []byte("<html>"))
	mux.Handle("plain.example.com/.well-known/did.json", http.RedirectHandler("http://city.example/.well-known/did.json", http.StatusFound))
	mux.Handle("moved.example.com/.well-known/did.json", http.RedirectHandler("https://new.example.com/moved.json", http.StatusFound))
	serve("new.example.com/moved.json", withID("did:web:moved.example.com"))
	client := tlsFixture(t, mux)
	ctx := context.Background()

	// The test certificate covers example.com and *.example.com only.
	if _, err := FetchWebDocument(ctx, client, "did:web:city.example"); err == nil {
		t.Fatal("fetched over TLS from a host the certificate does not cover")
	}

	for _, tc := range []struct {
		did     string
		wantErr error // nil: success
		reason  string
	}{
		{"did:web:example.com%3A8443", nil, ""},
		{"did:web:moved.example.com", nil, ""},
		{"did:web:wrong.example.com", ErrInvalidDocument, "serves the document of"},
		{"did:web:big.example.com", ErrTooLarge, "larger than"},
		{"did:web:junk.example.com", ErrInvalidDocument, ""},
		{"did:web:missing.example.com", ErrNotFound, "404"},
		{"did:web:plain.example.com", nil, "non-HTTPS"},
		{"did:web:127.0.0.1", ErrInvalidDID, "IP address"},
	} {
		body, err := FetchWebDocument(ctx, client, tc.did)
		switch {
		case tc.wantErr == nil && tc.reason == "":
			if err != nil {
				t.Errorf("%s: %v", tc.did, err)
				continue
			}
			p := NewPinnedWeb()
			if err := p.Add(tc.did, body); err != nil {
				t.Errorf("%s: pinning the fetched document: %v", tc.did, err)
			}
		case err == nil:
			t.Errorf("%s: fetched, want an error", tc.did)
		case tc.wantErr != nil && !errors.Is(err, tc.wantErr):
			t.Errorf("%s: error = %v, want %v", tc.did, err, tc.wantErr)
		case !strings.Contains(err.Error(), tc.reason):
			t.Errorf("%s: error %q does not mention %q", tc.did, err, tc.reason)
		}
	}
}

func TestFetchWebDocumentPath(t *testing.T) {
	mux := http.NewServeMux()
	var gotPath, gotAccept string
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		gotPath, gotAccept = r.Host+r.URL.Path, r.Header.Get("Accept")
		w.Write([]byte(`{"id":"did:web:example.com:users:alice"}`))
	})
	client := tlsFixture(t, mux)
	if _, err := FetchWebDocument(context.Background(), client, "did:web:example.com:users:alice"); err != nil {
		t.Fatal(err)
	}
	if gotPath != "example.com/users/alice/did.json" || !strings.Contains(gotAccept, "application/did+json") {
		t.Fatalf("requested %q with Accept %q", gotPath, gotAccept)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := FetchWebDocument(ctx, client, "did:web:example.com:users:alice"); !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled context: %v", err)
	}
}
