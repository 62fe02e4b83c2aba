package compact

import (
	"errors"
	"reflect"
	"testing"

	"github.com/cityid/cityid/schemas"
)

var shelterEvidence = []schemas.Evidence{{Kind: schemas.EvidenceShelter, Attester: "Downtown Shelter"}}

// issueAttested issues claims of typ with evidence: a holder-bound stored
// credential and a paper credential.
func issueAttested(t *testing.T, typ string, claims map[string]any, ev []schemas.Evidence) (stored, paper string) {
	t.Helper()
	_, vm := keyDID(t, issuerPriv)
	vc := sample(t, typ, claims, holderPriv)
	vc["evidence"] = schemas.EvidenceList(ev)
	stored, err := Issue(vc, issuerPriv, IssueOptions{KeyID: vm, HolderKey: holderPriv.Public(), Rand: &fixedRand{label: "evidence"}})
	if err != nil {
		t.Fatal(err)
	}
	pvc := sample(t, typ, claims, nil)
	pvc["evidence"] = schemas.EvidenceList(ev)
	if paper, err = IssuePaper(pvc, issuerPriv, IssueOptions{KeyID: vm}); err != nil {
		t.Fatal(err)
	}
	return stored, paper
}

// TestEvidenceCarried: the evidence reaches the expanded credential of a
// presentation (whatever claims are shown) and of a paper credential, and
// ParseUnsafe shows it to the wallet.
func TestEvidenceCarried(t *testing.T) {
	ev := []schemas.Evidence{{Kind: schemas.EvidenceCaseworker, Attester: "Ana Ruiz, Eastside Outreach"}, {Kind: schemas.EvidenceDocuments}}
	stored, paper := issueAttested(t, schemas.AgeOverCredential, ageOver, ev)
	for name, text := range map[string]string{
		"all claims": present(t, stored, claimNames(ageOver), ""),
		"one claim":  present(t, stored, []string{"ageOver21"}, "K7Q2"),
		"paper":      paper,
		"no claim":   present(t, stored, nil, ""),
	} {
		opts := verifyOpts(t)
		if name == "one claim" {
			opts.Challenge = "K7Q2"
		}
		v, err := Verify(text, testKeys(t, issuerPriv), opts)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, err := schemas.ParseEvidence(jsonValue(t, v.Credential).(map[string]any)["evidence"])
		if err != nil || !reflect.DeepEqual(got, ev) {
			t.Errorf("%s: evidence %v (%v), want %v", name, got, err, ev)
		}
	}
	p, err := ParseUnsafe(stored)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := schemas.ParseEvidence(jsonValue(t, p.Credential).(map[string]any)["evidence"]); !reflect.DeepEqual(got, ev) {
		t.Errorf("ParseUnsafe evidence %v", got)
	}
}

// TestEvidenceCannotBeChanged: removing, replacing or adding evidence breaks
// the issuer's signature; a malformed evidence member is refused as
// malformed.
func TestEvidenceCannotBeChanged(t *testing.T) {
	stored, paper := issueAttested(t, schemas.ResidencyCredential, shelter, shelterEvidence)
	pres := present(t, stored, []string{"residentOf"}, "")
	plain := issueAll(t, schemas.ResidencyCredential, shelter)
	plainPres := present(t, plain.stored, []string{"residentOf"}, "")
	reencode := func(e []any) string { return Prefix + base45Encode(encode(e)) }
	payload := func(text string, f func(b []any) []any) string {
		e := decodeForTest(t, text)
		body, err := decodeCBOR(e[2].([]byte))
		if err != nil {
			t.Fatal(err)
		}
		e[2] = encode(f(body))
		return reencode(e)
	}
	other := []any{[]any{uint64(2), "Someone Else"}}
	cases := []struct {
		name string
		text string
		want error
	}{
		{"presentation: evidence removed", reencode(decodeForTest(t, pres)[:11]), ErrSignature},
		{"presentation: attester changed", mutate(t, pres, func(e []any) { e[11] = []any{[]any{uint64(3), "Uptown Shelter"}} }), ErrSignature},
		{"presentation: kind changed", mutate(t, pres, func(e []any) { e[11] = []any{[]any{uint64(2), "Downtown Shelter"}} }), ErrSignature},
		{"presentation: evidence added", reencode(append(decodeForTest(t, plainPres), other)), ErrSignature},
		{"presentation: unknown kind", mutate(t, pres, func(e []any) { e[11] = []any{[]any{uint64(9), "X"}} }), ErrCBOR},
		{"presentation: empty evidence", mutate(t, pres, func(e []any) { e[11] = []any{} }), ErrCBOR},
		{"presentation: shelter without attester", mutate(t, pres, func(e []any) { e[11] = []any{[]any{uint64(3)}} }), ErrCBOR},
		{"presentation: documents with attester", mutate(t, pres, func(e []any) { e[11] = []any{[]any{uint64(1), "X"}} }), ErrCBOR},
		{"presentation: not an array", mutate(t, pres, func(e []any) { e[11] = uint64(3) }), ErrCBOR},
		{"paper: evidence removed", payload(paper, func(b []any) []any { return b[:6] }), ErrSignature},
		{"paper: attester changed", payload(paper, func(b []any) []any { b[6] = []any{[]any{uint64(3), "Uptown"}}; return b }), ErrSignature},
		{"paper: evidence added", payload(plain.paper, func(b []any) []any { return append(b, other) }), ErrSignature},
	}
	for _, c := range cases {
		_, err := Verify(c.text, testKeys(t, issuerPriv), verifyOpts(t))
		if !errors.Is(err, c.want) {
			t.Errorf("%s: err = %v, want %v", c.name, err, c.want)
		}
	}
}

// TestEvidenceRefusedAtIssue: Issue refuses evidence it cannot carry.
func TestEvidenceRefusedAtIssue(t *testing.T) {
	_, vm := keyDID(t, issuerPriv)
	for name, ev := range map[string]any{
		"unknown kind":  []any{map[string]any{"type": []any{"Evidence", schemas.EvidenceType}, "evidenceKind": "rumour", "attester": "X"}},
		"other members": []any{map[string]any{"type": []any{"Evidence", schemas.EvidenceType}, "evidenceKind": schemas.EvidenceShelter, "attester": "X", "id": "urn:x"}},
		"a string":      "shelter",
	} {
		vc := sample(t, schemas.AgeOverCredential, ageOver, holderPriv)
		vc["evidence"] = ev
		if _, err := Issue(vc, issuerPriv, IssueOptions{KeyID: vm, HolderKey: holderPriv.Public()}); !errors.Is(err, ErrCredential) {
			t.Errorf("%s: err = %v, want ErrCredential", name, err)
		}
	}
}
