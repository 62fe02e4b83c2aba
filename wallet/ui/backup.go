package ui

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cityid/cityid/wallet"
)

// backupFileName and sheetFileName are the names the save dialog suggests.
const (
	backupFileName = "cityid-wallet.backup"
	sheetFileName  = "cityid-recovery-sheet.html"
)

// saveFile asks where to save a file called name (Options.SaveBackup, or
// Fyne's save dialog) and calls done with the writer; a nil writer and nil
// error mean the resident cancelled.
func (u *UI) saveFile(name string, done func(io.WriteCloser, error)) {
	if u.opts.SaveBackup != nil {
		done(u.opts.SaveBackup(name))
		return
	}
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if w == nil {
			done(nil, err)
			return
		}
		done(w, err)
	}, u.win)
	d.SetFileName(name)
	d.Show()
}

// openFile asks for a backup file (Options.OpenBackup, or Fyne's open
// dialog) and calls done with the reader and a name to show; a nil
// reader and nil error mean the resident cancelled.
func (u *UI) openFile(done func(io.ReadCloser, string, error)) {
	u.pickFile(u.opts.OpenBackup, nil, done)
}

// pickFile opens a file through custom, or else through Fyne's open dialog
// showing the given extensions (all files when nil).
func (u *UI) pickFile(custom func() (io.ReadCloser, error), exts []string, done func(io.ReadCloser, string, error)) {
	if custom != nil {
		r, err := custom()
		name := ""
		if f, ok := r.(interface{ Name() string }); ok && err == nil {
			name = filepath.Base(f.Name())
		}
		done(r, name, err)
		return
	}
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if r == nil {
			done(nil, "", err)
			return
		}
		done(r, r.URI().Name(), err)
	}, u.win)
	if exts != nil {
		d.SetFilter(storage.NewExtensionFileFilter(exts))
	}
	d.Show()
}

// writeTo writes data (or what write produces) to w and closes it.
func writeTo(w io.WriteCloser, write func(io.Writer) error) error {
	err := write(w)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	return err
}

// ShowBackup shows a new passphrase in large type, saves the encrypted
// backup where the resident chooses, then offers the recovery sheet.
func (u *UI) ShowBackup() {
	if u.w == nil {
		u.ShowUnlock()
		return
	}
	pass := wallet.NewPassphrase()
	words := widget.NewLabel(pass)
	words.SizeName = theme.SizeNameHeadingText
	words.TextStyle = fyne.TextStyle{Bold: true, Monospace: true}
	words.Wrapping = fyne.TextWrapWord
	msg := message(widget.DangerImportance)
	done := message(widget.SuccessImportance)
	withPass := widget.NewCheck(lang.L("Print the six words on the sheet"), nil)
	sheet := newButton(lang.L("Save the recovery sheet…"), nil)
	sheet.Disable()
	save := newButton(lang.L("Save the backup file…"), nil)
	save.Importance = widget.HighImportance
	w := u.w
	save.OnTapped = func() {
		say(msg, "")
		u.saveFile(backupFileName, func(out io.WriteCloser, err error) {
			if err != nil {
				say(msg, lang.L("The backup could not be saved: {{.Error}}", map[string]any{"Error": err.Error()}))
				return
			}
			if out == nil {
				return
			}
			say(done, lang.L("Saving the backup…"))
			save.Disable()
			u.async(func() {
				err := writeTo(out, func(o io.Writer) error { return w.Backup(o, pass) })
				fyne.Do(func() {
					save.Enable()
					if err != nil {
						say(done, "")
						say(msg, lang.L("The backup could not be saved: {{.Error}}", map[string]any{"Error": err.Error()}))
						return
					}
					say(done, lang.L("The backup is saved. Keep the passphrase written down: without it nobody can open the backup, not even the city."))
					sheet.Enable()
					u.win.Canvas().Focus(sheet)
				})
			})
		})
	}
	sheet.OnTapped = func() {
		say(msg, "")
		p := ""
		if withPass.Checked {
			p = pass
		}
		html, err := w.RecoverySheet(p)
		if err != nil {
			say(msg, lang.L("The recovery sheet could not be made: {{.Error}}", map[string]any{"Error": err.Error()}))
			return
		}
		u.saveFile(sheetFileName, func(out io.WriteCloser, err error) {
			if err == nil && out != nil {
				err = writeTo(out, func(o io.Writer) error { _, err := o.Write(html); return err })
			}
			if err != nil {
				say(msg, lang.L("The recovery sheet could not be saved: {{.Error}}", map[string]any{"Error": err.Error()}))
				return
			}
			if out != nil {
				say(done, lang.L("The recovery sheet is saved. Open it in a browser and print it."))
			}
		})
	}
	body := container.NewVBox(
		wrapped(lang.L("A backup file lets you get this wallet back on a new phone or computer. It is locked with these six words:")),
		words,
		wrapped(lang.L("Write the six words on paper now and keep the paper somewhere safe, away from your phone. Nobody, not even the city, can open the backup without them.")),
		save, done, msg,
		wrapped(lang.L("A recovery sheet is a page to print with space for the words and where you keep the backup.")),
		withPass,
		wrapped(lang.L("Only print the words on the sheet if you keep the sheet away from the backup file.")),
		sheet,
		newButton(lang.L("Back"), u.ShowList),
	)
	u.show(lang.L("Back up your wallet"), body, save, u.ShowList)
}

