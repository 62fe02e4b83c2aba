package wallet

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"
)

// LostEverythingHelp is what a resident does when the phone and the backup
// are both gone: the counter re-issuance (cityid issue #6, "Counter
// recovery"). User interfaces show it next to backup and restore.
const LostEverythingHelp = "Lost the phone and the backup file (or the passphrase)? Visit a city service counter. " +
	"A clerk checks who you are in person, issues your credentials " +
	"again to your new wallet or on paper, and revokes the old ones at the same moment."

var sheetTemplate = template.Must(template.New("sheet").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Wallet recovery sheet</title>
<style>
body { font-family: sans-serif; font-size: 14pt; max-width: 48em; margin: 2em auto; color: #000; background: #fff; }
h1 { font-size: 24pt; }
.pass { font-family: monospace; font-size: 30pt; font-weight: bold; border: 3px solid #000; padding: 0.5em; word-spacing: 0.3em; line-height: 1.5; }
.blank { border-bottom: 2px solid #000; height: 2.2em; }
.did { font-family: monospace; font-size: 10pt; word-break: break-all; }
.warn { border-left: 6px solid #000; padding-left: 0.8em; }
</style>
</head>
<body>
<h1>Wallet recovery sheet</h1>
<p class="warn"><strong>Keep this sheet private and apart from your phone.</strong>
Anyone who has this sheet and your backup file can restore your wallet.</p>
<p>Made on <strong>{{.Date}}</strong>.</p>
<h2>Backup passphrase</h2>
{{if .Passphrase}}<p class="pass">{{.Passphrase}}</p>{{else}}<p>Write the passphrase of your backup here, clearly:</p>
<div class="blank"></div><div class="blank"></div>{{end}}
<p>Where I keep the backup file:</p>
<div class="blank"></div>
<h2>If you lose your phone</h2>
<ol>
<li>Install the city wallet on the new phone or computer.</li>
<li>Choose <em>Restore from backup</em> and open your backup file (or run
<code>cityid wallet restore --dir NEWDIR --in FILE</code>).</li>
<li>Type the passphrase above and choose a new PIN.</li>
<li>Your credentials come back, issued to the same holder (DID below).</li>
</ol>
<h2>If everything is lost</h2>
<p>{{.LostEverything}}</p>
<h2>Your holder DID</h2>
<p class="did">{{.DID}}</p>
<p>This sheet holds no credential and no personal data: only the
passphrase and the identifier your credentials are issued to.</p>
</body>
</html>
`))

// RecoverySheet returns a printable, self-contained HTML page for the
// resident to keep on paper: the holder DID, the date, the backup
// passphrase in large type (or lines to write it by hand when passphrase
// is empty), how to restore after losing the phone, and the counter
// re-issuance when everything is lost ([LostEverythingHelp]). It holds no
// credential contents. A passphrase given must pass [CheckPassphrase].
func (w *Wallet) RecoverySheet(passphrase string) ([]byte, error) {
	passphrase = strings.TrimSpace(passphrase)
	if passphrase != "" {
		if err := CheckPassphrase(passphrase); err != nil {
			return nil, err
		}
	}
	w.mu.Lock()
	err := w.live()
	w.mu.Unlock()
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	err = sheetTemplate.Execute(&b, map[string]string{
		"Date":           w.opts.Clock().Format("2 January 2006"),
		"Passphrase":     passphrase,
		"DID":            w.did,
		"LostEverything": LostEverythingHelp,
	})
	if err != nil {
		return nil, fmt.Errorf("wallet: writing the recovery sheet: %w", err)
	}
	return b.Bytes(), nil
}
