package console

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/cityid/cityid/issuer"
	"github.com/cityid/cityid/schemas"
)

// flashes are the fixed messages a redirect may ask the next page to show
// (?done=KEY); the query never carries free text into a page.
var flashes = map[string]string{
	"signedout":        "You are signed out.",
	"bootstrapped":     "The admin account was created. You are signed in.",
	"enrolled":         "The resident is enrolled. Issue their first credential below.",
	"issued":           "The credential was issued.",
	"revoked":          "The credential was revoked.",
	"suspended":        "The credential is suspended.",
	"unsuspended":      "The credential is reinstated (active again).",
	"staffadded":       "The account was added.",
	"role":             "The role was changed.",
	"attesteradded":    "The attester was registered. Clerks can now issue on their attestation.",
	"attesterdisabled": "The attester is disabled: they can attest no new credentials.",
	"attesterenabled":  "The attester is enabled again.",
}

func flash(r *http.Request) string { return flashes[r.URL.Query().Get("done")] }

func redirect(w http.ResponseWriter, r *http.Request, path string) {
	http.Redirect(w, r, path, http.StatusSeeOther)
}

// safeNext returns next when it is a console path on this site, else the
// dashboard: the sign-in form never redirects elsewhere.
func safeNext(next string) string {
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil ||
		!strings.HasPrefix(next, "/console/") || strings.ContainsAny(next, "\\\r\n") ||
		strings.HasPrefix(next, "/console/login") || strings.HasPrefix(next, "/console/bootstrap") {
		return "/console/"
	}
	return next
}

func (h *handler) serveCSS(w http.ResponseWriter, r *http.Request, _ *session) {
	css, _ := files.ReadFile("static/console.css")
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write(css)
}

type loginView struct {
	Next      string
	Inputs    []input
	Bootstrap bool
}

func loginInputs(username string) []input {
	return []input{
		{Name: "username", Label: "Username", Type: "text", Value: username, Autocomplete: "username", Required: true, Autofocus: true},
		{Name: "password", Label: "Password", Type: "password", Autocomplete: "current-password", Required: true},
	}
}

func (h *handler) loginPage(w http.ResponseWriter, r *http.Request, s *session) {
	next := safeNext(r.URL.Query().Get("next"))
	if s != nil {
		redirect(w, r, next)
		return
	}
	h.renderLogin(w, r, http.StatusOK, loginView{Next: next, Inputs: loginInputs("")}, nil, flash(r))
}

func (h *handler) renderLogin(w http.ResponseWriter, r *http.Request, status int, v loginView, problems []fieldProblem, msg string) {
	v.Bootstrap = h.opts.Bootstrap != nil
	h.render(w, r, nil, status, "login", page{Title: "Sign in", CSRF: h.preLoginToken(w, r),
		Problems: problems, Flash: msg, Data: v})
}

func (h *handler) loginSubmit(w http.ResponseWriter, r *http.Request, _ *session) {
	username, password := r.PostForm.Get("username"), r.PostForm.Get("password")
	v := loginView{Next: safeNext(r.PostForm.Get("next")), Inputs: loginInputs(username)}
	var missing []issuer.FieldError
	if username == "" {
		missing = append(missing, issuer.FieldError{Path: "username", Message: "enter your username"})
	}
	if password == "" {
		missing = append(missing, issuer.FieldError{Path: "password", Message: "enter your password"})
	}
	if missing != nil {
		h.renderLogin(w, r, http.StatusBadRequest, v, markInputs(v.Inputs, missing, nil), "")
		return
	}
	staff, err := h.api.Authenticate(r.Context(), username, password)
	if err != nil {
		e := h.asError(r, err)
		if e.Status >= 500 {
			h.errorPage(w, r, e)
			return
		}
		p := markInputs(v.Inputs, []issuer.FieldError{{Path: "username", Message: "the username or password is wrong"}}, nil)
		h.renderLogin(w, r, e.Status, v, p, "")
		return
	}
	if _, err := h.startSession(w, r, staff); err != nil {
		h.errorPage(w, r, h.asError(r, err))
		return
	}
	redirect(w, r, v.Next)
}

func bootstrapInputs(username string) []input {
	return []input{
		{Name: "secret", Label: "Bootstrap secret", Type: "password", Autocomplete: "off", Required: true, Autofocus: true,
			Help: "From the file the issuer named in its log on first start."},
		{Name: "username", Label: "Username of the first admin", Type: "text", Value: username, Autocomplete: "username", Required: true},
		{Name: "password", Label: "Password", Type: "password", Autocomplete: "new-password", Required: true},
	}
}

type bootstrapView struct{ Inputs []input }

