package oid4vci

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
)

// testQRText has the form of a cityid-qr credential (its content is not
// checked by this package).
const testQRText = "CID1:PWGSLK/-47U8I94FGP07BF.GDF3C00D22P+0 PGI NQM88-76O8M0G58V.709Z9*KE"

func TestCompactQRText(t *testing.T) {
	for _, good := range []string{testQRText, "CID1:A", "CID12:0 $%*+-./:Z"} {
		if !IsCompactQRText(good) {
			t.Errorf("%q refused", good)
		}
	}
	for _, bad := range []string{"", "CID1:", "CID:AB", "CID1AB", "HC1:NCF", "CID1:abc", "CID1:AB\n", "CID1:AB~", `CID1:"`,
		"CID12345:AB", "CID1:" + strings.Repeat("A", 8<<10)} {
		if IsCompactQRText(bad) {
			t.Errorf("%q accepted", bad)
		}
	}
	ic, err := NewIssuedCredential(FormatCompactQR, []byte(testQRText))
	if err != nil {
		t.Fatal(err)
	}
	if string(ic.Credential) != `"`+testQRText+`"` {
		t.Fatalf("a cityid-qr credential travels as a JSON string: %s", ic.Credential)
	}
	if b, err := ic.Bytes(); err != nil || string(b) != testQRText {
		t.Fatalf("Bytes: %q %v", b, err)
	}
	if _, err := NewIssuedCredential(FormatCompactQR, []byte("h.p.s~")); err == nil {
		t.Fatal("an SD-JWT accepted as a cityid-qr credential")
	}
}

// offerAll offers the three configurations of the scripted issuer.
func (s *scripted) offerAll() *CredentialOffer {
	o := s.offer()
	o.CredentialConfigurationIDs = []string{"T_sd-jwt", "T_ldp", "T_qr"}
	return o
}

func TestReceiveQR(t *testing.T) {
	s := newScripted(t, false)
	cred, err := (&Client{}).Receive(context.Background(), s.offerAll(), "123456", edKey(t), "T_qr")
	if err != nil || string(cred) != testQRText {
		t.Fatalf("cityid-qr: %q %v", cred, err)
	}
	for name, body := range map[string]string{
		"object":     `{"credentials":[{"credential":{"a":1}}]}`,
		"lower case": `{"credentials":[{"credential":"cid1:abc"}]}`,
		"an SD-JWT":  `{"credentials":[{"credential":"h.p.s~"}]}`,
	} {
		s := newScripted(t, false)
		s.override["/credential"] = func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, body)
		}
		if _, err := (&Client{}).Receive(context.Background(), s.offerAll(), "123456", edKey(t), "T_qr"); !errors.Is(err, ErrProtocol) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestReceiveAllUsesOneToken(t *testing.T) {
	s := newScripted(t, false)
	got, err := (&Client{}).ReceiveAll(context.Background(), s.offerAll(), "123456", edKey(t))
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ id, format, cred string }{
		{"T_sd-jwt", FormatSDJWT, "h.p.s~"},
		{"T_ldp", FormatLDP, `{"type":["VerifiableCredential"]}`},
		{"T_qr", FormatCompactQR, testQRText},
	}
	if len(got) != len(want) {
		t.Fatalf("%d results", len(got))
	}
	for i, w := range want {
		if g := got[i]; g.Err != nil || g.ConfigurationID != w.id || g.Format != w.format || string(g.Credential) != w.cred {
			t.Errorf("result %d: %+v (%s)", i, g, g.Credential)
		}
	}
	if tok, n, c := s.count("/token"), s.count("/nonce"), s.count("/credential"); tok != 1 || n != 3 || c != 3 {
		t.Fatalf("%d token, %d nonce, %d credential requests", tok, n, c)
	}
}

func TestReceiveAllPartialFailures(t *testing.T) {
	s := newScripted(t, false)
	s.deny = "T_ldp"
	// A P-256 holder cannot be bound in T_qr (EdDSA proofs only): it is
	// not requested. T_ldp is refused by the issuer; T_sd-jwt arrives.
	got, err := (&Client{}).ReceiveAll(context.Background(), s.offerAll(), "123456", p256Key(t))
	if err != nil {
		t.Fatal(err)
	}
	var e *Error
	if got[0].Err != nil || string(got[0].Credential) != "h.p.s~" {
		t.Errorf("sd-jwt: %+v", got[0])
	}
	if !errors.As(got[1].Err, &e) || e.Code != CodeCredentialRequestDenied || got[1].Credential != nil {
		t.Errorf("ldp: %+v", got[1])
	}
	if !errors.Is(got[2].Err, ErrProtocol) || got[2].Credential != nil {
		t.Errorf("qr: %+v", got[2])
	}
	if tok, c := s.count("/token"), s.count("/credential"); tok != 1 || c != 2 {
		t.Fatalf("%d token and %d credential requests", tok, c)
	}
}

func TestReceiveAllChecksBeforeRedeeming(t *testing.T) {
	ctx := context.Background()
	for name, run := range map[string]func(s *scripted) error{
		"not offered": func(s *scripted) error {
			_, err := (&Client{}).ReceiveAll(ctx, s.offer(), "123456", edKey(t), "T_sd-jwt", "T_qr")
			return err
		},
		"twice": func(s *scripted) error {
			_, err := (&Client{}).ReceiveAll(ctx, s.offerAll(), "123456", edKey(t), "T_ldp", "T_ldp")
			return err
		},
		"no usable configuration": func(s *scripted) error {
			_, err := (&Client{}).ReceiveAll(ctx, s.offerAll(), "123456", p256Key(t), "T_qr")
			if !errors.Is(err, ErrProtocol) {
				t.Errorf("no usable configuration: %v", err)
			}
			return err
		},
	} {
		s := newScripted(t, false)
		if err := run(s); err == nil {
			t.Errorf("%s: accepted", name)
		}
		if n := s.count("/token"); n != 0 {
			t.Errorf("%s: the offer was redeemed", name)
		}
	}
}
