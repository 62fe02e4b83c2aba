package sdjwt

import (
	"crypto"
	"encoding/json"
	"reflect"
	"testing"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/cityid/cityid/internal/interop"
)

// Interop with the OpenWallet Foundation's @sd-jwt/sd-jwt-vc 0.15.1
// (interop/js/sdjwt-*.mjs). Skipped when the npm peers are missing unless
// CITYID_REQUIRE_INTEROP=1.

func jwkOf(t *testing.T, key any) json.RawMessage {
	t.Helper()
	b, err := jose.JSONWebKey{Key: key}.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func nodeJSON(t *testing.T, script string, in, out any) {
	t.Helper()
	stdin, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(interop.Node(t, stdin, script), out); err != nil {
		t.Fatalf("%s output: %v", script, err)
	}
}

type interopKeys struct {
	name           string
	issuer, holder crypto.Signer
}

func interopKeySets(t *testing.T) []interopKeys {
	return []interopKeys{
		{"EdDSA issuer, EdDSA holder", issuerKey, holderKey},
		{"ES256 issuer, ES256 holder", p256(t), p256(t)},
		{"EdDSA issuer, ES256 holder", issuerKey, p256(t)},
	}
}

// TestInteropTheyVerifyOurs: credentials issued and presented here verify
// in @sd-jwt/sd-jwt-vc, key binding included, with the same claims.
func TestInteropTheyVerifyOurs(t *testing.T) {
	interop.Require(t)
	for _, ks := range interopKeySets(t) {
		t.Run(ks.name, func(t *testing.T) {
			sd := mustIssue(t, ks.issuer, issueOpts(ks.holder.Public()))
			pres := mustPresent(t, sd, []string{"given_name", "address.locality", "nationalities.1"}, ks.holder)
			ours, err := Verify(pres, keysFor(cityDID, cityKID, ks.issuer.Public()), kbPolicy())
			if err != nil {
				t.Fatal(err)
			}
			var theirs struct {
				Payload map[string]any `json:"payload"`
				Header  map[string]any `json:"header"`
				KB      map[string]any `json:"kb"`
			}
			nodeJSON(t, "sdjwt-verify.mjs", map[string]any{
				"token": pres, "issuerPublicJwk": jwkOf(t, ks.issuer.Public()),
				"nonce": nonce, "aud": verifier, "now": tNow.Unix(),
			}, &theirs)
			if !reflect.DeepEqual(theirs.Payload, plain(t, ours.Claims)) {
				t.Errorf("claims differ\nthey: %v\n ours: %v", theirs.Payload, plain(t, ours.Claims))
			}
			if theirs.Header["typ"] != TypeSDJWTVC || theirs.Header["kid"] != cityKID {
				t.Errorf("header as they see it: %v", theirs.Header)
			}
			if theirs.KB["nonce"] != nonce {
				t.Errorf("kb as they see it: %v", theirs.KB)
			}
		})
	}
}

// TestInteropTheyRejectTampered: the peer is not a rubber stamp; a
// presentation whose disclosures changed after key binding fails there too.
func TestInteropTheyRejectTampered(t *testing.T) {
	interop.Require(t)
	sd := mustIssue(t, issuerKey, issueOpts(holderKey.Public()))
	pres := mustPresent(t, sd, []string{"given_name", "family_name"}, holderKey)
	ps := splitTilde(pres)
	dropped := ps[0] + "~" + ps[2] + "~" + ps[3]
	stdin, _ := json.Marshal(map[string]any{
		"token": dropped, "issuerPublicJwk": jwkOf(t, issuerKey.Public()),
		"nonce": nonce, "aud": verifier, "now": tNow.Unix(),
	})
	if out, err := interop.RunNode(stdin, "sdjwt-verify.mjs"); err == nil {
		t.Fatalf("@sd-jwt accepted a presentation with a dropped disclosure: %s", out)
	}
}

// theirCredential asks @sd-jwt/sd-jwt-vc to issue a credential for the city
// (iss a DID, kid a DID URL of it) with nested and array disclosures and
// decoys, and to present it with a Key Binding JWT.
func theirCredential(t *testing.T, ks interopKeys) (credential, presentation string) {
	var out struct {
		Credential   string `json:"credential"`
		Presentation string `json:"presentation"`
	}
	claims := sampleClaims()
	claims["iss"], claims["vct"], claims["iat"] = cityDID, cityVCT, t0.Unix()
	claims["exp"] = t0.Unix() + 365*24*3600
	nodeJSON(t, "sdjwt-issue.mjs", map[string]any{
		"claims": claims,
		"disclosureFrame": map[string]any{
			"_sd":           []any{"given_name", "family_name", "birthdate", "address"},
			"_sd_decoy":     2,
			"address":       map[string]any{"_sd": []any{"locality", "postal_code"}},
			"nationalities": map[string]any{"_sd": []any{0, 1}},
		},
		"issuerPrivateJwk":  jwkOf(t, ks.issuer),
		"kid":               cityKID,
		"holderPublicJwk":   jwkOf(t, ks.holder.Public()),
		"holderPrivateJwk":  jwkOf(t, ks.holder),
		"presentationFrame": map[string]any{"given_name": true, "address": map[string]any{"postal_code": true}, "nationalities": map[string]any{"0": true}},
		"aud":               verifier, "nonce": nonce, "kbIat": tPres.Unix(),
	}, &out)
	return out.Credential, out.Presentation
}

// TestInteropWeVerifyTheirs: what @sd-jwt/sd-jwt-vc issues and presents
// verifies here, with issuer binding and key binding enforced.
func TestInteropWeVerifyTheirs(t *testing.T) {
	interop.Require(t)
	for _, ks := range interopKeySets(t) {
		t.Run(ks.name, func(t *testing.T) {
			cred, pres := theirCredential(t, ks)
			keys := keysFor(cityDID, cityKID, ks.issuer.Public())
			v, err := Verify(pres, keys, kbPolicy())
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]any{"street_address": "12 Analytical Row", "postal_code": "12345"}
			if got := plain(t, v.Claims["address"]); !reflect.DeepEqual(got, want) {
				t.Errorf("address = %v, want %v", got, want)
			}
			if got := plain(t, v.Claims["nationalities"]); !reflect.DeepEqual(got, []any{"GB"}) {
				t.Errorf("nationalities = %v", got)
			}
			if v.Claims["given_name"] != "Ada" || v.Claims["family_name"] != nil || !v.KeyBound {
				t.Errorf("claims = %v, KeyBound %v", v.Claims, v.KeyBound)
			}
			// The whole credential, as the wallet receives it.
			full, err := Verify(cred, keys, VerifyOptions{Algorithms: []string{AlgEdDSA, AlgES256}, Now: tNow})
			if err != nil {
				t.Fatal(err)
			}
			if got := plain(t, full.Claims); !reflect.DeepEqual(got.(map[string]any)["address"], plain(t, sampleClaims()["address"])) {
				t.Errorf("full credential address = %v", got.(map[string]any)["address"])
			}
		})
	}
}

