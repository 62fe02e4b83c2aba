package dataintegrity

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/multiformats/go-multibase"
)

// W3C vc-di-eddsa test vectors (testdata/vc-di-eddsa, see
// testdata/SOURCES.md). Each set is reproduced byte for byte.
var vectorSets = []struct {
	suite, dir, suffix string
}{
	{EdDSARDFC2022, "eddsa-rdfc-2022", "DataInt"},
	{EdDSAJCS2022, "eddsa-jcs-2022", "JCS"},
}

const vectorDir = "testdata/vc-di-eddsa"

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func readJSON(t testing.TB, path string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(readFile(t, path), &m); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return m
}

// readText reads a one-line vector file without its trailing newline.
func readText(t testing.TB, path string) string {
	return strings.TrimRight(string(readFile(t, path)), "\n")
}

// vectorKey decodes the vector key pair: the public key is a multicodec
// ed25519-pub (0xed 0x01) key, the private key a multicodec ed25519-priv
// (0x80 0x26) seed, both multibase base58btc.
func vectorKey(t testing.TB) (ed25519.PublicKey, ed25519.PrivateKey) {
	t.Helper()
	kp := readJSON(t, filepath.Join(vectorDir, "keyPair.json"))
	pub := decodeMulticodecKey(t, kp["publicKeyMultibase"].(string), []byte{0xed, 0x01})
	seed := decodeMulticodecKey(t, kp["privateKeyMultibase"].(string), []byte{0x80, 0x26})
	priv := ed25519.NewKeyFromSeed(seed)
	if !bytes.Equal(priv.Public().(ed25519.PublicKey), pub) {
		t.Fatal("vector private key does not match its public key")
	}
	return ed25519.PublicKey(pub), priv
}

func decodeMulticodecKey(t testing.TB, s string, prefix []byte) []byte {
	t.Helper()
	enc, b, err := multibase.Decode(s)
	if err != nil || enc != multibase.Base58BTC {
		t.Fatalf("%s: not base58btc multibase: %v", s, err)
	}
	if !bytes.HasPrefix(b, prefix) || len(b) != len(prefix)+32 {
		t.Fatalf("%s: want multicodec prefix %x and 32 key bytes, got %x", s, prefix, b)
	}
	return b[len(prefix):]
}

// didKeyFunc resolves exactly the verification method of pub's did:key.
func didKeyFunc(vm string, pub ed25519.PublicKey) KeyFunc {
	return func(got string) (crypto.PublicKey, error) {
		if got != vm {
			return nil, fmt.Errorf("unknown verification method %q", got)
		}
		return pub, nil
	}
}

func TestVectors(t *testing.T) {
	pub, priv := vectorKey(t)
	unsigned := readJSON(t, filepath.Join(vectorDir, "unsigned.json"))
	for _, vs := range vectorSets {
		t.Run(vs.suite, func(t *testing.T) {
			dir := filepath.Join(vectorDir, vs.dir)
			file := func(name, ext string) string { return filepath.Join(dir, name+vs.suffix+ext) }
			config := readJSON(t, file("proofConfig", ".json"))
			signed := readJSON(t, file("signed", ".json"))
			suite := suites[vs.suite]

			h, err := suite.hash(proofConfig(config, unsigned), unsigned)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := string(h.canonicalDoc), string(readFile(t, file("canonDoc", ".txt"))); got != want {
				t.Errorf("canonical document:\n got %q\nwant %q", got, want)
			}
			if got, want := string(h.canonicalConfig), string(readFile(t, file("proofCanon", ".txt"))); got != want {
				t.Errorf("canonical proof configuration:\n got %q\nwant %q", got, want)
			}
			docHash := sha256.Sum256(h.canonicalDoc)
			if got, want := hex.EncodeToString(docHash[:]), readText(t, file("docHash", ".txt")); got != want {
				t.Errorf("document hash %s, want %s", got, want)
			}
			configHash := sha256.Sum256(h.canonicalConfig)
			if got, want := hex.EncodeToString(configHash[:]), readText(t, file("proofHash", ".txt")); got != want {
				t.Errorf("proof configuration hash %s, want %s", got, want)
			}
			if got, want := hex.EncodeToString(h.data[:]), readText(t, file("combinedHash", ".txt")); got != want {
				t.Errorf("combined hash data %s, want %s", got, want)
			}
			sig := ed25519.Sign(priv, h.data[:])
			if got, want := hex.EncodeToString(sig), readText(t, file("sigHex", ".txt")); got != want {
				t.Errorf("signature %s, want %s", got, want)
			}
			if got, want := mustBase58(t, sig), readText(t, file("sigBTC58", ".txt")); got != want {
				t.Errorf("proofValue %s, want %s", got, want)
			}

			// Sign reproduces the signed document.
			created, err := time.Parse(time.RFC3339, config["created"].(string))
			if err != nil {
				t.Fatal(err)
			}
			vm := config["verificationMethod"].(string)
			out, err := Sign(unsigned, priv, SignOptions{Cryptosuite: vs.suite, VerificationMethod: vm, Created: created})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(roundTrip(t, out), signed) {
				t.Errorf("signed document differs:\n got %s\nwant %s", mustJSON(t, out), mustJSON(t, signed))
			}

			// Verify accepts the signed vector.
			p, err := Verify(signed, didKeyFunc(vm, pub), VerifyOptions{Cryptosuites: []string{vs.suite}})
			if err != nil {
				t.Fatalf("Verify(signed vector): %v", err)
			}
			want := &Proof{Type: ProofType, Cryptosuite: vs.suite, VerificationMethod: vm, ProofPurpose: "assertionMethod", Created: created}
			if !reflect.DeepEqual(p, want) {
				t.Errorf("Verify returned %+v, want %+v", p, want)
			}

			// The other suite does not accept it.
			other := EdDSAJCS2022
			if vs.suite == other {
				other = EdDSARDFC2022
			}
			if _, err := Verify(signed, didKeyFunc(vm, pub), VerifyOptions{Cryptosuites: []string{other}}); !errors.Is(err, ErrUnsupportedCryptosuite) {
				t.Errorf("Verify with allow-list [%s]: %v, want ErrUnsupportedCryptosuite", other, err)
			}
		})
	}
}

func mustBase58(t testing.TB, b []byte) string {
	t.Helper()
	s, err := multibase.Encode(multibase.Base58BTC, b)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// roundTrip returns v as encoding/json would decode its serialization.
func roundTrip(t testing.TB, v any) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(mustJSON(t, v), &m); err != nil {
		t.Fatal(err)
	}
	return m
}
