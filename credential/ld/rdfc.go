package ld

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
)

// maxWork bounds the Hash N-Degree Quads calls plus the permutations they try
// over one canonicalization. Legitimate credentials need a handful, the
// hardest datasets of the RDFC-1.0 test suite a few hundred; the bound stops
// a crafted "poison" dataset from demanding factorial work (RDFC-1.0,
// section 7, "Dataset Poisoning").
const maxWork = 1 << 14

// issuer is RDFC-1.0's identifier issuer: it issues prefix0, prefix1, ...
// and remembers the order in which existing identifiers received them.
type issuer struct {
	prefix string
	issued map[string]string
	order  []string
}

func newIssuer(prefix string) *issuer {
	return &issuer{prefix: prefix, issued: make(map[string]string)}
}

func (is *issuer) get(id string) (string, bool) {
	v, ok := is.issued[id]
	return v, ok
}

func (is *issuer) issue(id string) string {
	if v, ok := is.issued[id]; ok {
		return v
	}
	v := is.prefix + strconv.Itoa(len(is.order))
	is.issued[id] = v
	is.order = append(is.order, id)
	return v
}

func (is *issuer) clone() *issuer {
	c := &issuer{prefix: is.prefix, issued: make(map[string]string, len(is.issued)+4), order: slices.Clone(is.order)}
	for k, v := range is.issued {
		c.issued[k] = v
	}
	return c
}

// canonicalizer holds the state of one run of the RDFC-1.0 algorithm
// (https://www.w3.org/TR/rdf-canon/, section 4.4) with SHA-256.
type canonicalizer struct {
	quads       []rdfQuad
	bnodeQuads  map[string][]int // blank node -> quads it occurs in, each once
	firstDegree map[string]string
	canonical   *issuer
	workLeft    int // Hash N-Degree Quads calls and permutations still allowed
	buf         []byte
	lineBuf     []byte // hashFirstDegree's lines, reused
}

// canonicalNQuads returns the canonical N-Quads document of quads.
func canonicalNQuads(quads []rdfQuad) ([]byte, error) {
	c := &canonicalizer{
		quads:       quads,
		bnodeQuads:  make(map[string][]int),
		firstDegree: make(map[string]string),
		canonical:   newIssuer("c14n"),
		workLeft:    maxWork,
	}
	// Step 2: the blank node to quads map. A quad is listed once per blank
	// node even when that node occurs in it twice.
	var order []string // blank nodes in order of first appearance
	for i := range quads {
		q := &quads[i]
		for _, t := range [3]*rdfTerm{&q.s, &q.o, &q.g} {
			if t.kind != kindBlank {
				continue
			}
			list, seen := c.bnodeQuads[t.value]
			if !seen {
				order = append(order, t.value)
			}
			if n := len(list); n == 0 || list[n-1] != i {
				c.bnodeQuads[t.value] = append(list, i)
			}
		}
	}

	// Steps 3 and 4: first degree hashes; blank nodes with a unique hash get
	// their canonical identifiers in hash order.
	hashToNodes := make(map[string][]string, len(order))
	for _, id := range order {
		h := c.hashFirstDegree(id)
		hashToNodes[h] = append(hashToNodes[h], id)
	}
	hashes := make([]string, 0, len(hashToNodes))
	for h := range hashToNodes {
		hashes = append(hashes, h)
	}
	slices.Sort(hashes)
	for _, h := range hashes {
		if ids := hashToNodes[h]; len(ids) == 1 {
			c.canonical.issue(ids[0])
		}
	}

	// Step 5: the remaining blank nodes, through Hash N-Degree Quads.
	for _, h := range hashes {
		ids := hashToNodes[h]
		if len(ids) == 1 {
			continue
		}
		type pathResult struct {
			hash string
			is   *issuer
		}
		var results []pathResult
		for _, id := range ids {
			if _, ok := c.canonical.get(id); ok {
				continue
			}
			tmp := newIssuer("b")
			tmp.issue(id)
			rh, ris, err := c.hashNDegree(id, tmp)
			if err != nil {
				return nil, err
			}
			results = append(results, pathResult{rh, ris})
		}
		slices.SortStableFunc(results, func(a, b pathResult) int {
			switch {
			case a.hash < b.hash:
				return -1
			case a.hash > b.hash:
				return 1
			}
			return 0
		})
		for _, r := range results {
			for _, id := range r.is.order {
				c.canonical.issue(id)
			}
		}
	}

	// Step 6: relabel, serialize, sort, join.
	label := func(id string) string { v, _ := c.canonical.get(id); return v }
	var all []byte
	lines := serializeLines(&all, quads, nil, label)
	slices.SortFunc(lines, bytes.Compare)
	out := make([]byte, 0, len(all))
	for _, l := range lines {
		out = append(out, l...)
	}
	return out, nil
}

// serializeLines writes the quads (those at the indexes given, or all of
// them) in canonical N-Quads form into *buf, one after the other, and
// returns the lines, which share *buf.
func serializeLines(buf *[]byte, quads []rdfQuad, indexes []int, label labeler) [][]byte {
	n := len(quads)
	if indexes != nil {
		n = len(indexes)
	}
	b := (*buf)[:0]
	if cap(b) == 0 {
		b = make([]byte, 0, 160*n)
	}
	ends := make([]int, n)
	for i := range n {
		qi := i
		if indexes != nil {
			qi = indexes[i]
		}
		b = appendQuad(b, &quads[qi], label)
		ends[i] = len(b)
	}
	lines := make([][]byte, n)
	start := 0
	for i, end := range ends {
		lines[i] = b[start:end:end]
		start = end
	}
	*buf = b
	return lines
}

