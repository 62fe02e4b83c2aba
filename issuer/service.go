package issuer

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/cityid/cityid/did"
	"github.com/cityid/cityid/issuer/internal/keystore"
	"github.com/cityid/cityid/issuer/internal/store"
)

// Files in the data directory.
const (
	// DatabaseFile is the SQLite database.
	DatabaseFile = "issuer.db"
	// PassphraseFile holds the generated key passphrase when none was given.
	PassphraseFile = "key-passphrase"
	// BootstrapSecretFile holds the one-time secret that creates the first admin.
	BootstrapSecretFile = "bootstrap-admin-secret"
	lockFile            = ".init.lock"
)

// PassphraseEnv is the environment variable Open reads the key passphrase
// from when Options.Passphrase is empty.
const PassphraseEnv = "CITYID_ISSUER_PASSPHRASE"

// Options configure Open.
type Options struct {
	// PublicURL is the issuer's base URL (e.g. http://127.0.0.1:8080). It
	// is the credential_issuer of offers and the prefix of status list URLs.
	PublicURL string
	// Passphrase unlocks the keys. Empty: the environment variable
	// CITYID_ISSUER_PASSPHRASE, else DIR/key-passphrase (generated on first
	// start).
	Passphrase []byte
	// Clock returns the current time; nil means time.Now.
	Clock func() time.Time
	// Logger receives operational messages; nil means slog.Default().
	Logger *slog.Logger
	// CityName is the trust bundle's name; default "City".
	CityName string
}

// Service is the issuer. It is safe for concurrent use, and several
// processes may open the same data directory at once.
type Service struct {
	dir       string
	publicURL string
	cityName  string
	clock     func() time.Time
	log       *slog.Logger

	db *store.DB
	w  *writer

	km           *did.SoftKeyManager
	issuerKey    did.KeyInfo
	issuerSigner crypto.Signer
	rootKey      did.KeyInfo
	rootSigner   crypto.Signer
	rootPub      ed25519.PublicKey
	nonceKey     []byte

	alloc indexAlloc

	// testRecoveryHook, when set by a test, runs inside Recover's write
	// transaction at each stage ("revoked", "replaced"); an error aborts it.
	testRecoveryHook func(stage string) error

	closeOnce sync.Once
	closeErr  error
}

var _ API = (*Service)(nil)

// Open opens the issuer in dir, creating the directory, database, keys and
// bootstrap secret on first start.
func Open(ctx context.Context, dir string, opts Options) (*Service, error) {
	s, err := open(ctx, dir, opts)
	if err != nil {
		return nil, storageFault(dir, err)
	}
	return s, nil
}

func open(ctx context.Context, dir string, opts Options) (*Service, error) {
	s := &Service{dir: dir, clock: opts.Clock, log: opts.Logger, cityName: opts.CityName}
	if s.clock == nil {
		s.clock = time.Now
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.cityName == "" {
		s.cityName = "City"
	}
	u, err := url.Parse(opts.PublicURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("issuer: the public URL %q must be an http(s) base URL such as http://127.0.0.1:8080", opts.PublicURL)
	}
	s.publicURL = strings.TrimRight(opts.PublicURL, "/")

	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("issuer: creating the data directory: %w", err)
	}
	if fi, err := os.Stat(dir); err == nil && fi.Mode().Perm()&0o077 != 0 {
		s.log.Warn("the data directory is readable by other users; it holds the sealed keys and the bootstrap secret", "dir", dir, "mode", fi.Mode().Perm().String())
	}
	unlock, err := lockDir(filepath.Join(dir, lockFile))
	if err != nil {
		return nil, fmt.Errorf("issuer: locking %s for start-up: %w", dir, err)
	}
	defer unlock()

	db, err := store.Open(ctx, filepath.Join(dir, DatabaseFile), max(4, runtime.GOMAXPROCS(0)*2))
	if err != nil {
		return nil, fmt.Errorf("issuer: %w", err)
	}
	s.db = db
	created, err := s.loadOrCreateKeys(ctx, opts.Passphrase)
	if err != nil {
		db.Close()
		return nil, err
	}
	s.w = newWriter(s, db.Write)
	if created {
		if err := s.w.do(ctx, func(w *wtx) error {
			return w.audit(Actor{Kind: "system", Name: "issuer"}, "issuer.created", s.issuerKey.DID, map[string]any{"root": s.rootKey.DID})
		}); err != nil {
			s.Close()
			return nil, fmt.Errorf("issuer: %w", err)
		}
	}
	return s, nil
}

