package sdjwt

import (
	"crypto"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestVerifyRoundTrip(t *testing.T) {
	sd := mustIssue(t, issuerKey, issueOpts(holderKey.Public()))
	pres := mustPresent(t, sd, []string{"given_name", "address.locality", "nationalities.1"}, holderKey)
	v, err := Verify(pres, cityKeys, kbPolicy())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"iss": cityDID, "vct": cityVCT, "iat": float64(t0.Unix()),
		"exp":           float64(t0.Add(365 * 24 * time.Hour).Unix()),
		"given_name":    "Ada",
		"resident":      true,
		"address":       map[string]any{"street_address": "12 Analytical Row", "locality": "Springfield"},
		"nationalities": []any{"FR"},
	}
	got := plain(t, v.Claims).(map[string]any)
	delete(got, "cnf")
	if !reflect.DeepEqual(got, want) {
		t.Errorf("claims\n got %v\nwant %v", got, want)
	}
	if d := []string{"address", "address.locality", "given_name", "nationalities.1"}; !reflect.DeepEqual(v.Disclosed, d) {
		t.Errorf("Disclosed = %v, want %v", v.Disclosed, d)
	}
	if v.Issuer != cityDID || v.KeyID != cityKID || v.VCT != cityVCT || !v.KeyBound {
		t.Errorf("verified = %+v", v)
	}
	if !v.IssuedAt.Equal(t0) || v.Expiry == nil || v.NotBefore != nil {
		t.Errorf("times: iat %v exp %v nbf %v", v.IssuedAt, v.Expiry, v.NotBefore)
	}
	if !sameKey(v.HolderKey, holderKey.Public()) {
		t.Errorf("HolderKey = %v", v.HolderKey)
	}
}

func TestVerifyRelativeKID(t *testing.T) {
	opts := issueOpts(nil)
	opts.KeyID = "#key-1"
	sd := mustIssue(t, issuerKey, opts)
	v, err := Verify(sd, cityKeys, VerifyOptions{Algorithms: []string{AlgEdDSA}, Now: tNow})
	if err != nil {
		t.Fatal(err)
	}
	if v.KeyID != cityKID {
		t.Errorf("KeyID = %q, want the absolute %q", v.KeyID, cityKID)
	}
}

