package wallet

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/cityid/cityid/credential"
	"github.com/cityid/cityid/credential/trust"
	"github.com/cityid/cityid/schemas"
)

// Format names a form a credential is held in.
type Format = credential.Format

// The forms a wallet can hold. One wallet entry can hold several forms of
// the same credential, each signed by the issuer.
const (
	// FormatSDJWT is an SD-JWT VC: the form for online presentations.
	FormatSDJWT Format = credential.FormatSDJWT
	// FormatLDP is a W3C VC 2.0 with a Data Integrity proof: the full
	// credential, for files and archives.
	FormatLDP Format = credential.FormatLDP
	// FormatQR is cityid's compact form, shown as one QR code offline.
	FormatQR Format = "cityid-qr"
	// FormatPaper is the code printed on a paper credential (cityid's
	// compact form without holder binding), scanned or typed into the
	// wallet: it shows every printed claim and is bound to no one.
	FormatPaper Format = "cityid-paper"
)

// formOrder is the order in which forms are listed and preferred as the
// source of an entry's claims and dates.
var formOrder = []Format{FormatLDP, FormatSDJWT, FormatQR, FormatPaper}

func formName(f Format) string {
	switch f {
	case FormatSDJWT:
		return "SD-JWT"
	case FormatLDP:
		return "W3C"
	case FormatQR:
		return "QR"
	case FormatPaper:
		return "paper"
	}
	return string(f)
}

// Credential is one wallet entry: a credential the city issued to this
// wallet, in one or more forms. The fields come from the verified
// credential; Claims are the holder's claims (never the holder's DID).
type Credential struct {
	// ID names the entry inside this wallet (not the issuer's credential id).
	ID string `json:"id"`
	// Type is the credential type, e.g. "ResidencyCredential".
	Type string `json:"type"`
	// Title is the type's short human title, e.g. "Residency".
	Title string `json:"title"`
	// Issuer is the issuer's DID.
	Issuer string `json:"issuer"`
	// IssuerName is the name the issuer gives itself in its OpenID4VCI
	// metadata (e.g. "City of Springfield"), for display; empty for a
	// credential imported from a file from an issuer the wallet has not
	// received from. It is the issuer's own claim: verifiers trust the DID.
	IssuerName string `json:"issuerName,omitempty"`
	// Evidence says how the city established the holder's identity when it
	// issued the credential on an attestation (a caseworker's, a
	// shelter's). Every presentation shows it to the verifier.
	Evidence   []schemas.Evidence `json:"evidence,omitempty"`
	IssuedAt   time.Time          `json:"issuedAt,omitzero"`
	ValidUntil time.Time          `json:"validUntil,omitzero"`
	Claims     map[string]any     `json:"claims"`
	// Forms lists the forms the wallet holds, in a fixed order (W3C,
	// SD-JWT, QR).
	Forms []Format `json:"forms"`
}

// Event is one entry of the wallet's history: a presentation the resident
// made. The history stays in the wallet, encrypted like the credentials.
type Event struct {
	ID   string    `json:"id"`
	Time time.Time `json:"time"`
	// CredentialID is the wallet entry presented; Title and Type describe it
	// (they stay readable after the entry is deleted).
	CredentialID string `json:"credentialId"`
	Type         string `json:"type"`
	Title        string `json:"title"`
	// Claims are the claims disclosed.
	Claims []string `json:"claims"`
	// Verifier names who the presentation was for, when known: the
	// audience of an SD-JWT presentation, the kiosk's name for a QR code.
	Verifier string `json:"verifier,omitempty"`
	// Challenge is the verifier's challenge or nonce, when there was one.
	Challenge string `json:"challenge,omitempty"`
	Form      Format `json:"form"`
}

// Options tune a wallet. The zero value is ready to use.
type Options struct {
	// Clock returns the current time; nil means time.Now.
	Clock func() time.Time
	// HTTPClient is used by ReceiveOffer, and only by it: nothing else in
	// the wallet touches the network. Nil means a client with a 30-second
	// timeout that follows no redirect.
	HTTPClient *http.Client
	// Logger receives notes (skipped credential forms, waits after wrong
	// PINs). Nil discards them. It never receives claims or keys.
	Logger *slog.Logger
	// Sleep waits before a PIN is checked after earlier wrong PINs; nil
	// means time.Sleep. A user interface can show a countdown in it.
	Sleep func(time.Duration)
	// Trust is the city's trust bundle, opened against its pinned root
	// (trust.Open), if the app was given one. Import uses its issuers'
	// keys to check paper credentials from issuers the wallet holds
	// nothing from yet. Nil: only the issuers of credentials held.
	Trust *trust.Bundle
}

func (o Options) withDefaults() Options {
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Sleep == nil {
		o.Sleep = time.Sleep
	}
	return o
}

// PresentOptions say whom a QR presentation is for.
type PresentOptions struct {
	// Challenge is the challenge the kiosk shows, if any; the presentation
	// signs it so that it cannot be replayed elsewhere.
	Challenge string
	// Verifier names the kiosk or counter, for the history only.
	Verifier string
}
