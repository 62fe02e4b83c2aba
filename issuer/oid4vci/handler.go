package oid4vci

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	proto "github.com/cityid/cityid/credential/oid4vci"
	"github.com/cityid/cityid/issuer"
)

// Backend is the part of [issuer.API] the endpoints need. It reports bad
// input with [*issuer.Error] values, whose codes the handler turns into
// protocol errors; any other error is answered with server_error (HTTP 500)
// and logged.
type Backend interface {
	PublicURL() string
	RedeemPreAuthorizedCode(ctx context.Context, code, txCode string) (*issuer.TokenGrant, error)
	NewNonce(ctx context.Context) (string, error)
	IssueForToken(ctx context.Context, accessToken string, typeName string, format issuer.Format, holder issuer.HolderProof, nonce string) (*issuer.Record, error)
}

var _ Backend = issuer.API(nil)

// Options configures NewHandler. The zero value is usable.
type Options struct {
	// IssuerName is the issuer's display name in its metadata; empty omits
	// the issuer display.
	IssuerName string
	// Locale is the BCP 47 language of the display names (default "en",
	// the language of the schemas' titles).
	Locale string
	// ProofMaxAge is how old a proof JWT may be (default 5 minutes).
	ProofMaxAge time.Duration
	// MaxBodyBytes bounds request bodies (default and maximum 64 KiB).
	MaxBodyBytes int64
	// SDJWTAlgs lists the JWS algorithms the issuer signs SD-JWT VCs with
	// (default EdDSA); LDPCryptosuites the Data Integrity cryptosuites
	// (default eddsa-rdfc-2022). Both only go into the metadata.
	SDJWTAlgs       []string
	LDPCryptosuites []string
	// Now returns the current time (default time.Now).
	Now func() time.Time
	// Logger receives backend failures (default slog.Default()).
	Logger *slog.Logger
}

// Defaults.
const (
	DefaultProofMaxAge  = 5 * time.Minute
	DefaultMaxBodyBytes = proto.MaxRequestSize
)

