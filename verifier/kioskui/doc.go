// Package kioskui is the counter kiosk's Fyne window: it shows the same
// [kiosk.Outcome] the terminal kiosk renders, for a screen the resident and
// the clerk both see: a huge green ACCEPTED with a tick or red REFUSED with
// a cross (shape and word as well as colour, so no one depends on colour),
// the reason in plain words, the disclosed claims in large text, the
// challenge for the resident's wallet, a text entry that keeps the focus so
// a keyboard-wedge scanner can type into it at any time (Enter checks the
// code), and an "Open image…" button for a QR code picture.
//
// It imports Fyne but not fyne.io/fyne/v2/app, so its tests build and run
// with fyne.io/fyne/v2/test and no display; cmd/cityid-kiosk is the app.
package kioskui
