package compact

import (
	"crypto"
	"crypto/ed25519"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/veraison/go-cose"
)

// DefaultMaxAge is the holder timestamp window when VerifyOptions.MaxAge is
// zero: a holder-bound presentation older than this, or dated this much in
// the future, is refused as stale.
const DefaultMaxAge = 5 * time.Minute

// VerifyOptions configure Verify.
type VerifyOptions struct {
	// Now is the verification time; zero means the current time.
	Now time.Time
	// Challenge is the challenge this verifier showed the holder, or empty.
	// A holder-bound presentation must have been signed for exactly it. A
	// credential without holder binding cannot answer a challenge; refuse
	// those with RequireHolder where freshness matters.
	Challenge string
	// ChallengeOptional also accepts a holder-bound presentation made
	// without any challenge (a wallet that could not read the one shown);
	// its freshness then rests on MaxAge and the caller's replay cache. A
	// presentation made for another challenge is refused all the same.
	ChallengeOptional bool
	// MaxAge bounds how far the holder's timestamp may be from Now, either
	// way; zero means DefaultMaxAge.
	MaxAge time.Duration
	// RequireHolder refuses credentials that are not bound to a holder key
	// (paper credentials among them) with ErrNotHolderBound. A credential
	// that is bound always needs its holder signature, whatever this says.
	RequireHolder bool
	// StatusLists resolves the status list references of the credential
	// (the verifier's trust bundle knows the lists). A credential with
	// status entries fails with ErrUnknownStatusList when it is nil or does
	// not know a list: its revocation could not be checked.
	StatusLists StatusFunc
}

// Verified is a presentation or paper credential that passed Verify.
type Verified struct {
	// Credential is the VC 2.0 data model form with only the disclosed
	// claims: @context, type, issuer, validFrom, validUntil,
	// credentialSubject and credentialStatus. Check credentialStatus against
	// the status lists; Verify does not.
	Credential map[string]any
	// Issuer is the issuer DID and KeyID the verification method that
	// signed, as the KeyFunc gave them.
	Issuer, KeyID string
	// Type is the city credential type, e.g. "CityIDCredential".
	Type string
	// Disclosed lists the disclosed claim names in code order.
	Disclosed []string
	// HolderBound reports a holder-bound presentation; HolderKey is then the
	// holder's Ed25519 key and PresentedAt the holder's timestamp.
	HolderBound bool
	HolderKey   crypto.PublicKey
	PresentedAt time.Time
	// Digest is the SHA-256 of the presentation's binary data: the same
	// presentation always has the same Digest, and no other valid
	// presentation has it. A verifier keeps the Digests it accepted within
	// the MaxAge window to refuse replays.
	Digest []byte
	// Paper reports a paper credential.
	Paper bool
}

