// Package bench is `cityid bench`: one process run that measures the project
// beside its floor and its peer and writes BENCHMARKS.md.
//
// Run measures, in order: raw Ed25519 sign and verify (the floor); sign and
// verify of a city ID as eddsa-rdfc-2022, eddsa-jcs-2022, SD-JWT VC (with
// and without key binding) and the compact QR form (issue, present, verify);
// aries-framework-go's Ed25519Signature2020 sign and verify of the same
// content (through credential/legacy, the core's one adapter);
// verifier.Verify per form with the issuer service's own trust bundle;
// durable issuance throughput of the issuer service core on a temporary
// SQLite directory (WAL, synchronous=FULL, group commit) for ldp_vc and
// dc+sd-jwt; QR sizes and versions of every credential type; QR decoding
// from a synthetic 1280×720 camera frame; and the wallet's cold start, the
// core in this process and the desktop window in a new process under Xvfb.
//
// Each timing grows its loop until a round lasts a second (Options.Quick:
// a few milliseconds) and reports the mean time and heap allocations per
// operation. Every operation is checked on every iteration, so a broken path
// fails the run instead of being timed. Targets are reported as met or not
// met, never enforced: a slow machine makes a report, not a failure.
//
// Report.WriteMarkdown fills the embedded template
// templates/BENCHMARKS.md.tmpl, which holds the prose that explains the
// tables, so regenerating the file keeps it.
package bench
