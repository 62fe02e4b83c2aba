package console

import (
	"bytes"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/skip2/go-qrcode"

	"github.com/cityid/cityid/issuer"
	"github.com/cityid/cityid/schemas"
)

//go:embed templates/*.html static/console.css
var files embed.FS

// pageNames are the page templates; each is parsed with layout.html.
var pageNames = []string{
	"login", "bootstrap", "error", "dashboard", "enrol", "resident", "reissue",
	"offers", "choose", "issue", "credential", "revoke", "staff", "paper", "attesters",
}

type templates map[string]*template.Template

var funcs = template.FuncMap{
	"when":        when,
	"clock":       func(t time.Time) string { return t.Local().Format("15:04") },
	"until":       until,
	"seg":         url.PathEscape,
	"typeTitle":   typeTitle,
	"formatLabel": formatLabel,
	"humanize":    humanize,
	"claimTitle":  claimTitle,
}

func parseTemplates() (templates, error) {
	t := templates{}
	for _, name := range pageNames {
		p, err := template.New(name).Funcs(funcs).ParseFS(files, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("console: template %s: %w", name, err)
		}
		t[name] = p
	}
	return t, nil
}

// page is what every template gets.
type page struct {
	Title    string
	Nav      string // the main navigation entry of this page
	Staff    *issuer.Staff
	CSRF     string
	Flash    string
	Problems []fieldProblem
	Data     any
}