func (h *handler) bootstrapPage(w http.ResponseWriter, r *http.Request, s *session) {
	if h.opts.Bootstrap == nil {
		h.errorPage(w, r, &issuer.Error{Code: issuer.CodeNotFound, Status: http.StatusNotFound,
			Message: "bootstrap is not available on this issuer"})
		return
	}
	if s != nil {
		redirect(w, r, "/console/")
		return
	}
	h.render(w, r, nil, http.StatusOK, "bootstrap", page{Title: "Create the first admin account",
		CSRF: h.preLoginToken(w, r), Data: bootstrapView{Inputs: bootstrapInputs("")}})
}

func (h *handler) bootstrapSubmit(w http.ResponseWriter, r *http.Request, s *session) {
	if h.opts.Bootstrap == nil {
		h.errorPage(w, r, &issuer.Error{Code: issuer.CodeNotFound, Status: http.StatusNotFound,
			Message: "bootstrap is not available on this issuer"})
		return
	}
	f := r.PostForm
	inputs := bootstrapInputs(f.Get("username"))
	staff, err := h.opts.Bootstrap(r.Context(), f.Get("secret"), f.Get("username"), f.Get("password"))
	if err != nil {
		e := h.asError(r, err)
		if e.Status >= 500 {
			h.errorPage(w, r, e)
			return
		}
		p := problemsFor(e, inputs, nil, "secret")
		var csrf string
		if s != nil {
			csrf = s.sess.CSRF
		} else {
			csrf = h.preLoginToken(w, r)
		}
		h.render(w, r, nil, e.Status, "bootstrap", page{Title: "Create the first admin account",
			CSRF: csrf, Problems: p, Data: bootstrapView{Inputs: inputs}})
		return
	}
	if _, err := h.startSession(w, r, staff); err != nil {
		h.errorPage(w, r, h.asError(r, err))
		return
	}
	redirect(w, r, "/console/?done=bootstrapped")
}

func (h *handler) logoutSubmit(w http.ResponseWriter, r *http.Request, s *session) {
	if err := h.endSession(w, r, s); err != nil {
		h.errorPage(w, r, h.asError(r, err))
		return
	}
	redirect(w, r, "/console/login?done=signedout")
}

// row is one line of a credentials table.
type row struct {
	Record   issuer.Record
	Resident *issuer.Resident
}

// rows looks up the resident of each record once per resident.
func (h *handler) rows(r *http.Request, recs []issuer.Record) []row {
	cache := map[int64]*issuer.Resident{}
	out := make([]row, len(recs))
	for i, rec := range recs {
		out[i].Record = rec
		if rec.ResidentID == 0 {
			continue
		}
		res, ok := cache[rec.ResidentID]
		if !ok {
			res, _ = h.api.Resident(r.Context(), rec.ResidentID) // nil: shown as not linked
			cache[rec.ResidentID] = res
		}
		out[i].Resident = res
	}
	return out
}

type dashboardView struct {
	Inputs        []input
	ResidentInput input
	Filtered      bool
	Rows          []row
}

func typeOptions(selected, emptyLabel string) []option {
	opts := []option{{Value: "", Label: emptyLabel, Selected: selected == ""}}
	for _, t := range schemas.Types() {
		opts = append(opts, option{Value: t.Name, Label: t.Title, Selected: t.Name == selected})
	}
	return opts
}

// searchQuery reads and checks the search parameters shared by the
// dashboard and GET /api/credentials.
func searchQuery(v url.Values) (issuer.Query, *issuer.Error) {
	q := issuer.Query{Text: strings.TrimSpace(v.Get("q")), Type: v.Get("type"),
		State: issuer.CredentialState(v.Get("state")), Limit: 50}
	var fields []issuer.FieldError
	if q.Type != "" {
		if _, ok := schemas.Lookup(q.Type); !ok {
			fields = append(fields, issuer.FieldError{Path: "type", Message: "is not one of the city's credential types"})
		}
	}
	switch q.State {
	case "", issuer.StateActive, issuer.StateSuspended, issuer.StateRevoked:
	default:
		fields = append(fields, issuer.FieldError{Path: "state", Message: "must be active, suspended or revoked"})
	}
	if s := v.Get("resident_id"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id < 1 {
			fields = append(fields, issuer.FieldError{Path: "resident_id", Message: "must be a resident number"})
		}
		q.ResidentID = id
	}
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 500 {
			fields = append(fields, issuer.FieldError{Path: "limit", Message: "must be a number from 1 to 500"})
		}
		q.Limit = n
	}
	if fields != nil {
		return q, &issuer.Error{Code: issuer.CodeInvalidRequest, Status: http.StatusBadRequest,
			Message: "the search is not valid", Fields: fields}
	}
	return q, nil
}

