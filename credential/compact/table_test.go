package compact

import (
	"bytes"
	"encoding/base64"
	"slices"
	"testing"

	"github.com/cityid/cityid/schemas"
)

// The tables cover exactly the city's types and claims, as schemas
// describes them, and every code is used once.
func TestTablesMatchSchemas(t *testing.T) {
	types := schemas.Types()
	if len(types) != len(classes) {
		t.Fatalf("%d types in schemas, %d classes", len(types), len(classes))
	}
	used := map[uint64]string{}
	for _, s := range claimSpecs {
		if old, ok := used[s.code]; ok {
			t.Errorf("code %d used by %s and %s", s.code, old, s.name)
		}
		used[s.code] = s.name
		if s.code > 23 {
			t.Errorf("%s: code %d takes two bytes", s.name, s.code)
		}
	}
	for _, typ := range types {
		c := classByType[typ.Name]
		if c == nil {
			t.Errorf("no class for %s", typ.Name)
			continue
		}
		var names []string
		for _, cl := range typ.Claims {
			if cl.Name == "id" {
				continue
			}
			names = append(names, cl.Name)
			s := c.spec(cl.Name)
			if s == nil {
				t.Errorf("%s.%s has no code", typ.Name, cl.Name)
				continue
			}
			if (s.kind == kindObject) != (len(cl.Fields) > 0) {
				t.Errorf("%s.%s: object kind does not match the schema", typ.Name, cl.Name)
			}
			for _, f := range cl.Fields {
				if s.field(f.Name) == nil {
					t.Errorf("%s.%s.%s has no code", typ.Name, cl.Name, f.Name)
				}
			}
		}
		if len(names) != len(c.claims) {
			t.Errorf("%s: schema claims %v, class has %d codes", typ.Name, names, len(c.claims))
		}
	}
	// Each enum value is one the schema accepts, and no other is.
	for i, v := range specByCode[6].enum {
		claims := map[string]any{"residentOf": "Springfield", "housingStatus": v}
		if v == "housed" {
			claims["address"] = residency["address"]
		}
		if err := schemas.Validate(schemas.ResidencyCredential, claims); err != nil {
			t.Errorf("enum value %d %q: %v", i, v, err)
		}
	}
	if schemas.Validate(schemas.ResidencyCredential, map[string]any{"residentOf": "Springfield", "housingStatus": "homeless"}) == nil {
		t.Error("the schema accepts a housingStatus the table lacks")
	}
}

func TestDateValues(t *testing.T) {
	s := specByCode[3]
	for date, days := range map[string]int64{"1970-01-01": 0, "1969-12-31": -1, "1900-01-01": -25567, "2026-11-20": 20777, "0001-01-01": minDay, "9999-12-31": maxDay} {
		v, err := s.compactValue(date)
		if err != nil || v != days {
			t.Errorf("%s: %v, %v; want %d", date, v, err, days)
		}
		var cv any = uint64(days)
		if days < 0 {
			cv = days
		}
		back, err := s.expandValue(cv)
		if err != nil || back != date {
			t.Errorf("%d: %v, %v", days, back, err)
		}
	}
	for _, bad := range []any{int64(minDay - 1), uint64(maxDay + 1), "2026-11-20", 1.5} {
		if _, err := s.expandValue(bad); err == nil {
			t.Errorf("%v accepted as a date", bad)
		}
	}
	for _, bad := range []any{"2026-02-30", "2026-1-5", "20261120", 20777} {
		if _, err := s.compactValue(bad); err == nil {
			t.Errorf("%v accepted as a date", bad)
		}
	}
}

func TestPhotoDigestForms(t *testing.T) {
	s := specByCode[5]
	mb := schemas.PhotoDigest([]byte("photo"))
	d, _ := schemas.ParsePhotoDigest(mb)
	sri := "sha256-" + base64.StdEncoding.EncodeToString(d)
	for _, in := range []string{mb, sri} {
		v, err := s.compactValue(in)
		if err != nil {
			t.Fatal(err)
		}
		back, err := s.expandValue(v)
		if err != nil || back != in {
			t.Errorf("%s: %v, %v", in, back, err)
		}
	}
	if v, _ := s.compactValue(mb); !bytes.Equal(v.([]byte), d) {
		t.Error("the multibase form is not carried as the 32-byte digest")
	}
}

// The salt tree: the cover opens exactly the disclosed leaves, with the
// fewest nodes, and the salts it derives are the issuer's.
func TestSaltTree(t *testing.T) {
	root := bytes.Repeat([]byte{0x42}, SeedSize)
	for n := 1; n <= 9; n++ {
		all := allSalts(root, n)
		for mask := 0; mask < 1<<n; mask++ {
			want := make([]bool, n)
			for i := range want {
				want[i] = mask&(1<<i) != 0
			}
			nodes := cover(n, want)
			seeds := make([][]byte, len(nodes))
			for i, nd := range nodes {
				seeds[i] = nodeSeed(root, nd)
			}
			got := deriveSalts(n, nodes, seeds)
			for i := range want {
				if want[i] != (got[i] != nil) || want[i] && !bytes.Equal(got[i], all[i]) {
					t.Fatalf("n=%d mask=%b leaf %d: %x", n, mask, i, got[i])
				}
			}
			if mask == 1<<n-1 && len(nodes) != 1 {
				t.Fatalf("n=%d: everything disclosed takes %d seeds", n, len(nodes))
			}
		}
		// Salts are distinct.
		for i := range all {
			for j := i + 1; j < len(all); j++ {
				if bytes.Equal(all[i], all[j]) {
					t.Fatalf("n=%d: salts %d and %d are equal", n, i, j)
				}
			}
		}
	}
	if got := cover(5, []bool{true, true, true, true, false}); !slices.Equal(got, []treeNode{{1, 0}}) {
		t.Errorf("cover of the first four of five: %v", got)
	}
	if got := cover(5, []bool{true, false, false, true, true}); !slices.Equal(got, []treeNode{{3, 0}, {3, 3}, {1, 1}}) {
		t.Errorf("cover of 0, 3, 4 of five: %v", got)
	}
}
