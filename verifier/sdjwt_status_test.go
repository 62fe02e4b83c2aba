package verifier_test

import (
	"context"
	"testing"
	"time"

	"github.com/cityid/cityid/credential"
	"github.com/cityid/cityid/credential/sdjwt"
	"github.com/cityid/cityid/credential/status"
	"github.com/cityid/cityid/schemas"
	"github.com/cityid/cityid/verifier"
)

// An SD-JWT VC carries the same Bitstring Status List entries as the W3C form
// under status.bitstring_status_list, checked against the bundle's lists.
func TestSDJWTStatus(t *testing.T) {
	w := newWorld(t)
	v := w.verifier(t)
	issue := func(st map[string]any) []byte {
		tok, err := sdjwt.Issue(map[string]any{"ageOver18": true}, w.issuer.key, sdjwt.IssueOptions{
			Issuer: w.issuer.did, KeyID: w.issuer.vm, VCT: credential.VCT(schemas.AgeOverCredential),
			IssuedAt: now.Add(-time.Hour), HolderKey: w.holder.key.Public(), Disclosable: []string{"ageOver18"}, Status: st,
		})
		if err != nil {
			t.Fatal(err)
		}
		return []byte(tok)
	}
	entry := func(i int) map[string]any {
		return status.Entry{ID: statusURL + "#" + itoa(i), Purpose: status.PurposeRevocation, Index: i, ListCredential: statusURL}.Map()
	}
	checkResult(t, v.Verify(context.Background(), issue(map[string]any{verifier.SDJWTStatusMechanism: []any{entry(3)}})), expect{verified: true})
	checkResult(t, v.Verify(context.Background(), issue(map[string]any{verifier.SDJWTStatusMechanism: []any{entry(revokedIndex)}})),
		expect{check: "status", reason: verifier.ReasonRevoked})
	checkResult(t, v.Verify(context.Background(), issue(map[string]any{"status_list": map[string]any{"idx": 1, "uri": "https://x.example/sl"}})),
		expect{check: "status", reason: verifier.ReasonStatusUnavailable})
}