// TestVerifyAdversarial feeds Verify forged, tampered and replayed tokens;
// each must fail with the sentinel naming the reason.
func TestVerifyAdversarial(t *testing.T) {
	sd := mustIssue(t, issuerKey, issueOpts(holderKey.Public()))
	parts := splitTilde(sd)
	jwt, discs := parts[0], parts[1:len(parts)-1]
	pres := mustPresent(t, sd, []string{"given_name", "family_name"}, holderKey)
	presParts := splitTilde(pres)
	enc := base64.RawURLEncoding
	hdr, _ := enc.DecodeString(strings.Split(jwt, ".")[0])
	body, _ := enc.DecodeString(strings.Split(jwt, ".")[1])
	sig, _ := enc.DecodeString(strings.Split(jwt, ".")[2])

	// A disclosure with an edited value: valid shape, digest nowhere.
	var tampered []any
	js, _ := enc.DecodeString(discs[0])
	_ = json.Unmarshal(js, &tampered)
	tampered[len(tampered)-1] = "Mallory"
	tjs, _ := json.Marshal(tampered)
	tamperedDisc := enc.EncodeToString(tjs)

	noneJWT := rawJWT(`{"alg":"none","typ":"dc+sd-jwt"}`, string(body), []byte("x"))
	hsInput := enc.EncodeToString([]byte(`{"alg":"HS256","typ":"dc+sd-jwt","kid":"`+cityKID+`"}`)) + "." + strings.Split(jwt, ".")[1]
	mac := hmac.New(sha256.New, []byte(issuerKey.Public().(ed25519.PublicKey)))
	mac.Write([]byte(hsInput))
	hsJWT := hsInput + "." + enc.EncodeToString(mac.Sum(nil))
	esHeader := strings.Replace(string(hdr), `"EdDSA"`, `"ES256"`, 1)
	algSwitched := rawJWT(esHeader, string(body), sig)

	// The aries-framework-go trap: iss is the city, kid the attacker's DID,
	// and the resolver dutifully returns the attacker's key for that kid.
	forged := signRaw(t, attackerKey, TypeSDJWTVC, "did:key:z6MkAttacker#z6MkAttacker", map[string]any{
		"iss": cityDID, "vct": cityVCT, "iat": t0.Unix(), "given_name": "Mallory",
	}) + "~"
	anyKey := func(iss, kid string) (crypto.PublicKey, error) {
		if strings.HasPrefix(kid, "did:key:z6MkAttacker") {
			return attackerKey.Public(), nil
		}
		return issuerKey.Public(), nil
	}

	otherCred := mustIssue(t, issuerKey, issueOpts(holderKey.Public()))
	foreignDisc := splitTilde(otherCred)[1]

	// Key binding signed by someone else's key over the right sd_hash.
	wrongHolder, err := Present(sd, []string{"given_name"}, nil, KeyBindingOptions{})
	if err != nil {
		t.Fatal(err)
	}
	kbBody, _ := json.Marshal(map[string]any{"iat": tPres.Unix(), "aud": verifier, "nonce": nonce, "sd_hash": sdHash(wrongHolder)})
	kbByAttacker, _ := signJWS(attackerKey, TypeKeyBinding, "", kbBody)
	kbUntyped, _ := signJWS(holderKey, "JWT", "", kbBody)
	kbAudArray, _ := json.Marshal(map[string]any{"iat": tPres.Unix(), "aud": []string{verifier}, "nonce": nonce, "sd_hash": sdHash(wrongHolder)})
	kbArrayAud, _ := signJWS(holderKey, TypeKeyBinding, "", kbAudArray)

	expired := mustIssueAt(t, func(o *IssueOptions) { o.Expiry = tNow.Add(-time.Minute) })
	notYet := mustIssueAt(t, func(o *IssueOptions) { o.NotBefore = tNow.Add(time.Hour) })
	future := mustIssueAt(t, func(o *IssueOptions) { o.IssuedAt = tNow.Add(time.Hour); o.Expiry = time.Time{} })

	oldKB, err := Present(sd, []string{"given_name"}, holderKey, KeyBindingOptions{Audience: verifier, Nonce: nonce, IssuedAt: tNow.Add(-10 * time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	futureKB, err := Present(sd, []string{"given_name"}, holderKey, KeyBindingOptions{Audience: verifier, Nonce: nonce, IssuedAt: tNow.Add(10 * time.Minute)})
	if err != nil {
		t.Fatal(err)
	}

	join := func(ps ...string) string { return strings.Join(ps, "~") }
	kbOnly := VerifyOptions{Algorithms: []string{AlgEdDSA}, Now: tNow}

	for _, tc := range []struct {
		name  string
		token string
		keys  KeyFunc
		opts  *VerifyOptions
		want  error
	}{
		{"tampered disclosure", join(jwt, tamperedDisc, ""), nil, &kbOnly, ErrDisclosure},
		{"disclosure from another credential", join(jwt, foreignDisc, ""), nil, &kbOnly, ErrDisclosure},
		{"duplicate disclosure", join(jwt, discs[0], discs[0], ""), nil, &kbOnly, ErrDisclosure},
		{"dropped signature", join(strings.Join(strings.Split(jwt, ".")[:2], ".")+".", ""), nil, &kbOnly, ErrMalformed},
		{"signature of another payload", join(rawJWT(string(hdr), strings.Replace(string(body), "Ada", "Eve", 1)+" ", sig), ""), nil, &kbOnly, ErrSignature},
		{"signed by a key the issuer does not own", join(signRaw(t, attackerKey, TypeSDJWTVC, cityKID, basePayload()), ""), nil, &kbOnly, ErrSignature},
		{"alg none", join(noneJWT, ""), nil, &kbOnly, ErrAlgorithm},
		{"alg HS256 keyed with the public key", join(hsJWT, ""), nil, &kbOnly, ErrAlgorithm},
		{"alg ES256 on an Ed25519 key", join(algSwitched, ""), nil, &VerifyOptions{Algorithms: []string{AlgEdDSA, AlgES256}, Now: tNow}, ErrAlgorithm},
		{"EdDSA outside the allow-list", sd, nil, &VerifyOptions{Algorithms: []string{AlgES256}, Now: tNow}, ErrAlgorithm},
		{"kid DID is not iss", forged, anyKey, &kbOnly, ErrIssuerBinding},
		{"typ JWT", join(signRaw(t, issuerKey, "JWT", cityKID, basePayload()), ""), nil, &kbOnly, ErrType},
		{"bare JWT", jwt, nil, &kbOnly, ErrMalformed},
		{"expired", expired, nil, &kbOnly, ErrExpired},
		{"not yet valid (nbf)", notYet, nil, &kbOnly, ErrNotYetValid},
		{"issued in the future", future, nil, &kbOnly, ErrNotYetValid},
		{"key binding required but absent", join(presParts[:len(presParts)-1]...) + "~", nil, nil, ErrKeyBinding},
		{"disclosure removed after key binding", join(presParts[0], presParts[2], presParts[3]), nil, nil, ErrKeyBinding},
		{"disclosure added after key binding", join(presParts[0], presParts[1], presParts[2], discs[2], presParts[3]), nil, nil, ErrKeyBinding},
		{"key binding by another key", wrongHolder + kbByAttacker, nil, nil, ErrKeyBinding},
		{"key binding typ JWT", wrongHolder + kbUntyped, nil, nil, ErrKeyBinding},
		{"key binding aud array", wrongHolder + kbArrayAud, nil, nil, ErrKeyBinding},
		{"replayed old key binding", oldKB, nil, nil, ErrKeyBinding},
		{"key binding from the future", futureKB, nil, nil, ErrKeyBinding},
		{"wrong nonce", pres, nil, &VerifyOptions{Algorithms: []string{AlgEdDSA}, Now: tNow, RequireKeyBinding: true, Audience: verifier, Nonce: "other"}, ErrNonce},
		{"wrong audience", pres, nil, &VerifyOptions{Algorithms: []string{AlgEdDSA}, Now: tNow, RequireKeyBinding: true, Audience: "https://evil.example", Nonce: nonce}, ErrAudience},
		{"too large", sd + strings.Repeat("A", MaxTokenSize), nil, &kbOnly, ErrTooLarge},
		{"too many disclosures", jwt + strings.Repeat("~WyJhIiwiYiJd", MaxDisclosures+1) + "~", nil, &kbOnly, ErrTooLarge},
		{"empty disclosure", join(jwt, "", ""), nil, &kbOnly, ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			keys := tc.keys
			if keys == nil {
				keys = cityKeys
			}
			opts := kbPolicy()
			if tc.opts != nil {
				opts = *tc.opts
			}
			v, err := Verify(tc.token, keys, opts)
			if v != nil {
				t.Errorf("returned a result alongside an error")
			}
			wantErr(t, err, tc.want)
		})
	}
}

func mustIssueAt(t *testing.T, edit func(*IssueOptions)) string {
	opts := issueOpts(holderKey.Public())
	edit(&opts)
	return mustIssue(t, issuerKey, opts)
}

// TestVerifyCraftedPayloads signs payloads Issue would refuse to produce and
// checks that disclosure processing rejects them (RFC 9901 §7.1).
func TestVerifyCraftedPayloads(t *testing.T) {
	sdDisc, sdDigest := disclosure("_sd", []any{"x"})
	dotsDisc, dotsDigest := disclosure("...", "x")
	expDisc, expDigest := disclosure("exp", 4102444800)
	dupDisc, dupDigest := disclosure("resident", false)
	elemDisc, elemDigest := disclosure("FR")
	propDisc, propDigest := disclosure("nationality", "FR")
	okDisc, okDigest := disclosure("given_name", "Ada")

	for _, tc := range []struct {
		name  string
		edit  func(map[string]any)
		discs []string
		want  error
	}{
		{"disclosure named _sd", func(p map[string]any) { p["_sd"] = []any{sdDigest} }, []string{sdDisc}, ErrDisclosure},
		{"disclosure named ...", func(p map[string]any) { p["_sd"] = []any{dotsDigest} }, []string{dotsDisc}, ErrDisclosure},
		{"disclosure of exp", func(p map[string]any) { p["_sd"] = []any{expDigest} }, []string{expDisc}, ErrDisclosure},
		{"disclosure overwrites plain claim", func(p map[string]any) { p["resident"] = true; p["_sd"] = []any{dupDigest} }, []string{dupDisc}, ErrDisclosure},
		{"same digest twice", func(p map[string]any) { p["_sd"] = []any{okDigest, okDigest} }, []string{okDisc}, ErrDisclosure},
		{"same digest at two levels", func(p map[string]any) {
			p["_sd"] = []any{okDigest}
			p["obj"] = map[string]any{"_sd": []any{okDigest}}
		}, []string{okDisc}, ErrDisclosure},
		{"same decoy digest twice", func(p map[string]any) { p["_sd"] = []any{"decoy", "decoy"} }, nil, ErrDisclosure},
		{"array-element disclosure in _sd", func(p map[string]any) { p["_sd"] = []any{elemDigest} }, []string{elemDisc}, ErrDisclosure},
		{"property disclosure in array", func(p map[string]any) { p["list"] = []any{map[string]any{"...": propDigest}} }, []string{propDisc}, ErrDisclosure},
		{"_sd not an array", func(p map[string]any) { p["_sd"] = okDigest }, nil, ErrMalformed},
		{"_sd with a number", func(p map[string]any) { p["_sd"] = []any{1} }, nil, ErrMalformed},
		{"placeholder with extra key", func(p map[string]any) { p["list"] = []any{map[string]any{"...": elemDigest, "x": 1}} }, []string{elemDisc}, ErrMalformed},
		{"... key outside an array", func(p map[string]any) { p["obj"] = map[string]any{"...": "x"} }, nil, ErrMalformed},
		{"nested _sd_alg", func(p map[string]any) { p["obj"] = map[string]any{"_sd_alg": HashSHA256} }, nil, ErrMalformed},
		{"_sd_alg sha-512", func(p map[string]any) { p["_sd_alg"] = "sha-512" }, nil, ErrAlgorithm},
		{"missing vct", func(p map[string]any) { delete(p, "vct") }, nil, ErrMalformed},
		{"missing iss", func(p map[string]any) { delete(p, "iss") }, nil, ErrMalformed},
		{"exp not a number", func(p map[string]any) { p["exp"] = "tomorrow" }, nil, ErrMalformed},
		{"status not an object", func(p map[string]any) { p["status"] = "valid" }, nil, ErrMalformed},
		{"cnf without jwk", func(p map[string]any) { p["cnf"] = map[string]any{"kid": "x"} }, nil, ErrMalformed},
		{"cnf with a private key", func(p map[string]any) {
			jwk, _ := publicJWK(holderKey.Public())
			jwk["d"] = base64.RawURLEncoding.EncodeToString(holderKey.Seed())
			p["cnf"] = map[string]any{"jwk": jwk}
		}, nil, ErrMalformed},
		{"cnf EC point off the curve", func(p map[string]any) {
			jwk, _ := publicJWK(p256(t).Public())
			jwk["y"] = jwk["x"]
			p["cnf"] = map[string]any{"jwk": jwk}
		}, nil, ErrMalformed},
		{"cnf Ed25519 key too short", func(p map[string]any) {
			p["cnf"] = map[string]any{"jwk": map[string]any{"kty": "OKP", "crv": "Ed25519", "x": "AAAA"}}
		}, nil, ErrMalformed},
		{"cnf RSA key", func(p map[string]any) {
			p["cnf"] = map[string]any{"jwk": map[string]any{"kty": "RSA", "n": "AQAB", "e": "AQAB"}}
		}, nil, ErrAlgorithm},
		{"deep nesting", func(p map[string]any) {
			var v any = "leaf"
			for i := 0; i < maxDepth+2; i++ {
				v = map[string]any{"n": v}
			}
			p["deep"] = v
		}, nil, ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := basePayload()
			tc.edit(p)
			tok := signRaw(t, issuerKey, TypeSDJWTVC, cityKID, p) + "~"
			for _, d := range tc.discs {
				tok += d + "~"
			}
			_, err := Verify(tok, cityKeys, VerifyOptions{Algorithms: []string{AlgEdDSA}, Now: tNow})
			wantErr(t, err, tc.want)
		})
	}
}

// TestVerifyTypeSpellings: the legacy type and the RFC 7515 §4.1.9
// spellings of the media type are accepted; other types are not.
func TestVerifyTypeSpellings(t *testing.T) {
	opts := VerifyOptions{Algorithms: []string{AlgEdDSA}, Now: tNow}
	for _, typ := range []string{TypeSDJWTVCLegacy, "application/dc+sd-jwt", "DC+SD-JWT"} {
		tok := signRaw(t, issuerKey, typ, cityKID, basePayload()) + "~"
		if _, err := Verify(tok, cityKeys, opts); err != nil {
			t.Errorf("typ %q rejected: %v", typ, err)
		}
	}
	for _, typ := range []string{"", "sd-jwt", "example+sd-jwt", "application/jwt", TypeKeyBinding} {
		tok := signRaw(t, issuerKey, typ, cityKID, basePayload()) + "~"
		_, err := Verify(tok, cityKeys, opts)
		wantErr(t, err, ErrType)
	}
}

func TestVerifyKeyBindingExpiry(t *testing.T) {
	sd := mustIssue(t, issuerKey, issueOpts(holderKey.Public()))
	presented, err := Present(sd, []string{"given_name"}, nil, KeyBindingOptions{})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]any{"iat": tPres.Unix(), "exp": tPres.Unix() + 1,
		"aud": verifier, "nonce": nonce, "sd_hash": sdHash(presented)})
	kb, err := signJWS(holderKey, TypeKeyBinding, "", body)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Verify(presented+kb, cityKeys, kbPolicy())
	wantErr(t, err, ErrKeyBinding)
	if errors.Is(err, ErrExpired) {
		t.Errorf("an expired KB-JWT must not read as an expired credential: %v", err)
	}
}

