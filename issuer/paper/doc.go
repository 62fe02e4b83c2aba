// Package paper prints a paper credential (issuer.Service.PrintPaper) as a
// one-page PDF, A4 or Letter, for residents without a phone: the compact QR
// code (docs/compact-qr.md, error correction Q, 60 mm wide with its quiet
// zone) that any city kiosk verifies offline, the printed claims in large
// type with their labels, the issuer, the validity, the resident's language
// (English or Spanish: labels and fixed text are translated), the
// credential id, and a boxed line telling the counter that a paper
// credential has no holder binding, so the printed name must be compared
// with the person.
//
// Fonts are the Go fonts (golang.org/x/image/font/gofont), embedded as
// TrueType so accented letters print; the PDF is written with
// github.com/signintech/gopdf. See docs/paper.md.
package paper