// Close stops the writer (after finishing queued work), returns unused
// status indexes when no other process reserved after them, and closes the
// database.
func (s *Service) Close() error {
	s.closeOnce.Do(func() {
		if s.w != nil {
			s.releaseIndexes()
			s.w.close()
		}
		s.closeErr = s.db.Close()
	})
	return s.closeErr
}

// DID is the issuer's DID (a did:key).
func (s *Service) DID() string { return s.issuerKey.DID }

// VerificationMethod is the DID URL of the issuer's signing key.
func (s *Service) VerificationMethod() string { return s.issuerKey.VerificationMethod }

// RootDID is the did:key of the root key that signs the trust bundle and the
// audit head; verifiers pin it.
func (s *Service) RootDID() string { return s.rootKey.DID }

// CityName is the city's name, as in the trust bundle and the issuer's
// OpenID4VCI metadata.
func (s *Service) CityName() string { return s.cityName }

// PublicURL is the base URL given to Open, without a trailing slash.
func (s *Service) PublicURL() string { return s.publicURL }

// Dir is the data directory.
func (s *Service) Dir() string { return s.dir }

// BootstrapSecretPath is where the first start wrote the one-time admin
// secret (the file is gone once Bootstrap used it).
func (s *Service) BootstrapSecretPath() string { return filepath.Join(s.dir, BootstrapSecretFile) }

func (s *Service) now() time.Time { return s.clock().UTC() }

// passphrase finds the key passphrase: the option, the environment, or the
// passphrase file. generated reports that a new one was made (first start).
func (s *Service) passphrase(given []byte, firstStart bool) (pass []byte, generated bool, err error) {
	if len(given) > 0 {
		return given, false, nil
	}
	if env := os.Getenv(PassphraseEnv); env != "" {
		return []byte(env), false, nil
	}
	path := filepath.Join(s.dir, PassphraseFile)
	b, err := os.ReadFile(path)
	if err == nil {
		p := strings.TrimSpace(string(b))
		if p == "" {
			return nil, false, fmt.Errorf("issuer: the passphrase file %s is empty", path)
		}
		return []byte(p), false, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, false, fmt.Errorf("issuer: reading the passphrase file: %w", err)
	}
	if !firstStart {
		return nil, false, fmt.Errorf("issuer: the keys in %s are encrypted but no passphrase was given: set %s or restore %s", s.dir, PassphraseEnv, path)
	}
	p := randomToken(32)
	if err := writeSecretFile(path, []byte(p+"\n")); err != nil {
		return nil, false, fmt.Errorf("issuer: writing the passphrase file: %w", err)
	}
	s.log.Warn("generated a key passphrase and stored it next to the keys; move it to a secret store and pass it in "+PassphraseEnv, "file", path)
	return []byte(p), true, nil
}

// loadOrCreateKeys unlocks the keys, creating them on first start. The
// caller holds the start-up lock, so two processes never both create keys.
func (s *Service) loadOrCreateKeys(ctx context.Context, given []byte) (created bool, err error) {
	var params string
	var check []byte
	err = s.db.Write.QueryRowContext(ctx, "SELECT value FROM meta WHERE name = 'kek'").Scan(&params)
	firstStart := errors.Is(err, sql.ErrNoRows)
	if err != nil && !firstStart {
		return false, fmt.Errorf("issuer: reading the key parameters: %w", err)
	}
	pass, _, err := s.passphrase(given, firstStart)
	if err != nil {
		return false, err
	}
	if firstStart {
		return true, s.createKeys(ctx, pass)
	}
	if err := s.db.Write.QueryRowContext(ctx, "SELECT value FROM meta WHERE name = 'kek_check'").Scan(&check); err != nil {
		return false, fmt.Errorf("issuer: reading the key check value: %w", err)
	}
	p, err := keystore.ParseParams(params)
	if err != nil {
		return false, fmt.Errorf("issuer: %w", err)
	}
	kek, err := keystore.Derive(pass, p)
	if err != nil {
		return false, fmt.Errorf("issuer: %w", err)
	}
	if err := kek.Verify(check); err != nil {
		if errors.Is(err, keystore.ErrWrongPassphrase) {
			return false, fmt.Errorf("issuer: wrong passphrase: it does not open the keys in %s (check %s or %s)", s.dir, PassphraseEnv, filepath.Join(s.dir, PassphraseFile))
		}
		return false, fmt.Errorf("issuer: %w", err)
	}
	return false, s.loadKeys(ctx, kek)
}

