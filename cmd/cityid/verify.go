package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/cityid/cityid/credential/qrcode"
	"github.com/cityid/cityid/credential/trust"
	"github.com/cityid/cityid/did"
	"github.com/cityid/cityid/verifier"
	"github.com/cityid/cityid/verifier/kiosk"
)

func runVerify(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("verify", stderr, "verify [--trust BUNDLE [--trust-root DID]] [--trust-issuer DID]... [--require-holder-for TYPE]... [--at RFC3339] FILE|-\n\nFILE is a credential or presentation (JSON, SD-JWT, or QR text), or a PNG/JPEG image of its QR code.")
	bundlePath := fs.String("trust", "", "trust bundle file (the city's signed list of trusted issuers)")
	root := fs.String("trust-root", "", "the city's root did:key the bundle must be signed by (default: the root named in the bundle, trusting the file as given)")
	var issuers stringList
	fs.Var(&issuers, "trust-issuer", "trust this issuer DID for any credential type (repeatable)")
	at := fs.String("at", "", "verify as of this time (RFC 3339), instead of now")
	challenge := fs.String("challenge", "", "challenge (nonce) the presentation must carry")
	audience := fs.String("audience", "", "audience (domain) the presentation must name")
	requireHolder := fs.Bool("require-holder", false, "reject a credential shown without the holder's proof")
	var holderFor kiosk.TypeList
	fs.Var(&holderFor, "require-holder-for", "reject a credential of this type (e.g. CityIDCredential) shown without the holder's proof, such as paper; repeatable or a comma list")
	statusMaxAge := fs.Duration("status-max-age", 0, "treat revocation lists older than this as stale (e.g. 72h); lists past their own expiry are always stale")
	stale := fs.String("stale", "reject", "what a stale revocation list does: reject, or warn (accept with a warning)")
	pinned := fs.String("pinned", "", "directory of pinned did:web documents (*.json) for issuers outside the bundle; did:web is never fetched")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return exitUsage
	}
	now := time.Now
	if *at != "" {
		t, err := time.Parse(time.RFC3339, *at)
		if err != nil {
			fmt.Fprintf(stderr, "cityid verify: --at %q is not a time like 2026-11-22T10:00:00Z\n", *at)
			return exitUsage
		}
		now = func() time.Time { return t }
	}
	policy := verifier.DefaultPolicy(nil)
	policy.Clock = now
	policy.Challenge, policy.Audience = *challenge, *audience
	policy.RequireHolderBinding = *requireHolder
	policy.RequireHolderBindingFor = holderFor
	policy.StatusMaxAge = *statusMaxAge
	switch *stale {
	case "reject":
		policy.StaleStatus = verifier.StaleReject
	case "warn":
		policy.StaleStatus = verifier.StaleWarn
	default:
		fmt.Fprintf(stderr, "cityid verify: --stale %q: use reject or warn\n", *stale)
		return exitUsage
	}
	for _, d := range issuers {
		policy.TrustedIssuers = append(policy.TrustedIssuers, verifier.TrustedIssuer{DID: d})
	}
	if *pinned != "" {
		policy.PinnedWeb = did.NewPinnedWeb()
		if err := policy.PinnedWeb.LoadDir(*pinned); err != nil {
			fmt.Fprintf(stderr, "cityid verify: --pinned %s: %v\n", *pinned, err)
			return exitUsage
		}
	}
	if *bundlePath != "" {
		b, err := loadBundle(*bundlePath, *root, now())
		if err != nil {
			fmt.Fprintf(stderr, "cityid verify: trust bundle %s: %v\n", *bundlePath, err)
			return exitUsage
		}
		policy.Trust = b
	}
	if policy.Trust == nil && len(policy.TrustedIssuers) == 0 {
		policy.CheckProofsOnly = true
	}
	v, err := verifier.New(policy)
	if err != nil {
		fmt.Fprintf(stderr, "cityid verify: %v\n", err)
		return exitUsage
	}
	data, err := readInput(fs.Arg(0), stdin)
	if err != nil {
		fmt.Fprintf(stderr, "cityid verify: cannot read %s: %v\n", fs.Arg(0), err)
		return exitUsage
	}
	if isImage(data) {
		text, err := qrcode.Decode(bytes.NewReader(data))
		if err != nil {
			fmt.Fprintf(stderr, "cityid verify: %s is an image, but no QR code could be read from it: %v\n", fs.Arg(0), err)
			return exitUsage
		}
		data = []byte(text)
	}
	res := v.Verify(context.Background(), data)
	if policy.CheckProofsOnly {
		res.Warnings = append(res.Warnings, "no trusted issuers were given (--trust BUNDLE or --trust-issuer DID): proofs were checked, but no credential can be accepted")
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(res); err != nil {
		fmt.Fprintf(stderr, "cityid verify: %v\n", err)
		return exitUsage
	}
	if !res.Verified {
		return exitFailed
	}
	return exitOK
}

// isImage reports whether data is a PNG or JPEG file (a photo or
// screenshot of a QR code) rather than a credential's text.
func isImage(data []byte) bool {
	return bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")) || bytes.HasPrefix(data, []byte{0xff, 0xd8, 0xff})
}

// loadBundle opens a trust bundle file, pinned to root when given.
func loadBundle(path, root string, now time.Time) (*trust.Bundle, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if root == "" {
		// The operator handed us this file: it is the trusted channel.
		return trust.OpenUnpinnedUnsafe(data, now)
	}
	return trust.Open(data, root, now)
}
