package compact

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"slices"
	"strings"
	"time"
)

// PresentOptions configure Present.
type PresentOptions struct {
	// Challenge is the verifier's challenge (a kiosk may show one), signed by
	// the holder and not carried in the QR text: the verifier supplies it
	// again. Empty when the verifier gave none. Needs a holder signer.
	Challenge string
	// Time is the holder's timestamp; zero means now. It is written to the
	// second.
	Time time.Time
}

// holderContext separates holder signatures from any other use of the key.
const holderContext = "CID1 holder"

// holderMessage is what a holder signs: the CBOR encoding of
// ["CID1 holder", SHA-256 of the presentation's members 1 to 9 (and 11, the
// evidence, when there is evidence) encoded as one array, time, challenge].
func holderMessage(members []any, ts int64, challenge string) []byte {
	sum := sha256.Sum256(encode(members))
	return encode([]any{holderContext, sum[:], uint64(ts), challenge})
}

func challengeTag(challenge string) []byte {
	sum := sha256.Sum256([]byte(challenge))
	return sum[:ChallengeTagSize]
}

// Present makes the QR text of a presentation from a stored credential
// (what Issue returned): the claims named in disclose in the clear with the
// salt tree nodes that open them, every other claim as its digest only, and,
// when the credential is bound to a holder key, the holder's signature over
// the presentation, the time and the challenge.
//
// disclose names top-level claims ("givenName", "birthDate", "address");
// the members of an object claim are disclosed together, and the subject id
// is always shown. holder must hold the Ed25519 key the credential is bound
// to, or be nil for an unbound credential. Present checks the stored
// credential's structure but not the issuer's signature: a wallet verifies
// what it receives.
func Present(credentialText string, disclose []string, holder crypto.Signer, opts PresentOptions) (string, error) {
	p, err := parse(credentialText)
	if err != nil {
		return "", err
	}
	if p.form != FormCredential {
		return "", errorf(ErrForm, "Present needs the stored credential, not a %s", p.form)
	}
	c := p.c
	if err := checkHolder(c, holder, opts.Challenge); err != nil {
		return "", err
	}
	want := make([]bool, len(c.claims))
	for _, name := range disclose {
		i := c.position(name)
		if i < 0 {
			if strings.Contains(name, ".") {
				return "", errorf(ErrDisclosure, "%q: the members of an object claim are disclosed together; name the claim %q", name, name[:strings.IndexByte(name, '.')])
			}
			if name == "id" {
				return "", errorf(ErrDisclosure, "the subject id is always shown; do not name it")
			}
			return "", errorf(ErrDisclosure, "the credential has no claim %q", name)
		}
		want[i] = true
	}
	salts := allSalts(p.root, len(c.claims))
	nodes := cover(len(c.claims), want)
	var seeds []byte
	for _, nd := range nodes {
		seeds = append(seeds, nodeSeed(p.root, nd)...)
	}
	if seeds == nil {
		seeds = []byte{}
	}
	items := make([]any, len(c.claims))
	for i, cl := range c.claims {
		if want[i] {
			items[i] = []any{cl.spec.code, cl.value}
		} else {
			items[i] = claimDigest(salts[i], cl)
		}
	}
	members := append([]any{p.elems[1]}, p.elems[2:8]...)
	members = append(members, seeds, items)
	signed := c.withEvidence(slices.Clone(members))
	var pr any
	if holder != nil {
		t := opts.Time
		if t.IsZero() {
			t = time.Now()
		}
		ts := t.Unix()
		if ts < 0 || ts > maxTime {
			return "", errorf(ErrStale, "the presentation time %s is out of range", t)
		}
		sig, err := holder.Sign(rand.Reader, holderMessage(signed, ts, opts.Challenge), crypto.Hash(0))
		if err != nil {
			return "", errorf(ErrCrypto, "the holder key could not sign: %v", err)
		}
		proofArr := []any{uint64(ts), sig}
		if opts.Challenge != "" {
			proofArr = append(proofArr, challengeTag(opts.Challenge))
		}
		pr = proofArr
	}
	return encodeText(encode(c.withEvidence(append(append([]any{kindPresentation}, members...), pr)))), nil
}

// checkHolder checks that holder fits the credential's binding.
func checkHolder(c *content, holder crypto.Signer, challenge string) error {
	switch {
	case c.holder == nil && holder != nil:
		return errorf(ErrHolderKey, "the credential is not bound to a holder key; present it without one")
	case c.holder == nil && challenge != "":
		return errorf(ErrHolderKey, "a challenge needs a holder signature, and the credential is not bound to a holder key")
	case c.holder != nil && holder == nil:
		return errorf(ErrHolderKey, "the credential is bound to a holder key; its private key must sign the presentation")
	case c.holder != nil:
		pub, ok := holder.Public().(ed25519.PublicKey)
		if !ok || !bytes.Equal(pub, c.holder) {
			return errorf(ErrHolderKey, "the signer's key is not the holder key the credential is bound to")
		}
	}
	return nil
}

// position returns the index of the claim named name, or -1.
func (c *content) position(name string) int {
	for i, cl := range c.claims {
		if cl.spec.name == name {
			return i
		}
	}
	return -1
}
