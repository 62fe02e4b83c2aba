package kiosk

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/cityid/cityid/credential/qrcode"
	"github.com/cityid/cityid/credential/trust"
	"github.com/cityid/cityid/verifier"
)

// Defaults of Config.
const (
	DefaultChallengeRotation = 5 * time.Minute
	DefaultChallengeGrace    = 2 * time.Minute
	DefaultClearAfter        = 30 * time.Second
	// MaxInput bounds one scanned code: a QR code holds at most 4,296
	// characters, so twice that leaves room for keyboard-wedge artefacts.
	MaxInput = 8 << 10
)

// Errors New returns; each wraps the underlying cause.
var (
	// ErrConfig is a configuration the kiosk cannot run with.
	ErrConfig = errors.New("kiosk configuration")
	// ErrBundle is a trust bundle that cannot be read or trusted.
	ErrBundle = errors.New("kiosk trust bundle")
)

// Config sets up a Kiosk. The trust bundle and its pinned root are all most
// deployments need; every other field has a safe default.
type Config struct {
	// TrustBundlePath is the city's signed trust bundle file. Required.
	TrustBundlePath string
	// PinnedRoot is the city's root did:key the bundle must be signed by.
	PinnedRoot string
	// AllowUnpinnedUnsafe trusts the bundle file as given, whatever key
	// signed it, when PinnedRoot is empty: the operator installing the file
	// is then the trusted channel. Without it, PinnedRoot is required.
	AllowUnpinnedUnsafe bool

	// Audience is this kiosk's identifier, which a holder's proof must name
	// when its format carries one (SD-JWT key binding). Optional.
	Audience string
	// ChallengeRotation is how long a challenge is shown before a new one
	// replaces it (it is also replaced after each accepted scan). Zero means
	// DefaultChallengeRotation.
	ChallengeRotation time.Duration
	// ChallengeGrace is how long the previous challenge is still accepted
	// after it was replaced, so a resident who made a code while the person
	// ahead was served is not turned away. Zero means DefaultChallengeGrace;
	// negative accepts only the current challenge.
	ChallengeGrace time.Duration
	// MaxPresentationAge bounds how old a holder's proof may be; zero keeps
	// the verifier's default (five minutes). It is also how long a code is
	// remembered to refuse replays.
	MaxPresentationAge time.Duration
	// StatusMaxAge makes revocation lists older than this stale; zero
	// judges staleness by each list's own validUntil only.
	StatusMaxAge time.Duration
	// Stale says what a stale revocation list does: verifier.StaleReject
	// (the default) refuses, verifier.StaleWarn accepts with a warning.
	Stale verifier.StalePolicy
	// RequireHolderBinding refuses a credential shown without its holder's
	// proof (a paper credential, or a copied code).
	RequireHolderBinding bool
	// RequireHolderBindingFor refuses credentials of these types (e.g.
	// CityIDCredential) shown without their holder's proof; other types are
	// accepted with a notice to compare the name with the person.
	RequireHolderBindingFor []string
	// RequireChallenge refuses holder-bound codes made without the challenge
	// on screen. Off by default: a resident whose wallet cannot read the
	// challenge is still served, with the code's short time window and the
	// replay cache keeping it fresh; a code made for another challenge is
	// always refused.
	RequireChallenge bool

	// LogClaims adds the disclosed claims and the issuer to each log line. Off by default: only the time, outcome, reason code and
	// credential type are logged.
	LogClaims bool
	// Logger receives one line per check; nil logs nothing.
	Logger *slog.Logger
	// Clock returns the current time; nil means time.Now.
	Clock func() time.Time
	// ClearAfter is how long an outcome stays on screen; zero means
	// DefaultClearAfter, negative never clears.
	ClearAfter time.Duration
	// Rand is the source of challenges; nil means crypto/rand.
	Rand io.Reader
}

// Kiosk checks scanned codes. It is safe for concurrent use; checks are
// serialised, as they are at a counter.
type Kiosk struct {
	cfg      Config
	bundle   *trust.Bundle
	unpinned bool
	clock    func() time.Time
	log      *slog.Logger
	base     verifier.Policy
	window   time.Duration // how long a code is remembered

	mu     sync.Mutex
	ch     challenges
	cur    *verifier.Verifier // for ch.current
	prev   *verifier.Verifier // for ch.previous, while in grace
	replay *replayCache
}