func (o *Options) setDefaults() {
	if o.Locale == "" {
		o.Locale = "en"
	}
	if o.ProofMaxAge <= 0 {
		o.ProofMaxAge = DefaultProofMaxAge
	}
	if o.MaxBodyBytes <= 0 || o.MaxBodyBytes > DefaultMaxBodyBytes {
		o.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if len(o.SDJWTAlgs) == 0 {
		o.SDJWTAlgs = []string{proto.AlgEdDSA}
	}
	if len(o.LDPCryptosuites) == 0 {
		o.LDPCryptosuites = defaultCryptosuites
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
}

type handler struct {
	backend  Backend
	opts     Options
	issuerID string
	routes   map[string]route
	setupErr error
}

type route struct {
	methods []string
	serve   func(http.ResponseWriter, *http.Request)
}

// NewHandler returns the OpenID4VCI endpoints of backend. The paths come
// from backend.PublicURL() (see [Paths]); any other path gets a JSON 404.
// If the public URL is not a valid credential issuer identifier (https, or
// http on loopback, without query or fragment) every request is answered
// with HTTP 500 and the reason is logged.
func NewHandler(backend Backend, opts Options) http.Handler {
	opts.setDefaults()
	h := &handler{backend: backend, opts: opts}
	if backend == nil {
		h.setupErr = errors.New("no backend")
		return h
	}
	h.issuerID = backend.PublicURL()
	p, err := paths(h.issuerID)
	if err != nil {
		h.setupErr = err
		return h
	}
	base := strings.TrimSuffix(h.issuerID, "/")
	md, err := json.Marshal(issuerMetadata(h.issuerID, base, opts))
	if err != nil {
		h.setupErr = err
		return h
	}
	as, err := json.Marshal(authorizationServerMetadata(h.issuerID, base))
	if err != nil {
		h.setupErr = err
		return h
	}
	get := []string{http.MethodGet, http.MethodHead}
	post := []string{http.MethodPost}
	h.routes = map[string]route{
		p.issuerMetadata: {get, h.serveStatic(md)},
		p.asMetadata:     {get, h.serveStatic(as)},
		p.token:          {post, h.token},
		p.nonce:          {post, h.nonce},
		p.credential:     {post, h.credential},
	}
	return h
}

type endpointPaths struct {
	issuerMetadata, asMetadata, token, nonce, credential string
}

// Paths lists the URL paths NewHandler serves for an issuer whose public
// URL is publicURL, so a server can route exactly those to it.
func Paths(publicURL string) ([]string, error) {
	p, err := paths(publicURL)
	if err != nil {
		return nil, err
	}
	return []string{p.issuerMetadata, p.asMetadata, p.token, p.nonce, p.credential}, nil
}

func paths(publicURL string) (endpointPaths, error) {
	if err := proto.CheckIssuerIdentifier(publicURL); err != nil {
		return endpointPaths{}, fmt.Errorf("oid4vci: the issuer's public URL is not a credential issuer identifier: %v", err)
	}
	u, _ := url.Parse(publicURL)
	base := strings.TrimSuffix(u.Path, "/")
	return endpointPaths{
		issuerMetadata: proto.WellKnownCredentialIssuer + base,
		asMetadata:     proto.WellKnownAuthorizationServer + base,
		token:          base + tokenPath,
		nonce:          base + noncePath,
		credential:     base + credentialPath,
	}, nil
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.setupErr != nil {
		h.opts.Logger.Error("oid4vci: endpoints are not configured", "err", h.setupErr)
		writeError(w, proto.NewError(http.StatusInternalServerError, proto.CodeServerError, "the issuer is misconfigured"))
		return
	}
	rt, ok := h.routes[r.URL.Path]
	if !ok {
		writeError(w, proto.NewError(http.StatusNotFound, proto.CodeInvalidRequest, "there is no OpenID4VCI endpoint at "+r.URL.Path))
		return
	}
	if !slices.Contains(rt.methods, r.Method) {
		w.Header().Set("Allow", strings.Join(rt.methods, ", "))
		writeError(w, proto.NewError(http.StatusMethodNotAllowed, proto.CodeInvalidRequest,
			fmt.Sprintf("method %s is not allowed here; use %s", r.Method, strings.Join(rt.methods, " or "))))
		return
	}
	rt.serve(w, r)
}

func (h *handler) serveStatic(body []byte) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "public, max-age=300")
		w.Write(body)
	}
}

// readBody reads a request body of at most MaxBodyBytes.
func (h *handler) readBody(w http.ResponseWriter, r *http.Request, code string) ([]byte, *proto.Error) {
	tooLarge := proto.NewError(http.StatusRequestEntityTooLarge, code,
		fmt.Sprintf("the request body is larger than %d bytes", h.opts.MaxBodyBytes))
	if r.ContentLength > h.opts.MaxBodyBytes {
		return nil, tooLarge
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.opts.MaxBodyBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, tooLarge
		}
		return nil, proto.NewError(http.StatusBadRequest, code, "the request body could not be read")
	}
	return body, nil
}

// hasMediaType reports whether the request's Content-Type is want.
func hasMediaType(r *http.Request, want string) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == want
}

// writeJSON writes a successful, uncacheable JSON response.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		writeError(w, proto.NewError(http.StatusInternalServerError, proto.CodeServerError, "the response could not be encoded"))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	w.WriteHeader(status)
	w.Write(body)
}

// writeError writes an error response. 401 and 403 carry a Bearer
// WWW-Authenticate challenge (RFC 6750 §3).
func writeError(w http.ResponseWriter, e *proto.Error) {
	if e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden {
		w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer error="%s", error_description="%s"`, e.Code, e.Description))
	}
	body, _ := json.Marshal(e)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	w.WriteHeader(e.Status)
	w.Write(body)
}
