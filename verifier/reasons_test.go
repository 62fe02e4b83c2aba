package verifier_test

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/cityid/cityid/credential/compact"
	"github.com/cityid/cityid/verifier"
)

// ReasonConstants returns the value of every constant of type Reason (or
// verifier.Reason) declared in the non-test Go files of dir, read from the
// source so that a new Reason cannot be forgotten.
func reasonConstants(t *testing.T, dir string) map[string]verifier.Reason {
	t.Helper()
	out := map[string]verifier.Reason{}
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			vs, ok := n.(*ast.ValueSpec)
			if !ok || vs.Type == nil {
				return true
			}
			typ := ""
			switch x := vs.Type.(type) {
			case *ast.Ident:
				typ = x.Name
			case *ast.SelectorExpr:
				typ = x.Sel.Name
			}
			if typ != "Reason" {
				return true
			}
			for i, id := range vs.Names {
				lit, ok := vs.Values[i].(*ast.BasicLit)
				if !ok {
					t.Fatalf("%s: %s is not a string literal", name, id.Name)
				}
				v, _ := strconv.Unquote(lit.Value)
				out[id.Name] = verifier.Reason(v)
			}
			return true
		})
	}
	if len(out) == 0 {
		t.Fatalf("no Reason constants found in %s", dir)
	}
	return out
}

// CheckPlain fails unless msg is a plain-words message: a sentence, not a
// bare "invalid", no Go error prefixes.
func checkPlain(t *testing.T, what, msg string) {
	t.Helper()
	bare := strings.ToLower(strings.Trim(strings.TrimSpace(msg), ".!"))
	switch {
	case len(msg) < 40:
		t.Errorf("%s: message %q is too short to say what happened and what to do", what, msg)
	case bare == "invalid" || bare == "invalid credential" || bare == "not valid" || bare == "error" || bare == "failed":
		t.Errorf("%s: message %q says nothing", what, msg)
	case strings.Contains(msg, "compact:") || strings.Contains(msg, "sdjwt:") || strings.Contains(msg, "%!"):
		t.Errorf("%s: message %q holds program text", what, msg)
	}
}

// TestEveryReasonHasPlainMessage: every Reason constant of the package has
// a plain staff message, and the reasons residents meet most use the words
// of issue 6.
func TestEveryReasonHasPlainMessage(t *testing.T) {
	consts := reasonConstants(t, ".")
	known := map[verifier.Reason]bool{}
	for _, r := range verifier.Reasons() {
		known[r] = true
	}
	for name, r := range consts {
		if !known[r] {
			t.Errorf("%s (%q) has no staff message in reasons.go", name, r)
			continue
		}
		checkPlain(t, name, r.StaffMessage())
	}
	if len(known) != len(consts) {
		t.Errorf("%d staff messages for %d Reason constants", len(known), len(consts))
	}
	for r, words := range map[verifier.Reason][]string{
		verifier.ReasonExpired:         {"Expired"},
		verifier.ReasonRevoked:         {"Revoked"},
		verifier.ReasonUntrustedIssuer: {"Not from a trusted issuer"},
		verifier.ReasonKeyUnresolvable: {"Not from a trusted issuer"},
		verifier.ReasonMalformed:       {"Damaged code", "paper", "new code", "counter"},
	} {
		for _, w := range words {
			if !strings.Contains(r.StaffMessage(), w) {
				t.Errorf("%s: %q lacks %q", r, r.StaffMessage(), w)
			}
		}
	}
	if m := verifier.Reason("brand_new").StaffMessage(); !strings.Contains(m, "brand_new") || !strings.Contains(m, "counter") {
		t.Errorf("an unknown reason: %q", m)
	}
}

// TestDamagedCodeSaysSo: a QR code whose content does not read (bad Base45,
// truncated, not this format's CBOR) fails with "damaged code" and what to
// do, never a bare error.
func TestDamagedCodeSaysSo(t *testing.T) {
	w := newWorld(t)
	v := w.verifier(t)
	cred := w.compactCredential(t, w.issuer, 3, true)
	for name, text := range map[string]string{
		"lower case":    compact.Prefix + strings.ToLower(strings.TrimPrefix(cred, compact.Prefix)),
		"truncated":     cred[:len(cred)-3],
		"empty content": compact.Prefix,
		"garbage":       "CID1:!!!!",
	} {
		res := v.Verify(context.Background(), []byte(text))
		if res.Verified || res.Checks.Proof.Reason != verifier.ReasonMalformed {
			t.Errorf("%s: %+v", name, res.Checks.Proof)
			continue
		}
		msg := res.Checks.Proof.Message
		for _, want := range []string{"damaged code", "paper credential", "new code", "counter"} {
			if !strings.Contains(msg, want) {
				t.Errorf("%s: %q lacks %q", name, msg, want)
			}
		}
	}
	// A wallet's stored credential is not damaged: it says what to show instead.
	res := v.Verify(context.Background(), []byte(w.compactCredential(t, w.issuer, 3, false)))
	if res.Checks.Proof.Reason != verifier.ReasonUnsupportedFormat || !strings.Contains(res.Checks.Proof.Message, "Show screen") {
		t.Errorf("stored credential: %+v", res.Checks.Proof)
	}
}

// TestFailuresCarryStaffMessage: every failure of a Result carries its
// reason's staff message, so the CLI's JSON and agencies' screens have it.
func TestFailuresCarryStaffMessage(t *testing.T) {
	w := newWorld(t)
	v := w.verifier(t)
	res := v.Verify(context.Background(), []byte(compact.Prefix+"%%%%"))
	if len(res.Failures) == 0 {
		t.Fatal("no failures")
	}
	for _, f := range res.Failures {
		if f.StaffMessage == "" || f.StaffMessage != f.Reason.StaffMessage() {
			t.Errorf("failure %+v lacks its staff message", f)
		}
	}
}
