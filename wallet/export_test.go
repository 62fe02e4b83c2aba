package wallet

import (
	"context"
	"encoding/json"
)

// HolderSeedForTest returns the holder's private key seed, read from the
// database as Open does, for the test that greps the file for it.
func HolderSeedForTest(w *Wallet) []byte {
	w.mu.Lock()
	defer w.mu.Unlock()
	sealed, err := mustMeta(context.Background(), w.db, metaHolderKey)
	if err != nil {
		return nil
	}
	raw, err := openSealed(w.dataKey, nameHolderKey, sealed)
	if err != nil {
		return nil
	}
	var hk holderKey
	if json.Unmarshal(raw, &hk) != nil {
		return nil
	}
	return hk.Seed
}
