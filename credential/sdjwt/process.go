package sdjwt

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// processed is the outcome of applying disclosures to a payload.
type processed struct {
	discs []*Disclosure
	// path[i] is the claim path disclosure i was inserted at; parent[i] is
	// the index of the disclosure whose value contained its digest, or -1.
	path   []string
	parent []int
}

func (p *processed) disclosedPaths() []string {
	out := append([]string(nil), p.path...)
	sort.Strings(out)
	return out
}

// processor carries the state of RFC 9901 §7.1 step 3 over one payload.
type processor struct {
	processed
	byDigest map[string]int
	used     []bool
	seen     map[string]struct{}
}

// process parses the raw disclosures and applies them to claims in place,
// following RFC 9901 §7.1 steps 3 to 5: every digest is matched at most once,
// disclosures land where their digest sits, undisclosed array elements and
// all _sd / _sd_alg keys are removed, and every disclosure must be
// referenced. Claims must be freshly decoded: it is modified.
func process(claims map[string]any, rawDisclosures []string) (*processed, error) {
	n := len(rawDisclosures)
	p := &processor{
		processed: processed{
			discs:  make([]*Disclosure, n),
			path:   make([]string, n),
			parent: make([]int, n),
		},
		byDigest: make(map[string]int, n),
		used:     make([]bool, n),
		seen:     make(map[string]struct{}, n+8),
	}
	for i, raw := range rawDisclosures {
		d, err := parseDisclosure(raw)
		if err != nil {
			return nil, err
		}
		if j, dup := p.byDigest[d.Digest]; dup {
			return nil, fmt.Errorf("%w: disclosures %d and %d are identical", ErrDisclosure, j+1, i+1)
		}
		p.byDigest[d.Digest] = i
		p.discs[i] = d
	}
	if v, ok := claims[claimSDAlg]; ok {
		if s, isStr := v.(string); !isStr || s != HashSHA256 {
			return nil, fmt.Errorf("%w: _sd_alg %v is not supported (only %q)", ErrAlgorithm, v, HashSHA256)
		}
		delete(claims, claimSDAlg)
	}
	if err := p.object(claims, nil, -1, 0); err != nil {
		return nil, err
	}
	for i, u := range p.used {
		if !u {
			return nil, fmt.Errorf("%w: disclosure %d (%s) is not referenced by any digest", ErrDisclosure, i+1, p.discs[i].describe())
		}
	}
	return &p.processed, nil
}

func (d *Disclosure) describe() string {
	if d.ArrayElement {
		return "array element"
	}
	return strconv.Quote(d.Name)
}

func joinPath(path []string, last string) string {
	if len(path) == 0 {
		return last
	}
	return strings.Join(path, ".") + "." + last
}

// with returns path extended by seg without aliasing the caller's backing
// array between siblings.
func with(path []string, seg string) []string {
	out := make([]string, len(path)+1)
	copy(out, path)
	out[len(path)] = seg
	return out
}

// claim marks digest as seen and returns the index of its disclosure, or -1
// for a decoy or an undisclosed claim.
func (p *processor) claim(digest string) (int, error) {
	if _, dup := p.seen[digest]; dup {
		return -1, fmt.Errorf("%w: digest %s appears more than once", ErrDisclosure, digest)
	}
	p.seen[digest] = struct{}{}
	i, ok := p.byDigest[digest]
	if !ok {
		return -1, nil
	}
	p.used[i] = true
	return i, nil
}

func (p *processor) object(obj map[string]any, path []string, parent, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("%w: claims nested deeper than %d levels", ErrMalformed, maxDepth)
	}
	if _, ok := obj[claimDots]; ok {
		return fmt.Errorf("%w: reserved key \"...\" in an object at %q", ErrMalformed, strings.Join(path, "."))
	}
	if _, ok := obj[claimSDAlg]; ok {
		return fmt.Errorf("%w: _sd_alg is only allowed at the top level, found at %q", ErrMalformed, strings.Join(path, "."))
	}
	// Plain claims first, so disclosed values are processed exactly once.
	for k, v := range obj {
		if k == claimSD {
			continue
		}
		nv, err := p.value(v, path, k, parent, depth)
		if err != nil {
			return err
		}
		obj[k] = nv
	}
	raw, ok := obj[claimSD]
	if !ok {
		return nil
	}
	delete(obj, claimSD)
	digests, ok := raw.([]any)
	if !ok {
		return fmt.Errorf("%w: _sd at %q is not an array", ErrMalformed, strings.Join(path, "."))
	}
	for _, dv := range digests {
		digest, ok := dv.(string)
		if !ok {
			return fmt.Errorf("%w: _sd at %q holds a non-string digest", ErrMalformed, strings.Join(path, "."))
		}
		i, err := p.claim(digest)
		if err != nil {
			return err
		}
		if i < 0 {
			continue // decoy or undisclosed claim
		}
		d := p.discs[i]
		switch {
		case d.ArrayElement:
			return fmt.Errorf("%w: array-element disclosure referenced from _sd at %q", ErrDisclosure, strings.Join(path, "."))
		case d.Name == claimSD || d.Name == claimDots || d.Name == claimSDAlg:
			return fmt.Errorf("%w: disclosure sets reserved claim name %q", ErrDisclosure, d.Name)
		case depth == 0 && neverDisclosable[d.Name]:
			return fmt.Errorf("%w: claim %q must not be selectively disclosed", ErrDisclosure, d.Name)
		}
		if _, exists := obj[d.Name]; exists {
			return fmt.Errorf("%w: disclosure would overwrite claim %q", ErrDisclosure, joinPath(path, d.Name))
		}
		p.path[i], p.parent[i] = joinPath(path, d.Name), parent
		nv, err := p.value(d.Value, path, d.Name, i, depth)
		if err != nil {
			return err
		}
		obj[d.Name] = nv
	}
	return nil
}

// value processes the value found under key seg of path.
func (p *processor) value(v any, path []string, seg string, parent, depth int) (any, error) {
	switch t := v.(type) {
	case map[string]any:
		return t, p.object(t, with(path, seg), parent, depth+1)
	case []any:
		return p.array(t, with(path, seg), parent, depth+1)
	}
	return v, nil
}

func (p *processor) array(arr []any, path []string, parent, depth int) ([]any, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("%w: claims nested deeper than %d levels", ErrMalformed, maxDepth)
	}
	out := arr[:0] // filtered in place: writes never overtake reads
	for idx, el := range arr {
		seg := strconv.Itoa(idx)
		if m, ok := el.(map[string]any); ok {
			if dv, isRef := m[claimDots]; isRef {
				digest, ok := dv.(string)
				if len(m) != 1 || !ok {
					return nil, fmt.Errorf("%w: array element placeholder at %q must be {\"...\": digest}", ErrMalformed, joinPath(path, seg))
				}
				i, err := p.claim(digest)
				if err != nil {
					return nil, err
				}
				if i < 0 {
					continue // undisclosed element or decoy: removed
				}
				d := p.discs[i]
				if !d.ArrayElement {
					return nil, fmt.Errorf("%w: object-property disclosure %q referenced from array %q", ErrDisclosure, d.Name, strings.Join(path, "."))
				}
				p.path[i], p.parent[i] = joinPath(path, seg), parent
				nv, err := p.value(d.Value, path, seg, i, depth)
				if err != nil {
					return nil, err
				}
				out = append(out, nv)
				continue
			}
		}
		nv, err := p.value(el, path, seg, parent, depth)
		if err != nil {
			return nil, err
		}
		out = append(out, nv)
	}
	return out, nil
}
