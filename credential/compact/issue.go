package compact

import (
	"crypto"
	"crypto/rand"
	"io"

	"github.com/fxamacker/cbor/v2"
)

// The first member of a stored credential and of a presentation says which
// it is. A paper credential is a bare COSE_Sign1, whose first member is a
// byte string.
const (
	kindCredential   uint64 = 1
	kindPresentation uint64 = 2
)

// IssueOptions configure Issue and IssuePaper.
type IssueOptions struct {
	// KeyID is the issuer's verification method, a DID URL of the credential's
	// issuer (e.g. "did:web:city.example#key-1"). Required. For a did:key
	// issuer it must name the signer's key. The compact form itself carries
	// only the short key id (KeyID of the public key), which the verifier's
	// trust bundle resolves.
	KeyID string
	// HolderKey is the holder's Ed25519 public key the credential is bound
	// to; presentations must then be signed with its private key. Nil makes
	// an unbound credential (anyone holding the text can present it).
	// IssuePaper refuses it.
	HolderKey crypto.PublicKey
	// Rand supplies the salt tree's root seed; nil means crypto/rand. Tests
	// pass a fixed stream to make test vectors.
	Rand io.Reader
	// PaperClaims, for IssuePaper only, names the top-level claims to print
	// (a minimal-disclosure paper credential, e.g. only residentOf); nil
	// means every claim. The whole credential is validated against its
	// type's schema first, so a subset of a valid credential's claims may
	// leave out claims the schema requires. Issue refuses it.
	PaperClaims []string
}

// Issue signs an unsigned VC 2.0 city credential (the issuer's JSON data
// model, with its credentialStatus entries) in the compact form with
// selective disclosure and returns the text a wallet stores: the issuer's
// COSE_Sign1 over the salted digests of every claim, with the salt tree's
// root seed and every claim's value. The wallet makes QR presentations of it
// with Present.
//
// signer holds the issuer's Ed25519 (EdDSA) or P-256 (ES256) key. Issue
// refuses a credential the compact form cannot carry (another context or
// type, an unknown claim or member, claims that fail the type's schema,
// fractional seconds, status entries other than one-bit
// BitstringStatusListEntry objects). The credential's own id is not carried
// (see docs/compact-qr.md); a credentialStatus entry id is always
// listURL#index.
func Issue(vc map[string]any, signer crypto.Signer, opts IssueOptions) (string, error) {
	if opts.PaperClaims != nil {
		return "", errorf(ErrCredential, "PaperClaims is for paper credentials; a stored credential keeps every claim and its presentations choose")
	}
	c, issuer, err := fromVC(vc, opts.HolderKey)
	if err != nil {
		return "", err
	}
	if err := checkVerificationMethod(opts.KeyID, issuer, signer.Public()); err != nil {
		return "", err
	}
	r := opts.Rand
	if r == nil {
		r = rand.Reader
	}
	root := make([]byte, SeedSize)
	if _, err := io.ReadFull(r, root); err != nil {
		return "", errorf(ErrCrypto, "reading the salt seed: %v", err)
	}
	salts := allSalts(root, len(c.claims))
	digests := make([]any, len(c.claims))
	claims := make([]any, len(c.claims))
	for i, cl := range c.claims {
		digests[i] = claimDigest(salts[i], cl)
		claims[i] = []any{cl.spec.code, cl.value}
	}
	sig, err := coseSign(signer, c.body(digests), false)
	if err != nil {
		return "", err
	}
	stored := append([]any{kindCredential, cbor.RawMessage(sig)}, c.header(true)...)
	stored = c.withEvidence(append(stored, root, claims))
	return encodeText(encode(stored)), nil
}

// body is the payload the issuer signs for a selectively disclosable
// credential: [class, validFrom, validUntil, status, holder, subject,
// digests]. It is never sent: a verifier rebuilds it from a presentation.
func (c *content) body(digests []any) []byte {
	return encode(c.withEvidence(append(c.header(true), digests)))
}

// IssuePaper signs a credential for printing: every claim in the clear, no
// holder binding, no salts, as one untagged COSE_Sign1 with the payload
// [class, validFrom, validUntil, status, subject, claims], where claims maps
// claim codes to values. Anyone holding the paper can present it; verifiers
// that require holder binding refuse it (ErrNotHolderBound). A subject id
// (credentialSubject.id) is carried if present, but costs about 60
// characters: leave it out of paper credentials.
func IssuePaper(vc map[string]any, signer crypto.Signer, opts IssueOptions) (string, error) {
	if opts.HolderKey != nil {
		return "", errorf(ErrHolderKey, "a paper credential cannot be bound to a holder key")
	}
	c, issuer, err := fromVC(vc, nil)
	if err != nil {
		return "", err
	}
	if opts.PaperClaims != nil {
		if c.claims, err = pickClaims(c.claims, opts.PaperClaims); err != nil {
			return "", err
		}
	}
	if err := checkVerificationMethod(opts.KeyID, issuer, signer.Public()); err != nil {
		return "", err
	}
	cose, err := coseSign(signer, c.paperBody(), true)
	if err != nil {
		return "", err
	}
	return encodeText(cose), nil
}

// paperBody is the payload of a paper credential.
func (c *content) paperBody() []byte {
	m := make(map[uint64]any, len(c.claims))
	for _, cl := range c.claims {
		m[cl.spec.code] = cl.value
	}
	return encode(c.withEvidence(append(c.header(false), m)))
}

// pickClaims keeps the claims named in names, in code order. Every name must
// be a claim of the credential, and at least one must be given.
func pickClaims(claims []claim, names []string) ([]claim, error) {
	if len(names) == 0 {
		return nil, errorf(ErrCredential, "a paper credential must print at least one claim")
	}
	want := make(map[string]bool, len(names))
	for _, n := range names {
		want[n] = true
	}
	out := make([]claim, 0, len(names))
	for _, cl := range claims {
		if want[cl.spec.name] {
			out = append(out, cl)
			delete(want, cl.spec.name)
		}
	}
	for _, n := range names {
		if want[n] {
			return nil, errorf(ErrCredential, "the credential has no claim %q to print", n)
		}
	}
	return out, nil
}
