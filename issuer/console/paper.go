package console

import (
	"bytes"
	"errors"
	"net/http"
	"strings"

	"github.com/cityid/cityid/issuer"
	"github.com/cityid/cityid/issuer/paper"
	"github.com/cityid/cityid/schemas"
)

// paperSubmit prints the credential on paper: the claims ticked, the paper
// size and the resident's language chosen on the credential page; the
// answer is the PDF to download and print.
func (h *handler) paperSubmit(w http.ResponseWriter, r *http.Request, s *session) {
	bad := func(msg string) {
		h.errorPage(w, r, &issuer.Error{Code: issuer.CodeInvalidRequest, Status: http.StatusBadRequest, Message: msg})
	}
	var claims []string
	for _, c := range r.PostForm["claim"] {
		if c = strings.TrimSpace(c); c != "" {
			claims = append(claims, c)
		}
	}
	if len(claims) == 0 {
		bad("tick at least one claim to print; go back and choose what the paper should show")
		return
	}
	size, err := paper.ParseSize(r.PostForm.Get("paper"))
	if err != nil {
		bad(err.Error())
		return
	}
	lang, err := paper.ParseLang(r.PostForm.Get("lang"))
	if err != nil {
		bad(err.Error())
		return
	}
	pc, err := h.api.PrintPaper(r.Context(), s.actor, r.PathValue("id"), claims)
	if err != nil {
		h.errorPage(w, r, h.asError(r, err))
		return
	}
	var pdf bytes.Buffer
	if err := paper.Render(&pdf, pc, paper.Options{Size: size, Lang: lang}); err != nil {
		if errors.Is(err, paper.ErrInput) {
			bad(strings.TrimPrefix(err.Error(), "paper: "))
			return
		}
		h.errorPage(w, r, h.asError(r, err))
		return
	}
	name := strings.TrimSuffix(fileName(&issuer.Record{ID: pc.ID}), ".json")
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="paper-`+strings.TrimPrefix(name, "credential-")+`.pdf"`)
	_, _ = w.Write(pdf.Bytes())
}

// claimTitle is a claim's label from the type's schema.
func claimTitle(typeName, claim string) string {
	if t, ok := schemas.Lookup(typeName); ok {
		for _, c := range t.Claims {
			if c.Name == claim {
				return c.Title
			}
		}
	}
	return claim
}
