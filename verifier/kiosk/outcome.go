package kiosk

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/cityid/cityid/credential"
	"github.com/cityid/cityid/schemas"
	"github.com/cityid/cityid/verifier"
)

// Headlines of an Outcome.
const (
	HeadlineAccepted = "ACCEPTED"
	HeadlineRefused  = "REFUSED"
)

// Reason codes of refusals the kiosk itself makes, beside the verifier's
// (verifier.ReasonRevoked, verifier.ReasonChallengeMismatch, ...). Their
// meaning is stable: logs and scripts match on them.
const (
	ReasonReplayed        verifier.Reason = "replayed"
	ReasonEmpty           verifier.Reason = "empty"
	ReasonTooLong         verifier.Reason = "too_long"
	ReasonBundleExpired   verifier.Reason = "bundle_expired"
	ReasonNoCode          verifier.Reason = "no_qr_code"
	ReasonCodeUnreadable  verifier.Reason = "qr_unreadable"
	ReasonImageUnreadable verifier.Reason = "image_unreadable"
	ReasonNotVerified     verifier.Reason = "not_verified"
)

// Outcome is what a kiosk shows after a scan.
type Outcome struct {
	// Pass is true when the credential is accepted.
	Pass bool
	// Headline is HeadlineAccepted or HeadlineRefused.
	Headline string
	// Reason says in plain words why the code was refused (the first
	// refusal), or what was checked when it was accepted.
	Reason string
	// ReasonCode is the stable code of the first refusal; empty on a pass.
	ReasonCode verifier.Reason
	// Advice tells the clerk what to do next after a refusal, when there
	// is something to say.
	Advice string
	// Refusals lists every failed check, first the one Reason repeats.
	Refusals []Refusal

	// Type is the city credential type (e.g. ResidencyCredential) and
	// TypeTitle its human title (e.g. "Residency"), when known.
	Type, TypeTitle string
	// Issuer is the issuer's name from the trust bundle, or its identifier.
	Issuer string
	// Format is the form the code was in.
	Format credential.Format
	// Claims are the claims the holder disclosed, in the schema's order,
	// with human labels. Empty unless Pass: unverified claims are not shown.
	Claims []Claim
	// Evidence says how the issuer established the holder's identity, one
	// plain sentence per evidence entry, e.g. "Identity attested by a
	// shelter (Downtown Shelter)." Empty unless Pass, and for credentials
	// issued on documents seen at the counter.
	Evidence []string
	// HolderBound is true when the holder proved possession of the
	// credential's key (a code made by the resident's wallet).
	HolderBound bool
	// Paper is true for a printed paper credential.
	Paper bool
	// Notice is what the clerk must still do after a pass without holder
	// proof: NoticePaper or NoticeUnbound; empty otherwise.
	Notice string
	// Warnings are facts the clerk should know, such as a stale revocation list.
	Warnings []string
	// StatusAsOf is when the revocation list used was issued.
	StatusAsOf *time.Time

	// CheckedAt is when the check ran (the kiosk's clock).
	CheckedAt time.Time
	// NextChallenge is the challenge to show for the next scan.
	NextChallenge string
}

// Refusal is one reason a code was refused.
type Refusal struct {
	Code verifier.Reason
	// Check is the verifier's check that failed (e.g. "status"), if any.
	Check string
	// Text is a plain sentence.
	Text string
}

// Claim is one disclosed claim, ready to show.
type Claim struct {
	Name  string // member name, e.g. "residentOf"
	Label string // human label from the schema, e.g. "Resident of"
	Value string // display text, e.g. "Springfield" or "Yes"
}

// Notices of an accepted credential shown without its holder's proof: the
// clerk compares the name with the person.
const (
	NoticePaper   = "PAPER — compare the printed name with the person"
	NoticeUnbound = "NO HOLDER PROOF — compare the name with the person"
)

