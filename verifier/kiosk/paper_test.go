package kiosk_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cityid/cityid/credential/compact"
	"github.com/cityid/cityid/schemas"
	"github.com/cityid/cityid/verifier"
	"github.com/cityid/cityid/verifier/kiosk"
)

// paperResidency is a printed residency credential (compact paper form).
func (w *world) paperResidency(t *testing.T) []byte {
	t.Helper()
	doc := map[string]any{
		"@context":          []any{schemas.CredentialsV2URL, schemas.CityContextURL},
		"type":              []any{"VerifiableCredential", schemas.ResidencyCredential},
		"issuer":            w.issuer.did,
		"validFrom":         start.Add(-48 * time.Hour).Format(time.RFC3339),
		"credentialSubject": map[string]any{"residentOf": "Springfield", "housingStatus": "noFixedAddress"},
		"credentialStatus": map[string]any{
			"id": statusURL + "#4", "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
			"statusListIndex": strconv.Itoa(4), "statusListCredential": statusURL,
		},
	}
	text, err := compact.IssuePaper(doc, w.issuer.key, compact.IssueOptions{KeyID: w.issuer.vm})
	if err != nil {
		t.Fatal(err)
	}
	return []byte(text)
}

func TestPaperNotice(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	paper := w.paperResidency(t)
	o := w.kiosk(t).Check(ctx, paper)
	if !o.Pass || !o.Paper || o.HolderBound || o.Notice != kiosk.NoticePaper {
		t.Fatalf("paper outcome %+v", o)
	}
	var out bytes.Buffer
	if err := kiosk.Render(&out, o, 80); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "PAPER — compare the printed name with the person") {
		t.Errorf("the pass screen does not tell the clerk to compare the name:\n%s", out.String())
	}

	// A bare (unbound) W3C credential gets the general notice.
	if o := w.kiosk(t).Check(ctx, w.residency(t, 3, nil)); !o.Pass || o.Paper || o.Notice != kiosk.NoticeUnbound {
		t.Errorf("bare credential outcome %+v", o)
	}

	// The counter requires holder binding for residency: the paper is refused.
	strict := w.kiosk(t, func(c *kiosk.Config) { c.RequireHolderBindingFor = []string{schemas.ResidencyCredential} })
	o = strict.Check(ctx, paper)
	if o.Pass || o.ReasonCode != verifier.ReasonHolderProofMissing || !strings.Contains(o.Reason, "paper credential") || o.Advice == "" {
		t.Fatalf("strict outcome %+v", o)
	}
	if len(o.Claims) != 0 || o.Notice != "" {
		t.Errorf("a refused paper shows claims or a notice: %+v", o)
	}
	// Other types still pass there.
	other := w.kiosk(t, func(c *kiosk.Config) { c.RequireHolderBindingFor = []string{schemas.CityIDCredential} })
	if o := other.Check(ctx, paper); !o.Pass || o.Notice != kiosk.NoticePaper {
		t.Errorf("other-type policy outcome %+v", o)
	}
}

func TestRequireHolderForFlag(t *testing.T) {
	cfg, err := parseFlags(t, "--trust", "b.json", "--require-holder-for", "CityIDCredential,ResidencyCredential",
		"--require-holder-for", "CityIDCredential")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(cfg.RequireHolderBindingFor)
	if string(got) != `["CityIDCredential","ResidencyCredential"]` {
		t.Errorf("RequireHolderBindingFor %s", got)
	}
	var l kiosk.TypeList
	if err := l.Set("CityID"); err == nil || !strings.Contains(err.Error(), "CityIDCredential") {
		t.Errorf("an unknown type: %v", err)
	}
}