func (h *handler) dashboard(w http.ResponseWriter, r *http.Request, s *session) {
	v := r.URL.Query()
	view := dashboardView{
		Inputs: []input{
			{Name: "q", Label: "Name, reference, credential id or DID", Type: "search", Value: v.Get("q")},
			{Name: "type", Label: "Type", Options: typeOptions(v.Get("type"), "Any type")},
			{Name: "state", Label: "State", Options: options(v.Get("state"), "", "Any state",
				"active", "Active", "suspended", "Suspended", "revoked", "Revoked")},
		},
		ResidentInput: input{Name: "id", Label: "Resident number", Type: "text", Autocomplete: "off"},
		Filtered:      v.Get("q") != "" || v.Get("type") != "" || v.Get("state") != "",
	}
	q, bad := searchQuery(v)
	status := http.StatusOK
	var problems []fieldProblem
	if bad != nil {
		status, problems = bad.Status, markInputs(view.Inputs, bad.Fields, nil)
	} else {
		recs, err := h.api.Search(r.Context(), q)
		if err != nil {
			e := h.asError(r, err)
			if e.Status >= 500 {
				h.errorPage(w, r, e)
				return
			}
			status, problems = e.Status, problemsFor(e, view.Inputs, nil, "")
		}
		view.Rows = h.rows(r, recs)
	}
	h.render(w, r, s, status, "dashboard", page{Title: "Search credentials", Nav: "search",
		Flash: flash(r), Problems: problems, Data: view})
}

func (h *handler) residentLookup(w http.ResponseWriter, r *http.Request, s *session) {
	id, err := strconv.ParseInt(strings.TrimSpace(r.URL.Query().Get("id")), 10, 64)
	if err != nil || id < 1 {
		h.errorPage(w, r, &issuer.Error{Code: issuer.CodeInvalidRequest, Status: http.StatusBadRequest,
			Message: "type a resident number, such as 12"})
		return
	}
	redirect(w, r, fmt.Sprintf("/console/residents/%d", id))
}

// residentID reads a resident number from the path or a form value.
func residentID(s string) (int64, *issuer.Error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id < 1 {
		return 0, &issuer.Error{Code: issuer.CodeNotFound, Status: http.StatusNotFound,
			Message: fmt.Sprintf("%q is not a resident number", s)}
	}
	return id, nil
}

// resident loads the resident named by the path's {id}, answering the
// error page itself when that fails.
func (h *handler) resident(w http.ResponseWriter, r *http.Request) *issuer.Resident {
	id, bad := residentID(r.PathValue("id"))
	if bad != nil {
		h.errorPage(w, r, bad)
		return nil
	}
	res, err := h.api.Resident(r.Context(), id)
	if err != nil {
		h.errorPage(w, r, h.asError(r, err))
		return nil
	}
	return res
}

type enrolView struct{ Inputs []input }

func enrolInputs(name, ref string) []input {
	return []input{
		{Name: "name", Label: "Name", Type: "text", Value: name, Required: true, Autocomplete: "off", Autofocus: true,
			Help: "How the resident wants to be called at the counter."},
		{Name: "reference", Label: "Reference", Type: "text", Value: ref, Autocomplete: "off",
			Help: "Optional: a case number or other reference to find the resident again."},
	}
}

func (h *handler) enrolPage(w http.ResponseWriter, r *http.Request, s *session) {
	h.render(w, r, s, http.StatusOK, "enrol", page{Title: "Enrol a resident", Nav: "enrol",
		Data: enrolView{Inputs: enrolInputs("", "")}})
}

func (h *handler) enrolSubmit(w http.ResponseWriter, r *http.Request, s *session) {
	name, ref := strings.TrimSpace(r.PostForm.Get("name")), strings.TrimSpace(r.PostForm.Get("reference"))
	inputs := enrolInputs(r.PostForm.Get("name"), r.PostForm.Get("reference"))
	var res *issuer.Resident
	var e *issuer.Error
	if name == "" {
		e = &issuer.Error{Code: issuer.CodeInvalidRequest, Status: http.StatusBadRequest,
			Fields: []issuer.FieldError{{Path: "name", Message: "enter the resident's name"}}}
	} else if got, err := h.api.Enrol(r.Context(), s.actor, name, ref); err != nil {
		e = h.asError(r, err)
	} else {
		res = got
	}
	if e != nil {
		h.render(w, r, s, e.Status, "enrol", page{Title: "Enrol a resident", Nav: "enrol",
			Problems: problemsFor(e, inputs, nil, "name"), Data: enrolView{Inputs: inputs}})
		return
	}
	redirect(w, r, fmt.Sprintf("/console/residents/%d?done=enrolled", res.ID))
}

type residentView struct {
	Resident *issuer.Resident
	Rows     []row
	Active   []issuer.Record
}

