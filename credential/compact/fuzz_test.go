package compact

import (
	"bytes"
	"errors"
	"slices"
	"testing"
	"unicode/utf8"

	"github.com/cityid/cityid/credential/compact/base45"
	"github.com/cityid/cityid/schemas"
)

func fuzzSeeds(f *testing.F) []string {
	var out []string
	for _, s := range samples {
		in := issueAll(f, s.typ, s.claims)
		names := claimNames(s.claims)
		slices.Sort(names)
		out = append(out, in.stored, in.paper, present(f, in.stored, names[:1], "c"),
			mustPresentF(f, in.unboundStored))
	}
	// Assisted enrolment: the forms with their evidence member.
	_, vm := keyDID(f, issuerPriv)
	ev := schemas.EvidenceList([]schemas.Evidence{{Kind: schemas.EvidenceShelter, Attester: "Downtown Shelter"}})
	vc := sample(f, schemas.AgeOverCredential, ageOver, holderPriv)
	vc["evidence"] = ev
	stored, err := Issue(vc, issuerPriv, IssueOptions{KeyID: vm, HolderKey: holderPriv.Public(), Rand: &fixedRand{label: "fuzz"}})
	if err != nil {
		f.Fatal(err)
	}
	pvc := sample(f, schemas.AgeOverCredential, ageOver, nil)
	pvc["evidence"] = ev
	paper, err := IssuePaper(pvc, issuerPriv, IssueOptions{KeyID: vm})
	if err != nil {
		f.Fatal(err)
	}
	out = append(out, stored, paper, present(f, stored, []string{"ageOver18"}, "c"))
	return out
}

func mustPresentF(f *testing.F, stored string) string {
	p, err := Present(stored, nil, nil, PresentOptions{})
	if err != nil {
		f.Fatal(err)
	}
	return p
}

// FuzzVerify feeds arbitrary text to Verify and ParseUnsafe: no panics, and
// whatever Verify accepts, ParseUnsafe reads with the same Digest and type.
func FuzzVerify(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Add("CID1:")
	f.Add("CID9:ABC")
	keys := testKeys(f, issuerPriv)
	opts := verifyOpts(f)
	opts.Challenge = "c"
	f.Fuzz(func(t *testing.T, text string) {
		v, err := Verify(text, keys, opts)
		p, perr := ParseUnsafe(text)
		if err == nil && (perr != nil || !bytes.Equal(p.Digest, v.Digest) || p.Type != v.Type) {
			t.Fatalf("Verify accepted what ParseUnsafe reads as %+v, %v", p, perr)
		}
		if err != nil && !named(err) || perr != nil && !named(perr) {
			t.Fatalf("unnamed errors: %v / %v", err, perr)
		}
	})
}

// FuzzParse feeds arbitrary binary data (behind the prefix, in Base45) to
// the decoder, so the fuzzer explores CBOR rather than the alphabet. What it
// accepts is the deterministic encoding of what it read.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		data, err := decodeText(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	keys := testKeys(f, issuerPriv)
	opts := verifyOpts(f)
	opts.Challenge = "c"
	f.Fuzz(func(t *testing.T, data []byte) {
		text := Prefix + base45.Encode(data)
		p, err := parse(text)
		if err != nil {
			if !named(err) {
				t.Fatalf("unnamed error %v", err)
			}
			return
		}
		if !bytes.Equal(encode(p.elems), p.data) {
			t.Fatal("accepted data that is not deterministic CBOR")
		}
		if _, err := ParseUnsafe(text); err != nil {
			t.Fatalf("parse accepted, ParseUnsafe refused: %v", err)
		}
		Verify(text, keys, opts)
	})
}

// The round trip issue → present → verify holds for fuzzed claim text.
func FuzzRoundTrip(f *testing.F) {
	f.Add("Maria", "Garcia Lopez", "Springfield")
	f.Add("Ana María", "O'Neil-Núñez", "Ciudad de México")
	_, vm := keyDID(f, issuerPriv)
	keys := testKeys(f, issuerPriv)
	f.Fuzz(func(t *testing.T, given, family, city string) {
		claims := map[string]any{"givenName": given, "familyName": family, "birthDate": "1987-03-14", "residentOf": city}
		if schemas.Validate(schemas.CityIDCredential, claims) != nil {
			return
		}
		vc := sample(t, schemas.CityIDCredential, claims, holderPriv)
		stored, err := Issue(vc, issuerPriv, IssueOptions{KeyID: vm, HolderKey: holderPriv.Public()})
		if errors.Is(err, ErrCredential) && !(utf8.ValidString(given) && utf8.ValidString(family) && utf8.ValidString(city)) {
			return // JSON text is always UTF-8; a Go caller's may not be
		}
		if err != nil {
			t.Fatal(err)
		}
		v, err := Verify(present(t, stored, []string{"givenName", "familyName", "residentOf"}, ""), keys, verifyOpts(t))
		if err != nil {
			t.Fatal(err)
		}
		s := v.Credential["credentialSubject"].(map[string]any)
		if s["givenName"] != given || s["familyName"] != family || s["residentOf"] != city || s["birthDate"] != nil {
			t.Fatalf("got %v", s)
		}
	})
}