// TestInteropCrossPresent mixes the roles: we present what they issued
// and they verify it; they present what we issued and we verify it.
func TestInteropCrossPresent(t *testing.T) {
	interop.Require(t)
	ks := interopKeySets(t)[1] // ES256 both sides
	keys := keysFor(cityDID, cityKID, ks.issuer.Public())

	t.Run("they issue, we present, they verify", func(t *testing.T) {
		cred, _ := theirCredential(t, ks)
		pres := mustPresent(t, cred, []string{"address.locality", "nationalities.1"}, ks.holder)
		var theirs struct {
			Payload map[string]any `json:"payload"`
		}
		nodeJSON(t, "sdjwt-verify.mjs", map[string]any{
			"token": pres, "issuerPublicJwk": jwkOf(t, ks.issuer.Public()),
			"nonce": nonce, "aud": verifier, "now": tNow.Unix(),
		}, &theirs)
		if addr, _ := theirs.Payload["address"].(map[string]any); addr["locality"] != "Springfield" || addr["postal_code"] != nil {
			t.Errorf("address = %v", theirs.Payload["address"])
		}
		if nat := theirs.Payload["nationalities"]; !reflect.DeepEqual(nat, []any{"FR"}) {
			t.Errorf("nationalities = %v", nat)
		}
	})
	t.Run("we issue, they present, we verify", func(t *testing.T) {
		cred := mustIssue(t, ks.issuer, issueOpts(ks.holder.Public()))
		var out struct {
			Presentation string `json:"presentation"`
		}
		nodeJSON(t, "sdjwt-present.mjs", map[string]any{
			"credential":        cred,
			"presentationFrame": map[string]any{"family_name": true, "address": map[string]any{"postal_code": true}},
			"holderPrivateJwk":  jwkOf(t, ks.holder),
			"aud":               verifier, "nonce": nonce, "kbIat": tPres.Unix(),
		}, &out)
		v, err := Verify(out.Presentation, keys, kbPolicy())
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"address", "address.postal_code", "family_name"}
		if !reflect.DeepEqual(v.Disclosed, want) || !v.KeyBound {
			t.Errorf("Disclosed = %v (want %v), KeyBound %v", v.Disclosed, want, v.KeyBound)
		}
	})
}
