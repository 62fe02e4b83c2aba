package issuer

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestPasswordHashing(t *testing.T) {
	h1, err := hashPassword("a long enough password")
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := hashPassword("a long enough password")
	if h1 == h2 {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	if !strings.HasPrefix(h1, "$argon2id$v=19$m=19456,t=2,p=1$") || strings.Contains(h1, "long enough") {
		t.Fatalf("hash %q", h1)
	}
	if !checkPassword(h1, "a long enough password") || checkPassword(h1, "a long enough passwore") || checkPassword("garbage", "x") {
		t.Fatal("checkPassword is wrong")
	}
}

func TestLoginFailuresAreGenericAndAudited(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	if _, err := s.CreateStaff(ctx, cli, "alice", "alice's password", RoleClerk); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateStaff(ctx, cli, "bob", "bob's password!", RoleClerk); err != nil {
		t.Fatal(err)
	}
	if err := s.SetDisabled(ctx, cli, "bob", true); err != nil {
		t.Fatal(err)
	}
	var stored string
	s.db.Read.QueryRow("SELECT password_hash FROM staff WHERE username = 'alice'").Scan(&stored)
	if !strings.HasPrefix(stored, "$argon2id$") {
		t.Fatalf("stored %q", stored)
	}
	var msg string
	for _, c := range [][2]string{{"alice", "wrong password!"}, {"nobody", "alice's password"}, {"bob", "bob's password!"}} {
		_, err := s.Authenticate(ctx, c[0], c[1])
		e := wantCode(t, err, CodeUnauthorized)
		if msg == "" {
			msg = e.Message
		} else if e.Message != msg {
			t.Fatalf("login failure messages differ: %q vs %q", e.Message, msg)
		}
	}
	st, err := s.Authenticate(ctx, "alice", "alice's password")
	if err != nil || st.Username != "alice" || st.Role != RoleClerk {
		t.Fatalf("login: %+v %v", st, err)
	}
	var failed, ok int
	s.db.Read.QueryRow("SELECT count(*) FROM audit_log WHERE action = 'staff.login_failed'").Scan(&failed)
	s.db.Read.QueryRow("SELECT count(*) FROM audit_log WHERE action = 'staff.login'").Scan(&ok)
	if failed != 3 || ok != 1 {
		t.Fatalf("audit: %d failed logins, %d logins", failed, ok)
	}
	_, err = s.CreateStaff(ctx, cli, "carol", "too short", RoleClerk)
	wantCode(t, err, CodeInvalidRequest)
	_, err = s.CreateStaff(ctx, cli, "alice", "another password", RoleClerk)
	wantCode(t, err, CodeConflict)
}

func TestSessions(t *testing.T) {
	ctx := context.Background()
	s, clock := newClockedService(t)
	st, err := s.CreateStaff(ctx, cli, "alice", "alice's password", RoleClerk)
	if err != nil {
		t.Fatal(err)
	}
	sess, err := s.NewSession(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if len(sess.Token) < 40 || len(sess.CSRF) < 40 || sess.Token == sess.CSRF {
		t.Fatalf("weak session %+v", sess)
	}
	var stored int
	s.db.Read.QueryRow("SELECT count(*) FROM sessions WHERE token_hash = ?", sess.Token).Scan(&stored)
	if stored != 0 {
		t.Fatal("the session token is stored in the clear")
	}
	got, gs, err := s.LookupSession(ctx, sess.Token)
	if err != nil || got.ID != st.ID || gs.CSRF != sess.CSRF {
		t.Fatalf("lookup: %+v %+v %v", got, gs, err)
	}
	_, _, err = s.LookupSession(ctx, sess.Token+"x")
	wantCode(t, err, CodeUnauthorized)

	// Idle expiry, sliding on use, and the absolute limit.
	clock.Advance(SessionIdle - time.Minute)
	if _, gs, err = s.LookupSession(ctx, sess.Token); err != nil {
		t.Fatalf("session ended early: %v", err)
	}
	if !gs.Expires.After(sess.Expires) {
		t.Fatal("using a session does not extend it")
	}
	clock.Advance(SessionMax)
	_, _, err = s.LookupSession(ctx, sess.Token)
	wantCode(t, err, CodeUnauthorized)

	sess2, _ := s.NewSession(ctx, st)
	if err := s.EndSession(ctx, sess2.Token); err != nil {
		t.Fatal(err)
	}
	_, _, err = s.LookupSession(ctx, sess2.Token)
	wantCode(t, err, CodeUnauthorized)

	// Disabling an account ends its sessions.
	sess3, _ := s.NewSession(ctx, st)
	if err := s.SetDisabled(ctx, cli, "alice", true); err != nil {
		t.Fatal(err)
	}
	_, _, err = s.LookupSession(ctx, sess3.Token)
	wantCode(t, err, CodeUnauthorized)
	_, err = s.NewSession(ctx, st)
	wantCode(t, err, CodeUnauthorized)
}

func TestRoles(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	admin, err := s.CreateStaff(ctx, cli, "admin", "admin password", RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	clerk, err := s.CreateStaff(ctx, Actor{Kind: "staff", StaffID: admin.ID}, "clerk", "clerk password", RoleClerk)
	if err != nil {
		t.Fatal(err)
	}
	asClerk := Actor{Kind: "staff", Name: "clerk", StaffID: clerk.ID}
	asAdmin := Actor{Kind: "staff", Name: "admin", StaffID: admin.ID}

	_, err = s.CreateStaff(ctx, asClerk, "mallory", "mallory's password", RoleAdmin)
	wantCode(t, err, CodeForbidden)
	wantCode(t, s.SetRole(ctx, asClerk, "clerk", RoleAdmin), CodeForbidden)
	wantCode(t, s.SetDisabled(ctx, asClerk, "admin", true), CodeForbidden)
	_, err = s.CreateStaff(ctx, Actor{Kind: "wallet", Name: "did:key:z6Mk"}, "mallory", "mallory's password", RoleAdmin)
	wantCode(t, err, CodeForbidden)
	_, err = s.CreateStaff(ctx, Actor{Kind: "staff", StaffID: 999}, "mallory", "mallory's password", RoleAdmin)
	wantCode(t, err, CodeUnauthorized)
	_, err = s.Enrol(ctx, Actor{}, "Ana", "")
	wantCode(t, err, CodeUnauthorized)

	// The last admin cannot be demoted or disabled.
	wantCode(t, s.SetRole(ctx, asAdmin, "admin", RoleClerk), CodeConflict)
	wantCode(t, s.SetDisabled(ctx, cli, "admin", true), CodeConflict)
	wantCode(t, s.SetRole(ctx, asAdmin, "nobody", RoleClerk), CodeNotFound)
	wantCode(t, s.SetRole(ctx, asAdmin, "clerk", Role("boss")), CodeInvalidRequest)

	if err := s.SetRole(ctx, asAdmin, "clerk", RoleAdmin); err != nil {
		t.Fatal(err)
	}
	// Roles are looked up, not trusted from the caller: the promoted clerk
	// may now manage staff, and the demoted admin may not.
	if err := s.SetRole(ctx, asClerk, "admin", RoleClerk); err != nil {
		t.Fatal(err)
	}
	_, err = s.CreateStaff(ctx, asAdmin, "mallory", "mallory's password", RoleAdmin)
	wantCode(t, err, CodeForbidden)
	// A clerk still does clerk work.
	if _, err := s.Enrol(ctx, asAdmin, "Ana", "case 1"); err != nil {
		t.Fatal(err)
	}
	list, err := s.ListStaff(ctx)
	if err != nil || len(list) != 2 || list[0].Username != "admin" || list[0].Role != RoleClerk || list[1].Role != RoleAdmin {
		t.Fatalf("ListStaff: %+v %v", list, err)
	}
	var roleChanges int
	s.db.Read.QueryRow("SELECT count(*) FROM audit_log WHERE action = 'staff.role'").Scan(&roleChanges)
	if roleChanges != 2 {
		t.Fatalf("%d role changes audited, want 2", roleChanges)
	}
}