func (s *Service) createKeys(ctx context.Context, pass []byte) error {
	p, err := keystore.DefaultParams()
	if err != nil {
		return err
	}
	kek, err := keystore.Derive(pass, p)
	if err != nil {
		return err
	}
	check, err := kek.CheckValue()
	if err != nil {
		return err
	}
	km := did.NewSoftKeyManager()
	type sealedKey struct {
		name, public string
		sealed       []byte
	}
	var rows []sealedKey
	for _, name := range []string{"issuer", "root"} {
		info, err := km.CreateKey(ctx, did.Ed25519)
		if err != nil {
			return err
		}
		der, err := km.ExportPKCS8(ctx, info.ID)
		if err != nil {
			return err
		}
		sealed, err := kek.Seal(name, der)
		if err != nil {
			return err
		}
		rows = append(rows, sealedKey{name, info.DID, sealed})
	}
	nonceKey := make([]byte, 32)
	if _, err := rand.Read(nonceKey); err != nil {
		return err
	}
	sealedNonce, err := kek.Seal("nonce", nonceKey)
	if err != nil {
		return err
	}
	rows = append(rows, sealedKey{"nonce", "", sealedNonce})

	secret := randomToken(32)
	_ = os.Remove(s.BootstrapSecretPath()) // left by a start that failed before storing its keys
	if err := writeSecretFile(s.BootstrapSecretPath(), []byte(secret+"\n")); err != nil {
		return fmt.Errorf("issuer: writing the bootstrap secret: %w", err)
	}
	tx, err := s.db.Write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	now := s.now().UnixNano()
	if _, err := tx.ExecContext(ctx, "INSERT INTO meta (name, value) VALUES ('kek', ?), ('kek_check', ?), ('bootstrap_hash', ?)",
		p.String(), check, hashSecret(secret)); err != nil {
		return err
	}
	for _, r := range rows {
		if _, err := tx.ExecContext(ctx, "INSERT INTO keys (name, public, sealed, created) VALUES (?, ?, ?, ?)", r.name, r.public, r.sealed, now); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("issuer: storing the new keys: %w", err)
	}
	s.log.Info("created the issuer's keys; a one-time secret to create the first admin account was written",
		"bootstrap_secret_file", s.BootstrapSecretPath())
	return s.loadKeys(ctx, kek)
}

func (s *Service) loadKeys(ctx context.Context, kek *keystore.KEK) error {
	s.km = did.NewSoftKeyManager()
	rows, err := s.db.Write.QueryContext(ctx, "SELECT name, public, sealed FROM keys")
	if err != nil {
		return fmt.Errorf("issuer: reading the keys: %w", err)
	}
	defer rows.Close()
	found := map[string]bool{}
	for rows.Next() {
		var name, public string
		var sealed []byte
		if err := rows.Scan(&name, &public, &sealed); err != nil {
			return err
		}
		plain, err := kek.Open(name, sealed)
		if err != nil {
			return fmt.Errorf("issuer: the %s key cannot be decrypted (%v): the database may be damaged", name, err)
		}
		found[name] = true
		if name == "nonce" {
			s.nonceKey = plain
			continue
		}
		info, err := s.km.ImportPKCS8(plain)
		if err != nil {
			return fmt.Errorf("issuer: the %s key is unreadable: %w", name, err)
		}
		if info.DID != public {
			return fmt.Errorf("issuer: the %s key does not match its recorded DID %s", name, public)
		}
		signer, err := s.km.Signer(ctx, info.ID)
		if err != nil {
			return err
		}
		switch name {
		case "issuer":
			s.issuerKey, s.issuerSigner = info, signer
		case "root":
			s.rootKey, s.rootSigner = info, signer
			pub, _ := s.km.PublicKey(ctx, info.ID)
			s.rootPub, _ = pub.(ed25519.PublicKey)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if !found["issuer"] || !found["root"] || !found["nonce"] || s.rootPub == nil {
		return errors.New("issuer: the database lacks the issuer, root or nonce key: it is damaged")
	}
	return nil
}

// writeSecretFile creates path with mode 0600, failing if it exists.
func writeSecretFile(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// randomToken returns n random bytes as unpadded base64url.
func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("issuer: the system random source failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
