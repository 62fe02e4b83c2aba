package audit

import (
	"crypto/ed25519"
	"fmt"
	"strings"
	"testing"
)

func chain(n int) []Entry {
	var out []Entry
	prev := Genesis
	for i := 1; i <= n; i++ {
		e := Entry{Seq: int64(i), At: "2026-11-22T09:00:00Z", ActorKind: "cli", ActorName: "t", Action: "x", Object: fmt.Sprint(i), Details: "{}", PrevHash: prev}
		e.Hash = Hash(prev, e)
		prev = e.Hash
		out = append(out, e)
	}
	return out
}

func check(entries []Entry, head *Head, pub ed25519.PublicKey) []string {
	c := NewChecker()
	for _, e := range entries {
		c.Add(e)
	}
	_, p := c.Finish(head, func(msg, sig []byte) bool { return ed25519.Verify(pub, msg, sig) })
	return p
}

func TestChecker(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(nil)
	es := chain(6)
	head := &Head{Seq: 6, Hash: es[5].Hash, Signature: ed25519.Sign(priv, HeadMessage(6, es[5].Hash))}
	if p := check(es, head, pub); len(p) != 0 {
		t.Fatalf("intact chain: %v", p)
	}
	for name, c := range map[string]struct {
		entries []Entry
		want    string
	}{
		"edited":       {func() []Entry { x := chain(6); x[2].Details = `{"a":1}`; return x }(), "row 3 was edited"},
		"middle gone":  {append(chain(6)[:2:2], chain(6)[3:]...), "row 3 is missing"},
		"two gone":     {append(chain(6)[:1:1], chain(6)[3:]...), "rows 2 to 3 are missing"},
		"last gone":    {chain(6)[:5], "row 6 is missing"},
		"first gone":   {chain(6)[1:], "row 1 is missing"},
		"appended":     {chain(7), "not covered by the signed head"},
		"head differs": {func() []Entry { x := chain(6); x[5].Object = "y"; x[5].Hash = Hash(x[5].PrevHash, x[5]); return x }(), "head mismatch"},
	} {
		p := check(c.entries, head, pub)
		if !strings.Contains(strings.Join(p, "\n"), c.want) {
			t.Errorf("%s: problems %q lack %q", name, p, c.want)
		}
	}
	other, _, _ := ed25519.GenerateKey(nil)
	if p := check(es, head, other); len(p) != 1 || !strings.Contains(p[0], "signature") {
		t.Errorf("foreign head signature: %v", p)
	}
	if p := check(es, nil, pub); len(p) != 1 {
		t.Errorf("missing head: %v", p)
	}
	if p := check(nil, nil, pub); len(p) != 0 {
		t.Errorf("empty log: %v", p)
	}
}
