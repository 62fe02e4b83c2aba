package issuer

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/go-jose/go-jose/v4"

	"github.com/cityid/cityid/did"
	"github.com/cityid/cityid/internal/interop"
	"github.com/cityid/cityid/schemas"
)

// TestEvidenceInterop: credentials issued on an attestation verify with the
// independent libraries: Digital Bazaar's @digitalbazaar/vc (so the city
// context defines every evidence term: the VC v2 context has no @vocab) and
// the OWF SD-JWT VC library, which sees the evidence claim as issued.
func TestEvidenceInterop(t *testing.T) {
	interop.Require(t)
	ctx := context.Background()
	s := newService(t)
	h := newHolder(t)
	if _, err := s.AddAttester(ctx, cli, "Downtown Shelter", AttesterShelter); err != nil {
		t.Fatal(err)
	}
	issue := func(f Format) []byte {
		rec, err := s.Issue(ctx, cli, IssueRequest{Type: schemas.ResidencyCredential, Subject: h.did, Format: f,
			Claims: residencyClaims(), AttestedBy: "Downtown Shelter"})
		if err != nil {
			t.Fatal(err)
		}
		return rec.Credential
	}
	if out, err := interop.RunNode(issue(FormatLDP), "di-verify.mjs", "--skip-status"); err != nil {
		t.Fatalf("Digital Bazaar refuses the ldp_vc with evidence: %v\n%s", err, out)
	}

	pub, err := did.ParseKeyDID(s.DID())
	if err != nil {
		t.Fatal(err)
	}
	jwk, err := jose.JSONWebKey{Key: pub}.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	in, _ := json.Marshal(map[string]any{"token": string(issue(FormatSDJWT)), "issuerPublicJwk": json.RawMessage(jwk)})
	var out struct {
		Payload map[string]any `json:"payload"`
	}
	if err := json.Unmarshal(interop.Node(t, in, "sdjwt-verify.mjs"), &out); err != nil {
		t.Fatal(err)
	}
	want := []schemas.Evidence{{Kind: schemas.EvidenceShelter, Attester: "Downtown Shelter"}}
	if got, err := schemas.ParseEvidence(out.Payload["evidence"]); err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("evidence as the OWF library sees it: %v (%v)", out.Payload["evidence"], err)
	}
}
