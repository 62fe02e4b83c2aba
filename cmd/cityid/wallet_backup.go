package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/cityid/cityid/wallet"
)

// backupPassphraseEnv holds the backup passphrase for backup, restore and
// recovery-sheet when --passphrase-file is not given.
const backupPassphraseEnv = "CITYID_BACKUP_PASSPHRASE"

// maxPassphraseFile bounds what --passphrase-file reads.
const maxPassphraseFile = 4096

// runWalletBackup runs the backup, restore and recovery-sheet commands.
func runWalletBackup(cmd string, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	switch cmd {
	case "backup":
		return walletBackup(args, stdin, stdout, stderr)
	case "restore":
		return walletRestore(args, stdin, stdout, stderr)
	}
	return walletRecoverySheet(args, stdin, stdout, stderr)
}

// backupPassphrase reads the passphrase from --passphrase-file (its first
// line) or CITYID_BACKUP_PASSPHRASE; "" when neither gives one.
func backupPassphrase(file string) (string, error) {
	if file == "" {
		return strings.TrimSpace(os.Getenv(backupPassphraseEnv)), nil
	}
	f, err := os.Open(file)
	if err != nil {
		return "", err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxPassphraseFile+1))
	if err != nil {
		return "", err
	}
	if len(data) > maxPassphraseFile {
		return "", fmt.Errorf("%s is longer than %d bytes: is it the passphrase?", file, maxPassphraseFile)
	}
	line, _, _ := strings.Cut(string(data), "\n")
	if line = strings.TrimSpace(line); line == "" {
		return "", fmt.Errorf("%s holds no passphrase on its first line", file)
	}
	return line, nil
}

// backupErr is walletErr, with a weak passphrase as a usage error.
func backupErr(stderr io.Writer, cmd string, err error) int {
	if errors.Is(err, wallet.ErrWeakPassphrase) {
		fmt.Fprintf(stderr, "cityid wallet %s: %s\n", cmd, strings.TrimPrefix(err.Error(), "wallet: "))
		return exitUsage
	}
	return walletErr(stderr, cmd, err)
}

func walletBackup(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs, dir := newWalletFlags("backup", stderr, "backup --dir DIR --out FILE [--passphrase-file F] [--history] [--sheet FILE.html]")
	out := fs.String("out", "", "the backup file to write (mode 0600)")
	passFile := fs.String("passphrase-file", "", "read the passphrase from this file's first line (else "+backupPassphraseEnv+", else a new one is made and printed once)")
	history := fs.Bool("history", false, "include the presentation history (by default the backup holds none)")
	sheet := fs.String("sheet", "", "where to write the recovery sheet when the passphrase is made here (default: FILE.recovery.html)")
	if _, code, ok := walletFlags(fs, args, dir, 0); !ok {
		return code
	}
	if *out == "" {
		fmt.Fprintln(stderr, "cityid wallet backup: --out is required")
		return exitUsage
	}
	pass, err := backupPassphrase(*passFile)
	if err != nil {
		fmt.Fprintf(stderr, "cityid wallet backup: %v\n", err)
		return exitUsage
	}
	generated := pass == ""
	if generated {
		pass = wallet.NewPassphrase()
		if *sheet == "" {
			*sheet = strings.TrimSuffix(*out, filepath.Ext(*out)) + ".recovery.html"
		}
	} else if err := wallet.CheckPassphrase(pass); err != nil {
		return backupErr(stderr, "backup", err)
	}
	w, code := openWallet("backup", *dir, stdin, stderr)
	if w == nil {
		return code
	}
	defer w.Close()
	var b bytes.Buffer
	if err := w.BackupWith(&b, pass, wallet.BackupOptions{History: *history}); err != nil {
		return backupErr(stderr, "backup", err)
	}
	if *sheet != "" {
		page, err := w.RecoverySheet(pass)
		if err != nil {
			return backupErr(stderr, "backup", err)
		}
		if err := writeFileAtomic(*sheet, page, 0o600); err != nil {
			fmt.Fprintf(stderr, "cityid wallet backup: writing the recovery sheet: %v\n", err)
			return exitFailed
		}
	}
	if err := writeFileAtomic(*out, b.Bytes(), 0o600); err != nil {
		fmt.Fprintf(stderr, "cityid wallet backup: writing the backup: %v\n", err)
		return exitFailed
	}
	fmt.Fprintf(stdout, "backup written to %s\n", *out)
	if generated {
		fmt.Fprintf(stdout, "passphrase: %s\n", pass)
		fmt.Fprintln(stdout, "write it down now: it is shown only this once, and without it the backup cannot be opened")
	}
	if *sheet != "" {
		fmt.Fprintf(stdout, "recovery sheet (print it, keep it apart from the phone): %s\n", *sheet)
	}
	return exitOK
}

