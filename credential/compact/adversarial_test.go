package compact

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"errors"
	"testing"
	"time"

	"github.com/cityid/cityid/did"
	"github.com/cityid/cityid/schemas"
)

// Members of a presentation, by index.
const (
	mCOSE    = 1
	mHolder  = 6
	mSubject = 7
	mSeeds   = 8
	mItems   = 9
	mProof   = 10
)

// resign replaces the holder proof of presentation members e with one made
// by key at ts.
func resign(e []any, key ed25519.PrivateKey, ts int64, challenge string) {
	sig := ed25519.Sign(key, holderMessage(e[1:10], ts, challenge))
	e[mProof] = []any{uint64(ts), sig}
}

func TestAdversarial(t *testing.T) {
	keys := testKeys(t, issuerPriv)
	in := issueAll(t, schemas.CityIDCredential, cityIDPhoto)
	all := present(t, in.stored, claimNames(cityIDPhoto), "")
	partial := present(t, in.stored, []string{"givenName", "residentOf"}, "") // birthDate, familyName, photoDigest hidden
	challenged := present(t, in.stored, []string{"givenName"}, "kiosk-7")
	_, vm := keyDID(t, issuerPriv)
	otherDID, otherVM := keyDID(t, otherPriv)
	otherIssuerVC := sample(t, schemas.CityIDCredential, cityIDPhoto, holderPriv)
	otherIssuerVC["issuer"] = otherDID
	otherStored, err := Issue(otherIssuerVC, otherPriv, IssueOptions{KeyID: otherVM, HolderKey: holderPriv.Public()})
	if err != nil {
		t.Fatal(err)
	}
	ts := fixedTime.Unix()
	later, err := Present(in.stored, nil, holderPriv, PresentOptions{Time: fixedTime.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name string
		text string
		opts func(*VerifyOptions)
		keys KeyFunc
		want error
	}{
		{"tampered disclosed value", mutate(t, all, func(e []any) {
			e[mItems].([]any)[0].([]any)[1] = "Ana Maria"
			resign(e, holderPriv, ts, "")
		}), nil, nil, ErrSignature},
		{"undisclosed digests swapped", mutate(t, partial, func(e []any) {
			items := e[mItems].([]any)
			items[1], items[2] = items[2], items[1]
			resign(e, holderPriv, ts, "")
		}), nil, nil, ErrSignature},
		{"undisclosed digest replaced", mutate(t, partial, func(e []any) {
			e[mItems].([]any)[1] = bytes.Repeat([]byte{7}, DigestSize)
			resign(e, holderPriv, ts, "")
		}), nil, nil, ErrSignature},
		// partial holds givenName, (familyName), (birthDate), residentOf,
		// (photoDigest) in code order, opened by two seeds.
		{"hidden claim disclosed without its salt", mutate(t, partial, func(e []any) {
			e[mItems].([]any)[4] = []any{uint64(5), bytes.Repeat([]byte{9}, 32)}
			resign(e, holderPriv, ts, "")
		}), nil, nil, ErrDisclosure},
		{"hidden claim disclosed with a guessed salt", mutate(t, partial, func(e []any) {
			e[mItems].([]any)[4] = []any{uint64(5), bytes.Repeat([]byte{9}, 32)}
			e[mSeeds] = append(e[mSeeds].([]byte), bytes.Repeat([]byte{1}, SeedSize)...)
			resign(e, holderPriv, ts, "")
		}), nil, nil, ErrSignature},
		{"hidden claim disclosed under a neighbour's seed", mutate(t, partial, func(e []any) {
			e[mItems].([]any)[2] = []any{uint64(3), int64(7530)} // the seed of leaf 3 becomes the node of leaves 2-3
			resign(e, holderPriv, ts, "")
		}), nil, nil, ErrSignature},
		{"salt seed altered", mutate(t, all, func(e []any) {
			e[mSeeds].([]byte)[0] ^= 1
			resign(e, holderPriv, ts, "")
		}), nil, nil, ErrSignature},
		{"holder key replaced by the thief's", mutate(t, all, func(e []any) {
			e[mHolder] = []byte(otherPriv.Public().(ed25519.PublicKey))
			resign(e, otherPriv, ts, "")
		}), nil, nil, ErrSignature},
		{"validity extended", mutate(t, all, func(e []any) {
			e[4] = int64(-3650)
			resign(e, holderPriv, ts, "")
		}), nil, nil, ErrSignature},
		{"status reference removed", mutate(t, all, func(e []any) {
			e[5] = nil
			resign(e, holderPriv, ts, "")
		}), nil, nil, ErrSignature},
		{"key id of the city on another key's signature", mutate(t, all, func(e []any) {
			forged := decodeForTest(t, otherStored)[mCOSE].([]any)
			e[mCOSE].([]any)[3] = forged[3]
			resign(e, holderPriv, ts, "")
		}), nil, nil, ErrSignature},
		{"issuer not in the trust bundle", present(t, otherStored, []string{"givenName"}, ""), nil, nil, ErrUnknownKey},
		{"KeyFunc answers a key that does not match the id", all, nil, func(string) (string, string, crypto.PublicKey, error) {
			return otherDID, otherVM, otherPriv.Public(), nil
		}, ErrUnknownKey},
		{"KeyFunc answers a key of another DID", all, nil, func(string) (string, string, crypto.PublicKey, error) {
			return otherDID, vm, issuerPriv.Public(), nil
		}, ErrUnknownKey},
		{"algorithm changed to ES256", mutate(t, all, func(e []any) {
			kid, _ := KeyID(issuerPriv.Public())
			e[mCOSE].([]any)[0] = encode(map[int64]any{1: int64(-7), 4: mustHex(kid)})
		}), nil, nil, ErrAlgorithm},
		{"algorithm not allowed", mutate(t, all, func(e []any) {
			kid, _ := KeyID(issuerPriv.Public())
			e[mCOSE].([]any)[0] = encode(map[int64]any{1: int64(-35), 4: mustHex(kid)})
		}), nil, nil, ErrAlgorithm},
		{"holder signature by another key", mutate(t, all, func(e []any) {
			resign(e, otherPriv, ts, "")
		}), nil, nil, ErrHolderSignature},
		{"holder proof removed", mutate(t, all, func(e []any) { e[mProof] = nil }), nil, nil, ErrHolderSignature},
		{"holder proof on an unbound credential", mutate(t, mustPresent(t, in.unboundStored, []string{"givenName"}), func(e []any) {
			resign(e, holderPriv, ts, "")
		}), nil, nil, ErrCBOR},
		{"holder signature over other claims", mutate(t, all, func(e []any) {
			p := decodeForTest(t, partial)
			e[mProof] = p[mProof]
		}), nil, nil, ErrHolderSignature},
		{"wrong challenge", challenged, func(o *VerifyOptions) { o.Challenge = "kiosk-8" }, nil, ErrChallenge},
		{"challenge expected, none signed", all, func(o *VerifyOptions) { o.Challenge = "kiosk-7" }, nil, ErrChallenge},
		{"challenge signed, none expected", challenged, nil, nil, ErrChallenge},
		{"challenge tag kept, challenge changed", mutate(t, challenged, func(e []any) {
			sig := ed25519.Sign(holderPriv, holderMessage(e[1:10], ts, "kiosk-7x"))
			e[mProof] = []any{uint64(ts), sig, challengeTag("kiosk-7")}
		}), func(o *VerifyOptions) { o.Challenge = "kiosk-7" }, nil, ErrHolderSignature},
		{"stale", all, func(o *VerifyOptions) { o.Now = fixedTime.Add(DefaultMaxAge + time.Second) }, nil, ErrStale},
		{"from the future", later, func(o *VerifyOptions) { o.Now = fixedTime.Add(time.Hour - DefaultMaxAge - time.Second) }, nil, ErrStale},
		{"stale for a stricter verifier", all, func(o *VerifyOptions) { o.MaxAge = 30 * time.Second }, nil, ErrStale},
		{"expired", in.paper, func(o *VerifyOptions) { o.Now = fixedTime.AddDate(5, 0, 1) }, nil, ErrExpired},
		{"not yet valid", in.paper, func(o *VerifyOptions) { o.Now = fixedTime.Add(-time.Hour) }, nil, ErrNotYetValid},
		{"paper where holder binding is required", in.paper, func(o *VerifyOptions) { o.RequireHolder = true }, nil, ErrNotHolderBound},
		{"unbound where holder binding is required", mustPresent(t, in.unboundStored, nil), func(o *VerifyOptions) { o.RequireHolder = true }, nil, ErrNotHolderBound},
		{"status list unknown to the bundle", all, func(o *VerifyOptions) {
			o.StatusLists, _ = StatusLists(StatusList{URL: statusBase + "revocation-0", Purpose: "revocation"})
		}, nil, ErrUnknownStatusList},
		{"no status resolver", all, func(o *VerifyOptions) { o.StatusLists = nil }, nil, ErrUnknownStatusList},
		{"status resolver that lies", all, func(o *VerifyOptions) {
			o.StatusLists = func(string) (string, string, error) { return statusBase + "other", "revocation", nil }
		}, nil, ErrUnknownStatusList},
		{"a wallet's stored credential", in.stored, nil, nil, ErrForm},
		{"subject id spelled out", mutate(t, all, func(e []any) {
			d, _ := did.KeyDID(holderPriv.Public())
			e[mSubject] = d
			resign(e, holderPriv, ts, "")
		}), nil, nil, ErrCBOR},
		{"no KeyFunc", all, nil, KeyFunc(nil), ErrUnknownKey},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opts := verifyOpts(t)
			if c.opts != nil {
				c.opts(&opts)
			}
			k := keys
			if c.keys != nil || c.name == "no KeyFunc" {
				k = c.keys
			}
			v, err := Verify(c.text, k, opts)
			if !errors.Is(err, c.want) {
				t.Fatalf("Verify = %v, %v; want %v", v, err, c.want)
			}
		})
	}
	// The unaltered presentations verify, so each case above fails for its
	// own reason.
	for _, text := range []string{all, partial} {
		if _, err := Verify(text, keys, verifyOpts(t)); err != nil {
			t.Fatal(err)
		}
	}
	opts := verifyOpts(t)
	opts.Challenge = "kiosk-7"
	if _, err := Verify(challenged, keys, opts); err != nil {
		t.Fatal(err)
	}
}

