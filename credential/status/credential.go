package status

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// CredentialsV2Context is the VC 2.0 context; it defines every
// Bitstring Status List term.
const CredentialsV2Context = "https://www.w3.org/ns/credentials/v2"

// NewStatusListCredential returns the unsigned VC 2.0
// BitstringStatusListCredential that publishes list for purpose: id is the
// credential's URL (what entries name as statusListCredential), its
// credentialSubject id is id + "#list". The caller signs it (Data Integrity)
// and may add validUntil or ttl before signing.
func NewStatusListCredential(id, issuer, purpose string, list *List, validFrom time.Time) (map[string]any, error) {
	switch {
	case !isAbsURL(id) || strings.Contains(id, "#"):
		return nil, fmt.Errorf("status: %w: status list credential id %q must be an absolute URL without fragment", ErrMalformed, id)
	case !isAbsURL(issuer):
		return nil, fmt.Errorf("status: %w: issuer %q is not an absolute URL or DID", ErrMalformed, issuer)
	case !knownPurpose(purpose):
		return nil, fmt.Errorf("status: %w: statusPurpose %q is not revocation, suspension, refresh or message", ErrMalformed, purpose)
	case list == nil:
		return nil, fmt.Errorf("status: %w: list is nil", ErrMalformed)
	case validFrom.IsZero():
		return nil, fmt.Errorf("status: %w: validFrom is zero", ErrMalformed)
	}
	enc, err := list.Encode()
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"@context":  []any{CredentialsV2Context},
		"id":        id,
		"type":      []any{"VerifiableCredential", ListCredentialType},
		"issuer":    issuer,
		"validFrom": validFrom.UTC().Format(time.RFC3339),
		"credentialSubject": map[string]any{
			"id":            id + "#list",
			"type":          ListType,
			"statusPurpose": purpose,
			"encodedList":   enc,
		},
	}, nil
}

// ListSubject is the parsed credentialSubject of a status list credential.
type ListSubject struct {
	ID       string        // credentialSubject.id, if any
	Purposes []string      // statusPurpose (one or more)
	List     *List         // the decoded encodedList
	TTL      time.Duration // ttl (milliseconds in JSON); 0 when absent
}

// ParseListSubject parses the credentialSubject of a (verified)
// BitstringStatusListCredential: type BitstringStatusList, statusPurpose a
// string or a non-empty array of strings, encodedList as Decode accepts, and
// ttl, if present, a non-negative number of milliseconds.
func ParseListSubject(subject map[string]any) (*ListSubject, error) {
	if subject == nil {
		return nil, fmt.Errorf("status: %w: credentialSubject is missing", ErrMalformed)
	}
	if !hasType(subject["type"], ListType, false) {
		return nil, fmt.Errorf("status: %w: credentialSubject.type must be %q", ErrMalformed, ListType)
	}
	var ls ListSubject
	if v, ok := subject["id"]; ok {
		s, ok := v.(string)
		if !ok || !isAbsURL(s) {
			return nil, fmt.Errorf("status: %w: credentialSubject.id is not an absolute URL", ErrMalformed)
		}
		ls.ID = s
	}
	switch p := subject["statusPurpose"].(type) {
	case string:
		ls.Purposes = []string{p}
	case []any:
		for _, x := range p {
			s, ok := x.(string)
			if !ok {
				return nil, fmt.Errorf("status: %w: credentialSubject.statusPurpose must hold only strings", ErrMalformed)
			}
			ls.Purposes = append(ls.Purposes, s)
		}
	}
	if len(ls.Purposes) == 0 || slices.Contains(ls.Purposes, "") {
		return nil, fmt.Errorf("status: %w: credentialSubject.statusPurpose must be one or more non-empty strings", ErrMalformed)
	}
	if v, ok := subject["ttl"]; ok {
		ms, ok := v.(float64)
		if !ok || ms < 0 || ms != math.Trunc(ms) || ms > float64(math.MaxInt64/int64(time.Millisecond)) {
			return nil, fmt.Errorf("status: %w: credentialSubject.ttl must be a non-negative whole number of milliseconds", ErrMalformed)
		}
		ls.TTL = time.Duration(ms) * time.Millisecond
	}
	enc, ok := subject["encodedList"].(string)
	if !ok {
		return nil, fmt.Errorf("status: %w: credentialSubject.encodedList is missing or not a string", ErrMalformed)
	}
	list, err := Decode(enc)
	if err != nil {
		return nil, err
	}
	ls.List = list
	return &ls, nil
}

// Status returns the status value of entry in this list: ErrVerification if
// the entry's purpose is not one of the list's purposes, ErrRange if the
// entry's index (times its statusSize) falls outside the list.
func (ls *ListSubject) Status(entry Entry) (uint64, error) {
	if !slices.Contains(ls.Purposes, entry.Purpose) {
		return 0, fmt.Errorf("status: %w: entry statusPurpose %q is not the list's purpose %q",
			ErrVerification, entry.Purpose, strings.Join(ls.Purposes, ", "))
	}
	size := entry.Size
	if size == 0 {
		size = 1
	}
	return ls.List.Value(entry.Index, size)
}

// Check runs the spec's validation algorithm on a verified status list
// credential's credentialSubject: it reports whether the entry's status is
// set (non-zero; for revocation, "revoked"). It fails with ErrVerification on
// a purpose mismatch, ErrRange on an index outside the list, and
// ErrMalformed, ErrListLength or ErrListTooLarge on a bad list.
//
// Check does not verify the status list credential itself (proof, issuer,
// id = entry.ListCredential, validity period): the caller must, first.
func Check(entry Entry, listCredentialSubject map[string]any) (set bool, err error) {
	ls, err := ParseListSubject(listCredentialSubject)
	if err != nil {
		return false, err
	}
	v, err := ls.Status(entry)
	if err != nil {
		return false, err
	}
	return v != 0, nil
}
