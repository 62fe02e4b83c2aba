package compact

import (
	"errors"
	"testing"

	"github.com/cityid/cityid/credential/compact/base45"
	"github.com/cityid/cityid/schemas"
)

// changedTexts returns valid QR texts of every form, with the options that
// accept them.
func changedTexts(t *testing.T) map[string]string {
	in := issueAll(t, schemas.CityIDCredential, cityIDPhoto)
	return map[string]string{
		"holder-bound with challenge": present(t, in.stored, []string{"givenName", "familyName", "residentOf"}, "kiosk-7"),
		"unbound":                     mustPresent(t, in.unboundStored, []string{"birthDate"}),
		"paper":                       in.paper,
	}
}

// Every change of one byte of a valid holder-bound presentation and of a
// paper credential, to any of the 255 other values, is rejected; for the
// unbound presentation (and with -short for all) the 8 one-bit changes of
// every byte.
func TestEveryByteChangeRejected(t *testing.T) {
	keys := testKeys(t, issuerPriv)
	opts := verifyOpts(t)
	opts.Challenge = "kiosk-7"
	for name, text := range changedTexts(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if _, err := Verify(text, keys, opts); err != nil {
				t.Fatal(err)
			}
			data, err := decodeText(text)
			if err != nil {
				t.Fatal(err)
			}
			tried := 0
			for i := range data {
				orig := data[i]
				for v := 0; v < 256; v++ {
					if byte(v) == orig || ((testing.Short() || name == "unbound") && !oneBit(byte(v)^orig)) {
						continue
					}
					data[i] = byte(v)
					if _, err := Verify(Prefix+base45.Encode(data), keys, opts); !named(err) {
						t.Fatalf("byte %d changed from %#02x to %#02x: %v", i, orig, v, err)
					}
					tried++
				}
				data[i] = orig
			}
			t.Logf("%d bytes, %d changes, all rejected", len(data), tried)
		})
	}
}

// named reports whether err is a rejection with one of the package's
// reasons.
func named(err error) bool {
	for _, s := range sentinels {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}

var sentinels = []error{ErrPrefix, ErrVersion, ErrTooLarge, ErrBase45, ErrInflate, ErrCBOR, ErrForm,
	ErrAlgorithm, ErrUnknownKey, ErrUnknownStatusList, ErrSignature, ErrHolderSignature, ErrHolderKey,
	ErrNotHolderBound, ErrChallenge, ErrStale, ErrNotYetValid, ErrExpired, ErrDisclosure, ErrCredential, ErrCrypto}

func oneBit(x byte) bool { return x != 0 && x&(x-1) == 0 }

// Every change of one character of the QR text, to any other character of
// the Base45 alphabet, is rejected.
func TestEveryCharacterChangeRejected(t *testing.T) {
	keys := testKeys(t, issuerPriv)
	opts := verifyOpts(t)
	opts.Challenge = "kiosk-7"
	for name, text := range changedTexts(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := []byte(text)
			tried := 0
			for i := range b {
				orig := b[i]
				for j := 0; j < len(base45.Alphabet); j++ {
					if base45.Alphabet[j] == orig {
						continue
					}
					b[i] = base45.Alphabet[j]
					if _, err := Verify(string(b), keys, opts); !named(err) {
						t.Fatalf("character %d changed from %q to %q: %v", i, orig, b[i], err)
					}
					tried++
				}
				b[i] = orig
			}
			t.Logf("%d characters, %d changes, all rejected", len(b), tried)
		})
	}
}
