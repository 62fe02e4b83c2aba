package credential

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// maxDepth bounds JSON nesting: city credentials nest a few levels; a
// deeply nested input is an attack on the parser, not a credential.
const maxDepth = 32

// checkDuplicateKeys walks the JSON tokens and fails on a repeated member
// name in any object, on nesting deeper than maxDepth, or on invalid JSON.
func checkDuplicateKeys(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	type frame struct {
		keys      map[string]struct{}
		isObject  bool
		expectKey bool
	}
	var stack []frame
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("invalid JSON: %v", err)
		}
		var top *frame
		if len(stack) > 0 {
			top = &stack[len(stack)-1]
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				if top != nil && top.isObject {
					top.expectKey = true
				}
				if len(stack) >= maxDepth {
					return fmt.Errorf("JSON nested deeper than %d levels", maxDepth)
				}
				stack = append(stack, frame{isObject: t == '{', expectKey: t == '{', keys: map[string]struct{}{}})
			case '}', ']':
				stack = stack[:len(stack)-1]
			}
		case string:
			if top != nil && top.isObject && top.expectKey {
				if _, dup := top.keys[t]; dup {
					return fmt.Errorf("member %q appears twice in one object", t)
				}
				top.keys[t] = struct{}{}
				top.expectKey = false
				continue
			}
			if top != nil && top.isObject {
				top.expectKey = true
			}
		default:
			if top != nil && top.isObject {
				top.expectKey = true
			}
		}
	}
}
