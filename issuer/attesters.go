package issuer

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/cityid/cityid/schemas"
)

// AttesterKind is the kind of an authorised attester.
type AttesterKind string

// Attester kinds: who may vouch for a resident without documents.
const (
	AttesterCaseworker AttesterKind = "caseworker"
	AttesterShelter    AttesterKind = "shelter"
)

// Attester is a caseworker or shelter an admin registered to attest
// residents' identity (assisted enrolment). A disabled attester stays on
// the credentials it attested but cannot attest new ones.
type Attester struct {
	ID       int64
	Name     string
	Kind     AttesterKind
	Disabled bool
	Created  time.Time
}

// Evidence is the credential evidence entry an attestation by a makes.
func (a *Attester) Evidence() schemas.Evidence {
	kind := schemas.EvidenceCaseworker
	if a.Kind == AttesterShelter {
		kind = schemas.EvidenceShelter
	}
	return schemas.Evidence{Kind: kind, Attester: a.Name}
}

// ParseAttesterKind reads "caseworker" or "shelter".
func ParseAttesterKind(s string) (AttesterKind, error) {
	switch k := AttesterKind(s); k {
	case AttesterCaseworker, AttesterShelter:
		return k, nil
	}
	return "", errorf(CodeInvalidRequest, "an attester is a caseworker or a shelter, not %q", truncate(s, 40))
}

const attesterCols = "id, name, kind, disabled, created"

func scanAttester(row interface{ Scan(...any) error }) (*Attester, error) {
	var a Attester
	var created int64
	if err := row.Scan(&a.ID, &a.Name, &a.Kind, &a.Disabled, &created); err != nil {
		return nil, err
	}
	a.Created = time.Unix(0, created).UTC()
	return &a, nil
}

// AddAttester registers a caseworker or shelter that may attest residents'
// identity. Only an admin (or the CLI) may. The name is what credentials
// carry and verifiers show: "Downtown Shelter", "Ana Ruiz (Eastside Outreach)".
func (s *Service) AddAttester(ctx context.Context, actor Actor, name string, kind AttesterKind) (*Attester, error) {
	actor, err := s.requireAdmin(ctx, actor)
	if err != nil {
		return nil, err
	}
	if err := schemas.CheckAttesterName(name); err != nil {
		msg := fmt.Sprintf("must be 1 to %d characters of text, without spaces at its ends", schemas.MaxAttesterName)
		return nil, &Error{Code: CodeInvalidRequest, Status: 400, Message: "the attester's name " + msg,
			Fields: []FieldError{{Path: "name", Message: msg}}}
	}
	if _, err := ParseAttesterKind(string(kind)); err != nil {
		e := err.(*Error)
		e.Fields = []FieldError{{Path: "kind", Message: "must be caseworker or shelter"}}
		return nil, e
	}
	a := &Attester{Name: name, Kind: kind}
	err = s.w.do(ctx, func(w *wtx) error {
		a.Created = w.now.UTC()
		res, err := w.exec("INSERT INTO attesters (name, kind, disabled, created) VALUES (?, ?, 0, ?) ON CONFLICT (name) DO NOTHING",
			name, string(kind), w.now.UnixNano())
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errorf(CodeConflict, "an attester named %q is already registered", name)
		}
		if a.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		return w.audit(actor, "attester.add", attesterObject(a.ID), map[string]any{"name": name, "kind": kind})
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

func attesterObject(id int64) string { return "attester:" + strconv.FormatInt(id, 10) }

// SetAttesterDisabled disables (or enables again) an attester: a disabled
// attester cannot attest new credentials or offers. Only an admin may.
func (s *Service) SetAttesterDisabled(ctx context.Context, actor Actor, name string, disabled bool) error {
	actor, err := s.requireAdmin(ctx, actor)
	if err != nil {
		return err
	}
	return s.w.do(ctx, func(w *wtx) error {
		a, err := scanAttester(w.queryRow("SELECT "+attesterCols+" FROM attesters WHERE name = ?", name))
		if errors.Is(err, sql.ErrNoRows) {
			return errorf(CodeNotFound, "there is no attester named %q", truncate(name, 80))
		}
		if err != nil {
			return err
		}
		if a.Disabled == disabled {
			return nil
		}
		if _, err := w.exec("UPDATE attesters SET disabled = ? WHERE id = ?", disabled, a.ID); err != nil {
			return err
		}
		action := "attester.enable"
		if disabled {
			action = "attester.disable"
		}
		return w.audit(actor, action, attesterObject(a.ID), map[string]any{"name": a.Name})
	})
}

// ListAttesters lists every registered attester by name, disabled ones too.
func (s *Service) ListAttesters(ctx context.Context) ([]Attester, error) {
	rows, err := s.db.Read.QueryContext(ctx, "SELECT "+attesterCols+" FROM attesters ORDER BY name")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Attester
	for rows.Next() {
		a, err := scanAttester(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *a)
	}
	return out, rows.Err()
}

// activeAttester returns the registered, enabled attester named name, or
// an error saying in plain words why it cannot attest.
func (s *Service) activeAttester(ctx context.Context, name string) (*Attester, error) {
	a, err := scanAttester(s.db.Read.QueryRowContext(ctx, "SELECT "+attesterCols+" FROM attesters WHERE name = ?", name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errorf(CodeInvalidRequest, "%q is not a registered attester: only caseworkers and shelters an admin has registered may attest a resident's identity", truncate(name, 80))
	}
	if err != nil {
		return nil, err
	}
	return a, a.checkActive()
}

func (a *Attester) checkActive() error {
	if a.Disabled {
		return errorf(CodeInvalidRequest, "the attester %q is disabled and may not attest anyone's identity now; ask an admin", a.Name)
	}
	return nil
}

// recheckAttester re-reads an attester inside the transaction that stores
// what it attested, so an attester disabled meanwhile attests nothing.
func (w *wtx) recheckAttester(id int64) error {
	a, err := scanAttester(w.queryRow("SELECT "+attesterCols+" FROM attesters WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return errorf(CodeInvalidRequest, "the attester was removed")
	}
	if err != nil {
		return err
	}
	return a.checkActive()
}

// attestationAudit adds the attestation to an audit entry's details: the
// kind of evidence and the attester's id (never anything about the resident).
func attestationAudit(details map[string]any, a *Attester) {
	if a != nil {
		details["attestation"] = a.Evidence().Kind
		details["attester"] = a.ID
	}
}