// render writes the page named name with status. It executes the template
// into memory first, so a template fault is a clean 500, not half a page.
func (h *handler) render(w http.ResponseWriter, r *http.Request, s *session, status int, name string, p page) {
	if s != nil {
		p.Staff, p.CSRF = s.staff, s.sess.CSRF
	}
	var buf bytes.Buffer
	if err := h.tmpl[name].ExecuteTemplate(&buf, "layout", p); err != nil {
		h.log.ErrorContext(r.Context(), "console: template failed", "page", name, "err", err)
		http.Error(w, "internal error: the page could not be rendered", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

type errorView struct{ Heading, Message, Code string }

// errorPage renders e as a page with e.Status.
func (h *handler) errorPage(w http.ResponseWriter, r *http.Request, e *issuer.Error) {
	heading := "There is a problem"
	switch e.Status {
	case http.StatusNotFound:
		heading = "Not found"
	case http.StatusForbidden:
		heading = "Not allowed"
	case http.StatusMethodNotAllowed:
		heading = "Not allowed here"
	case http.StatusInternalServerError:
		heading = "Something went wrong"
	}
	h.render(w, r, h.lookup(r), e.Status, "error",
		page{Title: heading, Data: errorView{Heading: heading, Message: sentence(e.Message), Code: e.Code}})
}

// sentence capitalises the first letter and ends with a full stop.
func sentence(s string) string {
	if s == "" {
		return s
	}
	rs := []rune(s)
	rs[0] = unicode.ToUpper(rs[0])
	s = string(rs)
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

// input is one labelled input (or select, when Options is set) of a form.
type input struct {
	Name, Label, Type, Value, Help, Error, Autocomplete string
	Required, Autofocus, Wide                           bool
	MaxLength                                           int
	Options                                             []option
}

type option struct {
	Value, Label string
	Selected     bool
}

// ID is the input's HTML id.
func (i input) ID() string { return fieldID(i.Name) }

// DescribedBy lists the ids of the help and error texts of the input.
func (i input) DescribedBy() string { return describedBy(i.ID(), i.Help, i.Error) }

// DescribedBy lists the ids of the help and error texts of the claim input.
func (f formField) DescribedBy() string { return describedBy(f.ID(), f.Help, f.Error) }

func describedBy(id, help, err string) string {
	var ids []string
	if help != "" {
		ids = append(ids, id+"-help")
	}
	if err != "" {
		ids = append(ids, id+"-error")
	}
	return strings.Join(ids, " ")
}

func options(selected string, pairs ...string) []option {
	out := make([]option, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, option{Value: pairs[i], Label: pairs[i+1], Selected: pairs[i] == selected})
	}
	return out
}

// markInputs attaches field errors to the inputs they name (FieldError.Path
// is the input name, or an alias from paths) and returns the error summary.
// Errors naming no input are listed in the summary without a link.
func markInputs(inputs []input, fields []issuer.FieldError, paths map[string]string) []fieldProblem {
	var out []fieldProblem
	for _, fe := range fields {
		name := fe.Path
		if alias, ok := paths[name]; ok {
			name = alias
		}
		found := false
		for i := range inputs {
			if inputs[i].Name == name {
				inputs[i].Error = joinMsg(inputs[i].Error, fe.Message)
				out = append(out, fieldProblem{ID: inputs[i].ID(), Label: inputs[i].Label, Message: fe.Message})
				found = true
				break
			}
		}
		if !found {
			out = append(out, fieldProblem{Label: fe.Path, Message: fe.Message})
		}
	}
	return out
}

// problemsFor turns an error from issuer.API into the error summary of a
// form whose inputs are inputs. An error without field details becomes one
// summary line, attached to fallback (an input name) when that is not "".
func problemsFor(e *issuer.Error, inputs []input, paths map[string]string, fallback string) []fieldProblem {
	if len(e.Fields) > 0 {
		return markInputs(inputs, e.Fields, paths)
	}
	if fallback != "" {
		return markInputs(inputs, []issuer.FieldError{{Path: fallback, Message: e.Message}}, nil)
	}
	return []fieldProblem{{Label: "Problem", Message: e.Message}}
}

func when(t any) string {
	switch v := t.(type) {
	case time.Time:
		if v.IsZero() {
			return ""
		}
		return v.Local().Format("2 Jan 2006 15:04")
	case *time.Time:
		if v == nil {
			return ""
		}
		return when(*v)
	}
	return fmt.Sprint(t)
}

// until says how long until t, in words a clerk reads at a glance.
func until(t time.Time) string {
	d := time.Until(t).Round(time.Minute)
	switch {
	case d <= 0:
		return "already expired"
	case d < 2*time.Minute:
		return "in about a minute"
	case d < 2*time.Hour:
		return fmt.Sprintf("in %d minutes", int(d.Minutes()))
	default:
		return fmt.Sprintf("in %d hours", int(d.Hours()))
	}
}

func typeTitle(name string) string {
	if t, ok := schemas.Lookup(name); ok {
		return t.Title
	}
	return name
}

func formatLabel(f issuer.Format) string {
	switch f {
	case issuer.FormatLDP:
		return "W3C verifiable credential with Data Integrity proof (ldp_vc)"
	case issuer.FormatSDJWT:
		return "SD-JWT VC (dc+sd-jwt)"
	case issuer.FormatQR:
		return "QR code credential, shown offline (cityid-qr)"
	case issuer.FormatPaper:
		return "paper credential, a printed QR code (cityid-paper)"
	}
	return string(f)
}

// humanize turns an enum value such as "noFixedAddress" into "no fixed address".
func humanize(s string) string {
	var b strings.Builder
	for i, r := range s {
		if unicode.IsUpper(r) && i > 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// offerView is an offer as the offer page shows it.
type offerView struct {
	issuer.Offer
	QR template.URL // data:image/png;base64,...
}

// qrSize is the QR image's side in pixels: large enough to scan from a
// counter screen at arm's length.
const qrSize = 360

func newOfferView(o issuer.Offer) (offerView, error) {
	// Medium error correction keeps the offer URI (several hundred
	// characters) at a module size phones read easily.
	q, err := qrcode.New(o.URI, qrcode.Medium)
	if err != nil {
		return offerView{}, fmt.Errorf("console: QR code of the offer: %w", err)
	}
	png, err := q.PNG(qrSize)
	if err != nil {
		return offerView{}, fmt.Errorf("console: QR code of the offer: %w", err)
	}
	// The data URI is built here from PNG bytes only, so it is safe to mark
	// as a URL for html/template (which otherwise refuses data: URLs).
	return offerView{Offer: o, QR: template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))}, nil
}
