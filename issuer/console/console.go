package console

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/cityid/cityid/issuer"
)

// Options configure the console.
type Options struct {
	// SecureCookies marks the cookies Secure (set it whenever the console is
	// served over HTTPS, which is every deployment but a loopback test).
	SecureCookies bool
	// Logger receives server-side errors; nil discards them.
	Logger *slog.Logger
	// Bootstrap creates the first admin account from the one-time bootstrap
	// secret. When nil, the bootstrap page answers 404.
	Bootstrap func(ctx context.Context, secret, username, password string) (*issuer.Staff, error)
}

// Cookie names and limits.
const (
	// SessionCookie holds the session token from issuer.API.NewSession.
	SessionCookie = "cityid_session"
	// preLoginCookie holds the CSRF token of the sign-in and bootstrap forms,
	// before there is a session (double-submit: the form echoes it).
	preLoginCookie = "cityid_prelogin"
	// CSRFHeader carries the session's CSRF token on JSON API requests.
	CSRFHeader = "X-CSRF-Token"
	// csrfField is the hidden form field carrying the CSRF token.
	csrfField = "csrf"
	// MaxBody is the largest request body accepted, in bytes.
	MaxBody = 64 << 10
)

// access is who may use a route.
type access int

const (
	public   access = iota // anyone, signed in or not
	anyStaff               // a signed-in clerk or admin
	adminOnly
)

func (a access) String() string {
	return [...]string{"public", "staff", "admin"}[a]
}

// session is the signed-in staff member of a request, or nil.
type session struct {
	staff   *issuer.Staff
	sess    issuer.Session
	actor   issuer.Actor
	isAdmin bool
}

// handlerFunc serves one route; s is nil on a public route without a session.
type handlerFunc func(h *handler, w http.ResponseWriter, r *http.Request, s *session)

// route is one entry of the console's route table. New registers exactly
// these routes, and the tests check every one of them for every kind of user.
type route struct {
	method  string // GET or POST
	pattern string // net/http ServeMux path pattern
	access  access
	api     bool // JSON API (else HTML)
	serve   handlerFunc
}

// routes is the console's route table: HTML under /console/, JSON under /api/.
var routes = []route{
	{"GET", "/console/static/console.css", public, false, (*handler).serveCSS},
	{"GET", "/console/login", public, false, (*handler).loginPage},
	{"POST", "/console/login", public, false, (*handler).loginSubmit},
	{"GET", "/console/bootstrap", public, false, (*handler).bootstrapPage},
	{"POST", "/console/bootstrap", public, false, (*handler).bootstrapSubmit},
	{"POST", "/console/logout", anyStaff, false, (*handler).logoutSubmit},
	{"GET", "/console/{$}", anyStaff, false, (*handler).dashboard},
	{"GET", "/console/residents", anyStaff, false, (*handler).residentLookup},
	{"GET", "/console/residents/new", anyStaff, false, (*handler).enrolPage},
	{"POST", "/console/residents", anyStaff, false, (*handler).enrolSubmit},
	{"GET", "/console/residents/{id}", anyStaff, false, (*handler).residentPage},
	{"GET", "/console/residents/{id}/reissue", anyStaff, false, (*handler).reissueConfirm},
	{"POST", "/console/residents/{id}/reissue", anyStaff, false, (*handler).reissueSubmit},
	{"GET", "/console/issue", anyStaff, false, (*handler).chooseType},
	{"GET", "/console/issue/{type}", anyStaff, false, (*handler).issuePage},
	{"POST", "/console/issue/{type}", anyStaff, false, (*handler).issueSubmit},
	{"GET", "/console/credentials/{id}", anyStaff, false, (*handler).credentialPage},
	{"GET", "/console/credentials/{id}/download", anyStaff, false, (*handler).credentialDownload},
	{"GET", "/console/credentials/{id}/revoke", anyStaff, false, (*handler).revokeConfirm},
	{"POST", "/console/credentials/{id}/revoke", anyStaff, false, (*handler).revokeSubmit},
	{"POST", "/console/credentials/{id}/suspend", anyStaff, false, (*handler).suspendSubmit},
	{"POST", "/console/credentials/{id}/paper", anyStaff, false, (*handler).paperSubmit},
	{"GET", "/console/staff", adminOnly, false, (*handler).staffPage},
	{"POST", "/console/staff", adminOnly, false, (*handler).staffAdd},
	{"POST", "/console/staff/{username}/role", adminOnly, false, (*handler).staffRole},
	{"GET", "/console/attesters", adminOnly, false, (*handler).attestersPage},
	{"POST", "/console/attesters", adminOnly, false, (*handler).attesterAdd},
	{"POST", "/console/attesters/{name}/disabled", adminOnly, false, (*handler).attesterDisable},

	{"POST", "/api/login", public, true, (*handler).apiLogin},
	{"POST", "/api/logout", anyStaff, true, (*handler).apiLogout},
	{"POST", "/api/residents", anyStaff, true, (*handler).apiEnrol},
	{"GET", "/api/residents/{id}", anyStaff, true, (*handler).apiResident},
	{"GET", "/api/residents/{id}/reissue", anyStaff, true, (*handler).apiRecoveryPlan},
	{"POST", "/api/residents/{id}/reissue", anyStaff, true, (*handler).apiReissue},
	{"POST", "/api/credentials", anyStaff, true, (*handler).apiIssue},
	{"GET", "/api/credentials", anyStaff, true, (*handler).apiSearch},
	{"GET", "/api/credentials/{id}", anyStaff, true, (*handler).apiGet},
	{"POST", "/api/credentials/{id}/revoke", anyStaff, true, (*handler).apiRevoke},
	{"POST", "/api/credentials/{id}/suspend", anyStaff, true, (*handler).apiSuspend},
	{"POST", "/api/offers", anyStaff, true, (*handler).apiOffer},
	{"GET", "/api/staff", adminOnly, true, (*handler).apiListStaff},
	{"POST", "/api/staff", adminOnly, true, (*handler).apiCreateStaff},
	{"POST", "/api/staff/{username}/role", adminOnly, true, (*handler).apiSetRole},
}

