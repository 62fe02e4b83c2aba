// Package wallet is the resident's wallet core, with no user interface: the
// holder key, encrypted storage, receiving credentials over OpenID4VCI,
// presenting them (a QR code offline, or an SD-JWT online) and the history
// of what was shown to whom. `cityid wallet` and the Fyne app are built on
// it.
//
// # Storage
//
// A wallet is one directory (mode 0700) holding one SQLite database
// (wallet.db, mode 0600, WAL, synchronous=FULL, secure_delete). Several
// people on one computer use several directories ([Profiles] lists them).
// Every credential, the holder's private key and every history event is
// sealed with XChaCha20-Poly1305 under a random data key, with the row's
// name as additional data; the data key is sealed under a key derived from
// the PIN with Argon2id (9 MiB, 4 passes, 1 lane, random 16-byte salt; the
// parameters are stored with it). The file holds no claim, key, DID or
// verifier name in the clear: only random entry ids, the Argon2id
// parameters and the wrong-PIN counter.
//
// A PIN has at least [MinPINLength] (6) characters and is not one repeated
// digit or a run (123456). After a wrong PIN, [Open] waits before checking
// the next one: 1 s, then 2 s, 4 s, ... up to [MaxDelay] (15 min); the
// counter is in the file, so restarting the app does not reset it. A PIN of
// 6 digits cannot stop someone who copies the file and tries every PIN
// against Argon2id offline (10^6 tries of a few hundredths of a second each);
// the delay protects the running app. Residents who need more choose a
// longer PIN or passphrase.
//
// # Receiving
//
// [Wallet.ReceiveOffer] redeems a clerk's credential offer with the
// transaction code, asks for every form the offer lists that the wallet
// keeps (SD-JWT VC, W3C VC with Data Integrity, cityid's QR form) with one
// access token, verifies each with package verifier (or, for the QR form,
// package credential/compact) before anything is stored, and keeps the forms
// of one credential as one entry. The only network traffic of the package
// is this one exchange with the issuer's own endpoints. [Wallet.Import]
// adds a credential file with the same checks and no network at all.
//
// # Presenting
//
// [Wallet.PresentQR] makes the text of one QR code revealing only the
// chosen claims, signed with the holder key over the time and the kiosk's
// challenge; [Wallet.PresentSDJWT] makes an SD-JWT presentation with a Key
// Binding JWT for an online verifier. Both record an [Event] in the history
// ([Wallet.History], [Wallet.ClearHistory]).
//
// Errors wrap the sentinels in errors.go ([ErrWrongPIN], [ErrRejected],
// ...); a wrong PIN is a [*PINError] and a refused credential a
// [*RejectedError] that names the failed checks.
package wallet
