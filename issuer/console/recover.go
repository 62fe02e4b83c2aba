package console

import (
	"encoding/base64"
	"fmt"
	"html/template"
	"net/http"
	"strings"

	"github.com/skip2/go-qrcode"

	"github.com/cityid/cityid/issuer"
)

// The lost-phone page: the clerk sees what will be revoked and replaced,
// says how the resident was re-verified in person (required), chooses a new
// phone or paper and, optionally, a new validity end; one POST does it all
// (issuer.API.Recover, one transaction).

// Target values of the form's "target" field.
const (
	targetWallet = "wallet"
	targetPaper  = "paper"
)

type choiceView struct {
	ID, Value, Label string
	Checked          bool
}

type recoverView struct {
	Plan       *issuer.RecoveryPlan
	Evidence   []choiceView
	Documents  []choiceView
	Targets    []choiceView
	ValidUntil string
	// Errors by field: "evidence", "document", "target", "valid_until".
	Errors map[string]string
}

// recoverForm is the lost-phone form as submitted.
type recoverForm struct {
	evidence, document, target, validUntil string
}

func newRecoverView(plan *issuer.RecoveryPlan, f recoverForm) recoverView {
	v := recoverView{Plan: plan, ValidUntil: f.validUntil, Errors: map[string]string{}}
	for _, c := range issuer.EvidenceKinds() {
		v.Evidence = append(v.Evidence, choiceView{ID: "f-evidence-" + c.Value, Value: c.Value, Label: c.Label, Checked: c.Value == f.evidence})
	}
	v.Documents = append(v.Documents, choiceView{Value: "", Label: "Not recorded", Checked: f.document == ""})
	for _, c := range issuer.DocumentKinds() {
		v.Documents = append(v.Documents, choiceView{Value: c.Value, Label: c.Label, Checked: c.Value == f.document})
	}
	if f.target == "" {
		f.target = targetWallet
	}
	v.Targets = []choiceView{
		{ID: "f-target-wallet", Value: targetWallet, Label: "To a new phone: offers the new wallet scans", Checked: f.target == targetWallet},
		{ID: "f-target-paper", Value: targetPaper, Label: "On paper: printable QR codes, for a resident without a phone", Checked: f.target == targetPaper},
	}
	return v
}

// fieldIDs are the inputs the error summary links to.
var recoverFieldIDs = map[string]string{
	"evidence": "f-evidence-" + issuer.EvidencePhotoID, "document": "f-document", "target": "f-target-wallet", "valid_until": "f-valid-until",
}

var recoverFieldLabels = map[string]string{
	"evidence": "How the resident was re-verified", "document": "Kind of photo ID", "target": "Where the replacements go", "valid_until": "New validity end",
}

func (v *recoverView) problems() []fieldProblem {
	var out []fieldProblem
	for _, f := range []string{"evidence", "document", "target", "valid_until", ""} {
		if msg, ok := v.Errors[f]; ok {
			out = append(out, fieldProblem{ID: recoverFieldIDs[f], Label: recoverFieldLabels[f], Message: msg})
		}
	}
	for i := range out {
		if out[i].Label == "" {
			out[i].Label = "Re-issue"
		}
	}
	return out
}

func (h *handler) recoverPlan(w http.ResponseWriter, r *http.Request) *issuer.RecoveryPlan {
	res := h.resident(w, r)
	if res == nil {
		return nil
	}
	plan, err := h.api.RecoveryPlan(r.Context(), res.ID)
	if err != nil {
		h.errorPage(w, r, h.asError(r, err))
		return nil
	}
	return plan
}

func (h *handler) reissueConfirm(w http.ResponseWriter, r *http.Request, s *session) {
	plan := h.recoverPlan(w, r)
	if plan == nil {
		return
	}
	h.render(w, r, s, http.StatusOK, "reissue", page{Title: "Lost phone: re-issue", Data: newRecoverView(plan, recoverForm{})})
}

