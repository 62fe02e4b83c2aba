package main

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/cityid/cityid/issuer"
)

// FuzzReadBatchCSV: any batch file either is refused with a reason, or
// yields rows that each have a subject cell and claims, and problems that
// name their line.
func FuzzReadBatchCSV(f *testing.F) {
	f.Add("subject,ageOver18\ndid:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK,true\n")
	f.Add("\ufeffsubject,address.postalCode,address.locality\ndid:a:b,12345,Springfield\n")
	f.Add("subject,a\n\"unterminated\n")
	f.Add("subject,a,b\nx,1\n")
	f.Add("a,b\n1,2\n")
	f.Add("subject,a.b,a\nx,1,2\n")
	f.Fuzz(func(t *testing.T, data string) {
		rows, problems, err := readBatchCSV(strings.NewReader(data), "AgeOverCredential", issuer.FormatSDJWT)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an error without a reason")
			}
			return
		}
		for _, p := range problems {
			if !strings.HasPrefix(p, "line ") {
				t.Fatalf("a problem without its line: %q", p)
			}
		}
		for _, r := range rows {
			if r.req.Claims == nil || r.line < 1 {
				t.Fatalf("a row without claims or line: %+v", r)
			}
			if utf8.ValidString(data) && !utf8.ValidString(r.req.Subject) {
				t.Fatalf("subject not UTF-8 from UTF-8 input")
			}
		}
	})
}