// lostEverything is wallet.LostEverythingHelp in the resident's language
// (a test checks that the key is the same text).
func lostEverything() string {
	return lang.L("Lost the phone and the backup file (or the passphrase)? Visit a city service counter. A clerk checks who you are in person, issues your credentials again to your new wallet or on paper, and revokes the old ones at the same moment.")
}

// profileProblem checks a new profile's name and PIN twice; it returns
// what is wrong in words and which entry to focus (0 name, 1 PIN, 2 PIN
// again), or "".
func (u *UI) profileProblem(name, pin, again string) (string, int) {
	switch {
	case name == "" || name == "." || name == ".." || strings.ContainsAny(name, `/\:`) || strings.HasPrefix(name, "."):
		return lang.L("Choose a name without / \\ : or a leading dot."), 0
	case pin != again:
		return lang.L("The two PINs are not the same."), 2
	}
	if err := wallet.CheckPIN(pin); err != nil {
		return lang.L("Choose another PIN: at least 6 characters, not one repeated digit or a run like 123456."), 1
	}
	if _, err := os.Lstat(filepath.Join(u.opts.Root, name)); err == nil {
		return lang.L("A profile with this name already exists."), 0
	}
	return "", -1
}

// ShowRestore restores a backup into a new profile: the file, its
// passphrase, a name and a new PIN twice. A wrong passphrase or a damaged
// file says so and creates nothing.
func (u *UI) ShowRestore() {
	var data []byte
	chosen := wrapped(lang.L("No file chosen yet."))
	msg := message(widget.DangerImportance)
	pass := widget.NewPasswordEntry()
	pass.SetPlaceHolder(lang.L("The six words of the backup"))
	name := widget.NewEntry()
	name.SetPlaceHolder(lang.L("Your name or a nickname"))
	pin := widget.NewPasswordEntry()
	pin.SetPlaceHolder(lang.L("PIN"))
	again := widget.NewPasswordEntry()
	again.SetPlaceHolder(lang.L("PIN again"))
	choose := newButton(lang.L("Choose the backup file…"), nil)
	choose.OnTapped = func() {
		say(msg, "")
		u.openFile(func(r io.ReadCloser, fname string, err error) {
			if err == nil && r == nil {
				return
			}
			var b []byte
			if err == nil {
				b, err = io.ReadAll(io.LimitReader(r, wallet.MaxBackupSize+1<<20))
				r.Close()
			}
			if err != nil {
				say(msg, lang.L("The file could not be read: {{.Error}}", map[string]any{"Error": err.Error()}))
				return
			}
			if !wallet.IsBackup(b) {
				say(msg, lang.L("This file is not a wallet backup, or it is damaged. Choose another file."))
				return
			}
			data = b
			if fname == "" {
				chosen.SetText(lang.L("A backup file is chosen."))
			} else {
				chosen.SetText(lang.L("Backup file: {{.Name}}", map[string]any{"Name": fname}))
			}
			u.win.Canvas().Focus(pass)
		})
	}
	restore := newButton(lang.L("Restore"), nil)
	restore.Importance = widget.HighImportance
	entries := []*widget.Entry{name, pin, again}
	submit := func() {
		n := strings.TrimSpace(name.Text)
		switch {
		case data == nil:
			say(msg, lang.L("Choose the backup file first."))
			u.win.Canvas().Focus(choose)
			return
		case strings.TrimSpace(pass.Text) == "":
			say(msg, lang.L("Type the passphrase of the backup."))
			u.win.Canvas().Focus(pass)
			return
		}
		if problem, focus := u.profileProblem(n, pin.Text, again.Text); problem != "" {
			say(msg, problem)
			if focus == 2 {
				again.SetText("")
			}
			u.win.Canvas().Focus(entries[focus])
			return
		}
		say(msg, lang.L("Restoring your wallet…"))
		restore.Disable()
		dir, p, newPIN := filepath.Join(u.opts.Root, n), pass.Text, pin.Text
		u.async(func() {
			w, err := u.opts.Restore(dir, bytes.NewReader(data), p, newPIN)
			fyne.Do(func() {
				restore.Enable()
				if err != nil {
					say(msg, restoreError(err))
					if errors.Is(err, wallet.ErrBackupPassphrase) {
						u.win.Canvas().Focus(pass)
					}
					return
				}
				u.w, u.profile = w, n
				u.notice = lang.L("Your wallet is restored. Its PIN is the new one you chose.")
				u.ShowList()
			})
		})
	}
	restore.OnTapped = submit
	pass.OnSubmitted = func(string) { u.win.Canvas().Focus(name) }
	name.OnSubmitted = func(string) { u.win.Canvas().Focus(pin) }
	pin.OnSubmitted = func(string) { u.win.Canvas().Focus(again) }
	again.OnSubmitted = func(string) { submit() }
	back := u.ShowUnlock
	body := container.NewVBox(
		wrapped(lang.L("Choose the backup file, type the six words written down when it was made, then a name and a new PIN for this profile.")),
		choose, chosen,
		widget.NewLabel(lang.L("Passphrase")), pass,
		widget.NewLabel(lang.L("Name")), name,
		widget.NewLabel(lang.L("New PIN (at least 6 characters)")), pin,
		widget.NewLabel(lang.L("Confirm the PIN")), again,
		msg, restore,
		widget.NewSeparator(),
		wrapped(lostEverything()),
	)
	if u.opts.CounterURL != nil {
		body.Add(widget.NewHyperlink(lang.L("Find a city service counter"), u.opts.CounterURL))
	}
	body.Add(newButton(lang.L("Back"), back))
	u.show(lang.L("Restore from a backup"), body, choose, back)
}

// restoreError says in plain words why a restore failed.
func restoreError(err error) string {
	switch {
	case errors.Is(err, wallet.ErrBackupPassphrase):
		return lang.L("This passphrase does not open the backup. Check each word and try again.")
	case errors.Is(err, wallet.ErrBackupDamaged):
		return lang.L("This file is not a wallet backup, or it is damaged. Choose another file.")
	case errors.Is(err, wallet.ErrBackupVersion):
		return lang.L("This backup was made by a newer version of the app. Update the app, then try again.")
	case errors.Is(err, wallet.ErrWeakPIN):
		return lang.L("Choose another PIN: at least 6 characters, not one repeated digit or a run like 123456.")
	case errors.Is(err, wallet.ErrExists):
		return lang.L("A profile with this name already exists.")
	}
	return lang.L("The backup could not be restored: {{.Error}}", map[string]any{"Error": err.Error()})
}
