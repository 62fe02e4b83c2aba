package issuer

import (
	"context"
	"testing"
	"time"

	"github.com/cityid/cityid/credential"
	"github.com/cityid/cityid/credential/trust"
	"github.com/cityid/cityid/schemas"
)

func TestBundleAndStatusLists(t *testing.T) {
	ctx := context.Background()
	s, clock := newClockedService(t)
	open := func() *trust.Bundle {
		t.Helper()
		data, err := s.Bundle(ctx)
		if err != nil {
			t.Fatal(err)
		}
		b, err := trust.Open(data, s.RootDID(), clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	b1 := open()
	if b1.Version != 1 || b1.Name != "Testville" || len(b1.Status) != 0 || !b1.ExpiresAt.Equal(clock.Now().Add(BundleValidity)) {
		t.Fatalf("first bundle %+v", b1)
	}
	iss, ok := b1.Issuer(s.DID())
	if !ok || len(iss.Types) != len(schemas.Types()) || iss.Keys[0].ID != s.VerificationMethod() {
		t.Fatalf("issuer %+v", iss)
	}
	if b := open(); b.Version != 1 {
		t.Fatalf("unchanged content got version %d", b.Version)
	}
	h := newHolder(t)
	rec, err := s.Issue(ctx, cli, IssueRequest{Type: schemas.AgeOverCredential, Subject: h.did, Claims: map[string]any{"ageOver18": true}, Format: FormatLDP})
	if err != nil {
		t.Fatal(err)
	}
	b2 := open()
	if b2.Version != 2 || len(b2.Status) != 2 {
		t.Fatalf("after the first issue: version %d, %d lists", b2.Version, len(b2.Status))
	}
	if _, err := trust.Update(b1, mustBundle(t, s), clock.Now()); err != nil {
		t.Fatalf("a kiosk cannot update to the new bundle: %v", err)
	}
	// A list is signed again when it changes, or when a day has passed.
	l1, _ := s.StatusListCredential(ctx, "revocation-0")
	l2, _ := s.StatusListCredential(ctx, "revocation-0")
	if string(l1) != string(l2) {
		t.Fatal("an unchanged list was signed again")
	}
	c, err := credential.Parse(l1)
	if err != nil {
		t.Fatal(err)
	}
	if c.ID != testURL+"/status/revocation-0" || c.Issuer != s.DID() || !c.ValidUntil.Equal(c.ValidFrom.Add(StatusListValidity)) {
		t.Fatalf("status list credential %+v", c)
	}
	s.Revoke(ctx, cli, rec.ID)
	if l3, _ := s.StatusListCredential(ctx, "revocation-0"); string(l3) == string(l1) {
		t.Fatal("a changed list was not signed again")
	}
	if b := open(); b.Version != 3 {
		t.Fatalf("after a revocation: version %d", b.Version)
	}
	clock.Advance(25 * time.Hour)
	if b := open(); b.Version != 4 {
		t.Fatalf("after a day: version %d (lists must be re-signed)", b.Version)
	}
	for _, bad := range []string{"revocation-1", "refresh-0", "revocation-00", "../x", ""} {
		_, err := s.StatusListCredential(ctx, bad)
		wantCode(t, err, CodeNotFound)
	}
}

func mustBundle(t *testing.T, s *Service) []byte {
	t.Helper()
	b, err := s.Bundle(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return b
}
