package compact

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"slices"

	"github.com/veraison/go-cose"
)

// Form names the three kinds of compact text.
type Form int

const (
	// FormCredential is what a wallet stores (Issue): every claim, its salts
	// and the issuer signature. Present turns it into a presentation.
	FormCredential Form = iota + 1
	// FormPresentation is what a wallet shows as a QR code (Present).
	FormPresentation
	// FormPaper is a printed credential (IssuePaper): every claim, no salts,
	// no holder binding.
	FormPaper
)

func (f Form) String() string {
	switch f {
	case FormCredential:
		return "credential"
	case FormPresentation:
		return "presentation"
	case FormPaper:
		return "paper"
	}
	return "unknown"
}

// coseParts is a parsed COSE_Sign1 of this format.
type coseParts struct {
	protected []byte // the serialized protected header map
	alg       cose.Algorithm
	kid       []byte
	payload   []byte // nil when detached
	signature []byte
}

// item is one claim position of a presentation: a disclosed claim or the
// digest of an undisclosed one.
type item struct {
	claim  *claim
	digest []byte
}

// proof is a holder's signature.
type proof struct {
	time      int64
	signature []byte
	challenge []byte // ChallengeTagSize bytes, or nil when made without one
}

// parsed is a decoded compact text, not yet verified.
type parsed struct {
	form   Form
	data   []byte // the CBOR data
	elems  []any
	sig    coseParts
	c      *content
	root   []byte   // FormCredential
	seeds  [][]byte // FormPresentation
	items  []item   // FormPresentation
	proof  *proof   // FormPresentation, when holder-bound
	digest [32]byte // SHA-256 of data
}

// parse decodes a text of any form and checks its structure.
func parse(text string) (*parsed, error) {
	data, err := decodeText(text)
	if err != nil {
		return nil, err
	}
	elems, err := decodeCBOR(data)
	if err != nil {
		return nil, err
	}
	p := &parsed{data: data, elems: elems, digest: sha256.Sum256(data)}
	if len(elems) == 0 {
		return nil, errorf(ErrCBOR, "empty array")
	}
	switch k := elems[0].(type) {
	case []byte:
		p.form = FormPaper
		err = p.parsePaper()
	case uint64:
		switch k {
		case kindCredential:
			p.form = FormCredential
			err = p.parseStored()
		case kindPresentation:
			p.form = FormPresentation
			err = p.parsePresentation()
		default:
			err = errorf(ErrCBOR, "unknown kind %d", k)
		}
	default:
		err = errorf(ErrCBOR, "the data starts with a %T", elems[0])
	}
	if err != nil {
		return nil, err
	}
	return p, nil
}

// parseCOSE reads an untagged COSE_Sign1 whose protected header is exactly
// {1: alg, 4: kid} and whose unprotected header is empty.
func parseCOSE(v any, attached bool) (coseParts, error) {
	var cp coseParts
	arr, ok := v.([]any)
	if !ok || len(arr) != 4 {
		return cp, errorf(ErrCBOR, "the issuer signature is not a COSE_Sign1")
	}
	prot, ok1 := arr[0].([]byte)
	unprot, ok2 := arr[1].(map[any]any)
	sig, ok3 := arr[3].([]byte)
	if !ok1 || !ok2 || !ok3 || len(unprot) != 0 {
		return cp, errorf(ErrCBOR, "the COSE_Sign1 headers or signature are malformed")
	}
	if attached {
		if cp.payload, ok = arr[2].([]byte); !ok {
			return cp, errorf(ErrCBOR, "the COSE_Sign1 has no payload")
		}
	} else if arr[2] != nil {
		return cp, errorf(ErrCBOR, "the COSE_Sign1 payload must be detached")
	}
	hdr, err := decodeHeaderMap(prot)
	if err != nil {
		return cp, err
	}
	algV, _ := hdr[uint64(1)].(int64)
	kid, _ := hdr[uint64(4)].([]byte)
	if len(hdr) != 2 || len(kid) != KeyIDSize {
		return cp, errorf(ErrCBOR, "the protected header must hold exactly alg and a %d-byte kid", KeyIDSize)
	}
	cp.alg = cose.Algorithm(algV)
	if cp.alg != cose.AlgorithmEdDSA && cp.alg != cose.AlgorithmES256 {
		return cp, errorf(ErrAlgorithm, "COSE algorithm %d (allowed: EdDSA -8, ES256 -7)", algV)
	}
	if len(sig) != 64 {
		return cp, errorf(ErrSignature, "the signature is %d bytes, not 64", len(sig))
	}
	cp.protected, cp.kid, cp.signature = prot, kid, sig
	return cp, nil
}

