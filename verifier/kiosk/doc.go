// Package kiosk is the logic of a counter kiosk that checks residents'
// credentials offline: it reads what a keyboard-wedge USB scanner types (or a
// QR code in an image file), verifies it with package verifier against the
// city's trust bundle, refuses replays, shows a rotating challenge for the
// resident's wallet to sign, and turns each result into an [Outcome] a clerk
// can read from a distance: ACCEPTED or REFUSED, the reason in plain words,
// and the claims the resident chose to disclose, with human labels.
//
// It has no user interface toolkit: [Render] draws an Outcome on a terminal,
// and package kioskui draws the same Outcome in a Fyne window.
//
// Privacy by design: the kiosk logs only the time, the outcome, the reason
// code and the credential type of each check. Claim values, names and
// identifiers are logged only when Config.LogClaims is set. An outcome is
// cleared from the screen after Config.ClearAfter, so the next person in the
// queue does not read the previous resident's claims.
package kiosk
