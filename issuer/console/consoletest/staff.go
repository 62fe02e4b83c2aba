package consoletest

import (
	"context"
	"crypto/subtle"
	"net/http"
	"time"

	"github.com/cityid/cityid/issuer"
)

// This file: staff accounts and sessions of the fake.

// Authenticate implements issuer.API.
func (f *Fake) Authenticate(_ context.Context, username, password string) (*issuer.Staff, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, e := range f.staff {
		if e.staff.Username == username && !e.staff.Disabled &&
			subtle.ConstantTimeCompare([]byte(e.password), []byte(password)) == 1 {
			s := e.staff
			return &s, nil
		}
	}
	return nil, errf(issuer.CodeUnauthorized, http.StatusUnauthorized, "the username or password is wrong")
}

// NewSession implements issuer.API.
func (f *Fake) NewSession(_ context.Context, staff *issuer.Staff) (issuer.Session, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := issuer.Session{Token: randomHex(32), CSRF: randomHex(32), Expires: f.Now().Add(8 * time.Hour)}
	f.sessions[s.Token] = sessionEntry{staffID: staff.ID, session: s}
	return s, nil
}

// LookupSession implements issuer.API.
func (f *Fake) LookupSession(_ context.Context, token string) (*issuer.Staff, issuer.Session, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	e, ok := f.sessions[token]
	if !ok || !f.Now().Before(e.session.Expires) {
		return nil, issuer.Session{}, errf(issuer.CodeUnauthorized, http.StatusUnauthorized, "the session is unknown or has expired")
	}
	for _, st := range f.staff {
		if st.staff.ID == e.staffID && !st.staff.Disabled {
			s := st.staff
			return &s, e.session, nil
		}
	}
	return nil, issuer.Session{}, errf(issuer.CodeUnauthorized, http.StatusUnauthorized, "the account is disabled")
}

// EndSession implements issuer.API.
func (f *Fake) EndSession(_ context.Context, token string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.sessions, token)
	f.record("EndSession", issuer.Actor{}, "")
	return nil
}

func validRole(r issuer.Role) bool { return r == issuer.RoleAdmin || r == issuer.RoleClerk }

// CreateStaff implements issuer.API.
func (f *Fake) CreateStaff(_ context.Context, actor issuer.Actor, username, password string, role issuer.Role) (*issuer.Staff, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var fields []issuer.FieldError
	if username == "" {
		fields = append(fields, issuer.FieldError{Path: "username", Message: "is required"})
	}
	if len(password) < 8 {
		fields = append(fields, issuer.FieldError{Path: "password", Message: "must be at least 8 characters"})
	}
	if !validRole(role) {
		fields = append(fields, issuer.FieldError{Path: "role", Message: "must be admin or clerk"})
	}
	if fields != nil {
		e := errf(issuer.CodeInvalidRequest, 400, "the new account is not valid")
		e.Fields = fields
		return nil, e
	}
	for _, e := range f.staff {
		if e.staff.Username == username {
			return nil, errf(issuer.CodeConflict, http.StatusConflict, "there is already an account called %q", username)
		}
	}
	f.record("CreateStaff", actor, username)
	return f.addStaffLocked(username, password, role), nil
}

// SetRole implements issuer.API.
func (f *Fake) SetRole(_ context.Context, actor issuer.Actor, username string, role issuer.Role) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !validRole(role) {
		e := errf(issuer.CodeInvalidRequest, 400, "the role must be admin or clerk")
		e.Fields = []issuer.FieldError{{Path: "role", Message: "must be admin or clerk"}}
		return e
	}
	for _, e := range f.staff {
		if e.staff.Username == username {
			e.staff.Role = role
			f.record("SetRole", actor, username+"="+string(role))
			return nil
		}
	}
	return errf(issuer.CodeNotFound, http.StatusNotFound, "there is no account called %q", username)
}

// ListStaff implements issuer.API.
func (f *Fake) ListStaff(context.Context) ([]issuer.Staff, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]issuer.Staff, len(f.staff))
	for i, e := range f.staff {
		out[i] = e.staff
	}
	return out, nil
}
