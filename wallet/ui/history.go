package ui

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/cityid/cityid/credential"
	"github.com/cityid/cityid/credential/compact"
	"github.com/cityid/cityid/credential/oid4vci"
	"github.com/cityid/cityid/credential/qrcode"
	"github.com/cityid/cityid/wallet"
)

// receiveTimeout bounds one exchange with the issuer.
const receiveTimeout = 2 * time.Minute

// ShowHistory shows every presentation made (the data tracker): when,
// which credential and claims, to whom and in which form, newest first,
// with "Clear history" after a confirmation.
func (u *UI) ShowHistory() { u.showHistory(false) }

func (u *UI) showHistory(confirming bool) {
	if u.w == nil {
		u.ShowUnlock()
		return
	}
	back := newButton(lang.L("Back"), u.ShowList)
	body := container.NewVBox(wrapped(lang.L("Every time you showed a credential, this wallet noted it here. Only you can see this list.")))
	events, err := u.w.History()
	if err != nil {
		m := message(widget.DangerImportance)
		say(m, lang.L("The history could not be read: {{.Error}}", map[string]any{"Error": err.Error()}))
		body.Add(m)
	} else if len(events) == 0 {
		body.Add(wrapped(lang.L("Nothing shown yet.")))
	}
	for _, e := range events {
		when := widget.NewLabel(formatTime(e.Time))
		when.TextStyle = fyne.TextStyle{Bold: true}
		labels := make([]string, len(e.Claims))
		for i, n := range e.Claims {
			labels[i] = claimLabel(e.Type, n)
		}
		to := e.Verifier
		if to == "" {
			to = lang.L("not recorded")
		}
		title := typeTitle(wallet.Credential{Type: e.Type, Title: e.Title})
		body.Add(widget.NewSeparator())
		body.Add(when)
		body.Add(wrapped(lang.L("{{.Title}}: {{.Claims}}", map[string]any{"Title": title, "Claims": strings.Join(labels, ", ")})))
		body.Add(wrapped(lang.L("To: {{.Verifier}}", map[string]any{"Verifier": to})))
		body.Add(wrapped(lang.L("Form: {{.Form}}", map[string]any{"Form": formName(e.Form)})))
	}
	body.Add(widget.NewSeparator())
	focus := fyne.Focusable(back)
	switch {
	case confirming:
		sure := newButton(lang.L("Yes, clear the history"), func() {
			if err := u.w.ClearHistory(); err != nil {
				u.notice = lang.L("The history could not be cleared: {{.Error}}", map[string]any{"Error": err.Error()})
				u.ShowList()
				return
			}
			u.showHistory(false)
		})
		sure.Importance = widget.DangerImportance
		keep := newButton(lang.L("Cancel"), func() { u.showHistory(false) })
		q := wrapped(lang.L("Clear all {{.Count}} entries? This cannot be undone.", map[string]any{"Count": len(events)}))
		q.TextStyle = fyne.TextStyle{Bold: true}
		body.Add(q)
		body.Add(container.NewHBox(sure, keep))
		focus = keep
	case len(events) > 0:
		body.Add(container.NewHBox(newButton(lang.L("Clear history"), func() { u.showHistory(true) }), back))
	default:
		body.Add(container.NewHBox(back))
	}
	esc := u.ShowList
	if confirming {
		esc = func() { u.showHistory(false) }
	}
	u.show(lang.L("History"), body, focus, esc)
}

// ShowReceive shows the receive screen: the offer link or text the
// clerk's QR code holds, and the PIN the clerk reads out.
func (u *UI) ShowReceive() {
	if u.w == nil {
		u.ShowUnlock()
		return
	}
	offer := widget.NewMultiLineEntry()
	offer.Wrapping = fyne.TextWrapBreak
	offer.SetPlaceHolder("openid-credential-offer://…")
	offer.SetMinRowsVisible(3)
	code := widget.NewEntry()
	code.SetPlaceHolder(lang.L("e.g. 493021"))
	msg := message(widget.DangerImportance)
	progress := widget.NewProgressBarInfinite()
	progress.Stop()
	progress.Hide()
	receive := newButton(lang.L("Receive"), nil)
	receive.Importance = widget.HighImportance
	back := newButton(lang.L("Back"), u.ShowList)
	submit := func() {
		uri, tx := strings.TrimSpace(offer.Text), strings.TrimSpace(code.Text)
		if uri == "" {
			say(msg, lang.L("Paste or type the offer from the clerk's screen."))
			u.win.Canvas().Focus(offer)
			return
		}
		if isCode(uri) {
			u.importCode(uri, msg)
			return
		}
		say(msg, "")
		receive.Disable()
		progress.Show()
		progress.Start()
		w := u.w
		u.async(func() {
			ctx, cancel := context.WithTimeout(context.Background(), receiveTimeout)
			defer cancel()
			got, err := w.ReceiveOffer(ctx, uri, tx)
			fyne.Do(func() {
				if u.w != w {
					return // locked meanwhile: nothing to show
				}
				progress.Stop()
				progress.Hide()
				receive.Enable()
				if err != nil && len(got) == 0 {
					say(msg, receiveError(err))
					return
				}
				titles := make([]string, len(got))
				for i, c := range got {
					titles[i] = typeTitle(c)
				}
				u.notice = lang.L("Received: {{.Titles}}", map[string]any{"Titles": strings.Join(titles, ", ")})
				if err != nil {
					u.notice += " " + receiveError(err)
				}
				u.ShowList()
			})
		})
	}
	receive.OnTapped = submit
	code.OnSubmitted = func(string) { submit() }
	info := message(widget.SuccessImportance)
	picture := newButton(lang.L("Read a picture of the code…"), func() {
		u.readPicture(func(text string) {
			say(msg, "")
			offer.SetText(text)
			say(info, lang.L("The offer is read from the picture. Now enter the clerk's PIN."))
			u.win.Canvas().Focus(code)
		}, msg)
	})
	body := container.NewVBox(
		wrapped(lang.L("At the counter, the clerk shows an offer and reads out a PIN. Paste or type the offer here, or read a picture of it, then enter that PIN.")),
		widget.NewLabel(lang.L("Offer")), offer, container.NewHBox(picture),
		widget.NewLabel(lang.L("Clerk's PIN")), code,
		progress, info, msg,
		container.NewHBox(receive, back),
		widget.NewSeparator(),
		wrapped(lang.L("Have a paper credential? Read a picture of its code, or paste the code in the offer field: the wallet keeps it.")),
	)
	u.show(lang.L("Receive a credential"), body, offer, u.ShowList)
}

