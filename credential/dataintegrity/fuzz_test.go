package dataintegrity

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"testing"
)

var sentinels = []error{
	ErrNoProof, ErrMalformedProof, ErrUnsupportedCryptosuite, ErrWrongPurpose, ErrChallengeMismatch,
	ErrDomainMismatch, ErrProofExpired, ErrKeyResolution, ErrContextMismatch, ErrBadSignature,
	ErrInvalidDocument, ErrUnknownContext, ErrOptions,
}

// FuzzVerify: Verify never panics on any JSON object and always fails with
// one of the package's sentinels. The only key it can resolve is the W3C
// vector key, so whatever verifies must sign exactly what a vector signs:
// its canonical document and proof configuration must be the vector's.
func FuzzVerify(f *testing.F) {
	pub, _ := vectorKey(f)
	want := map[string][2]string{}
	for _, vs := range vectorSets {
		dir := filepath.Join(vectorDir, vs.dir)
		f.Add(readFile(f, filepath.Join(dir, "signed"+vs.suffix+".json")))
		want[vs.suite] = [2]string{
			string(readFile(f, filepath.Join(dir, "canonDoc"+vs.suffix+".txt"))),
			string(readFile(f, filepath.Join(dir, "proofCanon"+vs.suffix+".txt"))),
		}
	}
	f.Add([]byte(`{"proof": [{"type": "DataIntegrityProof"}, {}]}`))
	f.Add([]byte(`{"@context": "https://www.w3.org/ns/credentials/v2", "proof": {"type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022", "verificationMethod": "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2", "proofPurpose": "assertionMethod", "proofValue": "z111"}}`))
	vm := "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
	keys := didKeyFunc(vm, pub)
	f.Fuzz(func(t *testing.T, data []byte) {
		var doc map[string]any
		if json.Unmarshal(data, &doc) != nil {
			return
		}
		p, err := Verify(doc, keys, VerifyOptions{Cryptosuites: Supported()})
		if err != nil {
			if p != nil {
				t.Fatal("proof returned with an error")
			}
			for _, s := range sentinels {
				if errors.Is(err, s) {
					return
				}
			}
			t.Fatalf("error matches no sentinel: %v", err)
		}
		proof := doc["proof"]
		if list, ok := proof.([]any); ok {
			proof = list[0]
		}
		h, err := suites[p.Cryptosuite].hash(proofConfig(proof.(map[string]any), doc), withoutProof(doc))
		if err != nil {
			t.Fatalf("verified, but cannot canonicalize again: %v", err)
		}
		w := want[p.Cryptosuite]
		if string(h.canonicalDoc) != w[0] || string(h.canonicalConfig) != w[1] {
			t.Fatalf("a document that signs something else verified:\n%s\n%s", h.canonicalDoc, h.canonicalConfig)
		}
	})
}