type handler struct {
	api  issuer.API
	opts Options
	log  *slog.Logger
	mux  *http.ServeMux
	cop  *http.CrossOriginProtection
	tmpl templates
}

// New returns the staff console: HTML pages under /console/ and the JSON
// staff API under /api/, sharing sessions, CSRF protection and role checks.
// Mount it at the server root (it routes full paths).
func New(api issuer.API, opts Options) (http.Handler, error) {
	if api == nil {
		return nil, errors.New("console: New needs an issuer.API")
	}
	tmpl, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	h := &handler{api: api, opts: opts, log: log, mux: http.NewServeMux(),
		cop: http.NewCrossOriginProtection(), tmpl: tmpl}
	for _, rt := range routes {
		h.mux.Handle(rt.method+" "+rt.pattern, h.wrap(rt))
	}
	return h, nil
}

// ServeHTTP sets the security headers every response carries, then routes.
// Unknown paths and methods get a 404 or 405 in the caller's language (HTML
// or JSON) instead of the mux's plain text.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; "+
		"script-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Cross-Origin-Opener-Policy", "same-origin")
	if _, pattern := h.mux.Handler(r); pattern == "" {
		api := strings.HasPrefix(r.URL.Path, "/api/")
		if allow := h.allowedMethods(r); allow != "" {
			hd.Set("Allow", allow)
			h.fail(w, r, api, &issuer.Error{Code: issuer.CodeInvalidRequest, Status: http.StatusMethodNotAllowed,
				Message: fmt.Sprintf("%s is not allowed here (allowed: %s)", r.Method, allow)})
			return
		}
		h.fail(w, r, api, &issuer.Error{Code: issuer.CodeNotFound, Status: http.StatusNotFound,
			Message: "there is no page at " + r.URL.Path})
		return
	}
	h.mux.ServeHTTP(w, r)
}

func (h *handler) allowedMethods(r *http.Request) string {
	var allow []string
	for _, m := range []string{"GET", "POST"} {
		if m == r.Method {
			continue
		}
		r2 := r.Clone(r.Context())
		r2.Method = m
		if _, p := h.mux.Handler(r2); p != "" {
			allow = append(allow, m)
		}
	}
	return strings.Join(allow, ", ")
}

// wrap applies, in order: cross-site refusal, the body limit, session lookup,
// sign-in, role and CSRF checks. A request that fails any of them reaches no
// issuer.API method that changes state.
func (h *handler) wrap(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		if r.Method == http.MethodPost {
			if err := h.cop.Check(r); err != nil {
				h.fail(w, r, rt.api, &issuer.Error{Code: issuer.CodeForbidden, Status: http.StatusForbidden,
					Message: "this request came from another site; the console accepts changes only from its own pages"})
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
			if !rt.api {
				if err := r.ParseForm(); err != nil {
					h.fail(w, r, false, bodyError(err))
					return
				}
			}
		}
		s := h.lookup(r)
		if rt.access != public && s == nil {
			if rt.api {
				h.fail(w, r, true, &issuer.Error{Code: issuer.CodeUnauthorized, Status: http.StatusUnauthorized,
					Message: "sign in first: POST /api/login with a username and password"})
				return
			}
			target := "/console/login"
			if r.Method == http.MethodGet {
				target += "?next=" + url.QueryEscape(r.URL.RequestURI())
			}
			http.Redirect(w, r, target, http.StatusSeeOther)
			return
		}
		if rt.access == adminOnly && !s.isAdmin {
			h.fail(w, r, rt.api, &issuer.Error{Code: issuer.CodeForbidden, Status: http.StatusForbidden,
				Message: "only an admin may do this; you are signed in as a clerk"})
			return
		}
		if r.Method == http.MethodPost && !(rt.api && rt.access == public) && !h.csrfOK(r, rt.api, s) {
			h.fail(w, r, rt.api, &issuer.Error{Code: issuer.CodeForbidden, Status: http.StatusForbidden,
				Message: "the form's security token is missing or out of date; go back, reload the page and try again"})
			return
		}
		rt.serve(h, w, r, s)
	})
}

