package console

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/cityid/cityid/issuer"
	"github.com/cityid/cityid/schemas"
)

type chooseView struct {
	Resident *issuer.Resident
	Types    []schemas.Type
}

// optionalResident loads the resident named by a form or query value; ""
// means none. It answers the error page itself when that fails.
func (h *handler) optionalResident(w http.ResponseWriter, r *http.Request, s string) (*issuer.Resident, bool) {
	if s == "" {
		return nil, true
	}
	id, bad := residentID(s)
	if bad != nil {
		h.errorPage(w, r, bad)
		return nil, false
	}
	res, err := h.api.Resident(r.Context(), id)
	if err != nil {
		h.errorPage(w, r, h.asError(r, err))
		return nil, false
	}
	return res, true
}

func (h *handler) chooseType(w http.ResponseWriter, r *http.Request, s *session) {
	res, ok := h.optionalResident(w, r, r.URL.Query().Get("resident"))
	if !ok {
		return
	}
	h.render(w, r, s, http.StatusOK, "choose", page{Title: "Issue a credential", Nav: "issue",
		Data: chooseView{Resident: res, Types: schemas.Types()}})
}

type issueView struct {
	Type     schemas.Type
	Resident *issuer.Resident
	Fields   []formField
	Mode     string // "offer" or "did"
	DID      input
	Formats  []radio
	Identity identityView
}

type radio struct {
	ID, Value, Label string
	Selected         bool
}

func didInput(value string) input {
	return input{Name: "subject_did", Label: "Holder DID", Type: "text", Value: value, Autocomplete: "off", Wide: true,
		Help: `Only for "Issue directly to a DID": the holder's DID, such as did:key:z6Mk…`}
}

func formatRadios(selected issuer.Format) []radio {
	if selected == "" {
		selected = issuer.FormatLDP
	}
	var out []radio
	for _, f := range []issuer.Format{issuer.FormatLDP, issuer.FormatSDJWT, issuer.FormatQR} {
		out = append(out, radio{ID: fieldID("format." + string(f)), Value: string(f), Label: formatLabel(f), Selected: f == selected})
	}
	return out
}

func (h *handler) issuePage(w http.ResponseWriter, r *http.Request, s *session) {
	t, fields, err := typeForm(r.PathValue("type"))
	if err != nil {
		h.errorPage(w, r, h.asError(r, err))
		return
	}
	res, ok := h.optionalResident(w, r, r.URL.Query().Get("resident"))
	if !ok {
		return
	}
	identity, err := h.identityInputs(r, "", "")
	if err != nil {
		h.errorPage(w, r, h.asError(r, err))
		return
	}
	h.render(w, r, s, http.StatusOK, "issue", page{Title: "Issue: " + t.Title, Nav: "issue",
		Data: issueView{Type: t, Resident: res, Fields: fields, Mode: "offer", DID: didInput(""), Formats: formatRadios(""), Identity: identity}})
}

// issueSubmit makes an offer for the resident's wallet, or issues directly
// to a DID, from the claim form. Errors re-render the form with the input
// kept and each problem next to its field.
func (h *handler) issueSubmit(w http.ResponseWriter, r *http.Request, s *session) {
	t, fields, err := typeForm(r.PathValue("type"))
	if err != nil {
		h.errorPage(w, r, h.asError(r, err))
		return
	}
	f := r.PostForm
	res, ok := h.optionalResident(w, r, f.Get("resident_id"))
	if !ok {
		return
	}
	var residentID int64
	if res != nil {
		residentID = res.ID
	}
	claims := fillForm(fields, f)
	mode := f.Get("subject_mode")
	if mode != "did" {
		mode = "offer"
	}
	format := issuer.Format(f.Get("format"))
	identity, err := h.identityInputs(r, f.Get("established"), f.Get("attested_by"))
	if err != nil {
		h.errorPage(w, r, h.asError(r, err))
		return
	}
	view := issueView{Type: t, Resident: res, Fields: fields, Mode: mode,
		DID: didInput(f.Get("subject_did")), Formats: formatRadios(format), Identity: identity}

	attestedBy, e := attestation(f, identity.kinds)
	switch {
	case e != nil:
	case mode == "offer":
		offer, err := h.api.CreateOfferFor(r.Context(), s.actor,
			issuer.OfferRequest{Type: t.Name, Claims: claims, ResidentID: residentID, AttestedBy: attestedBy})
		if err == nil {
			h.renderOffers(w, r, s, "Scan with the resident's wallet", res, []issuer.Offer{*offer})
			return
		}
		e = h.asError(r, err)
	default:
		subject := strings.TrimSpace(f.Get("subject_did"))
		if format == "" {
			format = issuer.FormatLDP
		}
		if subject == "" {
			e = &issuer.Error{Code: issuer.CodeInvalidDID, Status: http.StatusBadRequest,
				Message: "the holder's DID is missing",
				Fields:  []issuer.FieldError{{Path: "subject", Message: "enter the holder's DID, or choose to send to the wallet"}}}
		} else {
			rec, err := h.api.Issue(r.Context(), s.actor, issuer.IssueRequest{
				Type: t.Name, Subject: subject, Claims: claims, Format: format, ResidentID: residentID, AttestedBy: attestedBy})
			if err == nil {
				redirect(w, r, "/console/credentials/"+url.PathEscape(rec.ID)+"?done=issued")
				return
			}
			e = h.asError(r, err)
		}
	}
	if e.Status >= 500 {
		h.errorPage(w, r, e)
		return
	}
	h.render(w, r, s, e.Status, "issue", page{Title: "Issue: " + t.Title, Nav: "issue",
		Problems: issueProblems(e, view.Fields, &view.DID, &view.Identity.Attester), Data: view})
}

