package ld

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	jsonld "github.com/piprate/json-gold/ld"
)

// maxSafeInteger is 2^53: beyond it not every integer has a float64, so a
// json.Number may hold digits the signed value (a float64) does not.
const maxSafeInteger = 1 << 53

// inputChecker walks the document as written, before expansion.
type inputChecker struct {
	values  int
	foreign bool // a Go type encoding/json would not produce
	path    []string
}

func (c *inputChecker) where() string {
	if len(c.path) == 0 {
		return "/"
	}
	return "/" + strings.Join(c.path, "/")
}

func (c *inputChecker) valueErr(reason string) error {
	return &ValueError{Where: c.where(), Reason: reason}
}

// checkInput validates the document before json-gold sees it and converts
// non-JSON Go types through encoding/json.
func checkInput(doc map[string]any) (map[string]any, error) {
	c := &inputChecker{}
	if err := c.check(doc, 0); err != nil {
		return nil, err
	}
	if !c.foreign {
		return doc, nil
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("%w: document is not JSON: %v", ErrInvalidJSONLD, err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("%w: document is not JSON: %v", ErrInvalidJSONLD, err)
	}
	c = &inputChecker{}
	if err := c.check(out, 0); err != nil {
		return nil, err
	}
	return out, nil
}

func (c *inputChecker) check(v any, depth int) error {
	if depth > MaxDepth {
		return &LimitError{What: "nesting depth", Limit: MaxDepth}
	}
	if c.values++; c.values > MaxValues {
		return &LimitError{What: "number of JSON values", Limit: MaxValues}
	}
	switch t := v.(type) {
	case nil:
		return c.valueErr("null is not allowed: JSON-LD drops it, so it would not be signed")
	case string:
		if r := checkString(t); r != "" {
			return c.valueErr("string " + r)
		}
	case bool:
	case float64:
		return c.checkNumber(t)
	case json.Number:
		f, err := t.Float64()
		if err != nil {
			return c.valueErr(fmt.Sprintf("number %s is out of range", t))
		}
		if math.Abs(f) > maxSafeInteger && f == math.Trunc(f) {
			return c.valueErr(fmt.Sprintf("number %s is beyond 2^53 and cannot be signed exactly; use a string", t))
		}
		return c.checkNumber(f)
	case []any:
		for i, item := range t {
			c.path = append(c.path, strconv.Itoa(i))
			if err := c.check(item, depth+1); err != nil {
				return err
			}
			c.path = c.path[:len(c.path)-1]
		}
	case map[string]any:
		for k, item := range t {
			if k == "@context" {
				continue // processed by json-gold, which rejects bad contexts
			}
			c.path = append(c.path, strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1"))
			if r := checkString(k); r != "" {
				return c.valueErr("key " + r)
			}
			if err := c.check(item, depth+1); err != nil {
				return err
			}
			c.path = c.path[:len(c.path)-1]
		}
	default:
		c.foreign = true
	}
	return nil
}

func (c *inputChecker) checkNumber(f float64) error {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return c.valueErr("number is not finite")
	}
	return nil
}

// droppedTerm names the term json-gold's safe mode refused, by compacting
// the document with its own context and finding a key that did not survive
// the round trip. It returns "" when no such key is found. Only called on the
// error path.
func droppedTerm(doc map[string]any) (term string) {
	defer func() {
		if recover() != nil {
			term = ""
		}
	}()
	opts := options()
	opts.SafeMode = false
	compacted, err := processor.Compact(doc, map[string]any{"@context": doc["@context"]}, opts)
	if err != nil {
		return ""
	}
	return missingKey(doc, compacted)
}

func missingKey(orig, comp any) string {
	switch o := orig.(type) {
	case map[string]any:
		c, ok := comp.(map[string]any)
		if ref, isRef := comp.(string); isRef {
			// The object compacted to a node reference: only its identifier
			// survived, under whichever key held it.
			c, ok = map[string]any{}, true
			for k, v := range o {
				if v == ref {
					c[k] = v
				}
			}
		}
		if !ok {
			return ""
		}
		keys := make([]string, 0, len(o))
		for k := range o {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if _, ok := c[k]; !ok && k != "@context" && !strings.Contains(k, ":") && !jsonld.IsKeyword(k) {
				return k
			}
		}
		for _, k := range keys {
			if cv, ok := c[k]; ok && k != "@context" {
				if t := missingKey(o[k], cv); t != "" {
					return t
				}
			}
		}
	case []any:
		switch c := comp.(type) {
		case []any:
			if len(c) != len(o) {
				return ""
			}
			for i := range o {
				if t := missingKey(o[i], c[i]); t != "" {
					return t
				}
			}
		default:
			if len(o) == 1 {
				return missingKey(o[0], comp)
			}
		}
	}
	return ""
}
