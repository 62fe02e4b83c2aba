package issuer

import (
	"fmt"
	"sort"
	"unicode/utf8"
)

// invalidUTF8 returns the path of the first claim name or text value that
// is not valid UTF-8. encoding/json would silently turn such bytes into
// U+FFFD, issuing a credential with a damaged name instead of refusing it.
func invalidUTF8(v any, path string) (string, bool) {
	switch v := v.(type) {
	case string:
		return path, !utf8.ValidString(v)
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			p := k
			if path != "" {
				p = path + "." + k
			}
			if !utf8.ValidString(k) {
				return fmt.Sprintf("%q", p), true
			}
			if bad, ok := invalidUTF8(v[k], p); ok {
				return bad, true
			}
		}
	case []any:
		for i, e := range v {
			if bad, ok := invalidUTF8(e, fmt.Sprintf("%s[%d]", path, i)); ok {
				return bad, true
			}
		}
	}
	return "", false
}

// checkClaimsText refuses claims holding text that is not UTF-8.
func checkClaimsText(typeName string, claims map[string]any) error {
	path, bad := invalidUTF8(claims, "")
	if !bad {
		return nil
	}
	const msg = "is not valid UTF-8 text (save the file as UTF-8)"
	return &Error{Code: CodeInvalidClaims, Status: 400, Message: "the claims are not valid for " + typeName + ": " + path + ": " + msg,
		Fields: []FieldError{{Path: path, Message: msg}}}
}