func walletRestore(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs, dir := newWalletFlags("restore", stderr, "restore --dir NEWDIR --in FILE [--passphrase-file F]")
	in := fs.String("in", "", "the backup file")
	passFile := fs.String("passphrase-file", "", "read the passphrase from this file's first line (else "+backupPassphraseEnv+")")
	if _, code, ok := walletFlags(fs, args, dir, 0); !ok {
		return code
	}
	if *in == "" {
		fmt.Fprintln(stderr, "cityid wallet restore: --in is required")
		return exitUsage
	}
	pass, err := backupPassphrase(*passFile)
	if err == nil && pass == "" {
		err = fmt.Errorf("no passphrase: set %s or give --passphrase-file (it is on the recovery sheet)", backupPassphraseEnv)
	}
	if err != nil {
		fmt.Fprintf(stderr, "cityid wallet restore: %v\n", err)
		return exitUsage
	}
	f, err := os.Open(*in)
	if err != nil {
		fmt.Fprintf(stderr, "cityid wallet restore: cannot read %s: %v\n", *in, err)
		return exitUsage
	}
	defer f.Close()
	pin, err := readPIN(stdin, stderr, true)
	if err != nil {
		fmt.Fprintf(stderr, "cityid wallet restore: %v\n", err)
		return exitUsage
	}
	w, err := wallet.Restore(*dir, f, pass, pin, walletOptions(stderr))
	if err != nil {
		return backupErr(stderr, "restore", err)
	}
	defer w.Close()
	list, err := w.List()
	if err != nil {
		return walletErr(stderr, "restore", err)
	}
	writeJSON(stdout, map[string]any{"dir": *dir, "did": w.DID(), "credentials": len(list)})
	return exitOK
}

func walletRecoverySheet(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs, dir := newWalletFlags("recovery-sheet", stderr, "recovery-sheet --dir DIR --out FILE.html [--passphrase-file F]")
	out := fs.String("out", "", "the HTML page to write")
	passFile := fs.String("passphrase-file", "", "put the backup passphrase from this file's first line on the sheet (else "+backupPassphraseEnv+", else a blank to fill in by hand)")
	if _, code, ok := walletFlags(fs, args, dir, 0); !ok {
		return code
	}
	if *out == "" {
		fmt.Fprintln(stderr, "cityid wallet recovery-sheet: --out is required")
		return exitUsage
	}
	pass, err := backupPassphrase(*passFile)
	if err != nil {
		fmt.Fprintf(stderr, "cityid wallet recovery-sheet: %v\n", err)
		return exitUsage
	}
	w, code := openWallet("recovery-sheet", *dir, stdin, stderr)
	if w == nil {
		return code
	}
	defer w.Close()
	page, err := w.RecoverySheet(pass)
	if err != nil {
		return backupErr(stderr, "recovery-sheet", err)
	}
	if err := writeFileAtomic(*out, page, 0o600); err != nil {
		fmt.Fprintf(stderr, "cityid wallet recovery-sheet: %v\n", err)
		return exitFailed
	}
	fmt.Fprintf(stdout, "recovery sheet written to %s\n", *out)
	return exitOK
}
