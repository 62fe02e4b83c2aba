package schemas

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// TestJSONLDExpandsEvidence: every evidence term expands in safe mode (the
// VC v2 context has no @vocab, so an undefined term would be an error) to
// the city vocabulary.
func TestJSONLDExpandsEvidence(t *testing.T) {
	doc := credential(AgeOverCredential, map[string]any{"id": "did:example:1", "ageOver18": true})
	doc["evidence"] = EvidenceList([]Evidence{{Kind: EvidenceShelter, Attester: "Downtown Shelter"}, {Kind: EvidenceDocuments}})
	exp, err := expand(t, doc, true)
	if err != nil {
		t.Fatalf("safe mode expansion: %v", err)
	}
	vc := exp[0].(map[string]any)
	evs, _ := vc["https://www.w3.org/2018/credentials#evidence"].([]any)
	if len(evs) != 2 {
		t.Fatalf("evidence expanded to %v", vc["https://www.w3.org/2018/credentials#evidence"])
	}
	var kinds []string
	for _, e := range evs {
		node := e.(map[string]any)
		if !reflect.DeepEqual(node["@type"], []any{CityVocab + "Evidence", CityVocab + EvidenceType}) {
			t.Errorf("evidence @type %v", node["@type"])
		}
		k := node[CityVocab+"evidenceKind"].([]any)[0].(map[string]any)["@value"].(string)
		kinds = append(kinds, k)
		if k == EvidenceShelter {
			if a := node[CityVocab+"attester"].([]any)[0].(map[string]any)["@value"]; a != "Downtown Shelter" {
				t.Errorf("attester expanded to %v", a)
			}
		}
	}
	if strings.Join(kinds, ",") != EvidenceShelter+","+EvidenceDocuments {
		t.Errorf("kinds %v", kinds)
	}
}

func TestParseEvidenceRoundTrip(t *testing.T) {
	in := []Evidence{{Kind: EvidenceCaseworker, Attester: "Ana Ruiz, Eastside Outreach"}, {Kind: EvidenceDocuments}}
	// Through JSON-like values: []any of map[string]any.
	got, err := ParseEvidence(EvidenceList(in))
	if err != nil || !reflect.DeepEqual(got, in) {
		t.Fatalf("ParseEvidence = %v, %v; want %v", got, err, in)
	}
	one, err := ParseEvidence(in[0].Map())
	if err != nil || len(one) != 1 || one[0] != in[0] {
		t.Fatalf("a single object: %v, %v", one, err)
	}
	if got, err := ParseEvidence(nil); got != nil || err != nil {
		t.Fatalf("nil: %v, %v", got, err)
	}
}

func TestParseEvidenceRefuses(t *testing.T) {
	good := func() map[string]any { return Evidence{Kind: EvidenceShelter, Attester: "Downtown Shelter"}.Map() }
	cases := map[string]any{
		"not an object":           []any{"shelter"},
		"empty list":              []any{},
		"too many":                []any{good(), good(), good(), good(), good()},
		"unknown kind":            map[string]any{"type": []any{"Evidence", EvidenceType}, "evidenceKind": "rumour", "attester": "X"},
		"no attester":             map[string]any{"type": []any{"Evidence", EvidenceType}, "evidenceKind": EvidenceShelter},
		"documents with attester": map[string]any{"type": []any{"Evidence", EvidenceType}, "evidenceKind": EvidenceDocuments, "attester": "X"},
		"wrong type":              map[string]any{"type": []any{"Evidence"}, "evidenceKind": EvidenceShelter, "attester": "X"},
		"extra member":            func() map[string]any { m := good(); m["id"] = "urn:x"; return m }(),
		"kind not text":           func() map[string]any { m := good(); m["evidenceKind"] = 2.0; return m }(),
		"control character":       func() map[string]any { m := good(); m["attester"] = "Down\x1btown"; return m }(),
		"name too long":           func() map[string]any { m := good(); m["attester"] = strings.Repeat("a", MaxAttesterName+1); return m }(),
		"a number":                3.0,
	}
	for name, v := range cases {
		if _, err := ParseEvidence(v); !errors.Is(err, ErrEvidence) {
			t.Errorf("%s: err = %v, want ErrEvidence", name, err)
		}
	}
}

func TestEvidenceDescribe(t *testing.T) {
	for e, want := range map[Evidence]string{
		{Kind: EvidenceShelter, Attester: "Downtown Shelter"}: "Identity attested by a shelter (Downtown Shelter)",
		{Kind: EvidenceCaseworker, Attester: "Ana Ruiz"}:      "Identity attested by a caseworker (Ana Ruiz)",
		{Kind: EvidenceDocuments}:                             "Identity established from documents seen at the city counter",
	} {
		if got := e.Describe(); got != want {
			t.Errorf("%v: %q, want %q", e, got, want)
		}
	}
}

// FuzzParseEvidence: arbitrary JSON never panics; what ParseEvidence
// accepts is exactly what EvidenceList writes back, and every refusal wraps
// ErrEvidence.
func FuzzParseEvidence(f *testing.F) {
	for _, v := range []any{
		EvidenceList([]Evidence{{Kind: EvidenceShelter, Attester: "Downtown Shelter"}}),
		EvidenceList([]Evidence{{Kind: EvidenceDocuments}, {Kind: EvidenceCaseworker, Attester: "Ana Ruiz"}}),
		Evidence{Kind: EvidenceCaseworker, Attester: "Ana"}.Map(),
	} {
		b, _ := json.Marshal(v)
		f.Add(b)
	}
	f.Add([]byte(`[{"type":["Evidence","IdentityEvidence"],"evidenceKind":"shelterAttestation","attester":" x"}]`))
	f.Add([]byte(`{"type":"Evidence"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var v any
		if json.Unmarshal(data, &v) != nil {
			return
		}
		list, err := ParseEvidence(v)
		if err != nil {
			if !errors.Is(err, ErrEvidence) {
				t.Fatalf("error %v does not wrap ErrEvidence", err)
			}
			return
		}
		if v == nil {
			return
		}
		for _, e := range list {
			if e.Check() != nil || e.Describe() == "" {
				t.Fatalf("accepted a bad entry %+v", e)
			}
		}
		again, err := ParseEvidence(EvidenceList(list))
		if err != nil || !reflect.DeepEqual(again, list) {
			t.Fatalf("round trip: %v, %v; want %v", again, err, list)
		}
	})
}

func ExampleParseEvidence() {
	// The evidence property as a credential carries it (decoded JSON).
	var doc map[string]any
	_ = json.Unmarshal([]byte(`{"evidence": [{"type": ["Evidence", "IdentityEvidence"],
		"evidenceKind": "shelterAttestation", "attester": "Downtown Shelter"}]}`), &doc)
	list, err := ParseEvidence(doc["evidence"])
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range list {
		fmt.Println(e.Kind, "/", e.Attester)
		fmt.Println(e.Describe())
	}
	// Output:
	// shelterAttestation / Downtown Shelter
	// Identity attested by a shelter (Downtown Shelter)
}
