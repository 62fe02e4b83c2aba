package sdjwt

import (
	"crypto"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"
)

// IssueOptions configures Issue.
type IssueOptions struct {
	// Issuer goes into iss: the issuing DID. Required.
	Issuer string
	// KeyID is the DID URL of the signing key, put in the JOSE kid header.
	// When it is an absolute DID URL its DID must equal Issuer.
	KeyID string
	// VCT is the SD-JWT VC type (vct claim). Required.
	VCT string
	// IssuedAt is the iat claim; zero means now.
	IssuedAt time.Time
	// NotBefore and Expiry set nbf and exp; zero omits the claim.
	NotBefore, Expiry time.Time
	// HolderKey, when set, is placed in cnf.jwk to enable key binding.
	// Ed25519 and ECDSA P-256 public keys are supported.
	HolderKey crypto.PublicKey
	// Disclosable lists the claims made selectively disclosable, as
	// dot-separated paths: "given_name", "address.postal_code", or an array
	// element "nationalities.0". Listing both a claim and claims inside it
	// makes recursive disclosures. iss, iat, nbf, exp, cnf, vct and status
	// can never be disclosable.
	Disclosable []string
	// Status is the optional SD-JWT VC status claim (e.g. a status_list
	// reference), always in the clear.
	Status map[string]any
	// Decoys is the number of decoy digests added to every _sd array (and
	// to the top level), hiding how many claims are concealed.
	Decoys int
	// Rand supplies salts and decoys; nil means crypto/rand.
	Rand io.Reader
}

// Claim names Issue sets from IssueOptions; the claim set must not carry
// them itself.
var issuerSet = []string{"iss", "iat", "nbf", "exp", "cnf", "vct", "status", claimSDAlg}

// Issue creates an SD-JWT VC: the claims, with the Disclosable ones replaced
// by salted digests (RFC 9901 §4.2), signed by signer (Ed25519 -> EdDSA,
// ECDSA P-256 -> ES256) with typ "dc+sd-jwt", followed by all disclosures.
// The claims map is not modified.
func Issue(claims map[string]any, signer crypto.Signer, opts IssueOptions) (string, error) {
	if err := opts.check(); err != nil {
		return "", err
	}
	payload, err := normalize(claims)
	if err != nil {
		return "", err
	}
	for _, name := range issuerSet {
		if _, ok := payload[name]; ok {
			return "", fmt.Errorf("%w: claim %q is set from IssueOptions and must not be in the claim set", ErrOptions, name)
		}
	}
	if err := checkReserved(payload, ""); err != nil {
		return "", err
	}
	tree, err := disclosureTree(payload, opts.Disclosable)
	if err != nil {
		return "", err
	}
	iss := &issuer{rand: opts.Rand, decoys: opts.Decoys}
	if iss.rand == nil {
		iss.rand = rand.Reader
	}
	if err := iss.conceal(payload, tree, true); err != nil {
		return "", err
	}

	payload["iss"] = opts.Issuer
	payload["vct"] = opts.VCT
	iat := opts.IssuedAt
	if iat.IsZero() {
		iat = time.Now()
	}
	payload["iat"] = iat.Unix()
	if !opts.NotBefore.IsZero() {
		payload["nbf"] = opts.NotBefore.Unix()
	}
	if !opts.Expiry.IsZero() {
		payload["exp"] = opts.Expiry.Unix()
	}
	if opts.HolderKey != nil {
		jwk, err := publicJWK(opts.HolderKey)
		if err != nil {
			return "", fmt.Errorf("holder key: %w", err)
		}
		payload["cnf"] = map[string]any{"jwk": jwk}
	}
	if opts.Status != nil {
		payload["status"] = opts.Status
	}
	payload[claimSDAlg] = HashSHA256

	body, err := json.Marshal(payload)
	if err != nil {
		return "", fmt.Errorf("%w: encoding payload: %v", ErrMalformed, err)
	}
	jwt, err := signJWS(signer, TypeSDJWTVC, opts.KeyID, body)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString(jwt)
	b.WriteByte('~')
	for _, d := range iss.disclosures {
		b.WriteString(d)
		b.WriteByte('~')
	}
	if b.Len() > MaxTokenSize {
		return "", fmt.Errorf("%w: issued SD-JWT would be %d bytes, limit %d", ErrTooLarge, b.Len(), MaxTokenSize)
	}
	return b.String(), nil
}

func (o *IssueOptions) check() error {
	switch {
	case o.Issuer == "":
		return fmt.Errorf("%w: Issuer is required", ErrOptions)
	case o.VCT == "":
		return fmt.Errorf("%w: VCT is required", ErrOptions)
	case o.Decoys < 0 || o.Decoys > 64:
		return fmt.Errorf("%w: Decoys must be between 0 and 64", ErrOptions)
	case !o.Expiry.IsZero() && !o.IssuedAt.IsZero() && o.Expiry.Before(o.IssuedAt):
		return fmt.Errorf("%w: Expiry is before IssuedAt", ErrOptions)
	}
	if o.KeyID != "" {
		if _, err := bindKeyID(o.Issuer, o.KeyID); err != nil {
			return fmt.Errorf("%w: KeyID: %v", ErrOptions, err)
		}
	}
	return nil
}