// advice is what a clerk should do after a refusal, by reason.
var advice = map[verifier.Reason]string{
	ReasonReplayed:                     "Ask the resident to show a new code from their wallet.",
	ReasonEmpty:                        "Scan the code again.",
	ReasonTooLong:                      "Scan one code at a time.",
	ReasonBundleExpired:                "Load the city's current trust bundle on this kiosk.",
	ReasonNoCode:                       "Pick an image that shows the whole QR code.",
	ReasonCodeUnreadable:               "The code looks damaged: ask for a sharper picture or scan it from the screen; if it still fails, ask for the paper credential or a new code, or send the resident to the city counter.",
	ReasonImageUnreadable:              "Pick a PNG or JPEG image.",
	ReasonNotVerified:                  "Send the resident to the city counter, where staff can check the credential.",
	verifier.ReasonMalformed:           "Damaged code: scan it again; if it still fails, ask for the paper credential or a new code from the wallet, or send the resident to the city counter.",
	verifier.ReasonUnsupportedFormat:   "This is not a city credential code. Scan it again.",
	verifier.ReasonTooLarge:            "This is not a city credential code.",
	verifier.ReasonBadSignature:        "Do not accept it: it was changed or forged.",
	verifier.ReasonIssuerMismatch:      "Do not accept it: it may be forged.",
	verifier.ReasonUntrustedIssuer:     "Do not accept it: the city does not trust its issuer.",
	verifier.ReasonTypeNotAllowed:      "Do not accept it: its issuer may not issue this kind of credential.",
	verifier.ReasonIssuerRetired:       "The resident can ask the city for a new credential.",
	verifier.ReasonExpired:             "The resident can ask the city for a new credential.",
	verifier.ReasonNotYetValid:         "Check this kiosk's clock; otherwise ask the resident to come back when it is valid.",
	verifier.ReasonRevoked:             "Do not accept it. The resident can ask the issuing office why.",
	verifier.ReasonSuspended:           "Do not accept it now. The resident can ask the issuing office why.",
	verifier.ReasonStatusUnavailable:   "Load the city's current trust bundle on this kiosk.",
	verifier.ReasonStatusStale:         "Load the city's current trust bundle on this kiosk.",
	verifier.ReasonHolderMismatch:      "Do not accept it: it was shown from someone else's wallet.",
	verifier.ReasonHolderProofMissing:  "This counter needs a code made by the resident's wallet with the challenge shown here.",
	verifier.ReasonChallengeMismatch:   "Ask the resident to make a new code with the challenge shown here.",
	verifier.ReasonPresentationExpired: "Ask the resident to make a new code in their wallet.",
	verifier.ReasonUnknownContext:      "Ask for the city QR code or the paper credential; otherwise send the resident to the city counter.",
	verifier.ReasonUnsupportedAlg:      "Ask for the city QR code or the paper credential.",
	verifier.ReasonNoProof:             "Do not accept it: nothing shows who issued it.",
	verifier.ReasonKeyUnresolvable:     "Do not accept it. If the resident says the city issued it, load the city's current trust bundle or send them to the city counter.",
	verifier.ReasonWrongPurpose:        "Do not accept it: it may be forged.",
	verifier.ReasonTooOld:              "The resident can ask the city for a recent credential.",
	verifier.ReasonStatusInvalid:       "Do not accept it now; send the resident to the city counter.",
	verifier.ReasonAudienceMismatch:    "Ask the resident to make a new code for this counter.",
	verifier.ReasonDisclosure:          "Do not accept it: it was altered. Ask the resident for a new code.",
}

// Advice says what a clerk should do after a refusal with this reason code:
// the kiosk's own advice, or the verifier's staff message for a reason the
// kiosk does not know.
func Advice(code verifier.Reason) string {
	if a, ok := advice[code]; ok {
		return a
	}
	return code.StaffMessage()
}

// refusal is an Outcome for a refusal the kiosk makes itself.
func refusal(code verifier.Reason, text string) Outcome {
	return Outcome{
		Headline:   HeadlineRefused,
		Reason:     text,
		ReasonCode: code,
		Advice:     Advice(code),
		Refusals:   []Refusal{{Code: code, Text: text}},
	}
}

// outcome turns a verifier Result into what the kiosk shows.
func (k *Kiosk) outcome(res *verifier.Result) Outcome {
	o := Outcome{
		Format:      res.Format,
		StatusAsOf:  res.StatusAsOf,
		HolderBound: res.Checks.HolderBinding.Outcome == verifier.OK,
		Paper:       res.Paper,
		Type:        cityType(res.Types),
	}
	if t, ok := schemas.Lookup(o.Type); ok {
		o.TypeTitle = t.Title
	} else if o.Type != "" {
		o.TypeTitle = clean(o.Type)
	}
	o.Issuer = clean(res.Issuer)
	if iss, ok := k.bundle.Issuer(res.Issuer); ok && iss.Name != "" {
		o.Issuer = clean(iss.Name)
	}
	for _, w := range res.Warnings {
		o.Warnings = append(o.Warnings, sentence(clean(w)))
	}
	if res.Verified {
		o.Pass, o.Headline = true, HeadlineAccepted
		switch {
		case res.Paper:
			o.Notice = NoticePaper
		case res.NoHolderBinding:
			o.Notice = NoticeUnbound
		}
		o.Reason = passReason(res)
		o.Claims = labelClaims(o.Type, res.Claims)
		for _, e := range res.Evidence {
			o.Evidence = append(o.Evidence, sentence(clean(e.Describe())))
		}
		return o
	}
	o.Headline = HeadlineRefused
	for _, f := range res.Failures {
		o.Refusals = append(o.Refusals, Refusal{Code: f.Reason, Check: f.Check, Text: sentence(clean(f.Message))})
	}
	if len(o.Refusals) == 0 {
		o.Refusals = []Refusal{{Code: ReasonNotVerified, Text: "The credential could not be fully checked."}}
	}
	o.ReasonCode, o.Reason = o.Refusals[0].Code, o.Refusals[0].Text
	o.Advice = Advice(o.ReasonCode)
	return o
}

// cityType returns the credential type other than VerifiableCredential.
func cityType(types []string) string {
	for _, t := range types {
		if t != "VerifiableCredential" {
			return t
		}
	}
	return ""
}

