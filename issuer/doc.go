// Package issuer is the city's issuer service core: staff accounts and
// sessions, resident enrolment, issuance of credentials to a resident's DID
// (W3C VC with eddsa-rdfc-2022, or SD-JWT VC), OpenID4VCI offers, revocation
// and suspension through Bitstring Status Lists, the signed trust bundle, and
// a tamper-evident audit log. State lives in SQLite in one data directory.
//
// The HTTP server (package issuer/server), the staff console, the OpenID4VCI
// endpoints and the `cityid issuer` commands all call the same Service
// methods, so scripts, the console and wallets share one code path.
//
// # Data directory
//
// Open creates DIR (mode 0700) on first start with the database
// (issuer.db: WAL, synchronous=FULL, foreign keys, embedded migrations), two
// Ed25519 keys — the issuer key (a did:key, signs credentials and status
// lists) and the root key (signs the trust bundle and the audit head) — and a
// one-time secret, bootstrap-admin-secret (0600), that Bootstrap exchanges
// for the first admin account. Private keys are sealed at rest with AES-GCM
// under a key derived with Argon2id from the passphrase: Options.Passphrase,
// else $CITYID_ISSUER_PASSPHRASE, else DIR/key-passphrase (generated on first
// start, with a warning to move it to a secret store). Several processes may
// open one DIR at once (the CLI while the server runs); a lock file makes the
// first start race-free.
//
// # Durability and throughput
//
// Every change goes through one writer goroutine that commits the jobs of
// all waiting callers in one transaction (group commit, one fsync), each job
// in its own savepoint, and answers each caller only after COMMIT returned:
// an acknowledged credential is on disk. Validation and signing happen
// before, in the callers' goroutines (IssueBatch: on GOMAXPROCS workers).
// Status list indexes are reserved in blocks from a counter stored in the
// database before any index of the block is used, so an index is never
// handed out twice; a crash only leaves some unused.
//
// # Status
//
// Each credential has one global status index and carries two
// BitstringStatusListEntry objects (revocation and suspension) at the same
// position of the lists {PublicURL}/status/revocation-N and
// {PublicURL}/status/suspension-N (N = index / 131072). A W3C credential has
// them in credentialStatus; an SD-JWT VC in its status claim as
// {"bitstring_status_list": [entry, entry]} (SDJWTStatusMechanism, the name
// the verifier package reads). Status list credentials are signed lazily
// (on request when changed, or daily) and are valid for a week.
//
// # Counter recovery
//
// Recover is the lost-phone visit: the clerk records how the resident was
// re-verified in person (EvidenceKinds; a document's kind, never its number),
// and one transaction revokes every credential of the resident and creates
// the replacements, offers for a new wallet or paper credentials
// (FormatPaper), keeping each credential's validity unless the clerk sets a
// new end. RecoveryPlan shows what it would do.
//
// # Audit
//
// Audit rows form a SHA-256 hash chain; the newest (seq, hash) is signed
// with the root key, so VerifyAudit detects edited, deleted (also the newest)
// and inserted rows. Rows name the actor, action and object and never carry
// claim values or resident names.
package issuer
