package verifier_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/cityid/cityid/credential/compact"
	"github.com/cityid/cityid/verifier"
)

// compactCredential issues the fixture's residency credential in the compact
// form, bound to the holder, signed by signer under the issuer's DID.
func (w *world) compactCredential(t tb, signer party, statusIndex int, paper bool) string {
	t.Helper()
	vc := w.residency(w.issuer.did, statusIndex)
	delete(vc, "id")
	opts := compact.IssueOptions{KeyID: signer.vm, HolderKey: w.holder.key.Public()}
	if signer.did != w.issuer.did {
		vc["issuer"] = signer.did
	}
	var text string
	var err error
	if paper {
		opts.HolderKey = nil
		text, err = compact.IssuePaper(vc, signer.key, opts)
	} else {
		text, err = compact.Issue(vc, signer.key, opts)
	}
	if err != nil {
		t.Fatal(err)
	}
	return text
}

func TestCompactQR(t *testing.T) {
	w := newWorld(t)
	v := w.verifier(t, func(p *verifier.Policy) { p.Challenge = "K7Q2PZ" })
	present := func(t *testing.T, cred string, disclose []string, challenge string, at time.Time) []byte {
		text, err := compact.Present(cred, disclose, w.holder.key, compact.PresentOptions{Challenge: challenge, Time: at})
		if err != nil {
			t.Fatal(err)
		}
		return []byte(text)
	}
	cred := w.compactCredential(t, w.issuer, 3, false)

	t.Run("only the chosen claims are shown", func(t *testing.T) {
		res := v.Verify(context.Background(), present(t, cred, []string{"residentOf"}, "K7Q2PZ", now))
		checkResult(t, res, expect{verified: true})
		if res.Format != "cityid-qr" || res.Subject != w.holder.did || res.Claims["residentOf"] != "Springfield" {
			t.Fatalf("%+v", res)
		}
		if _, shown := res.Claims["shelterName"]; shown {
			t.Fatal("an undisclosed claim was shown")
		}
		if res.Checks.Status.String() != "ok" || res.Checks.HolderBinding.String() != "ok" {
			t.Fatalf("checks %+v", res.Checks)
		}
	})
	t.Run("replayed", func(t *testing.T) {
		p := present(t, cred, []string{"housingStatus"}, "K7Q2PZ", now.Add(-time.Second))
		checkResult(t, v.Verify(context.Background(), p), expect{verified: true})
		checkResult(t, v.Verify(context.Background(), p), expect{check: "holder_binding", reason: verifier.ReasonReplayed})
	})
	cases := []struct {
		name string
		data func(t *testing.T) []byte
		want expect
	}{
		{"stale", func(t *testing.T) []byte {
			return present(t, cred, []string{"residentOf"}, "K7Q2PZ", now.Add(-time.Hour))
		}, expect{check: "holder_binding", reason: verifier.ReasonPresentationExpired}},
		{"other challenge", func(t *testing.T) []byte {
			return present(t, cred, []string{"residentOf"}, "OLD123", now)
		}, expect{check: "holder_binding", reason: verifier.ReasonChallengeMismatch}},
		{"revoked", func(t *testing.T) []byte {
			return present(t, w.compactCredential(t, w.issuer, revokedIndex, false), []string{"residentOf"}, "K7Q2PZ", now)
		}, expect{check: "status", reason: verifier.ReasonRevoked}},
		{"forged by a key outside the bundle", func(t *testing.T) []byte {
			return present(t, w.compactCredential(t, w.attacker, 3, false), []string{"residentOf"}, "K7Q2PZ", now)
		}, expect{check: "trusted_issuer", reason: verifier.ReasonUntrustedIssuer}},
		{"tampered text", func(t *testing.T) []byte {
			p := present(t, cred, []string{"residentOf"}, "K7Q2PZ", now)
			i := len(p) / 2
			if p[i] == 'A' {
				p[i] = 'B'
			} else {
				p[i] = 'A'
			}
			return p
		}, expect{check: "proof"}},
		{"not a code", func(t *testing.T) []byte { return []byte("CID1:!!!!") }, expect{check: "proof", reason: verifier.ReasonMalformed}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := v.Verify(context.Background(), c.data(t))
			if c.want.reason == "" {
				if res.Verified || res.Checks.Proof.Outcome != verifier.Failed {
					t.Fatalf("tampered code accepted or not failed on proof: %+v", res.Checks)
				}
				return
			}
			checkResult(t, res, c.want)
		})
	}
}

func TestCompactPaper(t *testing.T) {
	w := newWorld(t)
	paper := []byte(w.compactCredential(t, w.issuer, 3, true))
	res := w.verifier(t).Verify(context.Background(), paper)
	checkResult(t, res, expect{verified: true})
	if !strings.HasPrefix(res.Checks.HolderBinding.String(), "skipped") || res.Claims["shelterName"] != "Eastside Night Shelter" {
		t.Fatalf("%+v", res)
	}
	// Paper is meant to be shown again and again: no replay refusal.
	checkResult(t, w.verifier(t).Verify(context.Background(), paper), expect{verified: true})
	strict := w.verifier(t, func(p *verifier.Policy) { p.RequireHolderBinding = true })
	checkResult(t, strict.Verify(context.Background(), paper), expect{check: "holder_binding", reason: verifier.ReasonHolderProofMissing})
}