// New loads the trust bundle and returns a ready Kiosk.
func New(cfg Config) (*Kiosk, error) {
	if cfg.TrustBundlePath == "" {
		return nil, fmt.Errorf("%w: a trust bundle file is required", ErrConfig)
	}
	if cfg.PinnedRoot == "" && !cfg.AllowUnpinnedUnsafe {
		return nil, fmt.Errorf("%w: the city's root key (PinnedRoot) is required to trust the bundle", ErrConfig)
	}
	if cfg.Stale != verifier.StaleReject && cfg.Stale != verifier.StaleWarn {
		return nil, fmt.Errorf("%w: unknown staleness policy %d", ErrConfig, cfg.Stale)
	}
	if cfg.ChallengeRotation < 0 || cfg.MaxPresentationAge < 0 || cfg.StatusMaxAge < 0 {
		return nil, fmt.Errorf("%w: durations must not be negative", ErrConfig)
	}
	if cfg.ChallengeRotation == 0 {
		cfg.ChallengeRotation = DefaultChallengeRotation
	}
	if cfg.ChallengeGrace == 0 {
		cfg.ChallengeGrace = DefaultChallengeGrace
	}
	if cfg.ClearAfter == 0 {
		cfg.ClearAfter = DefaultClearAfter
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	k := &Kiosk{cfg: cfg, clock: cfg.Clock, log: cfg.Logger}
	if k.log == nil {
		k.log = slog.New(slog.DiscardHandler)
	}
	now := k.clock()
	b, err := loadBundle(cfg.TrustBundlePath, cfg.PinnedRoot, now)
	if err != nil {
		return nil, fmt.Errorf("%w %s: %w", ErrBundle, cfg.TrustBundlePath, err)
	}
	k.bundle, k.unpinned = b, cfg.PinnedRoot == ""

	p := verifier.DefaultPolicy(b)
	p.Clock = k.clock
	p.Audience = cfg.Audience
	p.RequireHolderBinding = cfg.RequireHolderBinding
	p.RequireHolderBindingFor = cfg.RequireHolderBindingFor
	p.ChallengeOptional = !cfg.RequireChallenge
	if cfg.MaxPresentationAge > 0 {
		p.MaxPresentationAge = cfg.MaxPresentationAge
	}
	p.StatusMaxAge = cfg.StatusMaxAge
	p.StaleStatus = cfg.Stale
	if _, err := verifier.New(p); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	k.base = p
	k.window = p.MaxPresentationAge + p.ClockSkew
	k.replay = newReplayCache(maxReplayEntries)
	k.ch = challenges{rotation: cfg.ChallengeRotation, grace: cfg.ChallengeGrace, rand: cfg.Rand}
	if err := k.rotate(now, false); err != nil {
		return nil, err
	}
	k.log.Info("kiosk ready", "bundle", b.Name, "bundle_version", b.Version,
		"bundle_expires", b.ExpiresAt.UTC().Format(time.RFC3339), "pinned", !k.unpinned)
	return k, nil
}

// loadBundle opens a trust bundle file, pinned to root when given (the same
// rule as cityid verify).
func loadBundle(path, root string, now time.Time) (*trust.Bundle, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, trust.MaxSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > trust.MaxSize {
		return nil, fmt.Errorf("the file is larger than %d bytes", trust.MaxSize)
	}
	if root == "" {
		return trust.OpenUnpinnedUnsafe(data, now)
	}
	return trust.Open(data, root, now)
}

// Bundle returns the trust bundle the kiosk checks against.
func (k *Kiosk) Bundle() *trust.Bundle { return k.bundle }

// Unpinned reports whether the bundle was trusted without a pinned root.
func (k *Kiosk) Unpinned() bool { return k.unpinned }

// Now returns the kiosk's clock.
func (k *Kiosk) Now() time.Time { return k.clock() }

// ClearAfter is how long an outcome should stay on screen (negative: until
// the next scan).
func (k *Kiosk) ClearAfter() time.Duration { return k.cfg.ClearAfter }

// Stale reports whether o has been on screen long enough to be cleared.
func (k *Kiosk) Stale(o Outcome) bool {
	return k.cfg.ClearAfter > 0 && !o.CheckedAt.IsZero() && k.clock().Sub(o.CheckedAt) >= k.cfg.ClearAfter
}

// Challenge returns the challenge to show now, replacing it first when it
// has been shown for Config.ChallengeRotation.
func (k *Kiosk) Challenge() string {
	k.mu.Lock()
	defer k.mu.Unlock()
	now := k.clock()
	if k.ch.due(now) {
		if err := k.rotate(now, true); err != nil {
			k.log.Error("kiosk: cannot make a new challenge", "err", err)
		}
	}
	return k.ch.current
}

// rotate replaces the challenge and the verifiers that check it. k.mu is
// held (or k is not shared yet).
func (k *Kiosk) rotate(now time.Time, keepPrevious bool) error {
	old := k.cur
	if err := k.ch.next(now, keepPrevious); err != nil {
		return fmt.Errorf("%w: %w", ErrConfig, err)
	}
	cur, err := k.verifierFor(k.ch.current)
	if err != nil {
		return err
	}
	k.cur, k.prev = cur, nil
	if keepPrevious && k.ch.previous != "" {
		k.prev = old
	}
	return nil
}

func (k *Kiosk) verifierFor(challenge string) (*verifier.Verifier, error) {
	p := k.base
	p.Challenge = challenge
	v, err := verifier.New(p)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	return v, nil
}

// Check verifies one scanned code and returns what to show. It never fails:
// unreadable, forged, replayed or stale input gives a refusal that names
// its reason.
func (k *Kiosk) Check(ctx context.Context, input []byte) Outcome {
	k.mu.Lock()
	defer k.mu.Unlock()
	now := k.clock()
	if k.ch.due(now) {
		if err := k.rotate(now, true); err != nil {
			k.log.Error("kiosk: cannot make a new challenge", "err", err)
		}
	}
	input = bytes.TrimSpace(input)
	var o Outcome
	switch {
	case len(input) == 0:
		o = refusal(ReasonEmpty, "Nothing was scanned.")
	case len(input) > MaxInput:
		o = tooLong()
	case now.After(k.bundle.ExpiresAt):
		o = refusal(ReasonBundleExpired, fmt.Sprintf("The city's trust bundle on this kiosk expired on %s.", k.bundle.ExpiresAt.UTC().Format(time.DateOnly)))
	default:
		o = k.verify(ctx, input, now)
	}
	o.CheckedAt = now
	o.NextChallenge = k.ch.current
	k.logOutcome(o)
	return o
}

// verify runs the verifier (with the previous challenge too, during its
// grace time) and applies the replay cache. k.mu is held.
func (k *Kiosk) verify(ctx context.Context, input []byte, now time.Time) Outcome {
	res := k.cur.Verify(ctx, input)
	if !res.Verified && hasReason(res, verifier.ReasonChallengeMismatch) && k.prev != nil && k.ch.previousValid(now) {
		if again := k.prev.Verify(ctx, input); again.Verified || !hasReason(again, verifier.ReasonChallengeMismatch) {
			res = again
		}
	}
	o := k.outcome(res)
	if !o.Pass {
		return o
	}
	key := replayKey(res, input)
	if at, seen := k.replay.seen(key, now); seen {
		r := refusal(ReasonReplayed, fmt.Sprintf("This code was already shown at %s.", at.Format("15:04")))
		r.TypeTitle, r.Type, r.Issuer, r.Format = o.TypeTitle, o.Type, o.Issuer, o.Format
		return r
	}
	k.replay.add(key, now, now.Add(k.window))
	if err := k.rotate(now, true); err != nil {
		k.log.Error("kiosk: cannot make a new challenge", "err", err)
	}
	return o
}

func hasReason(r *verifier.Result, reason verifier.Reason) bool {
	for _, f := range r.Failures {
		if f.Reason == reason {
			return true
		}
	}
	return false
}

// CheckImage reads the QR code in a PNG or JPEG file and checks it.
func (k *Kiosk) CheckImage(ctx context.Context, path string) Outcome {
	text, err := qrcode.DecodeFile(path)
	if err != nil {
		return k.imageRefusal(err)
	}
	return k.Check(ctx, []byte(text))
}

// CheckImageReader reads the QR code in a PNG or JPEG image from r (an
// image the operator picked, a camera frame) and checks it.
func (k *Kiosk) CheckImageReader(ctx context.Context, r io.Reader) Outcome {
	text, err := qrcode.Decode(r)
	if err != nil {
		return k.imageRefusal(err)
	}
	return k.Check(ctx, []byte(text))
}

// imageRefusal turns a QR decoding error into a refusal.
func (k *Kiosk) imageRefusal(err error) Outcome {
	code := ReasonImageUnreadable
	switch { // ErrUnreadable also matches ErrNoCode: test it first
	case errors.Is(err, qrcode.ErrUnreadable):
		code = ReasonCodeUnreadable
	case errors.Is(err, qrcode.ErrNoCode):
		code = ReasonNoCode
	}
	text := sentence(err.Error())
	if code == ReasonCodeUnreadable {
		text = "Damaged code: a QR code seems to be there, but it cannot be read (damaged, blurred, too small or partly hidden)."
	}
	return k.refuse(refusal(code, text))
}

// refuse stamps and logs a refusal made before any verification.
func (k *Kiosk) refuse(o Outcome) Outcome {
	k.mu.Lock()
	defer k.mu.Unlock()
	o.CheckedAt = k.clock()
	o.NextChallenge = k.ch.current
	k.logOutcome(o)
	return o
}

func tooLong() Outcome {
	return refusal(ReasonTooLong, fmt.Sprintf("The scanned text is longer than %d characters, more than a QR code holds: it is not one code.", MaxInput))
}
