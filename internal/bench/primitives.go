package bench

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"time"

	"github.com/cityid/cityid/credential"
	"github.com/cityid/cityid/credential/compact"
	"github.com/cityid/cityid/credential/dataintegrity"
	"github.com/cityid/cityid/credential/legacy"
	"github.com/cityid/cityid/credential/sdjwt"
)

// primitives puts each securing form of the city ID beside the raw Ed25519
// floor and aries-framework-go's LD proof of the same content.
func (s *suite) primitives(context.Context) error {
	sec := s.section("sign-verify", "Sign and verify, side by side (the credential core)",
		"operation", "#time / op", "#allocs / op", "#× floor", "#vs aries-framework-go", "target", "verdict")
	iss, hold := s.issuer, s.holder
	city := cityID()

	// The floor.
	msg := bytes.Repeat([]byte{7}, 64)
	sig := ed25519.Sign(iss.priv, msg)
	signFloor, err := s.time("raw Ed25519 sign", bench{op: func(int) error { ed25519.Sign(iss.priv, msg); return nil }})
	if err != nil {
		return err
	}
	s.add(sec, "raw Ed25519 sign (floor)", formatNs(signFloor.Ns), allocs(signFloor), "1", "", "", "")
	verifyFloor, err := s.time("raw Ed25519 verify", bench{op: func(int) error {
		if !ed25519.Verify(iss.pub, msg, sig) {
			return errWrong("the floor's signature did not verify")
		}
		return nil
	}})
	if err != nil {
		return err
	}
	s.add(sec, "raw Ed25519 verify (floor)", formatNs(verifyFloor.Ns), allocs(verifyFloor), "1", "", "", "")
	s.signFloor, s.verifyFloor = signFloor.Ns, verifyFloor.Ns

	// aries-framework-go, through the core's legacy package (the one adapter).
	doc11, err := json.Marshal(vc11(city, iss.did, hold.did))
	if err != nil {
		return err
	}
	ariesSign, err := s.time("aries-framework-go sign", bench{op: func(int) error {
		_, err := legacy.Sign(doc11, iss.priv, iss.vm, benchNow)
		return err
	}})
	if err != nil {
		return err
	}
	s.add(sec, "aries-framework-go sign Ed25519Signature2020 (VC 1.1)", formatNs(ariesSign.Ns), allocs(ariesSign),
		formatRatio(ariesSign.Ns/signFloor.Ns)+" × sign", "1", "", "")
	signed11, err := legacy.Sign(doc11, iss.priv, iss.vm, benchNow)
	if err != nil {
		return err
	}
	keys11 := func(vm string) (crypto.PublicKey, error) {
		if vm != iss.vm {
			return nil, fmt.Errorf("unknown key %s", vm)
		}
		return iss.pub, nil
	}
	ariesVerify, err := s.time("aries-framework-go verify", bench{op: func(int) error {
		_, err := legacy.Verify(signed11, keys11)
		return err
	}})
	if err != nil {
		return err
	}
	s.ariesVerify = ariesVerify.Ns
	s.add(sec, "aries-framework-go verify Ed25519Signature2020 (VC 1.1)", formatNs(ariesVerify.Ns), allocs(ariesVerify),
		formatRatio(ariesVerify.Ns/verifyFloor.Ns)+" × verify", "1", "", "")

	row := func(name string, t timing, floor float64, floorName string, peer float64, tg *Target) {
		vs := ""
		if peer > 0 {
			vs = formatRatio(peer/t.Ns) + " × faster"
		}
		goal, verdict := "", ""
		if tg != nil {
			goal, verdict = s.target(sec, *tg)
		}
		s.add(sec, name, formatNs(t.Ns), allocs(t), formatRatio(t.Ns/floor)+" × "+floorName, vs, goal, verdict)
	}

	// Data Integrity, both suites.
	dis := []string{dataintegrity.EdDSARDFC2022, dataintegrity.EdDSAJCS2022}
	signedDI := map[string][]byte{}
	for _, suite := range dis {
		doc := vc2(city, iss.did, hold.did, false)
		opts := dataintegrity.SignOptions{Cryptosuite: suite, VerificationMethod: iss.vm, Created: benchNow}
		t, err := s.time("sign "+suite, bench{op: func(int) error {
			_, err := dataintegrity.Sign(doc, iss.priv, opts)
			return err
		}})
		if err != nil {
			return err
		}
		vs := 0.0
		if suite == dataintegrity.EdDSARDFC2022 {
			vs = ariesSign.Ns
		}
		row("sign "+suite, t, signFloor.Ns, "sign", vs, nil)
		out, err := dataintegrity.Sign(doc, iss.priv, opts)
		if err != nil {
			return err
		}
		if signedDI[suite], err = json.Marshal(out); err != nil {
			return err
		}
	}
	sdOpts := sdjwt.IssueOptions{
		Issuer: iss.did, KeyID: iss.vm, VCT: credential.VCT(city.typ),
		IssuedAt: benchNow, Expiry: benchNow.AddDate(5, 0, 0), HolderKey: hold.pub,
		Disclosable: claimNames(city.claims),
	}
	t, err := s.time("sign SD-JWT VC", bench{op: func(int) error {
		_, err := sdjwt.Issue(city.claims, iss.priv, sdOpts)
		return err
	}})
	if err != nil {
		return err
	}
	row(fmt.Sprintf("sign SD-JWT VC (%d disclosures)", len(city.claims)), t, signFloor.Ns, "sign", 0, nil)
	tok, err := sdjwt.Issue(city.claims, iss.priv, sdOpts)
	if err != nil {
		return err
	}

	keysDI := func(vm string) (crypto.PublicKey, error) { return keys11(vm) }
	for _, suite := range dis {
		data := signedDI[suite]
		opts := dataintegrity.VerifyOptions{Cryptosuites: []string{suite}, Now: benchNow}
		t, err := s.time("verify "+suite, bench{op: func(int) error {
			doc, err := credential.DecodeJSON(data) // from the received bytes
			if err != nil {
				return err
			}
			_, err = dataintegrity.Verify(doc, keysDI, opts)
			return err
		}})
		if err != nil {
			return err
		}
		var tg *Target
		if suite == dataintegrity.EdDSARDFC2022 {
			r := ariesVerify.Ns / t.Ns
			tg = &Target{Name: "verify eddsa-rdfc-2022 vs aries-framework-go's LD verify (issue #2)",
				Goal: "≥ 5 × faster", Measured: formatRatio(r) + " × faster", Met: r >= 5}
		}
		row("verify "+suite, t, verifyFloor.Ns, "verify", ariesVerify.Ns, tg)
	}
	sdKeys := func(iss2, kid string) (crypto.PublicKey, error) {
		if iss2 != iss.did {
			return nil, fmt.Errorf("unknown issuer %s", iss2)
		}
		return iss.pub, nil
	}
	sdVerify := sdjwt.VerifyOptions{Algorithms: []string{"EdDSA"}, Now: benchNow}
	t, err = s.time("verify SD-JWT VC", bench{op: func(int) error {
		_, err := sdjwt.Verify(tok, sdKeys, sdVerify)
		return err
	}})
	if err != nil {
		return err
	}
	r := t.Ns / verifyFloor.Ns
	row("verify SD-JWT VC", t, verifyFloor.Ns, "verify", ariesVerify.Ns, &Target{
		Name: "verify SD-JWT VC vs the Ed25519 verify floor (issue #2)", Goal: "≤ 3 × the floor",
		Measured: formatRatio(r) + " ×", Met: r <= 3})
	pres, err := sdjwt.Present(tok, []string{"givenName", "birthDate"}, hold.priv,
		sdjwt.KeyBindingOptions{Audience: "https://counter.example", Nonce: "n-1", IssuedAt: benchNow})
	if err != nil {
		return err
	}
	kbOpts := sdVerify
	kbOpts.RequireKeyBinding, kbOpts.Audience, kbOpts.Nonce = true, "https://counter.example", "n-1"
	t, err = s.time("verify SD-JWT VC + key binding", bench{op: func(int) error {
		_, err := sdjwt.Verify(pres, sdKeys, kbOpts)
		return err
	}})
	if err != nil {
		return err
	}
	row("verify SD-JWT VC + key binding (2 signatures)", t, 2*verifyFloor.Ns, "two verifies", 0, nil)

	return s.compactRows(sec, row)
}

