package ui

import (
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cityid/cityid/credential/qrcode"
	"github.com/cityid/cityid/schemas"
	"github.com/cityid/cityid/wallet"
)

// listPage is how many credentials the list shows at first, and how many
// more each "Show more" adds: residents hold a handful, but a list of
// hundreds must not cost a cheap phone its memory or a second of start.
const listPage = 20

// ShowList shows the credentials held: title, issuer, validity and an
// EXPIRED badge, each with a button that opens it; with more than a page
// of them, a search field and "Show more".
func (u *UI) ShowList() { u.showList("", listPage) }

func (u *UI) showList(query string, limit int) {
	if u.w == nil {
		u.ShowUnlock()
		return
	}
	receive := newButton(lang.L("Receive a credential"), u.ShowReceive)
	receive.Importance = widget.HighImportance
	history := newButton(lang.L("History"), u.ShowHistory)
	backup := newButton(lang.L("Back up"), u.ShowBackup)
	settings := newButton(lang.L("Settings"), u.ShowSettings)
	lock := newButton(lang.L("Lock"), u.Lock)
	cell := fyne.NewSize(180, receive.MinSize().Height)
	for _, b := range []*spaceButton{receive, history, backup, settings, lock} {
		cell.Width = max(cell.Width, b.MinSize().Width)
	}
	body := container.NewVBox(container.NewGridWrap(cell, receive, history, backup, settings, lock))
	if u.notice != "" {
		n := message(widget.SuccessImportance)
		say(n, u.notice)
		body.Add(n)
		u.notice = ""
	}
	all, err := u.w.List()
	if err != nil {
		m := message(widget.DangerImportance)
		say(m, lang.L("The credentials could not be read: {{.Error}}", map[string]any{"Error": err.Error()}))
		body.Add(m)
	} else if len(all) == 0 {
		body.Add(wrapped(lang.L("No credentials yet. A clerk at a city counter can give you one: choose “Receive a credential”.")))
	}
	var first fyne.Focusable
	if len(all) > listPage || query != "" {
		search := widget.NewEntry()
		search.SetPlaceHolder(lang.L("Search your credentials"))
		search.SetText(query)
		search.OnSubmitted = func(q string) { u.showList(strings.TrimSpace(q), listPage) }
		body.Add(container.NewBorder(nil, nil, nil, newButton(lang.L("Search"), func() { search.OnSubmitted(search.Text) }), search))
		if query != "" {
			first = search
		}
	}
	list := matching(all, query)
	if query != "" {
		body.Add(wrapped(lang.L("{{.Count}} of {{.Total}} credentials match “{{.Query}}”.",
			map[string]any{"Count": len(list), "Total": len(all), "Query": query})))
	}
	now := u.opts.Clock()
	for i, c := range list {
		if i == limit {
			more := newButton(lang.L("Show more ({{.Count}} more)", map[string]any{"Count": len(list) - limit}), func() {
				u.showList(query, limit+listPage)
			})
			body.Add(more)
			break
		}
		title := widget.NewLabel(typeTitle(c))
		title.TextStyle = fyne.TextStyle{Bold: true}
		title.Wrapping = fyne.TextWrapWord
		row := container.NewVBox(title)
		if !c.ValidUntil.IsZero() && !now.Before(c.ValidUntil) {
			badge := widget.NewLabel(lang.L("EXPIRED"))
			badge.Importance = widget.DangerImportance
			badge.TextStyle = fyne.TextStyle{Bold: true}
			row.Add(badge)
		}
		row.Add(wrapped(lang.L("Issued by {{.Issuer}}", map[string]any{"Issuer": issuerName(c)})))
		row.Add(wrapped(lang.L("Valid until {{.Date}}", map[string]any{"Date": formatDate(c.ValidUntil)})))
		open := newButton(lang.L("Open"), func() { u.ShowDetail(c.ID) })
		if first == nil || (i == limit-listPage && limit > listPage) {
			first = open // after "Show more": the first of the new ones
		}
		row.Add(container.NewHBox(open))
		body.Add(widget.NewSeparator())
		body.Add(row)
	}
	if first == nil {
		first = receive
	}
	u.show(lang.L("Your credentials ({{.Profile}})", map[string]any{"Profile": u.profile}), body, first, nil)
}

// matching is the credentials whose title, issuer or claim values contain
// every word of query, ignoring case; all of them for an empty query.
func matching(all []wallet.Credential, query string) []wallet.Credential {
	words := strings.Fields(strings.ToLower(query))
	if len(words) == 0 {
		return all
	}
	var out []wallet.Credential
	for _, c := range all {
		parts := []string{typeTitle(c), c.Title, c.Type, issuerName(c)}
		for _, n := range claimNames(c) {
			parts = append(parts, claimLabel(c.Type, n), shortValueOf(c.Type, n, c.Claims[n]))
		}
		text := strings.ToLower(strings.Join(parts, "\n"))
		ok := true
		for _, w := range words {
			ok = ok && strings.Contains(text, w)
		}
		if ok {
			out = append(out, c)
		}
	}
	return out
}

