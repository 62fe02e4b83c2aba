package verifier

import "slices"

// Plain words for every refusal. A Failure's Message says what this
// particular check found; Reason.StaffMessage says, for the person at the
// counter, what the reason means and what to do next, so that nobody is
// turned away by an unexplained "invalid". The four reasons residents meet
// most are spelled out in the words of issue 6: expired, revoked, not from a
// trusted issuer, damaged code.

// DamagedCodeMessage is the check message for a QR code whose content
// cannot be read as a city credential (a scan error, a torn or smudged
// print, a truncated copy).
const DamagedCodeMessage = "damaged code: the QR code could not be read as a city credential (it is damaged, incomplete or was scanned badly)"

// damagedCodeAdvice is what to do with a damaged code.
const damagedCodeAdvice = "Scan it again; if it still fails, ask for the paper credential or a new code from the resident's wallet, or send the resident to the city counter."

var staffMessages = map[Reason]string{
	ReasonMalformed: "Damaged code or unreadable credential: it could not be read as a city credential. " + damagedCodeAdvice,
	ReasonTooLarge:  "Not a city credential: what was scanned is far larger than any city credential. Scan only the resident's code.",
	ReasonUnsupportedFormat: "Not a city credential this counter accepts: the code or file is in a form this verifier does not read. " +
		"Ask for the city QR code or the paper credential.",
	ReasonUnknownContext: "The credential uses a vocabulary this verifier does not know, so its content cannot be checked. " +
		"Ask the resident for the city QR code, or send them to the city counter.",
	ReasonUnsupportedAlg: "The credential is signed in a way this verifier does not accept. Ask for the city QR code or the paper credential.",
	ReasonNoProof:        "The credential carries no signature, so nothing shows who issued it. Do not accept it.",
	ReasonBadSignature:   "The signature does not match the content: the credential was changed after it was issued, or forged. Do not accept it.",
	ReasonKeyUnresolvable: "Not from a trusted issuer: the key that signed it is unknown to this verifier. " +
		"Do not accept it; if the resident says the city issued it, load the city's current trust bundle or send them to the city counter.",
	ReasonWrongPurpose:    "The credential's signature was made for another purpose than issuing credentials. Do not accept it.",
	ReasonIssuerMismatch:  "The credential was signed with a key that is not its issuer's: it may be forged. Do not accept it.",
	ReasonUntrustedIssuer: "Not from a trusted issuer: the city does not list its issuer. Do not accept it; the resident can ask the city counter for a city credential.",
	ReasonTypeNotAllowed:  "Not from a trusted issuer for this kind of credential: its issuer may not issue it. Do not accept it.",
	ReasonIssuerRetired:   "Its issuer is no longer trusted (retired). The resident can ask the city counter for a new credential.",
	ReasonExpired:         "Expired: the credential is past its end date. The resident can ask the city counter for a new one.",
	ReasonNotYetValid:     "Not valid yet: its start date is in the future. Check this device's clock; otherwise ask the resident to come back when it is valid.",
	ReasonTooOld:          "Issued too long ago for this counter's rules. The resident can ask the city counter for a recent credential.",
	ReasonRevoked:         "Revoked: the city has withdrawn this credential. Do not accept it; the resident can ask the issuing office why.",
	ReasonSuspended:       "Suspended: the city has put this credential on hold. Do not accept it now; the resident can ask the issuing office why.",
	ReasonStatusUnavailable: "Whether it was revoked cannot be checked: its revocation list is not on this device. " +
		"Load the city's current trust bundle, then check again.",
	ReasonStatusInvalid: "Whether it was revoked cannot be checked: its revocation entry or list is not in order. Do not accept it now; send the resident to the city counter.",
	ReasonStatusStale:   "The revocation list on this device is out of date. Load the city's current trust bundle, then check again.",
	ReasonHolderMismatch: "The code was not made by the credential's holder: it was shown from someone else's wallet or copied. " +
		"Do not accept it; ask the resident to show it from their own wallet.",
	ReasonHolderProofMissing: "This counter needs the resident's own wallet to make the code (with the challenge shown here); " +
		"a paper credential or a copied code is not enough. Ask the resident to show it from their wallet.",
	ReasonChallengeMismatch:   "The code answers another counter's challenge. Ask the resident to make a new code for the challenge shown here.",
	ReasonAudienceMismatch:    "The code was made for another verifier. Ask the resident to make a new code for this counter.",
	ReasonPresentationExpired: "The code was made too long ago (or the wallet's clock is wrong). Ask the resident to make a new code in their wallet.",
	ReasonDisclosure:          "A shown detail was not signed by the issuer: the code was altered. Do not accept it; ask the resident for a new code.",
	ReasonReplayed:            "This code was already shown. Ask the resident to make a new code in their wallet.",
}

// StaffMessage says in plain words, for the person at the counter, what
// the reason means and what to do next. Every Reason this package defines
// has one; an unknown code gets a sentence that names it and sends the
// resident to the counter rather than away.
func (r Reason) StaffMessage() string {
	if m, ok := staffMessages[r]; ok {
		return m
	}
	return "The credential could not be accepted here (" + string(r) + "). Send the resident to the city counter, where staff can check it."
}

// Reasons lists every Reason this package defines, sorted.
func Reasons() []Reason {
	out := make([]Reason, 0, len(staffMessages))
	for r := range staffMessages {
		out = append(out, r)
	}
	slices.Sort(out)
	return out
}
