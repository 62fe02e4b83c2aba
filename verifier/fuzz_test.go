package verifier_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"
)

// FuzzVerify feeds arbitrary input to the one public entry point: it must
// never panic, always give a JSON-serialisable result, and never report a
// credential verified while a check failed or without a passing proof.
func FuzzVerify(f *testing.F) {
	w := newWorld(f)
	vc := w.signLDP(f, w.issuer, w.residency(w.issuer.did, 3))
	f.Add(mustJSON(f, vc))
	f.Add([]byte(w.sdJWT(f, w.issuer, w.issuer.did, w.issuer.vm, now.Add(time.Hour))))
	f.Add([]byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":"VerifiablePresentation","verifiableCredential":[{}]}`))
	f.Add([]byte(`eyJhbGciOiJub25lIn0.e30.~`))
	f.Add([]byte(`[]`))
	v := w.verifier(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		res := v.Verify(context.Background(), data)
		if res == nil {
			t.Fatal("nil result")
		}
		if _, err := json.Marshal(res); err != nil {
			t.Fatalf("result does not serialise: %v", err)
		}
		if res.Verified && (len(res.Failures) > 0 || res.Checks.Proof.String() != "ok" || res.Checks.IssuerBinding.String() != "ok") {
			t.Fatalf("verified with failures: %+v", res)
		}
		for _, f := range res.Failures {
			if f.Reason == "" || f.Message == "" {
				t.Fatalf("failure without reason or message: %+v", f)
			}
		}
	})
}
