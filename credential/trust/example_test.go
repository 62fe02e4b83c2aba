package trust_test

import (
	"fmt"
	"time"

	"github.com/cityid/cityid/credential/trust"
	"github.com/cityid/cityid/did"
)

// A kiosk pins the city's root key once, then accepts only bundles signed by it.
func ExampleOpen() {
	root := seedKey(0x01) // in production: the city's offline root key
	signed, _ := trust.Sign(&trust.Bundle{
		Version:   1,
		Root:      mustVM(root.Public()),
		IssuedAt:  time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
		ExpiresAt: time.Date(2027, 11, 1, 0, 0, 0, 0, time.UTC),
	}, root)

	pinnedRoot := mustVM(root.Public())
	b, err := trust.Open(signed, pinnedRoot, time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC))
	fmt.Println(b.Version, err)
	// Output: 1 <nil>
}

func mustVM(pub any) string {
	vm, err := did.KeyVerificationMethod(pub)
	if err != nil {
		panic(err)
	}
	return vm
}
