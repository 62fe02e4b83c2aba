package verifier_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/cityid/cityid/credential/compact"
	"github.com/cityid/cityid/verifier"
)

// RequireHolderBindingFor refuses paper and unbound codes of the listed
// types only, and every result without holder proof is flagged.
func TestRequireHolderBindingFor(t *testing.T) {
	w := newWorld(t)
	paper := []byte(w.compactCredential(t, w.issuer, 3, true))
	cred := w.compactCredential(t, w.issuer, 4, false)
	bound, err := compact.Present(cred, []string{"residentOf"}, w.holder.key, compact.PresentOptions{Time: now})
	if err != nil {
		t.Fatal(err)
	}

	// The paper's type (Residency) is not listed: accepted, flagged.
	other := w.verifier(t, func(p *verifier.Policy) { p.RequireHolderBindingFor = []string{"CityIDCredential"} })
	res := other.Verify(context.Background(), paper)
	checkResult(t, res, expect{verified: true})
	if !res.Paper || !res.NoHolderBinding {
		t.Fatalf("paper %v, no_holder_binding %v", res.Paper, res.NoHolderBinding)
	}
	out, _ := json.Marshal(res)
	if !strings.Contains(string(out), `"paper":true`) || !strings.Contains(string(out), `"no_holder_binding":true`) {
		t.Fatalf("the JSON result does not flag the paper: %s", out)
	}

	// Listed: refused with a plain reason; a wallet's bound code passes.
	strict := w.verifier(t, func(p *verifier.Policy) { p.RequireHolderBindingFor = []string{"ResidencyCredential"} })
	res = strict.Verify(context.Background(), paper)
	checkResult(t, res, expect{check: "holder_binding", reason: verifier.ReasonHolderProofMissing})
	if msg := res.Failures[0].Message; !strings.Contains(msg, "paper credential") || !strings.Contains(msg, "Residency") {
		t.Errorf("message %q does not say why", msg)
	}
	if len(res.Failures) != 1 || !res.NoHolderBinding || res.Claims["residentOf"] != "Springfield" {
		t.Errorf("%+v", res)
	}
	res = strict.Verify(context.Background(), []byte(bound))
	checkResult(t, res, expect{verified: true})
	if res.NoHolderBinding || res.Paper {
		t.Errorf("a holder-bound code is flagged: %+v", res)
	}

	// A bare W3C credential of a listed type has no holder proof either.
	ldp := mustJSON(t, w.signLDP(t, w.issuer, w.residency(w.issuer.did, 5)))
	checkResult(t, strict.Verify(context.Background(), ldp), expect{check: "holder_binding", reason: verifier.ReasonHolderProofMissing})
	res = other.Verify(context.Background(), ldp)
	checkResult(t, res, expect{verified: true})
	if !res.NoHolderBinding || res.Paper {
		t.Errorf("bare credential: %+v", res)
	}

	for _, bad := range []string{"", "VerifiableCredential", " CityIDCredential"} {
		p := verifier.DefaultPolicy(nil)
		p.CheckProofsOnly = true
		p.RequireHolderBindingFor = []string{bad}
		if _, err := verifier.New(p); !errors.Is(err, verifier.ErrPolicy) {
			t.Errorf("RequireHolderBindingFor %q: %v", bad, err)
		}
	}
}
