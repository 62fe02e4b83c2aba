package consoletest

import (
	"context"
	"net/http"

	"github.com/cityid/cityid/issuer"
	"github.com/cityid/cityid/schemas"
)

// AddAttester implements issuer.API.
func (f *Fake) AddAttester(_ context.Context, actor issuer.Actor, name string, kind issuer.AttesterKind) (*issuer.Attester, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := schemas.CheckAttesterName(name); err != nil {
		e := errf(issuer.CodeInvalidRequest, http.StatusBadRequest, "the attester's name is not valid")
		e.Fields = []issuer.FieldError{{Path: "name", Message: "must be 1 to 80 characters of text, without spaces at its ends"}}
		return nil, e
	}
	if _, err := issuer.ParseAttesterKind(string(kind)); err != nil {
		e := errf(issuer.CodeInvalidRequest, http.StatusBadRequest, "an attester is a caseworker or a shelter")
		e.Fields = []issuer.FieldError{{Path: "kind", Message: "must be caseworker or shelter"}}
		return nil, e
	}
	for _, a := range f.attesters {
		if a.Name == name {
			return nil, errf(issuer.CodeConflict, http.StatusConflict, "an attester named %q is already registered", name)
		}
	}
	a := issuer.Attester{ID: int64(len(f.attesters) + 1), Name: name, Kind: kind, Created: f.Now()}
	f.attesters = append(f.attesters, a)
	f.record("AddAttester", actor, name)
	return &a, nil
}

// SetAttesterDisabled implements issuer.API.
func (f *Fake) SetAttesterDisabled(_ context.Context, actor issuer.Actor, name string, disabled bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.attesters {
		if f.attesters[i].Name == name {
			f.attesters[i].Disabled = disabled
			f.record("SetAttesterDisabled", actor, name)
			return nil
		}
	}
	return errf(issuer.CodeNotFound, http.StatusNotFound, "there is no attester named %q", name)
}

// ListAttesters implements issuer.API.
func (f *Fake) ListAttesters(context.Context) ([]issuer.Attester, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]issuer.Attester(nil), f.attesters...), nil
}

// attestationLocked checks an IssueRequest's or OfferRequest's AttestedBy
// as the service does: "" is no attestation; otherwise a registered,
// enabled attester.
func (f *Fake) attestationLocked(name string) (*issuer.Attester, error) {
	if name == "" {
		return nil, nil
	}
	for _, a := range f.attesters {
		if a.Name != name {
			continue
		}
		if a.Disabled {
			return nil, errf(issuer.CodeInvalidRequest, http.StatusBadRequest, "the attester %q is disabled and may not attest anyone's identity now; ask an admin", name)
		}
		return &a, nil
	}
	return nil, errf(issuer.CodeInvalidRequest, http.StatusBadRequest, "%q is not a registered attester: only caseworkers and shelters an admin has registered may attest a resident's identity", name)
}