func mustHex(s string) []byte {
	b := make([]byte, len(s)/2)
	for i := range b {
		b[i] = unhex(s[2*i])<<4 | unhex(s[2*i+1])
	}
	return b
}

func unhex(c byte) byte {
	if c >= 'a' {
		return c - 'a' + 10
	}
	return c - '0'
}

// A verifier's replay cache keys on Digest: the same presentation always has
// the same Digest, in either text encoding; another presentation never does.
func TestReplayDigest(t *testing.T) {
	keys := testKeys(t, issuerPriv)
	in := issueAll(t, schemas.CityIDCredential, cityID)
	a := present(t, in.stored, []string{"givenName"}, "")
	v1, err1 := Verify(a, keys, verifyOpts(t))
	v2, err2 := Verify(a, keys, verifyOpts(t))
	if err1 != nil || err2 != nil || !bytes.Equal(v1.Digest, v2.Digest) || len(v1.Digest) != 32 {
		t.Fatalf("same presentation: %x %x %v %v", v1.Digest, v2.Digest, err1, err2)
	}
	// The same data, zlib-compressed: a different text, the same presentation.
	data, _ := decodeText(a)
	z := Prefix + base45Encode(zlibForTest(t, data))
	if z == a {
		t.Fatal("the compressed text is the same text")
	}
	v3, err := Verify(z, keys, verifyOpts(t))
	if err != nil || !bytes.Equal(v3.Digest, v1.Digest) {
		t.Fatalf("compressed: %v %x", err, v3.Digest)
	}
	// A new presentation of the same credential and claims, a second later.
	b, err := Present(in.stored, []string{"givenName"}, holderPriv, PresentOptions{Time: fixedTime.Add(time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	v4, err := Verify(b, keys, verifyOpts(t))
	if err != nil || bytes.Equal(v4.Digest, v1.Digest) {
		t.Fatalf("new presentation: %v, same digest %x", err, v4.Digest)
	}
	p, _ := ParseUnsafe(a)
	if !bytes.Equal(p.Digest, v1.Digest) {
		t.Fatal("ParseUnsafe gives another Digest")
	}
}
