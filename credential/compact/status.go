package compact

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"

	"github.com/cityid/cityid/credential/status"
)

// StatusRefSize is the length in bytes of a status list reference.
const StatusRefSize = 3

// StatusRef returns the compact reference of a status list used for one
// purpose: the first StatusRefSize bytes of SHA-256 over the purpose, a zero
// byte and the status list credential URL, in lower-case hex. A credential
// names each of its status entries by this reference and the index; the
// verifier's trust bundle, which caches the status lists, resolves it.
func StatusRef(purpose, listURL string) string {
	h := sha256.New()
	h.Write([]byte(purpose))
	h.Write([]byte{0})
	h.Write([]byte(listURL))
	return hex.EncodeToString(h.Sum(nil)[:StatusRefSize])
}

// StatusFunc resolves a status list reference (as StatusRef writes it) to the
// status list credential URL and the status purpose. A verifier builds it
// from the status lists of its trust bundle; StatusLists builds one from a
// list.
type StatusFunc func(ref string) (listURL, purpose string, err error)

// StatusList names one status list and one of its purposes, for StatusLists.
type StatusList struct {
	URL     string
	Purpose string
}

// StatusLists returns a StatusFunc that knows exactly the given lists. Two
// lists with the same reference are refused (about one chance in 10^5 for
// 50 lists): an ambiguous reference could name the wrong list.
func StatusLists(lists ...StatusList) (StatusFunc, error) {
	m := make(map[string]StatusList, len(lists))
	for _, l := range lists {
		ref := StatusRef(l.Purpose, l.URL)
		if old, ok := m[ref]; ok && old != l {
			return nil, errorf(ErrUnknownStatusList, "status lists %s (%s) and %s (%s) share the reference %s", old.URL, old.Purpose, l.URL, l.Purpose, ref)
		}
		m[ref] = l
	}
	return func(ref string) (string, string, error) {
		l, ok := m[ref]
		if !ok {
			return "", "", errorf(ErrUnknownStatusList, "no status list has the reference %s", ref)
		}
		return l.URL, l.Purpose, nil
	}, nil
}

// statusEntry is one credentialStatus entry in compact form.
type statusEntry struct {
	index int
	ref   []byte
}

// compactStatus reads the credentialStatus member (an entry or an array of
// entries). Entries must be plain BitstringStatusListEntry objects of one
// bit per status, with no id or the id listURL#index.
func compactStatus(v any) ([]statusEntry, error) {
	var list []any
	switch s := v.(type) {
	case nil:
		return nil, nil
	case map[string]any:
		list = []any{s}
	case []any:
		list = s
	default:
		return nil, errorf(ErrCredential, "credentialStatus must be an object or an array")
	}
	out := make([]statusEntry, 0, len(list))
	for _, item := range list {
		m, ok := item.(map[string]any)
		if !ok {
			return nil, errorf(ErrCredential, "credentialStatus entries must be objects")
		}
		e, err := status.ParseEntry(m)
		if err != nil {
			return nil, errorf(ErrCredential, "credentialStatus: %v", err)
		}
		if e.Size > 1 || len(e.Messages) > 0 || len(e.References) > 0 {
			return nil, errorf(ErrCredential, "credentialStatus: only one-bit entries without statusMessage or statusReference can be compact")
		}
		if e.ID != "" && e.ID != entryID(e.ListCredential, e.Index) {
			return nil, errorf(ErrCredential, "credentialStatus: an entry id must be absent or %s", entryID(e.ListCredential, e.Index))
		}
		ref, _ := hex.DecodeString(StatusRef(e.Purpose, e.ListCredential))
		out = append(out, statusEntry{e.Index, ref})
	}
	return out, nil
}

func entryID(listURL string, index int) string {
	return listURL + "#" + strconv.Itoa(index)
}

// encodeStatus writes entries as one array: an unsigned integer sets the
// index of the references (3-byte strings) that follow it. Null when there
// are none.
func encodeStatus(entries []statusEntry) any {
	if len(entries) == 0 {
		return nil
	}
	out := []any{}
	for i, e := range entries {
		if i == 0 || e.index != entries[i-1].index {
			out = append(out, uint64(e.index))
		}
		out = append(out, e.ref)
	}
	return out
}

// maxStatusIndex bounds an index: Bitstring Status List indexes address bits
// of a list of at most status.MaxDecodedBytes bytes.
const maxStatusIndex = status.MaxDecodedBytes * 8

// decodeStatus reads the status member: null, or an array that starts with
// an index, never has two indexes in a row, ends with a reference, and never
// repeats the index of the group before (encodeStatus writes one group per
// run of equal indexes).
func decodeStatus(v any) ([]statusEntry, error) {
	if v == nil {
		return nil, nil
	}
	arr, ok := v.([]any)
	if !ok || len(arr) < 2 {
		return nil, errorf(ErrCBOR, "status is not an array of an index and references")
	}
	var out []statusEntry
	index, afterIndex := -1, false
	for _, item := range arr {
		switch x := item.(type) {
		case uint64:
			if x >= maxStatusIndex {
				return nil, errorf(ErrCBOR, "status index %d is out of range", x)
			}
			if afterIndex || int(x) == index {
				return nil, errorf(ErrCBOR, "status indexes are not each followed by references")
			}
			index, afterIndex = int(x), true
		case []byte:
			if len(x) != StatusRefSize || index < 0 {
				return nil, errorf(ErrCBOR, "status reference is not %d bytes after an index", StatusRefSize)
			}
			out = append(out, statusEntry{index, x})
			afterIndex = false
		default:
			return nil, errorf(ErrCBOR, "status holds a %T", item)
		}
	}
	if afterIndex {
		return nil, errorf(ErrCBOR, "status ends with an index without references")
	}
	return out, nil
}

// expandStatus resolves the entries to credentialStatus objects.
func expandStatus(entries []statusEntry, resolve StatusFunc) ([]any, error) {
	out := make([]any, len(entries))
	for i, e := range entries {
		ref := hex.EncodeToString(e.ref)
		if resolve == nil {
			return nil, errorf(ErrUnknownStatusList, "the credential has status list %s, and VerifyOptions.StatusLists is not set", ref)
		}
		url, purpose, err := resolve(ref)
		if errors.Is(err, ErrUnknownStatusList) {
			return nil, err
		}
		if err != nil {
			return nil, fmt.Errorf("%w: status list %s: %w", ErrUnknownStatusList, ref, err)
		}
		if StatusRef(purpose, url) != ref {
			return nil, errorf(ErrUnknownStatusList, "the StatusFunc answered %s (%s) for the reference %s, which is not its reference", url, purpose, ref)
		}
		out[i] = status.Entry{ID: entryID(url, e.index), Purpose: purpose, Index: e.index, ListCredential: url}.Map()
	}
	return out, nil
}
