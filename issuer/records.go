package issuer

import (
	"context"
	"database/sql"
	"errors"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/cityid/cityid/schemas"
)

// Search limits.
const (
	DefaultSearchLimit = 50
	MaxSearchLimit     = 500
)

// checkText validates a short free-text field.
func checkText(field, v string, min, max int) error {
	n := utf8.RuneCountInString(v)
	switch {
	case !utf8.ValidString(v):
		return errorf(CodeInvalidRequest, "the %s is not valid text", field)
	case n < min:
		return errorf(CodeInvalidRequest, "the %s is required", field)
	case n > max:
		return errorf(CodeInvalidRequest, "the %s must be at most %d characters", field, max)
	case strings.TrimSpace(v) != v:
		return errorf(CodeInvalidRequest, "the %s must not start or end with spaces", field)
	}
	for _, r := range v {
		if unicode.IsControl(r) {
			return errorf(CodeInvalidRequest, "the %s must not contain control characters", field)
		}
	}
	return nil
}

// Enrol records a resident: a display name and an optional reference (such
// as a case number). Names are not written to the audit log.
func (s *Service) Enrol(ctx context.Context, actor Actor, name, reference string) (*Resident, error) {
	actor, err := s.requireStaff(ctx, actor)
	if err != nil {
		return nil, err
	}
	if err := checkText("name", name, 1, 100); err != nil {
		return nil, err
	}
	if err := checkText("reference", reference, 0, 100); err != nil {
		return nil, err
	}
	r := &Resident{Name: name, Reference: reference}
	err = s.w.do(ctx, func(w *wtx) error {
		res, err := w.exec("INSERT INTO residents (name, reference, created) VALUES (?, ?, ?)", name, reference, w.now.UnixNano())
		if err != nil {
			return err
		}
		if r.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		r.Created = w.now
		return w.audit(actor, "resident.enrol", residentObject(r.ID), nil)
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

func residentObject(id int64) string {
	return "resident:" + itoa(id)
}

// Resident returns an enrolled resident.
func (s *Service) Resident(ctx context.Context, id int64) (*Resident, error) {
	r := &Resident{ID: id}
	var created int64
	err := s.db.Read.QueryRowContext(ctx, "SELECT name, reference, created FROM residents WHERE id = ?", id).Scan(&r.Name, &r.Reference, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errorf(CodeNotFound, "there is no resident %d", id)
	}
	if err != nil {
		return nil, err
	}
	r.Created = time.Unix(0, created).UTC()
	return r, nil
}

// recordCols are the columns scanRecord reads from credentials c: the
// credential with its first form, then its later forms' formats, then its
// claims' names (never their values), then its attester (assisted enrolment).
const recordCols = `c.id, c.type, c.subject, c.format, c.resident_id, c.status_index, c.state, c.issued_at, c.valid_from, c.valid_until, c.credential,
	(SELECT group_concat(format, ' ') FROM (SELECT format FROM credential_forms f WHERE f.credential_id = c.id ORDER BY f.issued_at, f.rowid)),
	(SELECT group_concat(key, ' ') FROM json_each(c.claims)),
	c.attester_id, (SELECT a.name FROM attesters a WHERE a.id = c.attester_id), (SELECT a.kind FROM attesters a WHERE a.id = c.attester_id)`

func scanRecord(row interface{ Scan(...any) error }) (*Record, error) {
	var r Record
	var resident, from, validUntil sql.NullInt64
	var issued int64
	var later, claimNames, attesterName, attesterKind sql.NullString
	var attester sql.NullInt64
	if err := row.Scan(&r.ID, &r.Type, &r.Subject, &r.Format, &resident, &r.StatusIndex, &r.State, &issued, &from, &validUntil, &r.Credential, &later, &claimNames,
		&attester, &attesterName, &attesterKind); err != nil {
		return nil, err
	}
	if claimNames.String != "" {
		r.ClaimNames = strings.Fields(claimNames.String)
		sort.Strings(r.ClaimNames)
	}
	if attester.Valid {
		a := Attester{ID: attester.Int64, Name: attesterName.String, Kind: AttesterKind(attesterKind.String)}
		r.attesterID, r.Evidence = a.ID, []schemas.Evidence{a.Evidence()}
	}
	r.Forms = formsOf(r.Format, later)
	r.ResidentID = resident.Int64
	r.IssuedAt = time.Unix(0, issued).UTC()
	r.ValidFrom = r.IssuedAt
	if from.Valid {
		r.ValidFrom = time.Unix(0, from.Int64).UTC()
	}
	if validUntil.Valid {
		t := time.Unix(0, validUntil.Int64).UTC()
		r.ValidUntil = &t
	}
	return &r, nil
}

// Get returns an issued credential by id.
func (s *Service) Get(ctx context.Context, id string) (*Record, error) {
	r, err := scanRecord(s.db.Read.QueryRowContext(ctx, "SELECT "+recordCols+" FROM credentials c WHERE c.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errorf(CodeNotFound, "there is no credential %s", truncate(id, 80))
	}
	return r, err
}

// likeEscape escapes LIKE wildcards in s.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// Search lists issued credentials, newest first. Text matches a resident's
// name or reference (substring, case-insensitive for ASCII), or exactly a
// credential id or subject DID.
func (s *Service) Search(ctx context.Context, q Query) ([]Record, error) {
	limit := q.Limit
	switch {
	case limit < 0:
		return nil, errorf(CodeInvalidRequest, "the limit must not be negative")
	case limit == 0:
		limit = DefaultSearchLimit
	case limit > MaxSearchLimit:
		limit = MaxSearchLimit
	}
	if q.State != "" && q.State != StateActive && q.State != StateSuspended && q.State != StateRevoked {
		return nil, errorf(CodeInvalidRequest, "unknown state %q: use active, suspended or revoked", q.State)
	}
	if len(q.Text) > 2048 {
		return nil, errorf(CodeInvalidRequest, "the search text is too long")
	}
	var where []string
	var args []any
	if t := strings.TrimSpace(q.Text); t != "" {
		pat := "%" + likeEscape(t) + "%"
		where = append(where, `(c.id = ? OR c.subject = ? OR c.resident_id IN
			(SELECT id FROM residents WHERE name LIKE ? ESCAPE '\' OR reference LIKE ? ESCAPE '\'))`)
		args = append(args, t, t, pat, pat)
	}
	if q.Type != "" {
		where = append(where, "c.type = ?")
		args = append(args, q.Type)
	}
	if q.State != "" {
		where = append(where, "c.state = ?")
		args = append(args, string(q.State))
	}
	if q.ResidentID != 0 {
		where = append(where, "c.resident_id = ?")
		args = append(args, q.ResidentID)
	}
	query := "SELECT " + recordCols + " FROM credentials c"
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY c.issued_at DESC, c.rowid DESC LIMIT ?"
	args = append(args, limit)
	rows, err := s.db.Read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Record{}
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *r)
	}
	return out, rows.Err()
}

func itoa(i int64) string { return strconv.FormatInt(i, 10) }
