package issuer

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/cityid/cityid/credential/trust"
	"github.com/cityid/cityid/did"
	"github.com/cityid/cityid/schemas"
)

// BundleValidity is how long a published trust bundle is valid.
const BundleValidity = 30 * 24 * time.Hour

// Bundle returns the trust bundle signed with the root key: this issuer
// (DID, key, every city credential type) and every status list credential
// in use. Its version rises whenever its content changes (a status list was
// re-signed, a type was added, ...).
func (s *Service) Bundle(ctx context.Context) ([]byte, error) {
	for range 5 {
		out, err := s.bundle(ctx)
		if !errors.Is(err, errStaleBundle) {
			return out, err
		}
	}
	return nil, errors.New("the status lists changed during every attempt to publish the bundle; try again")
}

// errStaleBundle: a status list changed while the bundle was assembled.
var errStaleBundle = errors.New("stale bundle")

func (s *Service) bundle(ctx context.Context) ([]byte, error) {
	mk, err := did.EncodeMultikey(s.issuerSigner.Public())
	if err != nil {
		return nil, err
	}
	var types []string
	for _, t := range schemas.Types() {
		types = append(types, t.Name)
	}
	b := &trust.Bundle{
		Type: trust.BundleType,
		Name: s.cityName,
		Root: s.rootKey.VerificationMethod,
		Issuers: []trust.Issuer{{
			ID: s.issuerKey.DID, Name: s.cityName,
			Keys:  []trust.Key{{ID: s.issuerKey.VerificationMethod, PublicKeyMultibase: mk}},
			Types: types,
		}},
	}
	ids, err := s.statusListIDs(ctx)
	if err != nil {
		return nil, err
	}
	versions := make([]int64, len(ids))
	for i, id := range ids {
		cred, v, err := s.statusListCredential(ctx, id)
		if err != nil {
			return nil, err
		}
		versions[i] = v
		b.Status = append(b.Status, trust.StatusList{ID: s.StatusListURL(id), Credential: json.RawMessage(cred)})
	}
	content, err := json.Marshal(b) // version and times are still zero
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(content)
	hash := hex.EncodeToString(sum[:])
	err = s.w.do(ctx, func(w *wtx) error {
		// The version must never rise for content older than what a
		// concurrent caller published: check the lists are still current.
		var lists int
		if err := w.queryRow("SELECT count(*) FROM status_lists").Scan(&lists); err != nil {
			return err
		}
		if lists != len(ids) {
			return errStaleBundle
		}
		for i, id := range ids {
			p, n, _ := parseStatusListID(id)
			var v int64
			if err := w.queryRow("SELECT version FROM status_lists WHERE purpose = ? AND list = ?", p, n).Scan(&v); err != nil {
				return err
			}
			if v != versions[i] {
				return errStaleBundle
			}
		}
		var version uint64
		var old string
		err := w.queryRow("SELECT version, content_hash FROM bundle_state WHERE id = 1").Scan(&version, &old)
		if errors.Is(err, sql.ErrNoRows) {
			version, old = 0, ""
		} else if err != nil {
			return err
		}
		if old != hash {
			version++
			if _, err := w.exec(`INSERT INTO bundle_state (id, version, content_hash) VALUES (1, ?, ?)
				ON CONFLICT (id) DO UPDATE SET version = excluded.version, content_hash = excluded.content_hash`, version, hash); err != nil {
				return err
			}
		}
		b.Version = version
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("recording the bundle version: %w", err)
	}
	now := s.now().Truncate(time.Second)
	b.IssuedAt, b.ExpiresAt = now, now.Add(BundleValidity)
	return trust.Sign(b, s.rootSigner)
}
