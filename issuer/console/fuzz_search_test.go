package console

import (
	"net/url"
	"testing"
)

// FuzzSearchQuery: any query string gives a valid query (known type and
// state, limit 1 to 500, resident id positive) or a 400 naming the field.
func FuzzSearchQuery(f *testing.F) {
	f.Add("q=rosa&type=AgeOverCredential&state=active&limit=10")
	f.Add("state=lost&limit=0&resident_id=-1&type=Nope")
	f.Add("limit=99999999999999999999&resident_id=1e3")
	f.Add("q=%ff%fe&type=%00")
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		q, bad := searchQuery(v)
		if bad != nil {
			if bad.Status != 400 || len(bad.Fields) == 0 {
				t.Fatalf("a refusal without a field: %+v", bad)
			}
			return
		}
		if q.Limit < 1 || q.Limit > 500 || q.ResidentID < 0 {
			t.Fatalf("an accepted query out of range: %+v", q)
		}
		switch q.State {
		case "", "active", "suspended", "revoked":
		default:
			t.Fatalf("an accepted unknown state %q", q.State)
		}
	})
}
