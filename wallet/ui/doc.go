// Package ui is the resident's wallet in Fyne: the screens of the phone and
// desktop app, built on the headless core in package wallet.
//
// The screens, in the order a resident meets them: unlock (pick a profile
// when several people share the computer, enter the PIN; a wrong PIN says
// how long to wait before the next try) or create a new profile (name, PIN
// and its confirmation); the credential list (type titles from package
// schemas, issuer, "valid until", an EXPIRED badge in words as well as
// colour); a credential's details with the claims under their human labels;
// the claim picker (a checkbox per claim, the kiosk's challenge and the
// counter's name, both optional) and the full-screen QR code with the names
// of the disclosed claims under it; the history of presentations (the data
// tracker) with "clear history" after a confirmation; receiving a
// credential from a clerk's offer with the PIN the clerk reads out; the
// backup (a new six-word passphrase in large type, the encrypted file
// saved where the resident chooses, then the printable recovery sheet);
// restoring a backup into a new profile from the unlock or new-profile
// screen (file, passphrase, name, new PIN twice; a wrong passphrase or a
// damaged file creates nothing), with the lost-everything help
// (wallet.LostEverythingHelp); and the settings (change the PIN, the
// holder's DID with Copy, the language note, Lock now). The file dialogs
// can be replaced through Options.SaveBackup and Options.OpenBackup (the
// tests do).
//
// Every text goes through Fyne's lang package; the English and Spanish
// translations are embedded (translations/*.json) and adding a language is
// adding one file. Texts use the theme's sizes; Theme is a theme with large
// text and WCAG AAA contrast for the app to use. Every action is a
// focusable button (Space presses it) or entry (Enter submits it) that Tab
// reaches; Escape goes back when nothing holds the focus (a Back button is
// always there too), and on desktop Ctrl+R receives, Ctrl+H opens the
// history, Ctrl+B the backup, Ctrl+, the settings and Ctrl+L locks.
//
// The package imports Fyne but not fyne.io/fyne/v2/app, so its tests run
// with fyne.io/fyne/v2/test and no display (they need cgo only for the
// wallet's SQLite); the app entries (cmd/cityid-wallet, mobile/) create
// the app and the window and pass them to New.
package ui