// ShowDetail shows one credential with every claim under its label.
func (u *UI) ShowDetail(id string) {
	c, err := u.w.Get(id)
	if err != nil {
		u.notice = lang.L("The credential could not be read: {{.Error}}", map[string]any{"Error": err.Error()})
		u.ShowList()
		return
	}
	form := container.New(layout.NewFormLayout())
	addRow := func(label, value string) {
		l := widget.NewLabel(label)
		l.TextStyle = fyne.TextStyle{Bold: true}
		form.Add(l)
		form.Add(wrapped(value))
	}
	for _, name := range claimNames(c) {
		if obj, ok := c.Claims[name].(map[string]any); ok {
			var parts []string
			for _, k := range fieldNames(c.Type, name, obj) {
				parts = append(parts, fieldLabel(c.Type, name, k)+": "+valueOf(c.Type, name+"."+k, obj[k]))
			}
			addRow(claimLabel(c.Type, name), strings.Join(parts, "\n"))
			continue
		}
		addRow(claimLabel(c.Type, name), valueOf(c.Type, name, c.Claims[name]))
	}
	issuer := wrapped(lang.L("Issued by {{.Issuer}}", map[string]any{"Issuer": issuerName(c)}))
	issuerID := wrapped(lang.L("Issuer's identifier: {{.DID}}", map[string]any{"DID": c.Issuer}))
	issuerID.Wrapping = fyne.TextWrapBreak
	issuerID.SizeName = theme.SizeNameCaptionText
	back := newButton(lang.L("Back"), u.ShowList)
	showQR := newButton(lang.L("Show as QR code"), func() { u.ShowPicker(c.ID) })
	showQR.Importance = widget.HighImportance
	body := container.NewVBox(form, widget.NewSeparator(), issuer,
		wrapped(lang.L("Issued on {{.Date}}", map[string]any{"Date": formatDate(c.IssuedAt)})),
		wrapped(lang.L("Valid until {{.Date}}", map[string]any{"Date": formatDate(c.ValidUntil)})),
		issuerID)
	if ev := evidenceText(c); ev != "" {
		body.Add(wrapped(lang.L("How the city knows who you are: {{.Evidence}}. Every verifier you show this credential to sees this.", map[string]any{"Evidence": ev})))
	}
	switch {
	case slices.Contains(c.Forms, wallet.FormatQR):
	case slices.Contains(c.Forms, wallet.FormatPaper):
		// A paper credential's code: shown whole, as the paper is.
		showQR.OnTapped = func() { u.showPaper(c) }
		note := wrapped(lang.L("This is the code of your paper credential. It shows everything printed on the paper and is not tied to this phone, so the person checking it compares the name with you. At a city counter you can have it issued to this wallet instead."))
		note.Importance = widget.WarningImportance
		body.Add(note)
	default:
		showQR.Disable()
		body.Add(wrapped(lang.L("This credential cannot be shown as a QR code: the wallet does not hold its QR form.")))
	}
	body.Add(container.NewHBox(showQR, back))
	focus := fyne.Focusable(showQR)
	if showQR.Disabled() {
		focus = back
	}
	u.show(typeTitle(c), body, focus, u.ShowList)
}

// fieldNames lists the members of an object claim in the schema's order,
// then any others sorted by name.
func fieldNames(typeName, claim string, obj map[string]any) []string {
	var fields []schemas.Claim
	if t, ok := schemas.Lookup(typeName); ok {
		for _, c := range t.Claims {
			if c.Name == claim {
				fields = c.Fields
			}
		}
	}
	return names(schemas.Order(fields, obj))
}