// issueProblems places the errors of an offer or issuance on the form: claim
// paths on the claim inputs, "subject" (or an invalid_did error) on the DID
// input, anything else in the summary.
func issueProblems(e *issuer.Error, fields []formField, did, attester *input) []fieldProblem {
	var claimErrs []issuer.FieldError
	var out []fieldProblem
	onDID := func(msg string) {
		did.Error = joinMsg(did.Error, msg)
		out = append(out, fieldProblem{ID: did.ID(), Label: did.Label, Message: msg})
	}
	for _, fe := range e.Fields {
		switch fe.Path {
		case "subject", "id", "credentialSubject.id":
			onDID(fe.Message)
		case "format":
			out = append(out, fieldProblem{ID: fieldID("format." + string(issuer.FormatLDP)), Label: "Format", Message: fe.Message})
		case "attested_by":
			attester.Error = joinMsg(attester.Error, fe.Message)
			out = append(out, fieldProblem{ID: attester.ID(), Label: attester.Label, Message: fe.Message})
		default:
			claimErrs = append(claimErrs, fe)
		}
	}
	out = append(out, markErrors(fields, claimErrs)...)
	if len(e.Fields) == 0 {
		switch {
		case e.Code == issuer.CodeInvalidDID:
			onDID(e.Message)
		case strings.Contains(e.Message, "attester"):
			attester.Error = joinMsg(attester.Error, e.Message)
			out = append(out, fieldProblem{ID: attester.ID(), Label: attester.Label, Message: e.Message})
		default:
			out = append(out, fieldProblem{Label: "Problem", Message: e.Message})
		}
	}
	inFormOrder(out, append(fieldIDs(fields), attester.ID(), did.ID(), fieldID("format."+string(issuer.FormatLDP))))
	return out
}

type staffView struct {
	Staff  []issuer.Staff
	Inputs []input
}

func staffInputs(username string, role issuer.Role) []input {
	if role == "" {
		role = issuer.RoleClerk
	}
	return []input{
		{Name: "username", Label: "Username", Type: "text", Value: username, Autocomplete: "off", Required: true},
		{Name: "password", Label: "Password", Type: "password", Autocomplete: "new-password", Required: true,
			Help: "Give it to the new staff member in person."},
		{Name: "role", Label: "Role", Required: true, Options: options(string(role),
			"clerk", "Clerk: enrols residents, issues and revokes", "admin", "Admin: also manages staff accounts")},
	}
}

func (h *handler) renderStaff(w http.ResponseWriter, r *http.Request, s *session, status int, inputs []input, problems []fieldProblem) {
	list, err := h.api.ListStaff(r.Context())
	if err != nil {
		h.errorPage(w, r, h.asError(r, err))
		return
	}
	h.render(w, r, s, status, "staff", page{Title: "Staff accounts", Nav: "staff", Flash: flash(r),
		Problems: problems, Data: staffView{Staff: list, Inputs: inputs}})
}

func (h *handler) staffPage(w http.ResponseWriter, r *http.Request, s *session) {
	h.renderStaff(w, r, s, http.StatusOK, staffInputs("", ""), nil)
}

func (h *handler) staffAdd(w http.ResponseWriter, r *http.Request, s *session) {
	f := r.PostForm
	username, role := strings.TrimSpace(f.Get("username")), issuer.Role(f.Get("role"))
	inputs := staffInputs(f.Get("username"), role)
	_, err := h.api.CreateStaff(r.Context(), s.actor, username, f.Get("password"), role)
	if err != nil {
		e := h.asError(r, err)
		if e.Status >= 500 {
			h.errorPage(w, r, e)
			return
		}
		h.renderStaff(w, r, s, e.Status, inputs, problemsFor(e, inputs, nil, "username"))
		return
	}
	redirect(w, r, "/console/staff?done=staffadded")
}

func (h *handler) staffRole(w http.ResponseWriter, r *http.Request, s *session) {
	err := h.api.SetRole(r.Context(), s.actor, r.PathValue("username"), issuer.Role(r.PostForm.Get("role")))
	if err != nil {
		h.errorPage(w, r, h.asError(r, err))
		return
	}
	redirect(w, r, "/console/staff?done=role")
}
