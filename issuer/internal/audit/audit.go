// Package audit defines the issuer's tamper-evident audit chain: how a row is
// encoded canonically, how it is linked to the previous row by hash, what the
// signed chain head covers, and how a whole chain is checked.
//
// Row N's hash is SHA-256(prev_hash || canonical(row N)), where prev_hash is
// the hash of row N-1 (32 zero bytes for row 1) and canonical(row) is the JSON
// array [seq, at, actorKind, actorName, action, object, details]. The newest
// row's (seq, hash) is signed with the root key (HeadMessage), so deleting
// the newest rows is detected too.
package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
)

// Genesis is the prev_hash of the first row.
var Genesis = hex.EncodeToString(make([]byte, sha256.Size))

// Entry is one audit row as stored.
type Entry struct {
	Seq       int64
	At        string // RFC 3339 with nanoseconds, UTC
	ActorKind string
	ActorName string
	Action    string
	Object    string
	Details   string // JSON object
	PrevHash  string // hex
	Hash      string // hex
}

// Canonical returns the bytes the row's hash covers (everything but the
// hashes themselves).
func Canonical(e Entry) []byte {
	b, _ := json.Marshal([]any{e.Seq, e.At, e.ActorKind, e.ActorName, e.Action, e.Object, e.Details})
	return b
}

// Hash computes a row's hash from the previous row's hash.
func Hash(prev string, e Entry) string {
	p, err := hex.DecodeString(prev)
	if err != nil || len(p) != sha256.Size {
		// A damaged prev_hash still yields a well-defined (and different) hash.
		p = []byte(prev)
	}
	h := sha256.New()
	h.Write(p)
	h.Write(Canonical(e))
	return hex.EncodeToString(h.Sum(nil))
}

// Head is the signed newest position of the chain.
type Head struct {
	Seq       int64
	Hash      string
	Signature []byte
}

// HeadMessage is what the root key signs for a head.
func HeadMessage(seq int64, hash string) []byte {
	return []byte("cityid audit head v1\n" + strconv.FormatInt(seq, 10) + "\n" + hash)
}

// Checker checks a chain row by row, in ascending seq order.
type Checker struct {
	entries  int
	lastSeq  int64
	lastHash string
	problems []string
}

// NewChecker returns a checker for a chain that starts at row 1.
func NewChecker() *Checker {
	return &Checker{lastHash: Genesis}
}

func (c *Checker) problem(format string, args ...any) {
	c.problems = append(c.problems, fmt.Sprintf(format, args...))
}

// Add checks the next stored row.
func (c *Checker) Add(e Entry) {
	c.entries++
	gap := e.Seq != c.lastSeq+1
	switch {
	case e.Seq <= c.lastSeq:
		c.problem("row %d is out of order after row %d", e.Seq, c.lastSeq)
	case e.Seq == c.lastSeq+2:
		c.problem("row %d is missing (deleted)", c.lastSeq+1)
	case gap:
		c.problem("rows %d to %d are missing (deleted)", c.lastSeq+1, e.Seq-1)
	}
	if got := Hash(e.PrevHash, e); got != e.Hash {
		c.problem("row %d was edited: its content (%s by %s %q at %s) does not match its hash", e.Seq, e.Action, e.ActorKind, e.ActorName, e.At)
	}
	if !gap && e.PrevHash != c.lastHash {
		c.problem("row %d does not link to row %d: one of them was edited or replaced", e.Seq, c.lastSeq)
	}
	if e.Seq > c.lastSeq {
		c.lastSeq = e.Seq
	}
	c.lastHash = e.Hash
}

// Finish checks the signed head against the last row and returns the number
// of rows read and every problem found, in plain words. head is nil when
// no head is stored; verify checks the head's signature.
func (c *Checker) Finish(head *Head, verify func(msg, sig []byte) bool) (int, []string) {
	switch {
	case head == nil && c.entries > 0:
		c.problem("the signed head of the audit log is missing, so deleted newest rows cannot be ruled out")
	case head == nil:
	case !verify(HeadMessage(head.Seq, head.Hash), head.Signature):
		c.problem("the audit log's head (row %d) does not carry a valid root-key signature: it was forged or edited", head.Seq)
	case head.Seq > c.lastSeq && c.lastSeq+1 == head.Seq:
		c.problem("row %d is missing (deleted): the signed head names row %d but the log ends at row %d", head.Seq, head.Seq, c.lastSeq)
	case head.Seq > c.lastSeq:
		c.problem("rows %d to %d are missing (deleted): the signed head names row %d but the log ends at row %d", c.lastSeq+1, head.Seq, head.Seq, c.lastSeq)
	case head.Seq < c.lastSeq:
		c.problem("rows %d to %d are not covered by the signed head (row %d): they were added outside the issuer", head.Seq+1, c.lastSeq, head.Seq)
	case !bytes.Equal([]byte(head.Hash), []byte(c.lastHash)):
		c.problem("head mismatch: the signed head's hash for row %d is not the hash of the stored row %d", head.Seq, c.lastSeq)
	}
	return c.entries, c.problems
}
