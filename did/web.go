package did

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// WebDocumentURL maps a did:web DID to the HTTPS URL of its DID document,
// following the did:web specification: colons separate path segments, a
// percent-encoded port (%3A) follows the host, and a DID without path maps to
// /.well-known/did.json:
//
//	did:web:city.example                -> https://city.example/.well-known/did.json
//	did:web:city.example%3A8443         -> https://city.example:8443/.well-known/did.json
//	did:web:city.example:issuers:parks  -> https://city.example/issuers/parks/did.json
//
// The host must be a domain name (the specification forbids IP addresses);
// path segments must be non-empty and may not decode to "/", "?", "#", "."
// or "..". Errors wrap [ErrInvalidDID], or [ErrUnsupportedMethod] for a DID
// of another method.
func WebDocumentURL(did string) (string, error) {
	d, err := Parse(did)
	if err != nil {
		return "", err
	}
	if d.Method != "web" {
		return "", fmt.Errorf("%w: %q is a did:%s DID, not did:web", ErrUnsupportedMethod, did, d.Method)
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: did:web %q: %s", ErrInvalidDID, did, fmt.Sprintf(format, args...))
	}
	segs := strings.Split(d.ID, ":")
	hostport, err := url.PathUnescape(segs[0])
	if err != nil {
		return "", bad("host: %v", err)
	}
	host, port := hostport, ""
	if i := strings.LastIndexByte(hostport, ':'); i >= 0 {
		host, port = hostport[:i], hostport[i+1:]
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 || port[0] == '0' || strings.ContainsAny(port, "+-") {
			return "", bad("port %q is not a number from 1 to 65535", port)
		}
	}
	if net.ParseIP(host) != nil {
		return "", bad("host %q is an IP address; did:web requires a domain name", host)
	}
	if err := checkDomain(host); err != nil {
		return "", bad("%v", err)
	}
	var b strings.Builder
	b.WriteString("https://")
	b.WriteString(hostport)
	if len(segs) == 1 {
		b.WriteString("/.well-known")
	}
	for _, s := range segs[1:] {
		seg, err := url.PathUnescape(s)
		if err != nil {
			return "", bad("path segment %q: %v", s, err)
		}
		if seg == "" || seg == "." || seg == ".." || strings.ContainsAny(seg, "/?#") {
			return "", bad("path segment %q is empty, a dot segment, or contains '/', '?' or '#'", s)
		}
		b.WriteByte('/')
		b.WriteString(url.PathEscape(seg))
	}
	b.WriteString("/did.json")
	return b.String(), nil
}

// checkDomain accepts an LDH domain name: dot-separated labels of 1 to 63
// letters, digits and hyphens, not starting or ending with a hyphen.
func checkDomain(host string) error {
	if host == "" {
		return errors.New("empty host")
	}
	if len(host) > 253 {
		return fmt.Errorf("host is longer than 253 characters")
	}
	for _, label := range strings.Split(host, ".") {
		if label == "" || len(label) > 63 {
			return fmt.Errorf("host %q has an empty or over-long label", host)
		}
		if label[0] == '-' || label[len(label)-1] == '-' {
			return fmt.Errorf("host %q has a label starting or ending with '-'", host)
		}
		for i := 0; i < len(label); i++ {
			if c := label[i]; !isAlnum(c) && c != '-' {
				return fmt.Errorf("host %q contains %s", host, describe(label, i))
			}
		}
	}
	return nil
}

// PinnedWeb holds did:web documents an administrator fetched and reviewed
// beforehand, so that did:web resolves offline. It is safe for concurrent
// use. Each [PinnedWeb.Resolve] returns a fresh copy of the pinned document.
type PinnedWeb struct {
	mu   sync.RWMutex
	docs map[string]*Document
}

// NewPinnedWeb returns an empty set of pinned did:web documents.
func NewPinnedWeb() *PinnedWeb { return &PinnedWeb{docs: map[string]*Document{}} }

