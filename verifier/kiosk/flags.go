package kiosk

import (
	"flag"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cityid/cityid/schemas"
	"github.com/cityid/cityid/verifier"
)

// Flags binds the settings of a Config to command-line flags, so that the
// terminal kiosk (cityid kiosk) and the kiosk window (cityid-kiosk) take
// the same flags.
type Flags struct {
	cfg       Config
	stale     string
	at        string
	holderFor TypeList
}

// TypeList is a flag of credential type names, repeatable and
// comma-separated: --require-holder-for CityIDCredential,ResidencyCredential.
type TypeList []string

func (l *TypeList) String() string { return strings.Join(*l, ",") }

// Set adds the comma-separated type names of v, each one of the city's
// credential types.
func (l *TypeList) Set(v string) error {
	for _, name := range strings.Split(v, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		if _, ok := schemas.Lookup(name); !ok {
			var known []string
			for _, t := range schemas.Types() {
				known = append(known, t.Name)
			}
			return fmt.Errorf("unknown credential type %q; the types are %s", name, strings.Join(known, ", "))
		}
		if !slices.Contains(*l, name) {
			*l = append(*l, name)
		}
	}
	return nil
}

// BindFlags defines the kiosk's flags on fs.
func BindFlags(fs *flag.FlagSet) *Flags {
	f := &Flags{}
	fs.StringVar(&f.cfg.TrustBundlePath, "trust", "", "trust bundle file (the city's signed list of trusted issuers); required")
	fs.StringVar(&f.cfg.PinnedRoot, "trust-root", "", "the city's root did:key the bundle must be signed by (default: trust the bundle file as given)")
	fs.BoolVar(&f.cfg.LogClaims, "log-claims", false, "also log the disclosed claims and the issuer (by default the log holds only time, outcome, reason code and credential type)")
	fs.StringVar(&f.stale, "stale", "reject", "what a stale revocation list does: reject (refuse) or warn (accept with a warning)")
	fs.DurationVar(&f.cfg.StatusMaxAge, "status-max-age", 0, "a revocation list older than this is stale, e.g. 72h (default: only a list past its own expiry)")
	fs.BoolVar(&f.cfg.RequireHolderBinding, "require-holder", false, "refuse a credential shown without its holder's proof (a paper credential or a copied code)")
	fs.Var(&f.holderFor, "require-holder-for", "refuse credentials of this type (e.g. CityIDCredential) shown without their holder's proof, such as paper; repeatable or a comma list")
	fs.BoolVar(&f.cfg.RequireChallenge, "require-challenge", false, "refuse codes made without the challenge on screen (by default they are accepted within their short time window, once)")
	fs.StringVar(&f.cfg.Audience, "audience", "", "this kiosk's identifier, which a holder's proof must name when its format carries one")
	fs.DurationVar(&f.cfg.MaxPresentationAge, "max-presentation-age", 0, "how old a holder's proof may be (default 5m); codes are also remembered this long to refuse replays")
	fs.DurationVar(&f.cfg.ChallengeRotation, "challenge-every", 0, "show a new challenge this often (default 5m), and after each accepted scan")
	fs.StringVar(&f.at, "at", "", "check as of this time (RFC 3339), instead of now; the clock then stands still")
	return f
}

// Config returns the Config the parsed flags describe. Without -trust-root
// the bundle file is trusted as given (AllowUnpinnedUnsafe): the operator
// who installed it is the trusted channel, as for cityid verify.
func (f *Flags) Config() (Config, error) {
	cfg := f.cfg
	if cfg.TrustBundlePath == "" {
		return Config{}, fmt.Errorf("%w: --trust BUNDLE is required: the kiosk trusts only the issuers in the city's bundle", ErrConfig)
	}
	cfg.AllowUnpinnedUnsafe = cfg.PinnedRoot == ""
	cfg.RequireHolderBindingFor = slices.Clone(f.holderFor)
	switch f.stale {
	case "reject":
		cfg.Stale = verifier.StaleReject
	case "warn":
		cfg.Stale = verifier.StaleWarn
	default:
		return Config{}, fmt.Errorf("%w: --stale %q: use reject or warn", ErrConfig, f.stale)
	}
	if f.at != "" {
		t, err := time.Parse(time.RFC3339, f.at)
		if err != nil {
			return Config{}, fmt.Errorf("%w: --at %q is not a time like 2026-11-22T10:00:00Z", ErrConfig, f.at)
		}
		cfg.Clock = func() time.Time { return t }
	}
	return cfg, nil
}