// compactRows adds the compact QR form: issue, present, verify.
func (s *suite) compactRows(sec *Section, row func(string, timing, float64, string, float64, *Target)) error {
	iss, hold := s.issuer, s.holder
	city := cityID()
	vc := vc2(city, iss.did, hold.did, true)
	opts := compact.IssueOptions{KeyID: iss.vm, HolderKey: hold.pub}
	t, err := s.time("compact issue", bench{op: func(int) error {
		_, err := compact.Issue(vc, iss.priv, opts)
		return err
	}})
	if err != nil {
		return err
	}
	row("issue compact QR credential (holder-bound)", t, s.signFloor, "sign", 0, nil)
	stored, err := compact.Issue(vc, iss.priv, opts)
	if err != nil {
		return err
	}
	names := claimNames(city.claims)
	present := func(i int) (string, error) {
		return compact.Present(stored, names, hold.priv, compact.PresentOptions{Time: benchNow, Challenge: "K7Q2"})
	}
	t, err = s.time("compact present", bench{op: func(i int) error { _, err := present(i); return err }})
	if err != nil {
		return err
	}
	row("present compact QR (every claim, challenge)", t, s.signFloor, "sign", 0, nil)
	text, err := present(0)
	if err != nil {
		return err
	}
	keys, err := compact.Keys(compact.IssuerKey{Issuer: iss.did, VerificationMethod: iss.vm, PublicKey: iss.pub})
	if err != nil {
		return err
	}
	lists, err := compact.StatusLists(
		compact.StatusList{URL: statusBase + "revocation-0", Purpose: "revocation"},
		compact.StatusList{URL: statusBase + "suspension-0", Purpose: "suspension"})
	if err != nil {
		return err
	}
	vopts := compact.VerifyOptions{Now: benchNow.Add(time.Minute), Challenge: "K7Q2", StatusLists: lists}
	t, err = s.time("compact verify", bench{op: func(int) error {
		_, err := compact.Verify(text, keys, vopts)
		return err
	}})
	if err != nil {
		return err
	}
	row("verify compact QR presentation (no status check)", t, 2*s.verifyFloor, "two verifies", s.ariesVerify, nil)
	return nil
}
