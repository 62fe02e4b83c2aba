package console

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/cityid/cityid/issuer"
	"github.com/cityid/cityid/issuer/console/consoletest"
)

// fullDiskAPI fails every issuance the way the service does on a full or
// read-only disk.
type fullDiskAPI struct {
	*consoletest.Fake
	kind error
}

func (f fullDiskAPI) Issue(context.Context, issuer.Actor, issuer.IssueRequest) (*issuer.Record, error) {
	return nil, fmt.Errorf("%w (/secret/data): committing to the database: database or disk is full", f.kind)
}

// TestStorageFaultsAreNamed: staff learn that the disk is full (or
// read-only) and that nothing was saved, with a 503, without the path.
func TestStorageFaultsAreNamed(t *testing.T) {
	for kind, want := range map[error]string{issuer.ErrDiskFull: "disk holding its data is full", issuer.ErrReadOnly: "data directory is read-only"} {
		fake := consoletest.New()
		fake.AddStaff(clerkUser, clerkPass, issuer.RoleClerk)
		h, err := New(fullDiskAPI{fake, kind}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		b := newBrowser(t, h)
		csrf := apiLogin(t, b, clerkUser, clerkPass)
		res, body := b.postJSON("/api/credentials", `{"type":"AgeOverCredential","subject":"did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK","claims":{"ageOver18":true}}`, csrf)
		if res.StatusCode != 503 || !strings.Contains(body, want) || !strings.Contains(body, "Nothing was saved") || strings.Contains(body, "/secret/") {
			t.Errorf("%v: %d %s", kind, res.StatusCode, body)
		}
	}
}
