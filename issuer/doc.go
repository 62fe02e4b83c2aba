// Package issuer will be the city's issuer service: counters enrol residents
// and mint credentials, and it publishes the trust bundle and status lists
// verifiers use offline. It is specified by issue #3 and not built yet; the
// credential core it will use (credential/...) is.
package issuer