// Verify checks a QR text: a presentation made by Present or a paper
// credential made by IssuePaper. It decodes it within the size limits,
// resolves the issuer key id with keys, checks the issuer signature over the
// rebuilt digests (so every disclosed value, digest, date, status reference
// and the holder key are covered), the validity period, and for a
// holder-bound presentation the holder signature, its time window and the
// challenge. It does not check revocation (the caller does, with
// Verified.Credential's credentialStatus and its cached status lists) and
// does not remember Digests (the caller's replay cache does).
func Verify(text string, keys KeyFunc, opts VerifyOptions) (*Verified, error) {
	if keys == nil {
		return nil, errorf(ErrUnknownKey, "no KeyFunc: a verifier needs its trusted issuer keys")
	}
	p, err := parse(text)
	if err != nil {
		return nil, err
	}
	if p.form == FormCredential {
		return nil, errorf(ErrForm, "this is a wallet's stored credential, not a presentation: show it with compact.Present")
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	c := p.c
	var claims []claim
	var payload []byte
	if p.form == FormPaper {
		payload, claims = p.sig.payload, c.claims
	} else {
		digests, disclosed, err := p.openClaims()
		if err != nil {
			return nil, err
		}
		payload, claims = c.body(digests), disclosed
	}
	issuer, vm, err := verifyIssuer(p, payload, keys)
	if err != nil {
		return nil, err
	}
	if c.validFrom != nil && now.Unix() < *c.validFrom {
		return nil, errorf(ErrNotYetValid, "valid from %s", time.Unix(*c.validFrom, 0).UTC().Format(time.RFC3339))
	}
	if c.validUntil != nil && now.Unix() > *c.validUntil {
		return nil, errorf(ErrExpired, "valid until %s", time.Unix(*c.validUntil, 0).UTC().Format(time.RFC3339))
	}
	v := &Verified{Issuer: issuer, KeyID: vm, Type: c.class.typ, Paper: p.form == FormPaper, Digest: p.digest[:]}
	if c.holder == nil {
		if opts.RequireHolder {
			return nil, errorf(ErrNotHolderBound, "this verifier requires a holder-bound credential")
		}
		if p.proof != nil {
			return nil, errorf(ErrCBOR, "a holder proof on a credential without a holder key")
		}
	} else {
		if err := p.verifyHolder(now, opts); err != nil {
			return nil, err
		}
		v.HolderBound, v.HolderKey, v.PresentedAt = true, c.holder, time.Unix(p.proof.time, 0).UTC()
	}
	statusEntries, err := expandStatus(c.status, opts.StatusLists)
	if err != nil {
		return nil, err
	}
	v.Credential = c.expand(issuer, claims, statusEntries)
	for _, cl := range claims {
		v.Disclosed = append(v.Disclosed, cl.spec.name)
	}
	return v, nil
}

// openClaims derives the disclosed claims' salts from the presented seeds
// and returns every position's digest (as the issuer signed them) and the
// disclosed claims.
func (p *parsed) openClaims() ([]any, []claim, error) {
	n := len(p.items)
	nodes := cover(n, p.disclosedMask())
	if len(nodes) != len(p.seeds) {
		return nil, nil, errorf(ErrDisclosure, "%d salt seeds for disclosed claims that need %d", len(p.seeds), len(nodes))
	}
	salts := deriveSalts(n, nodes, p.seeds)
	digests := make([]any, n)
	var disclosed []claim
	for i, it := range p.items {
		if it.claim == nil {
			digests[i] = it.digest
			continue
		}
		digests[i] = claimDigest(salts[i], *it.claim)
		disclosed = append(disclosed, *it.claim)
	}
	return digests, disclosed, nil
}

// verifyIssuer resolves the key id and verifies the COSE_Sign1 over payload.
func verifyIssuer(p *parsed, payload []byte, keys KeyFunc) (issuer, vm string, err error) {
	kid := p.keyID()
	issuer, vm, pub, err := keys(kid)
	if errors.Is(err, ErrUnknownKey) {
		return "", "", err
	}
	if err != nil {
		return "", "", fmt.Errorf("%w: issuer key %s: %w", ErrUnknownKey, kid, err)
	}
	if got, err := KeyID(pub); err != nil || got != kid {
		return "", "", errorf(ErrUnknownKey, "the KeyFunc answered a key whose id is %s, not %s", got, kid)
	}
	if !strings.HasPrefix(vm, issuer+"#") {
		return "", "", errorf(ErrUnknownKey, "the key %s is not a key of the issuer %s", vm, issuer)
	}
	alg, err := algorithmFor(pub)
	if err != nil {
		return "", "", err
	}
	if alg != p.sig.alg {
		return "", "", errorf(ErrAlgorithm, "the header says %v but the issuer key is for %v", p.sig.alg, alg)
	}
	verifier, err := cose.NewVerifier(alg, pub)
	if err != nil {
		return "", "", errorf(ErrAlgorithm, "%v", err)
	}
	msg := cose.UntaggedSign1Message{Payload: payload, Signature: p.sig.signature}
	msg.Headers.RawProtected = encode(p.sig.protected)
	msg.Headers.Protected = cose.ProtectedHeader{cose.HeaderLabelAlgorithm: p.sig.alg, cose.HeaderLabelKeyID: p.sig.kid}
	if err := msg.Verify(nil, verifier); err != nil {
		return "", "", errorf(ErrSignature, "the credential was altered or not signed by %s", vm)
	}
	return issuer, vm, nil
}

// verifyHolder checks the holder proof of a presentation of a bound
// credential.
func (p *parsed) verifyHolder(now time.Time, opts VerifyOptions) error {
	pr := p.proof
	if pr == nil {
		return errorf(ErrHolderSignature, "the credential is bound to a holder key and the presentation is not signed")
	}
	maxAge := opts.MaxAge
	if maxAge <= 0 {
		maxAge = DefaultMaxAge
	}
	at := time.Unix(pr.time, 0)
	if age := now.Sub(at); age > maxAge || age < -maxAge {
		return errorf(ErrStale, "presented at %s, %s from now (allowed: %s)", at.UTC().Format(time.RFC3339), age.Round(time.Second), maxAge)
	}
	signed := opts.Challenge
	switch {
	case pr.challenge == nil && opts.Challenge != "" && opts.ChallengeOptional:
		signed = "" // made before the holder could read a challenge: the time window and the caller's replay cache apply
	case pr.challenge == nil && opts.Challenge != "":
		return errorf(ErrChallenge, "the presentation was made without this verifier's challenge")
	case pr.challenge != nil && opts.Challenge == "":
		return errorf(ErrChallenge, "the presentation was made for a challenge, and this verifier gave none")
	case pr.challenge != nil && subtle.ConstantTimeCompare(pr.challenge, challengeTag(opts.Challenge)) != 1:
		return errorf(ErrChallenge, "the presentation was made for another challenge")
	}
	members := p.elems[1:10]
	if len(p.elems) == 12 {
		members = append(slices.Clone(members), p.elems[11])
	}
	msg := holderMessage(members, pr.time, signed)
	if !ed25519.Verify(p.c.holder, msg, pr.signature) {
		return errorf(ErrHolderSignature, "the holder signature does not verify with the holder key %s", hex.EncodeToString(p.c.holder[:4]))
	}
	return nil
}

// Parsed is what ParseUnsafe reads from a text. Nothing in it is verified.
type Parsed struct {
	Form Form
	// Type is the city credential type and KeyID the compact issuer key id
	// (resolve it with the trust bundle to name the issuer).
	Type, KeyID string
	// Credential is the VC 2.0 form with the claims the text holds in the
	// clear; without issuer and credentialStatus, which only a trust bundle
	// can resolve.
	Credential map[string]any
	// Claims names the claims held in the clear, in code order: all of them
	// for a stored or paper credential.
	Claims []string
	// Undisclosed counts the claims a presentation hides.
	Undisclosed int
	// HolderKey is the key the credential is bound to, or nil.
	HolderKey crypto.PublicKey
	// PresentedAt is a presentation's holder timestamp, or zero.
	PresentedAt time.Time
	// Digest is as in Verified.
	Digest []byte
}

// ParseUnsafe decodes a text of any form (stored credential, presentation,
// paper) without verifying anything, for a wallet to show what it holds or
// what it is about to present. Nothing it returns may be trusted.
func ParseUnsafe(text string) (*Parsed, error) {
	p, err := parse(text)
	if err != nil {
		return nil, err
	}
	c := p.c
	out := &Parsed{Form: p.form, Type: c.class.typ, KeyID: p.keyID(), Digest: p.digest[:]}
	claims := c.claims
	if p.form == FormPresentation {
		claims = nil
		for _, it := range p.items {
			if it.claim == nil {
				out.Undisclosed++
			} else {
				claims = append(claims, *it.claim)
			}
		}
		if p.proof != nil {
			out.PresentedAt = time.Unix(p.proof.time, 0).UTC()
		}
	}
	if c.holder != nil {
		out.HolderKey = c.holder
	}
	for _, cl := range claims {
		out.Claims = append(out.Claims, cl.spec.name)
	}
	out.Credential = c.expand("", claims, nil)
	return out, nil
}
