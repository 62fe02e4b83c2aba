// Package console is the issuer's staff web console and staff JSON API.
//
// New returns one http.Handler serving server-rendered HTML under /console/
// (sign in, first-admin bootstrap, search, enrol, issue from a form generated
// from each credential type's schema, the credential-offer QR code and PIN,
// revoke with a confirmation step, suspend, lost-phone re-issue (recording
// how the resident was re-verified in person, to a new phone or on paper),
// staff administration) and the same operations as JSON under /api/. Pages need no
// JavaScript and are usable with the keyboard alone.
//
// Both halves share one route table and one guard: a session cookie
// (HttpOnly, SameSite=Strict) from issuer.API.NewSession, the session's CSRF
// token on every POST (hidden form field, or the X-CSRF-Token header for the
// API), refusal of cross-site POSTs (Sec-Fetch-Site / Origin), and role
// checks (admin-only staff management). Every operation calls issuer.API with
// the signed-in staff member as the actor, so the console and the CLI share
// one code path and one audit log.
package console
