package ui

import (
	"embed"
	"fmt"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2/lang"

	"github.com/cityid/cityid/schemas"
	"github.com/cityid/cityid/wallet"
)

// translations holds one JSON file per language, keyed by the English text.
//
//go:embed translations/*.json
var translations embed.FS

var registerOnce sync.Once

// registerTranslations adds the embedded translations to Fyne's lang
// package, once per process.
func registerTranslations() {
	registerOnce.Do(func() {
		if err := lang.AddTranslationsFS(translations, "translations"); err != nil {
			// The files are embedded and checked by the tests; English
			// texts (the keys) are shown if they ever fail to load.
			fmt.Println("wallet/ui: translations:", err)
		}
	})
}

// issuerName names the issuer of c for the resident: the name it gave
// itself when the wallet received from it, or the end of its DID.
func issuerName(c wallet.Credential) string {
	if c.IssuerName != "" {
		return c.IssuerName
	}
	id := c.Issuer
	if r := []rune(id); len(r) > 16 {
		id = "…" + string(r[len(r)-8:])
	}
	return lang.L("an issuer without a name ({{.ID}})", map[string]any{"ID": id})
}

// evidenceText says how the city established the resident's identity for
// c, in the screens' language, or "" when the credential says nothing.
func evidenceText(c wallet.Credential) string {
	var parts []string
	for _, e := range c.Evidence {
		switch e.Kind {
		case schemas.EvidenceShelter:
			parts = append(parts, lang.L("issued on the word of a shelter ({{.Attester}})", map[string]any{"Attester": e.Attester}))
		case schemas.EvidenceCaseworker:
			parts = append(parts, lang.L("issued on the word of a caseworker ({{.Attester}})", map[string]any{"Attester": e.Attester}))
		case schemas.EvidenceDocuments:
			parts = append(parts, lang.L("issued after documents were seen at the counter"))
		}
	}
	return strings.Join(parts, "; ")
}

// uiLanguage is the BCP 47 tag of the language the screens are in: the
// one Fyne picked from the system's locales among the shipped translations.
func uiLanguage() string { return lang.X("language.tag", "en") }

// typeTitle is the short human title of a credential type, in the
// screens' language.
func typeTitle(c wallet.Credential) string {
	if t, ok := schemas.LookupIn(c.Type, uiLanguage()); ok && t.Title != "" {
		return t.Title
	}
	if c.Title != "" {
		return c.Title
	}
	return c.Type
}

// claimLabel is the human label of a claim of a credential type: the
// schema's title, or the claim's own name when the schema has none.
func claimLabel(typeName, name string) string {
	if t, ok := schemas.LookupIn(typeName, uiLanguage()); ok {
		for _, c := range t.Claims {
			if c.Name == name && c.Title != "" {
				return c.Title
			}
		}
	}
	return name
}

// fieldLabel is the label of a member of an object claim, e.g. address.
func fieldLabel(typeName, claim, field string) string {
	if t, ok := schemas.LookupIn(typeName, uiLanguage()); ok {
		for _, c := range t.Claims {
			if c.Name != claim {
				continue
			}
			for _, f := range c.Fields {
				if f.Name == field && f.Title != "" {
					return f.Title
				}
			}
		}
	}
	return field
}

// claimNames returns the credential's claims in schema order, then any
// others sorted by name.
func claimNames(c wallet.Credential) []string {
	t, _ := schemas.Lookup(c.Type)
	return names(schemas.Order(t.Claims, c.Claims))
}

func names(held []schemas.Held) []string {
	out := make([]string, len(held))
	for i, h := range held {
		out[i] = h.Name
	}
	return out
}

// valueOf shows the value of claim (a path such as "address.unit") of a
// credential of type typeName: an enumerated value by its title in the
// screens' language ("No fixed address"), anything else as claimValue.
func valueOf(typeName, claim string, v any) string {
	if s, ok := v.(string); ok {
		return schemas.ValueTitle(typeName, claim, s, uiLanguage())
	}
	return claimValue(v)
}

// claimValue renders a claim value in words.
func claimValue(v any) string {
	switch v := v.(type) {
	case bool:
		if v {
			return lang.L("Yes")
		}
		return lang.L("No")
	case string:
		return v
	case nil:
		return ""
	case []any:
		parts := make([]string, len(v))
		for i, x := range v {
			parts[i] = claimValue(x)
		}
		return strings.Join(parts, ", ")
	}
	return fmt.Sprint(v)
}

// formatDate shows a day in ISO form, which reads the same in every language.
func formatDate(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.Local().Format("2006-01-02")
}

// formatTime shows a moment to the minute.
func formatTime(t time.Time) string { return t.Local().Format("2006-01-02 15:04") }

// formatWait shows a wait before the next PIN try, rounded up.
func formatWait(d time.Duration) string {
	if d < time.Minute {
		return fmt.Sprintf("%d s", int((d+time.Second-1)/time.Second))
	}
	return fmt.Sprintf("%d min", int((d+time.Minute-1)/time.Minute))
}

// formName names a credential form for the history.
func formName(f wallet.Format) string {
	switch f {
	case wallet.FormatQR:
		return lang.L("QR code")
	case wallet.FormatSDJWT:
		return lang.L("Online (SD-JWT)")
	case wallet.FormatLDP:
		return lang.L("Credential file")
	}
	return string(f)
}