func TestVerifyClockSkew(t *testing.T) {
	sd := mustIssueAt(t, func(o *IssueOptions) { o.Expiry = tNow.Add(-30 * time.Second) })
	opts := VerifyOptions{Algorithms: []string{AlgEdDSA}, Now: tNow}
	if _, err := Verify(sd, cityKeys, opts); !errors.Is(err, ErrExpired) {
		t.Fatalf("without skew: %v", err)
	}
	opts.ClockSkew = time.Minute
	if _, err := Verify(sd, cityKeys, opts); err != nil {
		t.Fatalf("with a minute of skew: %v", err)
	}
}

func TestVerifyOptionsRequired(t *testing.T) {
	sd := mustIssue(t, issuerKey, issueOpts(holderKey.Public()))
	for name, tc := range map[string]struct {
		keys KeyFunc
		opts VerifyOptions
	}{
		"empty allow-list":         {cityKeys, VerifyOptions{}},
		"HS256 in allow-list":      {cityKeys, VerifyOptions{Algorithms: []string{"HS256"}}},
		"none in allow-list":       {cityKeys, VerifyOptions{Algorithms: []string{"none"}}},
		"nil KeyFunc":              {nil, VerifyOptions{Algorithms: []string{AlgEdDSA}}},
		"key binding, no nonce":    {cityKeys, VerifyOptions{Algorithms: []string{AlgEdDSA}, RequireKeyBinding: true, Audience: verifier}},
		"key binding, no aud":      {cityKeys, VerifyOptions{Algorithms: []string{AlgEdDSA}, RequireKeyBinding: true, Nonce: nonce}},
		"negative clock skew":      {cityKeys, VerifyOptions{Algorithms: []string{AlgEdDSA}, ClockSkew: -time.Second}},
		"negative key-binding age": {cityKeys, VerifyOptions{Algorithms: []string{AlgEdDSA}, MaxKeyBindingAge: -time.Second}},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Verify(sd, tc.keys, tc.opts)
			wantErr(t, err, ErrOptions)
		})
	}
}