// passReason says what was checked for an accepted credential.
func passReason(res *verifier.Result) string {
	parts := []string{"Signed by a trusted issuer", "within its dates"}
	switch res.Checks.Status.Outcome {
	case verifier.OK:
		parts = append(parts, "not revoked")
	default:
		parts = append(parts, "with no revocation entry")
	}
	if res.Checks.HolderBinding.Outcome == verifier.OK {
		parts = append(parts, "shown by its holder's wallet")
	} else {
		parts = append(parts, "shown without the holder's proof")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + ", " + parts[len(parts)-1] + "."
}

// What names what was scanned, for the line under the verdict: the
// credential's title and its issuer ("Residency from City of Springfield"),
// either of them, or "" when neither is known.
func (o Outcome) What() string {
	switch {
	case o.TypeTitle != "" && o.Issuer != "":
		return o.TypeTitle + " from " + o.Issuer
	case o.Issuer != "":
		return "from " + o.Issuer
	}
	return o.TypeTitle
}

// labelClaims orders and labels claims by the type's schema; claims the
// schema does not name follow, sorted.
func labelClaims(typeName string, claims map[string]any) []Claim {
	t, _ := schemas.Lookup(typeName)
	var out []Claim
	for _, h := range schemas.Order(t.Claims, claims) {
		if h.Def == nil {
			out = append(out, Claim{Name: clean(h.Name), Label: clean(h.Name), Value: formatValue(h.Value, nil)})
			continue
		}
		v := h.Value
		if str, ok := v.(string); ok && h.Def.ValueTitles[str] != "" {
			v = h.Def.ValueTitles[str] // "No fixed address", not "noFixedAddress"
		}
		out = append(out, Claim{Name: h.Name, Label: h.Def.Title, Value: formatValue(v, h.Def.Fields)})
	}
	return out
}

// formatValue renders a claim value for a clerk: Yes/No for booleans, the
// fields of an object in schema order, list items joined by commas.
func formatValue(v any, fields []schemas.Claim) string {
	return clean(format(v, fields, 0))
}

func format(v any, fields []schemas.Claim, depth int) string {
	if depth > 4 {
		return "…"
	}
	switch x := v.(type) {
	case nil:
		return "(none)"
	case bool:
		if x {
			return "Yes"
		}
		return "No"
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case []any:
		parts := make([]string, 0, len(x))
		for _, e := range x {
			parts = append(parts, format(e, nil, depth+1))
		}
		return strings.Join(parts, ", ")
	case map[string]any:
		var parts []string
		for _, h := range schemas.Order(fields, x) {
			if h.Def == nil {
				parts = append(parts, h.Name+": "+format(h.Value, nil, depth+1))
			} else {
				parts = append(parts, format(h.Value, h.Def.Fields, depth+1))
			}
		}
		return strings.Join(parts, ", ")
	}
	return fmt.Sprint(v)
}

// maxText bounds any text shown from a scanned code.
const maxText = 200

// clean makes text from a scanned code safe to show: control characters
// (which could move a terminal's cursor or fake a banner) and bidirectional
// overrides become U+FFFD, and the text is cut at maxText characters.
func clean(s string) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		if n == maxText {
			b.WriteString("…")
			break
		}
		switch {
		case r == utf8.RuneError, unicode.IsControl(r), unicode.Is(unicode.Bidi_Control, r), r == '\u2028', r == '\u2029':
			b.WriteRune(utf8.RuneError)
		default:
			b.WriteRune(r)
		}
		n++
	}
	return b.String()
}

// sentence capitalises s and ends it with a full stop.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	r, size := utf8.DecodeRuneInString(s)
	s = string(unicode.ToUpper(r)) + s[size:]
	if !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "!") && !strings.HasSuffix(s, "?") && !strings.HasSuffix(s, "…") {
		s += "."
	}
	return s
}

// logOutcome writes one log line per check: time, outcome, reason code and
// credential type; claims and issuer only when the operator allowed it.
func (k *Kiosk) logOutcome(o Outcome) {
	attrs := []slog.Attr{
		slog.String("checked_at", o.CheckedAt.UTC().Format(time.RFC3339)),
		slog.String("outcome", strings.ToLower(o.Headline)),
	}
	if o.ReasonCode != "" {
		attrs = append(attrs, slog.String("reason", string(o.ReasonCode)))
	}
	if o.Type != "" {
		attrs = append(attrs, slog.String("type", o.Type))
	}
	if o.Format != "" {
		attrs = append(attrs, slog.String("format", string(o.Format)))
	}
	if k.cfg.LogClaims {
		attrs = append(attrs, slog.String("issuer", o.Issuer))
		claims := make([]any, 0, len(o.Claims))
		for _, c := range o.Claims {
			claims = append(claims, slog.String(c.Name, c.Value))
		}
		attrs = append(attrs, slog.Group("claims", claims...))
	}
	k.log.LogAttrs(context.Background(), slog.LevelInfo, "kiosk check", attrs...)
}
