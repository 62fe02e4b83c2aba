package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/cityid/cityid/credential/oid4vci"
	"github.com/cityid/cityid/credential/qrcode"
	"github.com/cityid/cityid/wallet"
)

const walletUsage = `usage: cityid wallet COMMAND --dir DIR [flags]

commands:
  init [--json]                              create a wallet (a new holder key) in DIR
  receive OFFER_URI [--tx-code CODE]         receive the credential a clerk offers
  list                                       list the credentials (JSON)
  present --credential ID --disclose CLAIM,CLAIM [--challenge C] [--verifier NAME] [--png FILE]
                                             print a QR presentation revealing only those claims
  present --form sd-jwt --credential ID --disclose CLAIM,... --audience AUD --challenge NONCE
                                             print an SD-JWT presentation for an online verifier
  import FILE [--trust BUNDLE --trust-root DID]
                                             add a credential file (W3C JSON, SD-JWT, QR text), a paper
                                             credential's code, or a PNG/JPEG picture of a QR code
  present --credential ID --form paper       print a paper credential's code, as printed
  delete --credential ID                     delete a credential
  history [--clear]                          list the presentations made (JSON), or clear them
  backup --out FILE [--history]              write an encrypted backup (passphrase: CITYID_BACKUP_PASSPHRASE,
                                             --passphrase-file, or a generated one printed with a recovery sheet)
  restore --in FILE                          restore a backup into a new DIR (same DID, same credentials)
  recovery-sheet --out FILE.html             a printable page: the DID and where the passphrase goes

The PIN comes from the CITYID_PIN environment variable, else from a prompt
on the terminal, else from the first line of standard input. A wrong PIN
makes the next try wait (1 s, 2 s, 4 s, ... up to 15 min).`

// pngModulePixels is the size of one QR module in --png images.
const pngModulePixels = 8

func runWallet(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, walletUsage)
		return exitUsage
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "init":
		return walletInit(rest, stdin, stdout, stderr)
	case "receive":
		return walletReceive(rest, stdin, stdout, stderr)
	case "list":
		return walletList(rest, stdin, stdout, stderr)
	case "present":
		return walletPresent(rest, stdin, stdout, stderr)
	case "import":
		return walletImport(rest, stdin, stdout, stderr)
	case "delete":
		return walletDelete(rest, stdin, stdout, stderr)
	case "history":
		return walletHistory(rest, stdin, stdout, stderr)
	case "backup", "restore", "recovery-sheet":
		return runWalletBackup(cmd, rest, stdin, stdout, stderr)
	}
	fmt.Fprintf(stderr, "cityid wallet: unknown command %q\n\n%s\n", cmd, walletUsage)
	return exitUsage
}

