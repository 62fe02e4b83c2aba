package console

import (
	"net/http"
	"strings"

	"github.com/cityid/cityid/issuer"
)

// Assisted enrolment in the console: admins keep the list of caseworkers and
// shelters that may attest a resident's identity; the issue form asks how
// identity was established and, for an attestation, by whom.

type attestersView struct {
	Attesters []issuer.Attester
	Inputs    []input
}

func attesterInputs(name string, kind issuer.AttesterKind) []input {
	return []input{
		{Name: "name", Label: "Name", Type: "text", Value: name, Autocomplete: "off", Required: true, MaxLength: 80, Wide: true,
			Help: `As credentials will carry it and verifiers will show it, e.g. "Downtown Shelter" or "Ana Ruiz (Eastside Outreach)".`},
		{Name: "kind", Label: "Kind", Required: true, Options: options(string(kind),
			string(issuer.AttesterShelter), "Shelter", string(issuer.AttesterCaseworker), "Caseworker")},
	}
}

func (h *handler) renderAttesters(w http.ResponseWriter, r *http.Request, s *session, status int, inputs []input, problems []fieldProblem) {
	list, err := h.api.ListAttesters(r.Context())
	if err != nil {
		h.errorPage(w, r, h.asError(r, err))
		return
	}
	h.render(w, r, s, status, "attesters", page{Title: "Attesters", Nav: "attesters", Flash: flash(r),
		Problems: problems, Data: attestersView{Attesters: list, Inputs: inputs}})
}

func (h *handler) attestersPage(w http.ResponseWriter, r *http.Request, s *session) {
	h.renderAttesters(w, r, s, http.StatusOK, attesterInputs("", ""), nil)
}

func (h *handler) attesterAdd(w http.ResponseWriter, r *http.Request, s *session) {
	f := r.PostForm
	name, kind := strings.TrimSpace(f.Get("name")), issuer.AttesterKind(f.Get("kind"))
	inputs := attesterInputs(f.Get("name"), kind)
	if _, err := h.api.AddAttester(r.Context(), s.actor, name, kind); err != nil {
		e := h.asError(r, err)
		if e.Status >= 500 {
			h.errorPage(w, r, e)
			return
		}
		h.renderAttesters(w, r, s, e.Status, inputs, problemsFor(e, inputs, nil, "name"))
		return
	}
	redirect(w, r, "/console/attesters?done=attesteradded")
}

func (h *handler) attesterDisable(w http.ResponseWriter, r *http.Request, s *session) {
	disabled := r.PostForm.Get("disabled") != "false"
	if err := h.api.SetAttesterDisabled(r.Context(), s.actor, r.PathValue("name"), disabled); err != nil {
		h.errorPage(w, r, h.asError(r, err))
		return
	}
	done := "attesterdisabled"
	if !disabled {
		done = "attesterenabled"
	}
	redirect(w, r, "/console/attesters?done="+done)
}

// Ways the issue form knows identity was established.
const (
	establishedDocuments  = "documents"
	establishedCaseworker = string(issuer.AttesterCaseworker)
	establishedShelter    = string(issuer.AttesterShelter)
)

// identityView is the "How was identity established?" part of the issue
// form: three radios and the attester select.
type identityView struct {
	Ways     []radio
	Attester input
	// None is true when no attester is registered (the form says so).
	None bool

	kinds map[string]issuer.AttesterKind // every registered attester's kind
}

func (h *handler) identityInputs(r *http.Request, way, attester string) (identityView, error) {
	if way != establishedCaseworker && way != establishedShelter {
		way = establishedDocuments
	}
	v := identityView{kinds: map[string]issuer.AttesterKind{}}
	for _, w := range []struct{ value, label string }{
		{establishedDocuments, "Identity documents seen at the counter"},
		{establishedCaseworker, "Attested by a registered caseworker (the resident has no documents)"},
		{establishedShelter, "Attested by a registered shelter (the resident has no documents)"},
	} {
		v.Ways = append(v.Ways, radio{ID: fieldID("established." + w.value), Value: w.value, Label: w.label, Selected: w.value == way})
	}
	list, err := h.api.ListAttesters(r.Context())
	if err != nil {
		return v, err
	}
	pairs := []string{"", "Choose…"}
	for _, a := range list {
		v.kinds[a.Name] = a.Kind
		if !a.Disabled {
			pairs = append(pairs, a.Name, a.Name+" ("+string(a.Kind)+")")
		}
	}
	v.None = len(pairs) == 2
	v.Attester = input{Name: "attested_by", Label: "Attester", Options: options(attester, pairs...),
		Help: "Only for an attestation: the caseworker or shelter that vouched for the resident. The credential will name them, and verifiers will see it."}
	return v, nil
}

// attestation checks the identity part of a submitted issue form and returns
// the attester to name (empty for documents), or the problem to show.
func attestation(f map[string][]string, kinds map[string]issuer.AttesterKind) (string, *issuer.Error) {
	get := func(k string) string {
		if v := f[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	way, name := get("established"), get("attested_by")
	bad := func(msg string) *issuer.Error {
		return &issuer.Error{Code: issuer.CodeInvalidRequest, Status: http.StatusBadRequest, Message: msg,
			Fields: []issuer.FieldError{{Path: "attested_by", Message: msg}}}
	}
	switch way {
	case establishedCaseworker, establishedShelter:
		if name == "" {
			return "", bad("choose the " + way + " that attested the resident's identity")
		}
		if k, ok := kinds[name]; ok && string(k) != way {
			return "", bad(name + " is registered as a " + string(k) + ", not a " + way)
		}
		return name, nil
	case "", establishedDocuments:
		if name != "" {
			return "", bad(`an attester was chosen, but "identity documents seen" is selected: choose one or the other`)
		}
		return "", nil
	}
	return "", bad("choose how the resident's identity was established")
}