// normalize deep-copies claims into plain JSON values (maps, slices,
// strings, json.Number, bool, nil).
func normalize(claims map[string]any) (map[string]any, error) {
	js, err := json.Marshal(claims)
	if err != nil {
		return nil, fmt.Errorf("%w: claims are not JSON-encodable: %v", ErrOptions, err)
	}
	var out map[string]any
	if err := decodeJSON(js, &out); err != nil {
		return nil, fmt.Errorf("%w: claims: %v", ErrOptions, err)
	}
	if out == nil {
		out = map[string]any{}
	}
	return out, nil
}

// checkReserved rejects _sd and "..." anywhere in the input claims: they
// would be read as digests.
func checkReserved(v any, path string) error {
	switch t := v.(type) {
	case map[string]any:
		for k, child := range t {
			if k == claimSD || k == claimDots || (path != "" && k == claimSDAlg) {
				return fmt.Errorf("%w: claim name %q at %q is reserved by SD-JWT", ErrOptions, k, path)
			}
			if err := checkReserved(child, dotJoin(path, k)); err != nil {
				return err
			}
		}
	case []any:
		for i, child := range t {
			if err := checkReserved(child, dotJoin(path, strconv.Itoa(i))); err != nil {
				return err
			}
		}
	}
	return nil
}

func dotJoin(path, seg string) string {
	if path == "" {
		return seg
	}
	return path + "." + seg
}

// pathNode is one level of the Disclosable paths.
type pathNode struct {
	disclose bool
	children map[string]*pathNode
}

func disclosureTree(payload map[string]any, paths []string) (*pathNode, error) {
	root := &pathNode{}
	for _, p := range paths {
		segs := strings.Split(p, ".")
		if p == "" || containsEmpty(segs) {
			return nil, fmt.Errorf("%w: disclosable path %q is malformed", ErrOptions, p)
		}
		if neverDisclosable[segs[0]] || segs[0] == "iat" {
			return nil, fmt.Errorf("%w: claim %q must stay in the clear in an SD-JWT VC", ErrOptions, segs[0])
		}
		var cur any = payload
		n := root
		for _, seg := range segs {
			switch c := cur.(type) {
			case map[string]any:
				cur = c[seg]
				if _, ok := c[seg]; !ok {
					return nil, fmt.Errorf("%w: disclosable path %q: no claim %q", ErrOptions, p, seg)
				}
			case []any:
				i, err := strconv.Atoi(seg)
				if err != nil || i < 0 || i >= len(c) {
					return nil, fmt.Errorf("%w: disclosable path %q: %q is not an index of the array", ErrOptions, p, seg)
				}
				cur = c[i]
			default:
				return nil, fmt.Errorf("%w: disclosable path %q: %q is inside a non-container value", ErrOptions, p, seg)
			}
			if n.children == nil {
				n.children = map[string]*pathNode{}
			}
			next, ok := n.children[seg]
			if !ok {
				next = &pathNode{}
				n.children[seg] = next
			}
			n = next
		}
		n.disclose = true
	}
	return root, nil
}

func containsEmpty(segs []string) bool {
	for _, s := range segs {
		if s == "" {
			return true
		}
	}
	return false
}

// issuer builds disclosures for one Issue call.
type issuer struct {
	rand        io.Reader
	decoys      int
	disclosures []string
}

func (is *issuer) salt() (string, error) {
	var b [16]byte // 128 bits, RFC 9901 §9.3
	if _, err := io.ReadFull(is.rand, b[:]); err != nil {
		return "", fmt.Errorf("%w: reading randomness: %w", ErrCrypto, err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// disclose creates a disclosure for elems (salt prepended) and returns its
// digest.
func (is *issuer) disclose(elems ...any) (string, error) {
	salt, err := is.salt()
	if err != nil {
		return "", err
	}
	js, err := json.Marshal(append([]any{salt}, elems...))
	if err != nil {
		return "", fmt.Errorf("%w: encoding disclosure: %v", ErrOptions, err)
	}
	d := base64.RawURLEncoding.EncodeToString(js)
	is.disclosures = append(is.disclosures, d)
	return digestOf(d), nil
}

// conceal rewrites v (bottom-up) so that the claims marked in n become
// digests.
func (is *issuer) conceal(v any, n *pathNode, top bool) error {
	if n == nil {
		return nil
	}
	keys := make([]string, 0, len(n.children))
	for k := range n.children {
		keys = append(keys, k)
	}
	sort.Strings(keys) // deterministic disclosure order
	switch c := v.(type) {
	case map[string]any:
		var sd []string
		for _, k := range keys {
			child := n.children[k]
			if err := is.conceal(c[k], child, false); err != nil {
				return err
			}
			if !child.disclose {
				continue
			}
			dg, err := is.disclose(k, c[k])
			if err != nil {
				return err
			}
			delete(c, k)
			sd = append(sd, dg)
		}
		if len(sd) > 0 || (top && is.decoys > 0) {
			for i := 0; i < is.decoys; i++ {
				salt, err := is.salt()
				if err != nil {
					return err
				}
				sd = append(sd, digestOf(salt))
			}
			sort.Strings(sd) // order reveals nothing about the claims
			c[claimSD] = toAny(sd)
		}
	case []any:
		for _, k := range keys {
			i, _ := strconv.Atoi(k) // validated by disclosureTree
			child := n.children[k]
			if err := is.conceal(c[i], child, false); err != nil {
				return err
			}
			if !child.disclose {
				continue
			}
			dg, err := is.disclose(c[i])
			if err != nil {
				return err
			}
			c[i] = map[string]any{claimDots: dg}
		}
	}
	return nil
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
