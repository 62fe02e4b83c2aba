package status

import (
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// Type names from the spec (defined by the VC 2.0 context).
const (
	EntryType          = "BitstringStatusListEntry"
	ListType           = "BitstringStatusList"
	ListCredentialType = "BitstringStatusListCredential"
)

// Status purposes defined by Bitstring Status List v1.0.
const (
	PurposeRevocation = "revocation"
	PurposeSuspension = "suspension"
	PurposeRefresh    = "refresh"
	PurposeMessage    = "message"
)

// knownPurpose reports whether p is a purpose the spec defines.
func knownPurpose(p string) bool {
	switch p {
	case PurposeRevocation, PurposeSuspension, PurposeRefresh, PurposeMessage:
		return true
	}
	return false
}

// Entry is a BitstringStatusListEntry (a credential's credentialStatus).
type Entry struct {
	// ID is the optional id; a URL that is not the status list's URL.
	ID string
	// Purpose is statusPurpose: revocation, suspension, refresh or message.
	Purpose string
	// Index is statusListIndex (written as a base-10 string).
	Index int
	// ListCredential is statusListCredential, the status list credential URL.
	ListCredential string
	// Size is statusSize, the bits per status; 1 when absent.
	Size int
	// Messages is statusMessage; required when Size > 1, then with exactly
	// 2^Size elements, one per possible status value.
	Messages []StatusMessage
	// References is statusReference (URLs), if present.
	References []string
}

// StatusMessage is one element of statusMessage.
type StatusMessage struct {
	Status  string // hexadecimal status value, e.g. "0x2"
	Message string
}

// entryKeys are the properties a BitstringStatusListEntry may have.
var entryKeys = map[string]bool{
	"id": true, "type": true, "statusPurpose": true, "statusListIndex": true,
	"statusListCredential": true, "statusSize": true, "statusMessage": true, "statusReference": true,
}

// ParseEntry parses a credentialStatus object strictly: type
// BitstringStatusListEntry, a known statusPurpose, statusListIndex a base-10
// string without sign or leading zeros that fits the largest list Decode
// accepts, statusListCredential an absolute URL, statusSize an integer from 1
// to MaxStatusSize, statusMessage as the spec requires, and no other
// properties.
func ParseEntry(m map[string]any) (Entry, error) {
	if m == nil {
		return Entry{}, fmt.Errorf("status: %w: credentialStatus is missing", ErrMalformed)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !entryKeys[k] {
			return Entry{}, fmt.Errorf("status: %w: credentialStatus has unknown property %q", ErrMalformed, k)
		}
	}
	if !hasType(m["type"], EntryType, true) {
		return Entry{}, fmt.Errorf("status: %w: credentialStatus.type must be %q", ErrMalformed, EntryType)
	}
	var e Entry
	var err error
	if e.Purpose, err = stringField(m, "statusPurpose"); err != nil {
		return Entry{}, err
	}
	if !knownPurpose(e.Purpose) {
		return Entry{}, fmt.Errorf("status: %w: credentialStatus.statusPurpose %q is not revocation, suspension, refresh or message",
			ErrMalformed, e.Purpose)
	}
	if e.ListCredential, err = urlField(m, "statusListCredential"); err != nil {
		return Entry{}, err
	}
	if _, ok := m["id"]; ok {
		if e.ID, err = urlField(m, "id"); err != nil {
			return Entry{}, err
		}
		if e.ID == e.ListCredential {
			return Entry{}, fmt.Errorf("status: %w: credentialStatus.id must not be the status list URL", ErrMalformed)
		}
	}
	e.Size = 1
	if v, ok := m["statusSize"]; ok {
		if e.Size, err = sizeValue(v); err != nil {
			return Entry{}, err
		}
	}
	if e.Index, err = indexValue(m["statusListIndex"], e.Size); err != nil {
		return Entry{}, err
	}
	if e.Messages, err = messages(m, e.Size); err != nil {
		return Entry{}, err
	}
	if e.References, err = references(m); err != nil {
		return Entry{}, err
	}
	return e, nil
}

// Map returns the entry as a credentialStatus object, ready to embed in a
// credential; ParseEntry(e.Map()) returns e.
func (e Entry) Map() map[string]any {
	m := map[string]any{
		"type":                 EntryType,
		"statusPurpose":        e.Purpose,
		"statusListIndex":      strconv.Itoa(e.Index),
		"statusListCredential": e.ListCredential,
	}
	if e.ID != "" {
		m["id"] = e.ID
	}
	if e.Size > 1 {
		m["statusSize"] = e.Size
	}
	if len(e.Messages) > 0 {
		ms := make([]any, len(e.Messages))
		for i, sm := range e.Messages {
			ms[i] = map[string]any{"status": sm.Status, "message": sm.Message}
		}
		m["statusMessage"] = ms
	}
	switch len(e.References) {
	case 0:
	case 1:
		m["statusReference"] = e.References[0]
	default:
		refs := make([]any, len(e.References))
		for i, r := range e.References {
			refs[i] = r
		}
		m["statusReference"] = refs
	}
	return m
}

// Message returns the statusMessage text for status value v, if the entry
// has one.
func (e Entry) Message(v uint64) (string, bool) {
	for _, sm := range e.Messages {
		if n, err := parseHexStatus(sm.Status); err == nil && n == v {
			return sm.Message, true
		}
	}
	return "", false
}

func stringField(m map[string]any, field string) (string, error) {
	v, ok := m[field]
	if !ok {
		return "", fmt.Errorf("status: %w: credentialStatus.%s is missing", ErrMalformed, field)
	}
	s, ok := v.(string)
	if !ok || s == "" {
		return "", fmt.Errorf("status: %w: credentialStatus.%s must be a non-empty string", ErrMalformed, field)
	}
	return s, nil
}

func urlField(m map[string]any, field string) (string, error) {
	s, err := stringField(m, field)
	if err != nil {
		return "", err
	}
	if !isAbsURL(s) {
		return "", fmt.Errorf("status: %w: credentialStatus.%s %q is not an absolute URL", ErrMalformed, field, s)
	}
	return s, nil
}

func isAbsURL(s string) bool {
	if strings.ContainsAny(s, " \t\r\n") {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && u.IsAbs()
}

// hasType reports whether t is want, or (when lists are allowed) a list of
// strings containing want. exactOne requires the list to be exactly [want].
func hasType(t any, want string, exactOne bool) bool {
	switch v := t.(type) {
	case string:
		return v == want
	case []any:
		if exactOne && len(v) != 1 {
			return false
		}
		for _, x := range v {
			if s, ok := x.(string); ok && s == want {
				return true
			}
		}
	}
	return false
}

// sizeValue accepts statusSize as any JSON integer representation.
func sizeValue(v any) (int, error) {
	var f float64
	switch n := v.(type) {
	case float64:
		f = n
	case int:
		f = float64(n)
	case int64:
		f = float64(n)
	case json.Number:
		i, err := strconv.ParseInt(string(n), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("status: %w: credentialStatus.statusSize %q is not an integer", ErrMalformed, n)
		}
		f = float64(i)
	default:
		return 0, fmt.Errorf("status: %w: credentialStatus.statusSize must be a number", ErrMalformed)
	}
	if f != math.Trunc(f) || f < 1 || f > MaxStatusSize {
		return 0, fmt.Errorf("status: %w: credentialStatus.statusSize %v is not an integer from 1 to %d",
			ErrMalformed, f, MaxStatusSize)
	}
	return int(f), nil
}

// indexValue parses statusListIndex: a base-10 string, no sign, no leading
// zero, whose entry fits in the largest list Decode accepts.
func indexValue(v any, size int) (int, error) {
	s, ok := v.(string)
	if !ok {
		return 0, fmt.Errorf("status: %w: credentialStatus.statusListIndex must be a string of decimal digits", ErrMalformed)
	}
	if s == "" || (len(s) > 1 && s[0] == '0') {
		return 0, fmt.Errorf("status: %w: credentialStatus.statusListIndex %q is not a canonical decimal integer", ErrMalformed, s)
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, fmt.Errorf("status: %w: credentialStatus.statusListIndex %q is not a decimal integer", ErrMalformed, s)
		}
	}
	maxEntries := uint64(MaxDecodedBytes) * 8 / uint64(size)
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || n >= maxEntries {
		return 0, fmt.Errorf("status: %w: credentialStatus.statusListIndex %s is beyond the largest list (%d entries)",
			ErrRange, s, maxEntries)
	}
	return int(n), nil
}

// messages parses statusMessage: required when size > 1; when present,
// exactly 2^size objects {status, message} whose statuses are the distinct
// values 0 .. 2^size-1 written in hexadecimal with a 0x prefix.
func messages(m map[string]any, size int) ([]StatusMessage, error) {
	raw, ok := m["statusMessage"]
	if !ok {
		if size > 1 {
			return nil, fmt.Errorf("status: %w: credentialStatus.statusMessage is required when statusSize is %d", ErrMalformed, size)
		}
		return nil, nil
	}
	list, ok := raw.([]any)
	want := 1 << size
	if !ok || len(list) != want {
		return nil, fmt.Errorf("status: %w: credentialStatus.statusMessage must be an array of %d messages for statusSize %d",
			ErrMalformed, want, size)
	}
	seen := make(map[uint64]bool, want)
	out := make([]StatusMessage, len(list))
	for i, x := range list {
		o, ok := x.(map[string]any)
		if !ok || len(o) != 2 {
			return nil, fmt.Errorf("status: %w: credentialStatus.statusMessage[%d] must be an object with exactly status and message", ErrMalformed, i)
		}
		st, ok1 := o["status"].(string)
		msg, ok2 := o["message"].(string)
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("status: %w: credentialStatus.statusMessage[%d] needs string status and message", ErrMalformed, i)
		}
		n, err := parseHexStatus(st)
		if err != nil || n >= uint64(want) || seen[n] {
			return nil, fmt.Errorf("status: %w: credentialStatus.statusMessage[%d].status %q is not a distinct hex value below 0x%x",
				ErrMalformed, i, st, want)
		}
		seen[n] = true
		out[i] = StatusMessage{Status: st, Message: msg}
	}
	return out, nil
}

func parseHexStatus(s string) (uint64, error) {
	h, ok := strings.CutPrefix(s, "0x")
	if !ok || h == "" || len(h) > 16 {
		return 0, fmt.Errorf("status %q is not 0x-prefixed hexadecimal", s)
	}
	return strconv.ParseUint(h, 16, 64)
}

// references parses statusReference: a URL or an array of URLs.
func references(m map[string]any) ([]string, error) {
	raw, ok := m["statusReference"]
	if !ok {
		return nil, nil
	}
	var items []any
	switch v := raw.(type) {
	case string:
		items = []any{v}
	case []any:
		items = v
	}
	if len(items) == 0 {
		return nil, fmt.Errorf("status: %w: credentialStatus.statusReference must be a URL or a non-empty array of URLs", ErrMalformed)
	}
	out := make([]string, len(items))
	for i, x := range items {
		s, ok := x.(string)
		if !ok || !isAbsURL(s) {
			return nil, fmt.Errorf("status: %w: credentialStatus.statusReference[%d] is not an absolute URL", ErrMalformed, i)
		}
		out[i] = s
	}
	return out, nil
}
