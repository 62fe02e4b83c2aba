package aries

import (
	"encoding/json"
	"errors"
	"testing"
)

// FuzzVerifyLDProof: no panic escapes (aries panics become
// ErrLibraryPanic), every failure wraps one of the package's reasons, and a
// success reports exactly the issuer and verificationMethod the input holds.
func FuzzVerifyLDProof(f *testing.F) {
	k := newTestKey(5)
	vc := signed(f, k, k.did)
	f.Add(vc)
	f.Add(edit(f, vc, func(m map[string]any) { m["issuer"] = map[string]any{"id": k.did, "name": "City"} }))
	f.Add(edit(f, vc, func(m map[string]any) { delete(m, "proof") }))
	f.Add([]byte(`{"proof": {"type": "Ed25519Signature2020"}}`))
	reasons := []error{ErrInvalidInput, ErrProofMissing, ErrProofUnsupported, ErrSignature,
		ErrInvalidCredential, ErrLibraryPanic, ErrUnknownContext}
	f.Fuzz(func(t *testing.T, doc []byte) {
		res, err := VerifyLDProof(doc, k.pub)
		if err != nil {
			for _, r := range reasons {
				if errors.Is(err, r) {
					return
				}
			}
			t.Fatalf("error without a named reason: %v", err)
		}
		var m struct {
			Issuer json.RawMessage `json:"issuer"`
			Proof  struct {
				VerificationMethod string `json:"verificationMethod"`
			} `json:"proof"`
		}
		if err := json.Unmarshal(doc, &m); err != nil {
			t.Fatalf("verified input is not a JSON object: %v", err)
		}
		var iss string
		if json.Unmarshal(m.Issuer, &iss) != nil {
			var o struct {
				ID string `json:"id"`
			}
			json.Unmarshal(m.Issuer, &o)
			iss = o.ID
		}
		if res.Issuer != iss || res.VerificationMethod != m.Proof.VerificationMethod {
			t.Fatalf("result %+v does not match the input (issuer %q, vm %q)", res, iss, m.Proof.VerificationMethod)
		}
	})
}