func (h *handler) residentPage(w http.ResponseWriter, r *http.Request, s *session) {
	res := h.resident(w, r)
	if res == nil {
		return
	}
	recs, err := h.api.Search(r.Context(), issuer.Query{ResidentID: res.ID, Limit: 200})
	if err != nil {
		h.errorPage(w, r, h.asError(r, err))
		return
	}
	h.render(w, r, s, http.StatusOK, "resident", page{Title: res.Name, Flash: flash(r),
		Data: residentView{Resident: res, Rows: h.rows(r, recs)}})
}

type offersView struct {
	Heading  string
	Resident *issuer.Resident
	Offers   []offerView
}

func (h *handler) renderOffers(w http.ResponseWriter, r *http.Request, s *session, heading string, res *issuer.Resident, offers []issuer.Offer) {
	view := offersView{Heading: heading, Resident: res}
	for _, o := range offers {
		ov, err := newOfferView(o)
		if err != nil {
			h.errorPage(w, r, h.asError(r, err))
			return
		}
		view.Offers = append(view.Offers, ov)
	}
	h.render(w, r, s, http.StatusOK, "offers", page{Title: heading, Data: view})
}

type credentialView struct {
	Record   *issuer.Record
	Resident *issuer.Resident
	Text     string
}

// credential loads the credential named by the path's {id}.
func (h *handler) credential(w http.ResponseWriter, r *http.Request) (*credentialView, bool) {
	rec, err := h.api.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		h.errorPage(w, r, h.asError(r, err))
		return nil, false
	}
	v := &credentialView{Record: rec, Text: string(rec.Credential)}
	var buf bytes.Buffer
	if rec.Format == issuer.FormatLDP && json.Indent(&buf, rec.Credential, "", "  ") == nil {
		v.Text = buf.String()
	}
	if rec.ResidentID != 0 {
		v.Resident, _ = h.api.Resident(r.Context(), rec.ResidentID)
	}
	return v, true
}

func (h *handler) credentialPage(w http.ResponseWriter, r *http.Request, s *session) {
	v, ok := h.credential(w, r)
	if !ok {
		return
	}
	h.render(w, r, s, http.StatusOK, "credential", page{Title: typeTitle(v.Record.Type) + " credential",
		Flash: flash(r), Data: v})
}

// fileName is the download name of a credential: its UUID and an extension
// saying the format.
func fileName(rec *issuer.Record) string {
	base := strings.TrimPrefix(rec.ID, "urn:uuid:")
	base = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '_'
	}, base)
	switch rec.Format {
	case issuer.FormatSDJWT:
		return "credential-" + base + ".sd-jwt"
	case issuer.FormatQR:
		return "credential-" + base + ".cid.txt"
	}
	return "credential-" + base + ".json"
}

func (h *handler) credentialDownload(w http.ResponseWriter, r *http.Request, _ *session) {
	rec, err := h.api.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		h.errorPage(w, r, h.asError(r, err))
		return
	}
	ct := "application/vc"
	switch rec.Format {
	case issuer.FormatSDJWT:
		ct = "application/dc+sd-jwt"
	case issuer.FormatQR:
		ct = "text/plain; charset=utf-8"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", `attachment; filename="`+fileName(rec)+`"`)
	_, _ = w.Write(rec.Credential)
}

func (h *handler) revokeConfirm(w http.ResponseWriter, r *http.Request, s *session) {
	v, ok := h.credential(w, r)
	if !ok {
		return
	}
	if v.Record.State == issuer.StateRevoked {
		redirect(w, r, "/console/credentials/"+url.PathEscape(v.Record.ID))
		return
	}
	h.render(w, r, s, http.StatusOK, "revoke", page{Title: "Revoke this credential?", Data: v})
}

func (h *handler) revokeSubmit(w http.ResponseWriter, r *http.Request, s *session) {
	id := r.PathValue("id")
	if r.PostForm.Get("confirm") != "yes" {
		redirect(w, r, "/console/credentials/"+url.PathEscape(id)+"/revoke")
		return
	}
	if err := h.api.Revoke(r.Context(), s.actor, id); err != nil {
		h.errorPage(w, r, h.asError(r, err))
		return
	}
	redirect(w, r, "/console/credentials/"+url.PathEscape(id)+"?done=revoked")
}

func (h *handler) suspendSubmit(w http.ResponseWriter, r *http.Request, s *session) {
	id := r.PathValue("id")
	suspended, err := strconv.ParseBool(r.PostForm.Get("suspended"))
	if err != nil {
		h.errorPage(w, r, &issuer.Error{Code: issuer.CodeInvalidRequest, Status: http.StatusBadRequest,
			Message: "suspended must be true or false"})
		return
	}
	if err := h.api.Suspend(r.Context(), s.actor, id, suspended); err != nil {
		h.errorPage(w, r, h.asError(r, err))
		return
	}
	done := "unsuspended"
	if suspended {
		done = "suspended"
	}
	redirect(w, r, "/console/credentials/"+url.PathEscape(id)+"?done="+done)
}