// decodeHeaderMap decodes a serialized COSE header map, deterministically
// encoded.
func decodeHeaderMap(b []byte) (map[any]any, error) {
	var v any
	if err := decMode.Unmarshal(b, &v); err != nil {
		return nil, errorf(ErrCBOR, "protected header: %v", err)
	}
	m, ok := v.(map[any]any)
	if !ok || !bytes.Equal(encode(v), b) {
		return nil, errorf(ErrCBOR, "the protected header is not a deterministically encoded map")
	}
	return m, nil
}

func (p *parsed) keyID() string { return hex.EncodeToString(p.sig.kid) }

// parsePaper reads [protected, {}, payload, signature] with the payload
// [class, validFrom, validUntil, status, subject, {code: value}].
func (p *parsed) parsePaper() error {
	var err error
	if p.sig, err = parseCOSE(p.elems, true); err != nil {
		return err
	}
	body, err := decodeCBOR(p.sig.payload)
	if err != nil {
		return err
	}
	if len(body) != 6 && len(body) != 7 {
		return errorf(ErrCBOR, "the paper payload has %d members, not 6 (or 7 with evidence)", len(body))
	}
	if p.c, err = decodeHeader(body[:5], false); err != nil {
		return err
	}
	m, ok := body[5].(map[any]any)
	if !ok || len(m) == 0 {
		return errorf(ErrCBOR, "the paper credential has no claims")
	}
	codes := make([]uint64, 0, len(m))
	for k := range m {
		code, ok := k.(uint64)
		if !ok {
			return errorf(ErrCBOR, "a claim code is not an integer")
		}
		codes = append(codes, code)
	}
	slices.Sort(codes)
	var prev uint64
	for _, code := range codes {
		cl, err := decodeClaim(p.c.class, code, m[code], prev)
		if err != nil {
			return err
		}
		p.c.claims = append(p.c.claims, cl)
		prev = code
	}
	if len(body) == 7 {
		return p.c.decodeEvidence(body[6])
	}
	return nil
}

// parseStored reads [1, cose, class, validFrom, validUntil, status, holder,
// subject, root, [[code, value], ...]].
func (p *parsed) parseStored() error {
	e := p.elems
	if len(e) != 10 && len(e) != 11 {
		return errorf(ErrCBOR, "a stored credential has 10 members (11 with evidence), not %d", len(e))
	}
	var err error
	if p.sig, err = parseCOSE(e[1], false); err != nil {
		return err
	}
	if p.c, err = decodeHeader(e[2:8], true); err != nil {
		return err
	}
	root, ok := e[8].([]byte)
	if !ok || len(root) != SeedSize {
		return errorf(ErrCBOR, "the salt seed is not %d bytes", SeedSize)
	}
	p.root = root
	arr, ok := e[9].([]any)
	if !ok || len(arr) == 0 || len(arr) > MaxClaims {
		return errorf(ErrCBOR, "the claims are not an array of 1 to %d claims", MaxClaims)
	}
	var prev uint64
	for _, x := range arr {
		pair, ok := x.([]any)
		if !ok || len(pair) != 2 {
			return errorf(ErrCBOR, "a claim is not a [code, value] pair")
		}
		cl, err := decodeClaim(p.c.class, pair[0], pair[1], prev)
		if err != nil {
			return err
		}
		p.c.claims = append(p.c.claims, cl)
		prev = cl.spec.code
	}
	if len(e) == 11 {
		return p.c.decodeEvidence(e[10])
	}
	return nil
}