func TestVerifyKeyLookupError(t *testing.T) {
	sd := mustIssue(t, issuerKey, issueOpts(nil))
	boom := errors.New("trust bundle has no such key")
	_, err := Verify(sd, func(string, string) (crypto.PublicKey, error) { return nil, boom },
		VerifyOptions{Algorithms: []string{AlgEdDSA}, Now: tNow})
	wantErr(t, err, ErrKeyLookup)
	if !errors.Is(err, boom) {
		t.Errorf("KeyFunc's error is not wrapped: %v", err)
	}
	_, err = Verify(sd, func(string, string) (crypto.PublicKey, error) { return nil, nil },
		VerifyOptions{Algorithms: []string{AlgEdDSA}, Now: tNow})
	wantErr(t, err, ErrKeyLookup)
}

// TestVerifyOptionalKeyBinding: a verifier that does not require key
// binding still rejects a broken Key Binding JWT it is given.
func TestVerifyOptionalKeyBinding(t *testing.T) {
	sd := mustIssue(t, issuerKey, issueOpts(holderKey.Public()))
	pres := mustPresent(t, sd, []string{"given_name"}, holderKey)
	opts := VerifyOptions{Algorithms: []string{AlgEdDSA}, Now: tNow}
	v, err := Verify(pres, cityKeys, opts)
	if err != nil || !v.KeyBound {
		t.Fatalf("valid KB not accepted: %v", err)
	}
	ps := splitTilde(pres)
	broken := strings.Join(append(ps[:len(ps)-1], ps[len(ps)-1][:len(ps[len(ps)-1])-4]+"AAAA"), "~")
	_, err = Verify(broken, cityKeys, opts)
	wantErr(t, err, ErrKeyBinding)
}
