package compact

import (
	"errors"
	"reflect"
	"testing"

	"github.com/cityid/cityid/schemas"
)

// A minimal-disclosure paper credential carries exactly the chosen claims,
// even when the type's schema requires others (the whole credential is
// validated), and its signature covers only them.
func TestIssuePaperClaims(t *testing.T) {
	_, vm := keyDID(t, issuerPriv)
	keys := testKeys(t, issuerPriv)
	vc := sample(t, schemas.CityIDCredential, cityID, nil)
	paper, err := IssuePaper(vc, issuerPriv, IssueOptions{KeyID: vm, PaperClaims: []string{"residentOf", "givenName"}})
	if err != nil {
		t.Fatal(err)
	}
	full, err := IssuePaper(vc, issuerPriv, IssueOptions{KeyID: vm})
	if err != nil {
		t.Fatal(err)
	}
	if len(paper) >= len(full) {
		t.Errorf("the two-claim paper (%d chars) is not shorter than the full one (%d)", len(paper), len(full))
	}
	v, err := Verify(paper, keys, verifyOpts(t))
	if err != nil {
		t.Fatal(err)
	}
	subject, _ := v.Credential["credentialSubject"].(map[string]any)
	want := map[string]any{"residentOf": "Springfield", "givenName": "Maria"}
	if !reflect.DeepEqual(subject, want) || !v.Paper {
		t.Errorf("paper subject %v (paper %v), want %v", subject, v.Paper, want)
	}

	for _, c := range []struct {
		name  string
		vc    map[string]any
		names []string
	}{
		{"no claim", vc, []string{}},
		{"unknown claim", vc, []string{"residentOf", "shoeSize"}},
		{"claim the credential lacks", sample(t, schemas.CityIDCredential, map[string]any{"givenName": "A", "familyName": "B", "birthDate": "1990-01-01"}, nil), []string{"residentOf"}},
		{"invalid whole credential", sample(t, schemas.CityIDCredential, map[string]any{"residentOf": "Springfield"}, nil), []string{"residentOf"}},
	} {
		if _, err := IssuePaper(c.vc, issuerPriv, IssueOptions{KeyID: vm, PaperClaims: c.names}); !errors.Is(err, ErrCredential) {
			t.Errorf("%s: got %v, want ErrCredential", c.name, err)
		}
	}
	if _, err := Issue(vc, issuerPriv, IssueOptions{KeyID: vm, PaperClaims: []string{"residentOf"}}); !errors.Is(err, ErrCredential) {
		t.Errorf("Issue with PaperClaims: %v", err)
	}
}