// hashFirstDegree is Hash First Degree Quads (section 4.6).
func (c *canonicalizer) hashFirstDegree(id string) string {
	if h, ok := c.firstDegree[id]; ok {
		return h
	}
	label := func(b string) string {
		if b == id {
			return "a"
		}
		return "z"
	}
	lines := serializeLines(&c.lineBuf, c.quads, c.bnodeQuads[id], label)
	slices.SortFunc(lines, bytes.Compare)
	md := sha256.New()
	for _, l := range lines {
		md.Write(l)
	}
	h := hex.EncodeToString(md.Sum(c.buf[:0]))
	c.firstDegree[id] = h
	return h
}

// hashRelated is Hash Related Blank Node (section 4.7).
func (c *canonicalizer) hashRelated(related string, q *rdfQuad, is *issuer, position byte) string {
	md := sha256.New()
	md.Write([]byte{position})
	if position != 'g' {
		md.Write([]byte{'<'})
		md.Write([]byte(q.p.value))
		md.Write([]byte{'>'})
	}
	if v, ok := c.canonical.get(related); ok {
		md.Write([]byte(blankPrefix + v))
	} else if v, ok := is.get(related); ok {
		md.Write([]byte(blankPrefix + v))
	} else {
		md.Write([]byte(c.hashFirstDegree(related)))
	}
	return hex.EncodeToString(md.Sum(nil))
}

// hashNDegree is Hash N-Degree Quads (section 4.8). It returns the hash and
// the issuer chosen for it; is itself is never modified.
func (c *canonicalizer) hashNDegree(id string, is *issuer) (string, *issuer, error) {
	if err := c.work(); err != nil {
		return "", nil, err
	}

	// Steps 1-3: related blank nodes grouped by their related hash.
	related := make(map[string][]string)
	for _, qi := range c.bnodeQuads[id] {
		q := &c.quads[qi]
		for _, pt := range [3]struct {
			t   *rdfTerm
			pos byte
		}{{&q.s, 's'}, {&q.o, 'o'}, {&q.g, 'g'}} {
			if pt.t.kind == kindBlank && pt.t.value != id {
				h := c.hashRelated(pt.t.value, q, is, pt.pos)
				related[h] = append(related[h], pt.t.value)
			}
		}
	}
	hashes := make([]string, 0, len(related))
	for h := range related {
		hashes = append(hashes, h)
	}
	slices.Sort(hashes)

	// Steps 4-5.
	md := sha256.New()
	for _, h := range hashes {
		md.Write([]byte(h))
		var chosenPath []byte
		var chosenIssuer *issuer
		worse := func(path []byte) bool {
			return chosenPath != nil && len(path) >= len(chosenPath) && bytes.Compare(path, chosenPath) > 0
		}
		err := permute(related[h], func(p []string) error {
			if err := c.work(); err != nil {
				return err
			}
			isCopy := is.clone()
			var path []byte
			var recursion []string
			for _, r := range p {
				if v, ok := c.canonical.get(r); ok {
					path = append(append(path, blankPrefix...), v...)
				} else {
					if _, ok := isCopy.get(r); !ok {
						recursion = append(recursion, r)
					}
					path = append(append(path, blankPrefix...), isCopy.issue(r)...)
				}
				if worse(path) {
					return nil
				}
			}
			for _, r := range recursion {
				rh, ris, err := c.hashNDegree(r, isCopy)
				if err != nil {
					return err
				}
				path = append(append(path, blankPrefix...), isCopy.issue(r)...)
				path = append(append(append(path, '<'), rh...), '>')
				isCopy = ris
				if worse(path) {
					return nil
				}
			}
			if chosenPath == nil || bytes.Compare(path, chosenPath) < 0 {
				chosenPath, chosenIssuer = path, isCopy
			}
			return nil
		})
		if err != nil {
			return "", nil, err
		}
		md.Write(chosenPath)
		is = chosenIssuer
	}
	return hex.EncodeToString(md.Sum(nil)), is, nil
}

// work spends one unit of the work budget.
func (c *canonicalizer) work() error {
	if c.workLeft--; c.workLeft < 0 {
		return &LimitError{What: "RDF canonicalization work (blank node comparisons)", Limit: maxWork}
	}
	return nil
}

// permute calls f with every permutation of list (Heap's algorithm), stopping
// at the first error. f must not keep the slice.
func permute(list []string, f func([]string) error) error {
	a := slices.Clone(list)
	n := len(a)
	if err := f(a); err != nil {
		return err
	}
	c := make([]int, n)
	for i := 0; i < n; {
		if c[i] < i {
			if i%2 == 0 {
				a[0], a[i] = a[i], a[0]
			} else {
				a[c[i]], a[i] = a[i], a[c[i]]
			}
			if err := f(a); err != nil {
				return err
			}
			c[i]++
			i = 0
		} else {
			c[i] = 0
			i++
		}
	}
	return nil
}
