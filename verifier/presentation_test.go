package verifier_test

import (
	"context"
	"testing"
	"time"

	"github.com/cityid/cityid/credential/dataintegrity"
	"github.com/cityid/cityid/schemas"
	"github.com/cityid/cityid/verifier"
)

// presentation wraps a signed credential in a VP signed by p.
func (w *world) presentation(t *testing.T, p party, vc map[string]any, challenge, domain string, created time.Time) []byte {
	t.Helper()
	vp := map[string]any{
		"@context":             []any{schemas.CredentialsV2URL, schemas.CityContextURL},
		"type":                 []any{"VerifiablePresentation"},
		"holder":               p.did,
		"verifiableCredential": []any{vc},
	}
	signed, err := dataintegrity.Sign(vp, p.key, dataintegrity.SignOptions{
		Cryptosuite:        "eddsa-rdfc-2022",
		VerificationMethod: p.vm,
		ProofPurpose:       "authentication",
		Created:            created,
		Challenge:          challenge,
		Domain:             domain,
	})
	if err != nil {
		t.Fatal(err)
	}
	return mustJSON(t, signed)
}

func TestLDPPresentations(t *testing.T) {
	w := newWorld(t)
	v := w.verifier(t, func(p *verifier.Policy) {
		p.RequireHolderBinding = true
		p.Challenge, p.Audience = "c-42", "https://counter.example"
	})
	vc := w.signLDP(t, w.issuer, w.residency(w.issuer.did, 3))
	cases := []struct {
		name string
		data func(t *testing.T) []byte
		want expect
	}{
		{"holder presents", func(t *testing.T) []byte {
			return w.presentation(t, w.holder, vc, "c-42", "https://counter.example", now.Add(-time.Minute))
		}, expect{verified: true}},
		{"someone else presents the holder's credential", func(t *testing.T) []byte {
			return w.presentation(t, w.attacker, vc, "c-42", "https://counter.example", now.Add(-time.Minute))
		}, expect{check: "holder_binding", reason: verifier.ReasonHolderMismatch}},
		{"replayed: other challenge", func(t *testing.T) []byte {
			return w.presentation(t, w.holder, vc, "c-41", "https://counter.example", now.Add(-time.Minute))
		}, expect{check: "holder_binding", reason: verifier.ReasonChallengeMismatch}},
		{"made for another verifier", func(t *testing.T) []byte {
			return w.presentation(t, w.holder, vc, "c-42", "https://elsewhere.example", now.Add(-time.Minute))
		}, expect{check: "holder_binding", reason: verifier.ReasonAudienceMismatch}},
		{"old presentation", func(t *testing.T) []byte {
			return w.presentation(t, w.holder, vc, "c-42", "https://counter.example", now.Add(-time.Hour))
		}, expect{check: "holder_binding", reason: verifier.ReasonPresentationExpired}},
		{"revoked credential inside", func(t *testing.T) []byte {
			revoked := w.signLDP(t, w.issuer, w.residency(w.issuer.did, revokedIndex))
			return w.presentation(t, w.holder, revoked, "c-42", "https://counter.example", now.Add(-time.Minute))
		}, expect{check: "status", reason: verifier.ReasonRevoked}},
		{"tampered credential inside", func(t *testing.T) []byte {
			forged := w.signLDP(t, w.issuer, w.residency(w.issuer.did, 3))
			forged["credentialSubject"].(map[string]any)["housingStatus"] = "housed"
			return w.presentation(t, w.holder, forged, "c-42", "https://counter.example", now.Add(-time.Minute))
		}, expect{check: "proof", reason: verifier.ReasonBadSignature}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := v.Verify(context.Background(), c.data(t))
			checkResult(t, res, c.want)
			if c.want.verified && res.Format != "ldp_vp" {
				t.Fatalf("format %q", res.Format)
			}
		})
	}
}