// lookup returns the request's session, or nil when there is none or it is
// unknown, expired or belongs to a disabled account.
func (h *handler) lookup(r *http.Request) *session {
	c, err := r.Cookie(SessionCookie)
	if err != nil || c.Value == "" {
		return nil
	}
	staff, sess, err := h.api.LookupSession(r.Context(), c.Value)
	if err != nil || staff == nil || staff.Disabled {
		return nil
	}
	if sess.Token == "" {
		sess.Token = c.Value
	}
	return &session{
		staff: staff, sess: sess, isAdmin: staff.Role == issuer.RoleAdmin,
		actor: issuer.Actor{Kind: "staff", Name: staff.Username, StaffID: staff.ID},
	}
}

// csrfOK checks the token a POST echoes. With a session it must be the
// session's CSRF token (X-CSRF-Token for the API, the hidden field for
// forms); without one (the sign-in and bootstrap forms) it must match the
// pre-login cookie.
func (h *handler) csrfOK(r *http.Request, api bool, s *session) bool {
	got := r.Header.Get(CSRFHeader)
	if !api && got == "" {
		got = r.PostForm.Get(csrfField) // parsed by wrap
	}
	want := ""
	switch {
	case s != nil:
		want = s.sess.CSRF
	case !api:
		if c, err := r.Cookie(preLoginCookie); err == nil {
			want = c.Value
		}
	}
	return want != "" && got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return hex.EncodeToString(b)
}

// setSessionCookie starts a session for staff and sets its cookie.
func (h *handler) startSession(w http.ResponseWriter, r *http.Request, staff *issuer.Staff) (issuer.Session, error) {
	if old := h.lookup(r); old != nil {
		_ = h.api.EndSession(r.Context(), old.sess.Token)
	}
	sess, err := h.api.NewSession(r.Context(), staff)
	if err != nil {
		return issuer.Session{}, err
	}
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: sess.Token, Path: "/", Expires: sess.Expires,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: h.opts.SecureCookies,
	})
	http.SetCookie(w, &http.Cookie{Name: preLoginCookie, Path: "/console/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: h.opts.SecureCookies})
	return sess, nil
}

// endSession ends s and clears the cookie.
func (h *handler) endSession(w http.ResponseWriter, r *http.Request, s *session) error {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: h.opts.SecureCookies})
	return h.api.EndSession(r.Context(), s.sess.Token)
}

// preLoginToken returns the pre-login CSRF token, setting its cookie first
// when the browser has none.
func (h *handler) preLoginToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(preLoginCookie); err == nil && len(c.Value) == 64 {
		return c.Value
	}
	tok := randomToken()
	http.SetCookie(w, &http.Cookie{Name: preLoginCookie, Value: tok, Path: "/console/",
		Expires: time.Now().Add(12 * time.Hour), HttpOnly: true, SameSite: http.SameSiteStrictMode,
		Secure: h.opts.SecureCookies})
	return tok
}

// asError turns any error from issuer.API into an *issuer.Error. Errors that
// are not *issuer.Error are server faults: logged, and answered with a
// generic message that leaks nothing.
func (h *handler) asError(r *http.Request, err error) *issuer.Error {
	var e *issuer.Error
	if errors.As(err, &e) {
		c := *e
		if c.Status == 0 {
			c.Status = http.StatusBadRequest
		}
		return &c
	}
	h.log.ErrorContext(r.Context(), "console: request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	if reason := storageReason(err); reason != "" {
		return &issuer.Error{Code: "server_error", Status: http.StatusServiceUnavailable,
			Message: "the issuer cannot save anything right now: " + reason + ". Nothing was saved; tell an administrator"}
	}
	return &issuer.Error{Code: "server_error", Status: http.StatusInternalServerError,
		Message: "something went wrong on the server; the problem was logged. Try again, or ask an administrator"}
}

// storageReason names a full or read-only disk for staff (without its
// path, which stays in the log), or returns "".
func storageReason(err error) string {
	switch {
	case errors.Is(err, issuer.ErrDiskFull):
		return "the disk holding its data is full"
	case errors.Is(err, issuer.ErrReadOnly):
		return "its data directory is read-only"
	}
	return ""
}

// fail answers e as JSON (API) or as an HTML error page.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, api bool, e *issuer.Error) {
	if api {
		writeJSON(w, e.Status, e)
		return
	}
	h.errorPage(w, r, e)
}

// bodyError describes a request body that could not be read.
func bodyError(err error) *issuer.Error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return &issuer.Error{Code: issuer.CodeInvalidRequest, Status: http.StatusRequestEntityTooLarge,
			Message: fmt.Sprintf("the request is larger than the %d KiB limit", MaxBody>>10)}
	}
	return &issuer.Error{Code: issuer.CodeInvalidRequest, Status: http.StatusBadRequest,
		Message: "the request body could not be read: " + err.Error()}
}
