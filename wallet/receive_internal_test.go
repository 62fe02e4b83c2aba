package wallet

import (
	"strings"
	"testing"

	"github.com/cityid/cityid/credential/oid4vci"
)

func TestDisplayName(t *testing.T) {
	long := strings.Repeat("Springfield ", 20)
	for _, tc := range []struct {
		in   []oid4vci.Display
		want string
	}{
		{nil, ""},
		{[]oid4vci.Display{{Locale: "en"}, {Name: "City of Springfield", Locale: "es"}}, "City of Springfield"},
		{[]oid4vci.Display{{Name: "  City\tof\nSpring\u202efield\x00 "}}, "City of Spring field"},
		{[]oid4vci.Display{{Name: "\x1b[31m"}}, "[31m"},
		{[]oid4vci.Display{{Name: long}}, strings.Repeat("Springfield ", 8) + "Spr…"},
	} {
		got := displayName(tc.in)
		if got != tc.want {
			t.Errorf("displayName(%v) = %q, want %q", tc.in, got, tc.want)
		}
		if n := len([]rune(got)); n > maxIssuerName {
			t.Errorf("%d runes", n)
		}
	}
}