// walletFlags parses flags that may come before or after the positional
// arguments, and checks --dir and the number of positional arguments.
func walletFlags(fs *flag.FlagSet, args []string, dir *string, positional int) ([]string, int, bool) {
	var pos []string
	for {
		if code, ok := parseFlags(fs, args); !ok {
			return nil, code, false
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if *dir == "" || len(pos) != positional {
		if *dir == "" {
			fmt.Fprintf(fs.Output(), "cityid wallet %s: --dir is required\n", fs.Name())
		}
		fs.Usage()
		return nil, exitUsage, false
	}
	return pos, 0, true
}

func newWalletFlags(name string, stderr io.Writer, usageLine string) (*flag.FlagSet, *string) {
	fs := newFlags(name, stderr, "wallet "+usageLine)
	dir := fs.String("dir", "", "the wallet's directory (one per person: several profiles are several directories)")
	return fs, dir
}

// walletOptions are the wallet's options for the command line: notes go
// to stderr, and a wait after wrong PINs is announced before it starts.
func walletOptions(stderr io.Writer) wallet.Options {
	return wallet.Options{
		Logger: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
		Sleep: func(d time.Duration) {
			fmt.Fprintf(stderr, "waiting %s after earlier wrong PINs…\n", d.Round(time.Second))
			time.Sleep(d)
		},
	}
}

// readPIN returns the PIN from CITYID_PIN, a terminal prompt (twice, with
// confirm) or the first line of stdin.
func readPIN(stdin io.Reader, stderr io.Writer, confirm bool) (string, error) {
	if pin := os.Getenv("CITYID_PIN"); pin != "" {
		return pin, nil
	}
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(stderr, "PIN: ")
		pin, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		if confirm {
			fmt.Fprint(stderr, "the same PIN again: ")
			again, err := term.ReadPassword(int(f.Fd()))
			fmt.Fprintln(stderr)
			if err != nil {
				return "", err
			}
			if string(again) != string(pin) {
				return "", errors.New("the two PINs differ")
			}
		}
		return string(pin), nil
	}
	line, err := readLine(stdin)
	if err != nil {
		return "", fmt.Errorf("no PIN: set CITYID_PIN or give it on standard input (%v)", err)
	}
	return line, nil
}

// openWallet reads the PIN and opens the wallet in dir.
func openWallet(cmd, dir string, stdin io.Reader, stderr io.Writer) (*wallet.Wallet, int) {
	pin, err := readPIN(stdin, stderr, false)
	if err != nil {
		fmt.Fprintf(stderr, "cityid wallet %s: %v\n", cmd, err)
		return nil, exitUsage
	}
	w, err := wallet.Open(dir, pin, walletOptions(stderr))
	if err != nil {
		return nil, walletErr(stderr, cmd, err)
	}
	return w, exitOK
}

// walletErr prints err for a resident and returns its exit code: 1 when
// the wallet or the issuer refused (wrong PIN, a credential that does not
// verify, an offer already used), 2 for bad input.
func walletErr(stderr io.Writer, cmd string, err error) int {
	msg := strings.TrimPrefix(err.Error(), "wallet: ")
	fmt.Fprintf(stderr, "cityid wallet %s: %s\n", cmd, msg)
	var oe *oid4vci.Error
	switch {
	case errors.Is(err, wallet.ErrWrongPIN), errors.Is(err, wallet.ErrRejected), errors.Is(err, wallet.ErrIncomplete),
		errors.Is(err, wallet.ErrCorrupt), errors.As(err, &oe):
		return exitFailed
	case errors.Is(err, wallet.ErrWeakPIN), errors.Is(err, wallet.ErrNoWallet), errors.Is(err, wallet.ErrExists),
		errors.Is(err, wallet.ErrNotFound), errors.Is(err, wallet.ErrUnknownClaim), errors.Is(err, wallet.ErrFormMissing),
		errors.Is(err, wallet.ErrBadRequest), errors.Is(err, wallet.ErrUnsupported),
		errors.Is(err, oid4vci.ErrInvalidOffer), errors.Is(err, oid4vci.ErrTxCode):
		return exitUsage
	}
	return exitFailed
}

func walletInit(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs, dir := newWalletFlags("init", stderr, "init --dir DIR [--json]")
	asJSON := fs.Bool("json", false, "print the directory and the holder DID as JSON")
	if _, code, ok := walletFlags(fs, args, dir, 0); !ok {
		return code
	}
	pin, err := readPIN(stdin, stderr, true)
	if err != nil {
		fmt.Fprintf(stderr, "cityid wallet init: %v\n", err)
		return exitUsage
	}
	w, err := wallet.Create(*dir, pin, walletOptions(stderr))
	if err != nil {
		return walletErr(stderr, "init", err)
	}
	defer w.Close()
	if *asJSON {
		writeJSON(stdout, map[string]string{"dir": *dir, "did": w.DID()})
		return exitOK
	}
	fmt.Fprintf(stdout, "created a wallet in %s\nholder DID: %s\n", *dir, w.DID())
	return exitOK
}

func walletReceive(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs, dir := newWalletFlags("receive", stderr, "receive --dir DIR OFFER_URI [--tx-code CODE]")
	txCode := fs.String("tx-code", "", "the transaction code (PIN) the clerk reads out with the offer")
	pos, code, ok := walletFlags(fs, args, dir, 1)
	if !ok {
		return code
	}
	w, code := openWallet("receive", *dir, stdin, stderr)
	if w == nil {
		return code
	}
	defer w.Close()
	got, err := w.ReceiveOffer(context.Background(), pos[0], *txCode)
	if len(got) > 0 {
		writeJSON(stdout, got)
	}
	if err != nil {
		return walletErr(stderr, "receive", err)
	}
	return exitOK
}

func walletList(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs, dir := newWalletFlags("list", stderr, "list --dir DIR")
	if _, code, ok := walletFlags(fs, args, dir, 0); !ok {
		return code
	}
	w, code := openWallet("list", *dir, stdin, stderr)
	if w == nil {
		return code
	}
	defer w.Close()
	list, err := w.List()
	if err != nil {
		return walletErr(stderr, "list", err)
	}
	if list == nil {
		list = []wallet.Credential{}
	}
	writeJSON(stdout, list)
	return exitOK
}

func walletPresent(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs, dir := newWalletFlags("present", stderr, "present --dir DIR --credential ID --disclose CLAIM,CLAIM [--challenge C] [--verifier NAME] [--png FILE] [--form qr|sd-jwt --audience AUD]\n       present --dir DIR --credential ID --form paper [--verifier NAME] [--png FILE]")
	id := fs.String("credential", "", "the credential's id (see cityid wallet list)")
	disclose := fs.String("disclose", "", "the claims to reveal, separated by commas; nothing else is shown")
	challenge := fs.String("challenge", "", "the challenge the kiosk shows (the nonce of an online verifier)")
	verifierName := fs.String("verifier", "", "who the presentation is for, kept in the history (QR form)")
	audience := fs.String("audience", "", "the online verifier's identifier (SD-JWT form)")
	form := fs.String("form", "qr", "qr (a QR code, offline), sd-jwt (an online verifier) or paper (a paper credential's code, every printed claim)")
	pngFile := fs.String("png", "", "also write the QR code as a PNG image to this file (QR form)")
	if _, code, ok := walletFlags(fs, args, dir, 0); !ok {
		return code
	}
	var claims []string
	for _, c := range strings.Split(*disclose, ",") {
		if c = strings.TrimSpace(c); c != "" {
			claims = append(claims, c)
		}
	}
	switch {
	case *id == "":
		fmt.Fprintln(stderr, "cityid wallet present: --credential is required (see cityid wallet list)")
		return exitUsage
	case *form == "paper" && (len(claims) > 0 || *challenge != ""):
		fmt.Fprintln(stderr, "cityid wallet present: a paper credential's code shows every printed claim and answers no challenge: leave out --disclose and --challenge")
		return exitUsage
	case *form != "paper" && len(claims) == 0:
		fmt.Fprintln(stderr, "cityid wallet present: --disclose is required: choose the claims to show, e.g. --disclose residentOf")
		return exitUsage
	case *form != "qr" && *form != "sd-jwt" && *form != "paper":
		fmt.Fprintf(stderr, "cityid wallet present: --form %q: use qr, sd-jwt or paper\n", *form)
		return exitUsage
	case *form == "sd-jwt" && (*audience == "" || *challenge == ""):
		fmt.Fprintln(stderr, "cityid wallet present: an SD-JWT presentation needs --audience and --challenge (the verifier's nonce)")
		return exitUsage
	case *form == "sd-jwt" && *pngFile != "":
		fmt.Fprintln(stderr, "cityid wallet present: --png is for the QR form")
		return exitUsage
	}
	w, code := openWallet("present", *dir, stdin, stderr)
	if w == nil {
		return code
	}
	defer w.Close()
	var text string
	var err error
	switch *form {
	case "sd-jwt":
		text, err = w.PresentSDJWT(*id, claims, *audience, *challenge)
	case "paper":
		text, err = w.PresentPaper(*id, wallet.PresentOptions{Verifier: *verifierName})
	default:
		text, err = w.PresentQR(*id, claims, wallet.PresentOptions{Challenge: *challenge, Verifier: *verifierName})
	}
	if err != nil {
		return walletErr(stderr, "present", err)
	}
	if *pngFile != "" {
		if err := writeQRPNG(*pngFile, text); err != nil {
			fmt.Fprintf(stderr, "cityid wallet present: %v\n", err)
			return exitFailed
		}
	}
	fmt.Fprintln(stdout, text)
	return exitOK
}

// writeQRPNG writes text as a QR code (error correction M) to a PNG file.
func writeQRPNG(path, text string) error {
	code, err := qrcode.Encode(text, qrcode.Medium)
	if err != nil {
		return err
	}
	side := (17 + 4*code.Version() + 2*qrcode.QuietZone) * pngModulePixels
	img, err := code.PNG(side)
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, img, 0o600); err != nil {
		return fmt.Errorf("writing the QR code: %w", err)
	}
	return nil
}

