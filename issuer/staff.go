package issuer

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"errors"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Session lifetimes: a session ends after SessionIdle without use, and in
// any case SessionMax after login.
const (
	SessionIdle = 8 * time.Hour
	SessionMax  = 12 * time.Hour
	// sessionSlide: a session's expiry is pushed back only when it is this
	// much older than a fresh one, so that most requests write nothing.
	sessionSlide = 5 * time.Minute
)

var usernameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$`)

const loginFailed = "wrong username or password"

func checkRole(r Role) error {
	if r != RoleAdmin && r != RoleClerk {
		return errorf(CodeInvalidRequest, "the role must be %q or %q", RoleAdmin, RoleClerk)
	}
	return nil
}

func scanStaff(row interface{ Scan(...any) error }) (*Staff, string, error) {
	var st Staff
	var hash string
	var created int64
	var disabled int
	if err := row.Scan(&st.ID, &st.Username, &st.Role, &hash, &disabled, &created); err != nil {
		return nil, "", err
	}
	st.Disabled = disabled != 0
	st.Created = time.Unix(0, created).UTC()
	return &st, hash, nil
}

const staffCols = "id, username, role, password_hash, disabled, created"

// actor checks that a may act as staff and returns it with its role; a
// staff actor's name is taken from its account. Kind "cli" and "system" are
// trusted as local administrators.
func (s *Service) actor(ctx context.Context, a Actor) (Actor, Role, error) {
	switch a.Kind {
	case "cli", "system":
		if a.Name == "" {
			a.Name = a.Kind
		}
		return a, RoleAdmin, nil
	case "staff":
		st, _, err := scanStaff(s.db.Read.QueryRowContext(ctx, "SELECT "+staffCols+" FROM staff WHERE id = ?", a.StaffID))
		if errors.Is(err, sql.ErrNoRows) {
			return a, "", errorf(CodeUnauthorized, "there is no staff account %d", a.StaffID)
		}
		if err != nil {
			return a, "", err
		}
		if st.Disabled {
			return a, "", errorf(CodeUnauthorized, "the staff account %s is disabled", st.Username)
		}
		a.Name = st.Username
		return a, st.Role, nil
	case "":
		return a, "", errorf(CodeUnauthorized, "this operation needs a staff member, and none is logged in")
	}
	return a, "", errorf(CodeForbidden, "a %s may not do this; it needs a staff member", a.Kind)
}

// requireStaff lets staff of any role, the CLI and the system through.
func (s *Service) requireStaff(ctx context.Context, a Actor) (Actor, error) {
	a, _, err := s.actor(ctx, a)
	return a, err
}

// requireAdmin lets only admins, the CLI and the system through.
func (s *Service) requireAdmin(ctx context.Context, a Actor) (Actor, error) {
	a, role, err := s.actor(ctx, a)
	if err != nil {
		return a, err
	}
	if role != RoleAdmin {
		return a, errorf(CodeForbidden, "only an admin may manage staff accounts")
	}
	return a, nil
}

// Bootstrap creates the first admin account with the one-time secret that
// the first start wrote to BootstrapSecretPath, then deletes the secret.
func (s *Service) Bootstrap(ctx context.Context, secret, username, password string) (*Staff, error) {
	if !usernameRE.MatchString(username) {
		return nil, errorf(CodeInvalidRequest, "a username is 1 to 64 letters, digits, dots, dashes, underscores or @, starting with a letter or digit")
	}
	if err := checkNewPassword(password); err != nil {
		return nil, err
	}
	hash, err := hashPassword(password)
	if err != nil {
		return nil, err
	}
	secret = strings.TrimSpace(secret)
	var st *Staff
	err = s.w.do(ctx, func(w *wtx) error {
		var want []byte
		err := w.queryRow("SELECT value FROM meta WHERE name = 'bootstrap_hash'").Scan(&want)
		if errors.Is(err, sql.ErrNoRows) {
			return errorf(CodeForbidden, "the bootstrap secret was already used; an admin must create further accounts")
		}
		if err != nil {
			return err
		}
		if subtle.ConstantTimeCompare(hashSecret(secret), want) != 1 {
			return errorf(CodeUnauthorized, "the bootstrap secret is not right; it is in %s", s.BootstrapSecretPath())
		}
		if _, err := w.exec("DELETE FROM meta WHERE name = 'bootstrap_hash'"); err != nil {
			return err
		}
		st, err = insertStaff(w, username, hash, RoleAdmin)
		if err != nil {
			return err
		}
		return w.audit(Actor{Kind: "system", Name: "bootstrap"}, "staff.bootstrap", username, map[string]any{"role": RoleAdmin})
	})
	if err != nil {
		return nil, err
	}
	if err := os.Remove(s.BootstrapSecretPath()); err != nil && !errors.Is(err, os.ErrNotExist) {
		s.log.Warn("the bootstrap secret is used up but its file could not be deleted", "file", s.BootstrapSecretPath(), "err", err)
	}
	return st, nil
}

func insertStaff(w *wtx, username, hash string, role Role) (*Staff, error) {
	res, err := w.exec("INSERT INTO staff (username, role, password_hash, disabled, created) VALUES (?, ?, ?, 0, ?) ON CONFLICT (username) DO NOTHING",
		username, role, hash, w.now.UnixNano())
	if err != nil {
		return nil, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, errorf(CodeConflict, "the username %s is taken", username)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return nil, err
	}
	return &Staff{ID: id, Username: username, Role: role, Created: w.now}, nil
}

// Authenticate checks a staff member's password. Every failure (unknown
// user, wrong password, disabled account) gives the same message, and is
// written to the audit log.
func (s *Service) Authenticate(ctx context.Context, username, password string) (*Staff, error) {
	if len(username) > 256 || len(password) > maxPasswordLength {
		return nil, errorf(CodeUnauthorized, loginFailed)
	}
	st, hash, err := scanStaff(s.db.Read.QueryRowContext(ctx, "SELECT "+staffCols+" FROM staff WHERE username = ?", username))
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	known := err == nil
	if !known {
		hash = dummyHash()
	}
	ok := checkPassword(hash, password) && known && !st.Disabled
	who := Actor{Kind: "staff", Name: username}
	if !ok {
		reason := "wrong password"
		switch {
		case !known:
			reason = "unknown username"
		case st.Disabled:
			reason = "account disabled"
		}
		if err := s.w.do(ctx, func(w *wtx) error {
			return w.audit(who, "staff.login_failed", username, map[string]any{"reason": reason})
		}); err != nil {
			return nil, err
		}
		return nil, errorf(CodeUnauthorized, loginFailed)
	}
	who.StaffID = st.ID
	if err := s.w.do(ctx, func(w *wtx) error {
		return w.audit(who, "staff.login", username, nil)
	}); err != nil {
		return nil, err
	}
	return st, nil
}

// NewSession starts a session for an authenticated staff member.
func (s *Service) NewSession(ctx context.Context, staff *Staff) (Session, error) {
	if staff == nil || staff.ID == 0 {
		return Session{}, errorf(CodeUnauthorized, "no staff member to start a session for")
	}
	sess := Session{Token: randomToken(32), CSRF: randomToken(32)}
	err := s.w.do(ctx, func(w *wtx) error {
		sess.Expires = w.now.Add(SessionIdle)
		_, err := w.exec("DELETE FROM sessions WHERE expires < ?", w.now.UnixNano())
		if err != nil {
			return err
		}
		res, err := w.exec("INSERT INTO sessions (token_hash, staff_id, csrf, created, expires) SELECT ?, id, ?, ?, ? FROM staff WHERE id = ? AND disabled = 0",
			hashSecret(sess.Token), sess.CSRF, w.now.UnixNano(), sess.Expires.UnixNano(), staff.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errorf(CodeUnauthorized, "the staff account does not exist or is disabled")
		}
		return nil
	})
	if err != nil {
		return Session{}, err
	}
	return sess, nil
}

// LookupSession returns the staff member of a live session. Sessions of
// disabled accounts, and expired ones, are refused.
func (s *Service) LookupSession(ctx context.Context, token string) (*Staff, Session, error) {
	if token == "" || len(token) > 256 {
		return nil, Session{}, errorf(CodeUnauthorized, "not logged in")
	}
	var csrf string
	var created, expires int64
	var st Staff
	var disabled int
	var staffCreated int64
	err := s.db.Read.QueryRowContext(ctx, `SELECT s.csrf, s.created, s.expires, t.id, t.username, t.role, t.disabled, t.created
		FROM sessions s JOIN staff t ON t.id = s.staff_id WHERE s.token_hash = ?`, hashSecret(token)).
		Scan(&csrf, &created, &expires, &st.ID, &st.Username, &st.Role, &disabled, &staffCreated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, Session{}, errorf(CodeUnauthorized, "not logged in, or the session has ended")
	}
	if err != nil {
		return nil, Session{}, err
	}
	st.Disabled = disabled != 0
	st.Created = time.Unix(0, staffCreated).UTC()
	now := s.now()
	if st.Disabled {
		return nil, Session{}, errorf(CodeUnauthorized, "the staff account is disabled")
	}
	if now.UnixNano() >= expires {
		return nil, Session{}, errorf(CodeUnauthorized, "the session has expired; log in again")
	}
	sess := Session{Token: token, CSRF: csrf, Expires: time.Unix(0, expires).UTC()}
	limit := time.Unix(0, created).Add(SessionMax)
	next := now.Add(SessionIdle)
	if next.After(limit) {
		next = limit
	}
	if next.Sub(sess.Expires) > sessionSlide {
		if err := s.w.do(ctx, func(w *wtx) error {
			_, err := w.exec("UPDATE sessions SET expires = ? WHERE token_hash = ?", next.UnixNano(), hashSecret(token))
			return err
		}); err != nil {
			return nil, Session{}, err
		}
		sess.Expires = next
	}
	return &st, sess, nil
}

// EndSession logs a session out. Ending an unknown session is not an error.
func (s *Service) EndSession(ctx context.Context, token string) error {
	return s.w.do(ctx, func(w *wtx) error {
		_, err := w.exec("DELETE FROM sessions WHERE token_hash = ?", hashSecret(token))
		return err
	})
}

// CreateStaff creates a staff account. Only an admin (or the CLI) may.
func (s *Service) CreateStaff(ctx context.Context, actor Actor, username, password string, role Role) (*Staff, error) {
	actor, err := s.requireAdmin(ctx, actor)
	if err != nil {
		return nil, err
	}
	if !usernameRE.MatchString(username) {
		return nil, errorf(CodeInvalidRequest, "a username is 1 to 64 letters, digits, dots, dashes, underscores or @, starting with a letter or digit")
	}
	if err := checkRole(role); err != nil {
		return nil, err
	}
	if err := checkNewPassword(password); err != nil {
		return nil, err
	}
	hash, err := hashPassword(password)
	if err != nil {
		return nil, err
	}
	var st *Staff
	err = s.w.do(ctx, func(w *wtx) error {
		var err error
		if st, err = insertStaff(w, username, hash, role); err != nil {
			return err
		}
		return w.audit(actor, "staff.create", username, map[string]any{"role": role})
	})
	return st, err
}

// SetRole changes a staff member's role. Only an admin (or the CLI) may, and
// the last enabled admin cannot be demoted.
func (s *Service) SetRole(ctx context.Context, actor Actor, username string, role Role) error {
	actor, err := s.requireAdmin(ctx, actor)
	if err != nil {
		return err
	}
	if err := checkRole(role); err != nil {
		return err
	}
	return s.w.do(ctx, func(w *wtx) error {
		var old Role
		var disabled int
		err := w.queryRow("SELECT role, disabled FROM staff WHERE username = ?", username).Scan(&old, &disabled)
		if errors.Is(err, sql.ErrNoRows) {
			return errorf(CodeNotFound, "there is no staff account %s", username)
		}
		if err != nil {
			return err
		}
		if old == role {
			return nil
		}
		if old == RoleAdmin && disabled == 0 {
			if err := w.checkOtherAdmin(username); err != nil {
				return err
			}
		}
		if _, err := w.exec("UPDATE staff SET role = ? WHERE username = ?", role, username); err != nil {
			return err
		}
		return w.audit(actor, "staff.role", username, map[string]any{"from": old, "to": role})
	})
}

func (w *wtx) checkOtherAdmin(username string) error {
	var others int
	if err := w.queryRow("SELECT count(*) FROM staff WHERE role = 'admin' AND disabled = 0 AND username <> ?", username).Scan(&others); err != nil {
		return err
	}
	if others == 0 {
		return errorf(CodeConflict, "%s is the last admin; make another admin first", username)
	}
	return nil
}

// SetDisabled disables or re-enables a staff account; a disabled account
// cannot log in and its sessions end. Only an admin (or the CLI) may.
func (s *Service) SetDisabled(ctx context.Context, actor Actor, username string, disabled bool) error {
	actor, err := s.requireAdmin(ctx, actor)
	if err != nil {
		return err
	}
	return s.w.do(ctx, func(w *wtx) error {
		var id int64
		var role Role
		var was int
		err := w.queryRow("SELECT id, role, disabled FROM staff WHERE username = ?", username).Scan(&id, &role, &was)
		if errors.Is(err, sql.ErrNoRows) {
			return errorf(CodeNotFound, "there is no staff account %s", username)
		}
		if err != nil {
			return err
		}
		if (was != 0) == disabled {
			return nil
		}
		if disabled && role == RoleAdmin {
			if err := w.checkOtherAdmin(username); err != nil {
				return err
			}
		}
		if _, err := w.exec("UPDATE staff SET disabled = ? WHERE id = ?", disabled, id); err != nil {
			return err
		}
		if disabled {
			if _, err := w.exec("DELETE FROM sessions WHERE staff_id = ?", id); err != nil {
				return err
			}
		}
		action := "staff.enable"
		if disabled {
			action = "staff.disable"
		}
		return w.audit(actor, action, username, map[string]any{"id": strconv.FormatInt(id, 10)})
	})
}

// ListStaff lists every staff account by username.
func (s *Service) ListStaff(ctx context.Context) ([]Staff, error) {
	rows, err := s.db.Read.QueryContext(ctx, "SELECT "+staffCols+" FROM staff ORDER BY username")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Staff
	for rows.Next() {
		st, _, err := scanStaff(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *st)
	}
	return out, rows.Err()
}
