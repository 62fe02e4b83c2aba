package legacy_test

import (
	"crypto"
	"testing"
	"time"

	"github.com/cityid/cityid/credential/legacy"
)

// FuzzVerify: arbitrary bytes (seeded with a credential signed by another
// key) never verify under a key that signed nothing, and never panic.
func FuzzVerify(f *testing.F) {
	k1, id1, vm1 := key(1)
	signed, err := legacy.Sign(vc11(id1), k1, vm1, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(signed)
	f.Add(vc11(id1))
	f.Add([]byte(`{"@context":["https://www.w3.org/2018/credentials/v1"],"proof":{"type":"Ed25519Signature2020"}}`))
	f.Add([]byte(`{"proof":[]}`))
	k2, _, _ := key(2)
	pub := k2.Public()
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := legacy.Verify(data, func(string) (crypto.PublicKey, error) { return pub, nil })
		if err == nil {
			t.Fatalf("bytes the fuzzer made verified: %+v", p)
		}
	})
}