func walletImport(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs, dir := newWalletFlags("import", stderr, "import --dir DIR [--trust BUNDLE --trust-root DID] FILE\n\nFILE is a credential (W3C JSON, SD-JWT VC, QR text), the code of a paper credential, or a PNG/JPEG picture of a QR code.\nA paper credential from an issuer the wallet holds nothing from needs the city's trust bundle.")
	bundlePath := fs.String("trust", "", "the city's trust bundle, to check paper credentials from issuers the wallet holds nothing from")
	root := fs.String("trust-root", "", "the city's root DID the bundle must be signed by (required with --trust)")
	pos, code, ok := walletFlags(fs, args, dir, 1)
	if !ok {
		return code
	}
	if pos[0] == "-" {
		fmt.Fprintln(stderr, "cityid wallet import: give a file (standard input carries the PIN)")
		return exitUsage
	}
	data, err := readInput(pos[0], stdin)
	if err != nil {
		fmt.Fprintf(stderr, "cityid wallet import: cannot read %s: %v\n", pos[0], err)
		return exitUsage
	}
	if isImage(data) {
		text, err := qrcode.Decode(bytes.NewReader(data))
		if err != nil {
			fmt.Fprintf(stderr, "cityid wallet import: %s is a picture, but no QR code could be read from it: %v\n", pos[0], err)
			return exitUsage
		}
		data = []byte(text)
	}
	opts := walletOptions(stderr)
	if *bundlePath != "" {
		if *root == "" {
			fmt.Fprintln(stderr, "cityid wallet import: --trust needs --trust-root, the city's root DID")
			return exitUsage
		}
		if opts.Trust, err = loadBundle(*bundlePath, *root, time.Now()); err != nil {
			fmt.Fprintf(stderr, "cityid wallet import: the trust bundle: %v\n", err)
			return exitFailed
		}
	}
	pin, err := readPIN(stdin, stderr, false)
	if err != nil {
		fmt.Fprintf(stderr, "cityid wallet import: %v\n", err)
		return exitUsage
	}
	w, err := wallet.Open(*dir, pin, opts)
	if err != nil {
		return walletErr(stderr, "import", err)
	}
	defer w.Close()
	c, err := w.Import(data)
	if err != nil {
		return walletErr(stderr, "import", err)
	}
	writeJSON(stdout, c)
	return exitOK
}