// ChallengeTagSize is the size of the challenge tag a holder proof carries
// when it signs a challenge: the first bytes of SHA-256 of the challenge. It
// lets the verifier tell a presentation made for another challenge
// (ErrChallenge) from a forged signature (ErrHolderSignature); the challenge
// itself is not carried, since the verifier knows it.
const ChallengeTagSize = 2

// parsePresentation reads [2, cose, class, validFrom, validUntil, status,
// holder, subject, seeds, items, proof].
func (p *parsed) parsePresentation() error {
	e := p.elems
	if len(e) != 11 && len(e) != 12 {
		return errorf(ErrCBOR, "a presentation has 11 members (12 with evidence), not %d", len(e))
	}
	var err error
	if p.sig, err = parseCOSE(e[1], false); err != nil {
		return err
	}
	if p.c, err = decodeHeader(e[2:8], true); err != nil {
		return err
	}
	if len(e) == 12 {
		if err := p.c.decodeEvidence(e[11]); err != nil {
			return err
		}
	}
	seeds, ok := e[8].([]byte)
	if !ok || len(seeds)%SeedSize != 0 {
		return errorf(ErrCBOR, "the salt seeds are not a multiple of %d bytes", SeedSize)
	}
	for i := 0; i < len(seeds); i += SeedSize {
		p.seeds = append(p.seeds, seeds[i:i+SeedSize])
	}
	arr, ok := e[9].([]any)
	if !ok || len(arr) == 0 || len(arr) > MaxClaims {
		return errorf(ErrCBOR, "the claims are not an array of 1 to %d items", MaxClaims)
	}
	var prev uint64
	for _, x := range arr {
		switch v := x.(type) {
		case []byte:
			if len(v) != DigestSize {
				return errorf(ErrCBOR, "an undisclosed claim's digest is not %d bytes", DigestSize)
			}
			p.items = append(p.items, item{digest: v})
		case []any:
			if len(v) != 2 {
				return errorf(ErrCBOR, "a disclosed claim is not a [code, value] pair")
			}
			cl, err := decodeClaim(p.c.class, v[0], v[1], prev)
			if err != nil {
				return err
			}
			prev = cl.spec.code
			p.items = append(p.items, item{claim: &cl})
		default:
			return errorf(ErrCBOR, "a claim is a %T", x)
		}
	}
	switch v := e[10].(type) {
	case nil:
	case []any:
		if len(v) != 2 && len(v) != 3 {
			return errorf(ErrCBOR, "the holder proof is not [time, signature(, challenge tag)]")
		}
		ts, ok1 := v[0].(uint64)
		sig, ok2 := v[1].([]byte)
		if !ok1 || !ok2 || ts > maxTime || len(sig) != 64 {
			return errorf(ErrCBOR, "the holder proof is not a time and a 64-byte signature")
		}
		p.proof = &proof{time: int64(ts), signature: sig}
		if len(v) == 3 {
			tag, ok := v[2].([]byte)
			if !ok || len(tag) != ChallengeTagSize {
				return errorf(ErrCBOR, "the challenge tag is not %d bytes", ChallengeTagSize)
			}
			p.proof.challenge = tag
		}
	default:
		return errorf(ErrCBOR, "the holder proof is a %T", e[10])
	}
	return nil
}

// disclosedMask returns which positions of a presentation are disclosed.
func (p *parsed) disclosedMask() []bool {
	m := make([]bool, len(p.items))
	for i, it := range p.items {
		m[i] = it.claim != nil
	}
	return m
}
