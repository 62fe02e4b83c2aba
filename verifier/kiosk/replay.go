package kiosk

import (
	"crypto/sha256"
	"time"

	"github.com/cityid/cityid/verifier"
)

// maxReplayEntries bounds the replay cache: far more codes than a counter
// accepts within a presentation window. When it is full, the oldest entry
// is forgotten first.
const maxReplayEntries = 10_000

// replayKey identifies a presentation. The bytes as scanned (trimmed) are
// hashed: the same code scanned twice gives the same key, and any other
// encoding of a presentation carries a different holder proof or none.
func replayKey(_ *verifier.Result, input []byte) [32]byte {
	return sha256.Sum256(input)
}

type replayEntry struct {
	key          [32]byte
	seen, expiry time.Time
}

// replayCache remembers accepted codes until their window ends. Entries are
// added in time order, so the oldest is always first in the queue.
type replayCache struct {
	max   int
	queue []replayEntry
	index map[[32]byte]int // key -> position in queue + offset
	off   int              // number of entries dropped from the queue's front
}

func newReplayCache(max int) *replayCache {
	return &replayCache{max: max, index: map[[32]byte]int{}}
}

// seen returns when key was accepted, if it still is remembered at now.
func (c *replayCache) seen(key [32]byte, now time.Time) (time.Time, bool) {
	c.expire(now)
	pos, ok := c.index[key]
	if !ok {
		return time.Time{}, false
	}
	e := c.queue[pos-c.off]
	if !now.Before(e.expiry) {
		return time.Time{}, false
	}
	return e.seen, true
}

// add remembers key, accepted at now, until expiry.
func (c *replayCache) add(key [32]byte, now, expiry time.Time) {
	c.expire(now)
	for len(c.queue) >= c.max {
		c.drop()
	}
	c.index[key] = c.off + len(c.queue)
	c.queue = append(c.queue, replayEntry{key: key, seen: now, expiry: expiry})
}

// expire forgets the entries whose window ended by now.
func (c *replayCache) expire(now time.Time) {
	for len(c.queue) > 0 && !now.Before(c.queue[0].expiry) {
		c.drop()
	}
	if len(c.queue) == 0 {
		c.queue, c.off = c.queue[:0], 0
		clear(c.index)
	}
}

func (c *replayCache) drop() {
	e := c.queue[0]
	if c.index[e.key] == c.off {
		delete(c.index, e.key)
	}
	c.queue = c.queue[1:]
	c.off++
}

// len is the number of codes remembered.
func (c *replayCache) len() int { return len(c.queue) }