func walletDelete(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs, dir := newWalletFlags("delete", stderr, "delete --dir DIR --credential ID")
	id := fs.String("credential", "", "the credential's id (see cityid wallet list)")
	if _, code, ok := walletFlags(fs, args, dir, 0); !ok {
		return code
	}
	if *id == "" {
		fmt.Fprintln(stderr, "cityid wallet delete: --credential is required")
		return exitUsage
	}
	w, code := openWallet("delete", *dir, stdin, stderr)
	if w == nil {
		return code
	}
	defer w.Close()
	if err := w.Delete(*id); err != nil {
		return walletErr(stderr, "delete", err)
	}
	fmt.Fprintf(stdout, "deleted %s\n", *id)
	return exitOK
}

func walletHistory(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs, dir := newWalletFlags("history", stderr, "history --dir DIR [--clear]")
	clear := fs.Bool("clear", false, "delete the whole history")
	if _, code, ok := walletFlags(fs, args, dir, 0); !ok {
		return code
	}
	w, code := openWallet("history", *dir, stdin, stderr)
	if w == nil {
		return code
	}
	defer w.Close()
	if *clear {
		if err := w.ClearHistory(); err != nil {
			return walletErr(stderr, "history", err)
		}
		fmt.Fprintln(stdout, "the history is cleared")
		return exitOK
	}
	events, err := w.History()
	if err != nil {
		return walletErr(stderr, "history", err)
	}
	writeJSON(stdout, events)
	return exitOK
}

func writeJSON(w io.Writer, v any) {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}