// Add pins the document data for the did:web DID did, replacing any earlier
// pin. The document must parse ([ParseDocument]) and its id must equal did;
// otherwise Add fails with [ErrInvalidDocument].
func (p *PinnedWeb) Add(did string, data []byte) error {
	if _, err := WebDocumentURL(did); err != nil {
		return err
	}
	doc, err := ParseDocument(data)
	if err != nil {
		return fmt.Errorf("pinning %q: %w", did, err)
	}
	if doc.ID != did {
		return fmt.Errorf("%w: pinned document for %q has id %q", ErrInvalidDocument, did, doc.ID)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.docs == nil {
		p.docs = map[string]*Document{}
	}
	p.docs[did] = doc
	return nil
}

// LoadDir pins every *.json file in dir (not its subdirectories). Each file
// holds one DID document, pinned under the DID of its id, which must be a
// did:web DID. Two files for the same DID are an error. Nothing is pinned
// unless every file loads.
func (p *PinnedWeb) LoadDir(dir string) error { return p.LoadFS(os.DirFS(dir), ".") }

// LoadFS is [PinnedWeb.LoadDir] over a file system.
func (p *PinnedWeb) LoadFS(fsys fs.FS, dir string) error {
	names, err := fs.Glob(fsys, path.Join(dir, "*.json"))
	if err != nil {
		return err
	}
	staged := NewPinnedWeb()
	from := map[string]string{}
	for _, name := range names {
		data, err := readLimited(fsys, name)
		if err != nil {
			return err
		}
		doc, err := ParseDocument(data)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if prev, dup := from[doc.ID]; dup {
			return fmt.Errorf("%w: %s and %s both hold the document of %q", ErrInvalidDocument, prev, name, doc.ID)
		}
		from[doc.ID] = name
		if err := staged.Add(doc.ID, data); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.docs == nil {
		p.docs = map[string]*Document{}
	}
	for did, doc := range staged.docs {
		p.docs[did] = doc
	}
	return nil
}

func readLimited(fsys fs.FS, name string) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxDocumentSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(data) > MaxDocumentSize {
		return nil, fmt.Errorf("%w: %s: DID document larger than %d bytes: %w", ErrInvalidDocument, name, MaxDocumentSize, ErrTooLarge)
	}
	return data, nil
}

// Resolve returns the pinned document of a did:web DID, or [ErrNotFound].
func (p *PinnedWeb) Resolve(did string) (*Document, error) {
	p.mu.RLock()
	doc, ok := p.docs[did]
	p.mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("%w: no pinned document for %q", ErrNotFound, did)
	}
	return doc.clone(), nil
}

// DIDs returns the pinned DIDs in sorted order.
func (p *PinnedWeb) DIDs() []string {
	p.mu.RLock()
	defer p.mu.RUnlock()
	out := make([]string, 0, len(p.docs))
	for d := range p.docs {
		out = append(out, d)
	}
	sort.Strings(out)
	return out
}

// FetchWebDocument downloads the DID document of a did:web DID over HTTPS so
// that an administrator can review and pin it ([PinnedWeb.Add]). It is the
// only function in this package that uses the network; resolvers never call
// it. It refuses redirects to anything but HTTPS (and more than 3 of them),
// responses other than 200, bodies over [MaxDocumentSize] ([ErrTooLarge]),
// and documents that do not parse or whose id is not did. A nil client means
// a client with a 30-second timeout.
func FetchWebDocument(ctx context.Context, client *http.Client, did string) ([]byte, error) {
	u, err := WebDocumentURL(did)
	if err != nil {
		return nil, err
	}
	c := http.Client{Timeout: 30 * time.Second}
	if client != nil {
		c = *client
	}
	next := c.CheckRedirect
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if req.URL.Scheme != "https" {
			return fmt.Errorf("refusing redirect to non-HTTPS URL %s", req.URL.Redacted())
		}
		if len(via) > 3 {
			return errors.New("more than 3 redirects")
		}
		if next != nil {
			return next(req, via)
		}
		return nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/did+json, application/json")
	resp, err := c.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetching %s: %w", u, err)
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusNotFound, http.StatusGone:
		return nil, fmt.Errorf("%w: fetching %s: HTTP status %s", ErrNotFound, u, resp.Status)
	default:
		return nil, fmt.Errorf("fetching %s: HTTP status %s", u, resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxDocumentSize+1))
	if err != nil {
		return nil, fmt.Errorf("fetching %s: %w", u, err)
	}
	if len(body) > MaxDocumentSize {
		return nil, fmt.Errorf("%w: %s: DID document larger than %d bytes: %w", ErrInvalidDocument, u, MaxDocumentSize, ErrTooLarge)
	}
	doc, err := ParseDocument(body)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", u, err)
	}
	if doc.ID != did {
		return nil, fmt.Errorf("%w: %s serves the document of %q, not %q", ErrInvalidDocument, u, doc.ID, did)
	}
	return body, nil
}