// parseRecoverForm checks the form; errors are keyed by field.
func parseRecoverForm(f recoverForm, residentID int64) (issuer.RecoveryRequest, map[string]string) {
	req := issuer.RecoveryRequest{ResidentID: residentID, Evidence: issuer.RecoveryEvidence{Kind: f.evidence, DocumentKind: f.document}}
	errs := map[string]string{}
	if f.evidence == "" {
		errs["evidence"] = "choose how you re-verified the resident in person"
	} else if err := (issuer.RecoveryEvidence{Kind: f.evidence}).Validate(); err != nil {
		errs["evidence"] = "choose one of the listed ways"
	} else if err := req.Evidence.Validate(); err != nil {
		errs["document"] = errMessage(err)
	}
	switch f.target {
	case targetWallet:
	case targetPaper:
		req.Paper = true
	default:
		errs["target"] = "choose a new phone or paper"
	}
	if f.validUntil != "" {
		end, err := issuer.ParseValidUntil(f.validUntil)
		if err != nil {
			errs["valid_until"] = "enter a date as YYYY-MM-DD, or leave it empty to keep each credential's own validity"
		} else {
			req.ValidUntil = &end
		}
	}
	return req, errs
}

// errMessage is an issuer error's message alone.
func errMessage(err error) string {
	if e, ok := err.(*issuer.Error); ok {
		return e.Message
	}
	return err.Error()
}

func (h *handler) reissueSubmit(w http.ResponseWriter, r *http.Request, s *session) {
	plan := h.recoverPlan(w, r)
	if plan == nil {
		return
	}
	f := recoverForm{evidence: r.PostForm.Get("evidence"), document: r.PostForm.Get("document"),
		target: r.PostForm.Get("target"), validUntil: strings.TrimSpace(r.PostForm.Get("valid_until"))}
	req, errs := parseRecoverForm(f, plan.Resident.ID)
	var rcv *issuer.Recovery
	status := http.StatusBadRequest
	if len(errs) == 0 {
		var err error
		if rcv, err = h.api.Recover(r.Context(), s.actor, req); err != nil {
			e := h.asError(r, err)
			if e.Status >= 500 {
				h.errorPage(w, r, e)
				return
			}
			status = e.Status
			errs[""] = e.Message
			if strings.Contains(e.Message, "validity end") {
				errs = map[string]string{"valid_until": e.Message}
			}
			// The plan may have changed (another clerk): show the current one.
			if p, err := h.api.RecoveryPlan(r.Context(), plan.Resident.ID); err == nil {
				plan = p
			}
		}
	}
	if rcv == nil {
		v := newRecoverView(plan, f)
		v.Errors = errs
		h.render(w, r, s, status, "reissue", page{Title: "Lost phone: re-issue", Problems: v.problems(), Data: v})
		return
	}
	if !req.Paper {
		h.renderOffers(w, r, s, "New wallet: scan each code", plan.Resident, rcv.Offers)
		return
	}
	view := paperView{Resident: plan.Resident, Revoked: len(rcv.Revoked), Expired: rcv.Expired}
	for _, rec := range rcv.Paper {
		pv, err := newPaperView(rec)
		if err != nil {
			h.errorPage(w, r, h.asError(r, err))
			return
		}
		view.Credentials = append(view.Credentials, pv)
	}
	h.render(w, r, s, http.StatusOK, "paper", page{Title: "Paper replacements", Data: view})
}

type paperView struct {
	Resident    *issuer.Resident
	Revoked     int
	Expired     []string
	Credentials []paperCredentialView
}

type paperCredentialView struct {
	Record issuer.Record
	QR     template.URL
}

// newPaperView renders a paper credential's QR code at error correction Q
// (go-qrcode's High), the level paper is printed at.
func newPaperView(rec issuer.Record) (paperCredentialView, error) {
	q, err := qrcode.New(string(rec.Credential), qrcode.High)
	if err != nil {
		return paperCredentialView{}, fmt.Errorf("console: QR code of the paper credential: %w", err)
	}
	png, err := q.PNG(qrSize)
	if err != nil {
		return paperCredentialView{}, fmt.Errorf("console: QR code of the paper credential: %w", err)
	}
	return paperCredentialView{Record: rec, QR: template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))}, nil
}