// maxPicture bounds the picture file read for a QR code.
const maxPicture = 20 << 20

// readPicture asks for a picture of a QR code and reads it: an offer goes
// to offer, a credential's code (a paper credential) is kept at once;
// anything else is explained in msg.
func (u *UI) readPicture(offer func(string), msg *widget.Label) {
	u.pickFile(u.opts.OpenPicture, []string{".png", ".jpg", ".jpeg", ".PNG", ".JPG", ".JPEG"}, func(r io.ReadCloser, _ string, err error) {
		if r == nil {
			if err != nil {
				say(msg, lang.L("The picture could not be opened: {{.Error}}", map[string]any{"Error": err.Error()}))
			}
			return
		}
		defer r.Close()
		text, err := qrcode.Decode(io.LimitReader(r, maxPicture))
		switch {
		case err != nil:
			say(msg, lang.L("No QR code could be read from this picture. Take it again, closer, sharper and with the whole code in it."))
		case strings.HasPrefix(text, "openid-credential-offer://"):
			offer(text)
		case isCode(text):
			u.importCode(text, msg)
		default:
			say(msg, lang.L("This picture holds a QR code, but not a credential offer or a credential."))
		}
	})
}

// isCode reports whether text is a credential rather than an offer: a city
// credential's code (cityid's compact QR form, as printed on a paper
// credential), or a credential file's content (W3C JSON, SD-JWT VC) pasted.
func isCode(text string) bool {
	text = strings.TrimSpace(text)
	if compact.Detect(text) {
		return true
	}
	switch credential.Detect([]byte(text)) {
	case credential.FormatLDP, credential.FormatSDJWT:
		return !strings.HasPrefix(text, "openid-credential-offer:")
	}
	return false
}

// importCode keeps a credential's code (a paper credential) in the wallet
// and shows the list, or says in msg why it was refused.
func (u *UI) importCode(text string, msg *widget.Label) {
	c, err := u.w.Import([]byte(text))
	if err != nil {
		say(msg, receiveError(err))
		return
	}
	u.notice = lang.L("Added: {{.Title}}", map[string]any{"Title": typeTitle(c)})
	u.ShowList()
}

// receiveError says in plain words why receiving failed.
func receiveError(err error) string {
	var (
		rej    *wallet.RejectedError
		oerr   *oid4vci.Error
		neterr net.Error
	)
	switch {
	case errors.As(err, &rej):
		return lang.L("The credential was refused and not stored: {{.Reason}}", map[string]any{"Reason": rej.Reason})
	case errors.Is(err, wallet.ErrIncomplete):
		return lang.L("Some forms of the credential did not arrive. Ask the clerk for a new offer.")
	case errors.Is(err, wallet.ErrUnsupported):
		return lang.L("This wallet cannot keep the credential offered.")
	case errors.Is(err, wallet.ErrBadRequest), errors.Is(err, oid4vci.ErrInvalidOffer):
		return lang.L("This is not a valid offer. Check what you pasted.")
	case errors.Is(err, oid4vci.ErrTxCode):
		return lang.L("The clerk's PIN does not fit this offer. Check the PIN.")
	case errors.As(err, &oerr) && oerr.Code == oid4vci.CodeInvalidGrant:
		return lang.L("The offer was not accepted ({{.Detail}}). Check the clerk's PIN; an offer that was used or has expired needs a new one.", map[string]any{"Detail": oerr.Description})
	case errors.As(err, &neterr):
		return lang.L("The city's service could not be reached. Check the connection and try again.")
	case errors.Is(err, context.DeadlineExceeded):
		return lang.L("The city's service did not answer in time. Try again.")
	}
	return lang.L("The credential could not be received: {{.Error}}", map[string]any{"Error": err.Error()})
}
