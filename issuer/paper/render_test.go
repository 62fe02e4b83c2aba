package paper_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/cityid/cityid/issuer"
	"github.com/cityid/cityid/issuer/paper"
)

func sample() *issuer.PaperCredential {
	return &issuer.PaperCredential{
		ID: "urn:uuid:3f0c2a4e-8b1d-4c6e-9a55-0d7e2b9c4f10", Type: "ResidencyCredential",
		IssuerDID: "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2", IssuerName: "Springfield",
		ValidFrom: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC),
		Claims: map[string]any{"residentOf": "Springfield", "housingStatus": "housed",
			"address": map[string]any{"streetAddress": "742 Evergreen Terrace", "postalCode": "49007", "addressLocality": "Springfield"}},
		Text: "CID1:TEST",
	}
}

func TestRenderRefusesBadInput(t *testing.T) {
	empty := sample()
	empty.Claims = nil
	noText := sample()
	noText.Text = ""
	for name, c := range map[string]struct {
		pc   *issuer.PaperCredential
		opts paper.Options
	}{
		"nil":       {nil, paper.Options{}},
		"no text":   {noText, paper.Options{}},
		"no claims": {empty, paper.Options{}},
		"bad size":  {sample(), paper.Options{Size: "a5"}},
		"bad lang":  {sample(), paper.Options{Lang: "fr"}},
		"huge claim": {func() *issuer.PaperCredential {
			p := sample()
			p.Claims["residentOf"] = strings.Repeat("Springfield ", 400)
			return p
		}(), paper.Options{}},
	} {
		if err := paper.Render(io.Discard, c.pc, c.opts); !errors.Is(err, paper.ErrInput) {
			t.Errorf("%s: %v, want ErrInput", name, err)
		}
	}
	if _, err := paper.ParseLang("es-MX"); err != nil {
		t.Errorf("es-MX: %v", err)
	}
	if _, err := paper.ParseLang("fr"); err == nil {
		t.Error("fr accepted")
	}
}

// Render never panics and either prints or names what is wrong, whatever
// text the claims hold (long words, accents, scripts the font lacks).
func FuzzRender(f *testing.F) {
	f.Add("Springfield", "742 Evergreen Terrace")
	f.Add(strings.Repeat("W", 300), "")
	f.Add("Ñandú ÁÉÍÓÚ ü ¿¡", "東京")
	f.Fuzz(func(t *testing.T, resident, street string) {
		pc := sample()
		pc.Claims["residentOf"] = resident
		pc.Claims["address"] = map[string]any{"streetAddress": street}
		var out bytes.Buffer
		if err := paper.Render(&out, pc, paper.Options{}); err != nil && !errors.Is(err, paper.ErrInput) {
			t.Fatalf("unexpected error: %v", err)
		}
	})
}
