package bench_test

import (
	"context"
	"fmt"
	"io"

	"github.com/cityid/cityid/internal/bench"
)

// A quick run (figures meaningless, every part exercised) without the
// wallet window, its report written to w.
func ExampleRun() {
	rep, err := bench.Run(context.Background(), bench.Options{Quick: true, SkipGUI: true, Command: "example"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range rep.Sections {
		fmt.Println(s.ID)
	}
	if err := rep.WriteMarkdown(io.Discard); err != nil {
		fmt.Println(err)
	}
	// Output:
	// sign-verify
	// verifier
	// issuance
	// qr-sizes
	// qr-decode
	// wallet
}
