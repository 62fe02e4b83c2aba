package sdjwt

import (
	"crypto"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// KeyBindingOptions are the transaction data a Key Binding JWT signs
// (RFC 9901 §4.3).
type KeyBindingOptions struct {
	// Audience identifies the verifier (aud). Required with a holder key.
	Audience string
	// Nonce is the verifier's challenge (nonce). Required with a holder key.
	Nonce string
	// IssuedAt is the KB-JWT's iat; zero means now.
	IssuedAt time.Time
}

// Present builds a presentation of an issued SD-JWT that reveals only the
// claims at the given paths (same syntax as IssueOptions.Disclosable). A path
// reveals the claim and everything nested in it; the disclosures of the
// enclosing claims are added as needed. A path naming an always-visible
// claim reveals the disclosures enclosing it, if any; unknown paths fail
// with ErrUnknownClaim.
//
// With a holder signer, Present appends a Key Binding JWT (typ kb+jwt) over
// the presentation's sd_hash; the signer's public key must be the one in
// the credential's cnf.jwk. With a nil holder the presentation ends in '~'
// and carries no key binding.
//
// Present does not verify the issuer's signature; a wallet should Verify the
// credential when it receives it.
func Present(sdjwt string, disclose []string, holder crypto.Signer, kb KeyBindingOptions) (string, error) {
	p, err := split(sdjwt)
	if err != nil {
		return "", err
	}
	if p.kb != "" {
		return "", fmt.Errorf("%w: input already carries a key binding JWT; present from the issued SD-JWT", ErrMalformed)
	}
	_, payload, err := decodeCompact(p.jwt, "issuer-signed JWT")
	if err != nil {
		return "", err
	}
	var claims map[string]any
	if err := decodeJSON(payload, &claims); err != nil || claims == nil {
		return "", fmt.Errorf("%w: issuer-signed JWT payload is not a JSON object", ErrMalformed)
	}
	var cnf any = claims["cnf"]
	pr, err := process(claims, p.disclosures)
	if err != nil {
		return "", err
	}

	selected := make([]bool, len(pr.discs))
	pick := func(i int) { // a disclosure and every one enclosing it
		for ; i >= 0 && !selected[i]; i = pr.parent[i] {
			selected[i] = true
		}
	}
	for _, want := range disclose {
		found := false
		for i, path := range pr.path {
			if path == want || strings.HasPrefix(path, want+".") {
				found = true
				pick(i)
			}
		}
		if found {
			continue
		}
		if !hasPath(claims, want) {
			return "", fmt.Errorf("%w: %q", ErrUnknownClaim, want)
		}
		// A plain claim: reveal the innermost disclosure containing it.
		inner, depth := -1, -1
		for i, path := range pr.path {
			if strings.HasPrefix(want, path+".") && len(path) > depth {
				inner, depth = i, len(path)
			}
		}
		pick(inner)
	}

	var b strings.Builder
	b.WriteString(p.jwt)
	b.WriteByte('~')
	for i, raw := range p.disclosures {
		if selected[i] {
			b.WriteString(raw)
			b.WriteByte('~')
		}
	}
	presented := b.String()
	if holder == nil {
		return presented, nil
	}

	if kb.Audience == "" || kb.Nonce == "" {
		return "", fmt.Errorf("%w: key binding needs both Audience and Nonce", ErrOptions)
	}
	bound, err := cnfKey(cnf)
	if err != nil {
		return "", err
	}
	if bound == nil {
		return "", fmt.Errorf("%w: credential has no cnf.jwk to bind to", ErrKeyBinding)
	}
	if !sameKey(bound, holder.Public()) {
		return "", fmt.Errorf("%w: holder key is not the key in the credential's cnf.jwk", ErrKeyBinding)
	}
	iat := kb.IssuedAt
	if iat.IsZero() {
		iat = time.Now()
	}
	body, err := json.Marshal(map[string]any{
		"iat":     iat.Unix(),
		"aud":     kb.Audience,
		"nonce":   kb.Nonce,
		"sd_hash": sdHash(presented),
	})
	if err != nil {
		return "", fmt.Errorf("%w: encoding key binding JWT: %v", ErrMalformed, err)
	}
	kbJWT, err := signJWS(holder, TypeKeyBinding, "", body)
	if err != nil {
		return "", err
	}
	out := presented + kbJWT
	if len(out) > MaxTokenSize {
		return "", fmt.Errorf("%w: presentation would be %d bytes, limit %d", ErrTooLarge, len(out), MaxTokenSize)
	}
	return out, nil
}

// sdHash is the sd_hash of a presentation (RFC 9901 §4.3.1).
func sdHash(presented string) string {
	sum := sha256.Sum256([]byte(presented))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// hasPath reports whether the processed claims hold a value at path.
func hasPath(claims map[string]any, path string) bool {
	var cur any = claims
	for _, seg := range strings.Split(path, ".") {
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[seg]
			if !ok {
				return false
			}
			cur = v
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(c) {
				return false
			}
			cur = c[i]
		default:
			return false
		}
	}
	return true
}
