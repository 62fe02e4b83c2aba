package consoletest

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"net/http"
	"slices"
	"sort"
	"time"

	"github.com/cityid/cityid/credential/compact"
	"github.com/cityid/cityid/issuer"
)

// PaperKey is the Ed25519 key the fake signs paper credentials with, as
// the key "#key-1" of its DID; tests verify with its public half.
var PaperKey = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{0x5a}, ed25519.SeedSize))

// PaperKeyID is the verification method of PaperKey.
const PaperKeyID = "did:web:issuer.test#key-1"

// PrintPaper implements issuer.API: it signs a real paper credential
// (compact.IssuePaper, with PaperKey) of a credential issued through the
// fake, with the same refusals as the service (revoked, suspended, unknown
// claim names).
func (f *Fake) PrintPaper(_ context.Context, actor issuer.Actor, id string, names []string) (*issuer.PaperCredential, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	i := f.findLocked(id)
	if i < 0 {
		return nil, errf(issuer.CodeNotFound, http.StatusNotFound, "there is no credential %s", id)
	}
	rec := f.records[i]
	switch rec.State {
	case issuer.StateRevoked:
		return nil, errf(issuer.CodeConflict, http.StatusConflict, "the credential %s is revoked, so it cannot be printed", id)
	case issuer.StateSuspended:
		return nil, errf(issuer.CodeConflict, http.StatusConflict, "the credential %s is suspended, so it cannot be printed", id)
	}
	claims := f.claims[id]
	var have []string
	for k := range claims {
		have = append(have, k)
	}
	sort.Strings(have)
	picked := have
	if len(names) > 0 {
		picked = nil
		for _, n := range names {
			if _, ok := claims[n]; !ok {
				return nil, errf(issuer.CodeInvalidRequest, http.StatusBadRequest, "this credential has no claim %q", n)
			}
			if !slices.Contains(picked, n) {
				picked = append(picked, n)
			}
		}
		sort.Strings(picked)
	}
	subject := map[string]any{}
	for k, v := range claims {
		subject[k] = v
	}
	vc := map[string]any{
		"@context":          []any{"https://www.w3.org/ns/credentials/v2", "https://cityid.dev/ns/v1"},
		"type":              []any{"VerifiableCredential", rec.Type},
		"issuer":            f.DID(),
		"validFrom":         rec.IssuedAt.UTC().Format(time.RFC3339),
		"credentialSubject": subject,
	}
	text, err := compact.IssuePaper(vc, PaperKey, compact.IssueOptions{KeyID: PaperKeyID, PaperClaims: picked})
	if err != nil {
		return nil, errf(issuer.CodeInvalidRequest, http.StatusBadRequest, "this credential cannot be printed: %v", err)
	}
	out := &issuer.PaperCredential{ID: rec.ID, Type: rec.Type, IssuerDID: f.DID(), IssuerName: "Test City",
		ValidFrom: rec.IssuedAt, StatusIndex: rec.StatusIndex, Claims: map[string]any{}, ClaimNames: picked,
		Text: text, PrintedAt: f.Now().UTC()}
	for _, n := range picked {
		out.Claims[n] = claims[n]
	}
	f.record("PrintPaper", actor, id)
	return out, nil
}
