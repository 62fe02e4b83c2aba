// Package loadtest drives a running cityid issuer over loopback HTTP the
// way a busy city office does: staff sign in to the JSON staff API and make
// wallet offers; wallets redeem them through the whole OpenID4VCI
// pre-authorized code flow (metadata, token with tx_code, nonce, credential
// with a proof JWT); staff search for what was issued and revoke some of it.
//
// [Run] reports throughput, per-endpoint latency (p50, p99, max) and every
// error; [Check] then asks the issuer for every credential a wallet received
// (an acknowledged write) and reports any that is missing, different, not
// revoked although the revocation was acknowledged, or sharing a status
// index with another. The quick run is a Go test of this package; the long
// run is `cityid issuer load` (see scripts/load).
package loadtest