// ShowPicker shows a checkbox per claim, the optional challenge of the
// kiosk and the optional name of the counter, then makes the QR code.
func (u *UI) ShowPicker(id string) {
	c, err := u.w.Get(id)
	if err != nil {
		u.ShowList()
		return
	}
	names := claimNames(c)
	checks := make([]*widget.Check, len(names))
	body := container.NewVBox(wrapped(lang.L("Choose what to show. Only the ticked claims are in the code.")))
	for i, n := range names {
		// The value goes under the box, wrapped: a check's text does not
		// wrap and would make the screen wider than a phone.
		checks[i] = widget.NewCheck(claimLabel(c.Type, n), nil)
		value := wrapped(shortValueOf(c.Type, n, c.Claims[n]))
		value.Wrapping = fyne.TextWrapBreak
		body.Add(checks[i])
		body.Add(value)
	}
	challenge := widget.NewEntry()
	challenge.SetPlaceHolder(lang.L("e.g. K7Q2XA"))
	verifier := widget.NewEntry()
	verifier.SetPlaceHolder(lang.L("e.g. Library, 2nd floor"))
	msg := message(widget.DangerImportance)
	show := newButton(lang.L("Show QR"), nil)
	show.Importance = widget.HighImportance
	submit := func() {
		var disclose []string
		for i, ch := range checks {
			if ch.Checked {
				disclose = append(disclose, names[i])
			}
		}
		if len(disclose) == 0 {
			say(msg, lang.L("Tick at least one claim to show."))
			return
		}
		ch := strings.ToUpper(strings.TrimSpace(challenge.Text))
		text, err := u.w.PresentQR(c.ID, disclose, wallet.PresentOptions{Challenge: ch, Verifier: strings.TrimSpace(verifier.Text)})
		if err != nil {
			say(msg, lang.L("The QR code could not be made: {{.Error}}", map[string]any{"Error": err.Error()}))
			return
		}
		labels := make([]string, len(disclose))
		for i, n := range disclose {
			labels[i] = claimLabel(c.Type, n)
		}
		if err := u.ShowQR(text, labels, func() { u.ShowDetail(c.ID) }); err != nil {
			say(msg, lang.L("The QR code could not be made: {{.Error}}", map[string]any{"Error": err.Error()}))
		}
	}
	show.OnTapped = submit
	challenge.OnSubmitted = func(string) { submit() }
	verifier.OnSubmitted = func(string) { submit() }
	if ev := evidenceText(c); ev != "" {
		note := wrapped(lang.L("Always shown with this credential: {{.Evidence}}.", map[string]any{"Evidence": ev}))
		note.Importance = widget.WarningImportance
		body.Add(note)
	}
	body.Add(widget.NewLabel(lang.L("Challenge shown by the kiosk (optional)")))
	body.Add(challenge)
	body.Add(widget.NewLabel(lang.L("Who is it for? (optional, for your history)")))
	body.Add(verifier)
	body.Add(msg)
	back := func() { u.ShowDetail(c.ID) }
	body.Add(container.NewHBox(show, newButton(lang.L("Back"), back)))
	var focus fyne.Focusable = show
	if len(checks) > 0 {
		focus = checks[0]
	}
	u.show(lang.L("Show {{.Title}}", map[string]any{"Title": typeTitle(c)}), body, focus, back)
}

// showPaper shows the code of a paper credential full screen and records
// the showing in the history.
func (u *UI) showPaper(c wallet.Credential) {
	text, err := u.w.PresentPaper(c.ID, wallet.PresentOptions{})
	if err == nil {
		labels := make([]string, 0, len(c.Claims))
		for _, n := range claimNames(c) {
			labels = append(labels, claimLabel(c.Type, n))
		}
		err = u.ShowQR(text, labels, func() { u.ShowDetail(c.ID) })
	}
	if err != nil {
		u.notice = lang.L("The QR code could not be made: {{.Error}}", map[string]any{"Error": err.Error()})
		u.ShowList()
	}
}

// shortValueOf is the value of claim (of type typeName) on one line, for
// the picker; the members of an object claim keep the schema's order.
func shortValueOf(typeName, claim string, v any) string {
	s := ""
	if obj, ok := v.(map[string]any); ok {
		var parts []string
		for _, k := range fieldNames(typeName, claim, obj) {
			parts = append(parts, valueOf(typeName, claim+"."+k, obj[k]))
		}
		s = strings.Join(parts, ", ")
	} else {
		s = valueOf(typeName, claim, v)
	}
	if r := []rune(s); len(r) > 40 {
		s = string(r[:39]) + "…"
	}
	return s
}

// ShowQR shows text as a QR code as large as the window allows, the
// disclosed claims under it and a Done button, focused so that Space
// closes it, then calls done.
func (u *UI) ShowQR(text string, disclosed []string, done func()) error {
	code, err := qrcode.Encode(text, qrcode.Medium)
	if err != nil {
		return err
	}
	u.win.SetFullScreen(true)
	view := newQRView(code)
	shown := wrapped(lang.L("Shown: {{.Claims}}", map[string]any{"Claims": strings.Join(disclosed, ", ")}))
	shown.Alignment = fyne.TextAlignCenter
	shown.TextStyle = fyne.TextStyle{Bold: true}
	finish := func() {
		u.win.SetFullScreen(false)
		done()
	}
	doneButton := newButton(lang.L("Done"), finish)
	doneButton.Importance = widget.HighImportance
	u.back = finish
	u.win.SetContent(container.NewBorder(nil, container.NewVBox(shown, doneButton), nil, nil, view))
	u.win.Canvas().Focus(doneButton)
	return nil
}
