package kiosk

import (
	"testing"
	"time"
)

func TestReplayCache(t *testing.T) {
	c := newReplayCache(3)
	t0 := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	key := func(b byte) [32]byte { return [32]byte{b} }
	for i := range 3 {
		at := t0.Add(time.Duration(i) * time.Minute)
		c.add(key(byte(i)), at, at.Add(10*time.Minute))
	}
	if at, ok := c.seen(key(1), t0.Add(3*time.Minute)); !ok || !at.Equal(t0.Add(time.Minute)) {
		t.Fatalf("seen(1) = %v, %v", at, ok)
	}
	// Full: the oldest entry makes room.
	c.add(key(3), t0.Add(4*time.Minute), t0.Add(14*time.Minute))
	if _, ok := c.seen(key(0), t0.Add(4*time.Minute)); ok {
		t.Error("the oldest entry was kept past the cache's size")
	}
	if c.len() != 3 {
		t.Errorf("len = %d", c.len())
	}
	// Entries end with their window.
	if _, ok := c.seen(key(1), t0.Add(11*time.Minute)); ok {
		t.Error("an entry outlived its window")
	}
	if _, ok := c.seen(key(3), t0.Add(11*time.Minute)); !ok {
		t.Error("a recent entry was forgotten")
	}
	// A clock moved back does not resurrect what expired, nor break the index.
	c.add(key(4), t0, t0.Add(time.Minute))
	if _, ok := c.seen(key(4), t0); !ok {
		t.Error("entry added with an earlier time is not found")
	}
	if _, ok := c.seen(key(9), t0.Add(time.Hour)); ok || c.len() != 0 {
		t.Errorf("after every window: len %d", c.len())
	}
}
