// Package wallet will be the resident's wallet core (no UI): holder keys,
// receiving, encrypted storage and presentation. It is specified by issues
// #4 and #5 and not built yet.
package wallet
