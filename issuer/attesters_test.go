package issuer

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/cityid/cityid/schemas"
	"github.com/cityid/cityid/verifier/kiosk"
)

func TestAttesterRegistry(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	admin, err := s.CreateStaff(ctx, cli, "admin", "admin password", RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	clerk, err := s.CreateStaff(ctx, cli, "clerk", "clerk password", RoleClerk)
	if err != nil {
		t.Fatal(err)
	}
	asAdmin := Actor{Kind: "staff", Name: "admin", StaffID: admin.ID}
	asClerk := Actor{Kind: "staff", Name: "clerk", StaffID: clerk.ID}

	_, err = s.AddAttester(ctx, asClerk, "Downtown Shelter", AttesterShelter)
	wantCode(t, err, CodeForbidden)
	_, err = s.AddAttester(ctx, asAdmin, "Downtown Shelter", "church")
	wantCode(t, err, CodeInvalidRequest)
	for _, bad := range []string{"", " Downtown", "Down\ttown", strings.Repeat("x", schemas.MaxAttesterName+1)} {
		_, err = s.AddAttester(ctx, asAdmin, bad, AttesterShelter)
		wantCode(t, err, CodeInvalidRequest)
	}
	a, err := s.AddAttester(ctx, asAdmin, "Downtown Shelter", AttesterShelter)
	if err != nil || a.ID == 0 || a.Kind != AttesterShelter {
		t.Fatalf("AddAttester: %+v, %v", a, err)
	}
	_, err = s.AddAttester(ctx, asAdmin, "Downtown Shelter", AttesterCaseworker)
	wantCode(t, err, CodeConflict)
	if _, err := s.AddAttester(ctx, cli, "Ana Ruiz (Eastside Outreach)", AttesterCaseworker); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.SetAttesterDisabled(ctx, asClerk, "Downtown Shelter", true), CodeForbidden)
	wantCode(t, s.SetAttesterDisabled(ctx, asAdmin, "Nobody", true), CodeNotFound)
	if err := s.SetAttesterDisabled(ctx, asAdmin, "Downtown Shelter", true); err != nil {
		t.Fatal(err)
	}
	list, err := s.ListAttesters(ctx)
	if err != nil || len(list) != 2 || list[0].Name != "Ana Ruiz (Eastside Outreach)" || list[0].Disabled || !list[1].Disabled {
		t.Fatalf("ListAttesters: %+v, %v", list, err)
	}
	var actions []string
	rows, _ := s.db.Read.Query("SELECT action FROM audit_log WHERE action LIKE 'attester.%' ORDER BY seq")
	for rows.Next() {
		var a string
		rows.Scan(&a)
		actions = append(actions, a)
	}
	rows.Close()
	if strings.Join(actions, " ") != "attester.add attester.add attester.disable" {
		t.Fatalf("audit actions %v", actions)
	}
}

// TestAttestationRefused: an unknown or disabled attester is refused in
// plain words, and nothing is stored.
func TestAttestationRefused(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	h := newHolder(t)
	if _, err := s.AddAttester(ctx, cli, "Old Shelter", AttesterShelter); err != nil {
		t.Fatal(err)
	}
	if err := s.SetAttesterDisabled(ctx, cli, "Old Shelter", true); err != nil {
		t.Fatal(err)
	}
	before := count(t, s, "audit_log")
	for name, want := range map[string]string{"Nobody": "not a registered attester", "Old Shelter": "is disabled"} {
		_, err := s.Issue(ctx, cli, IssueRequest{Type: schemas.AgeOverCredential, Subject: h.did, Format: FormatLDP,
			Claims: claimsFor(schemas.AgeOverCredential), AttestedBy: name})
		if e := wantCode(t, err, CodeInvalidRequest); !strings.Contains(e.Message, want) {
			t.Errorf("issue attested by %s: %q", name, e.Message)
		}
		_, err = s.CreateOfferFor(ctx, cli, OfferRequest{Type: schemas.AgeOverCredential, Claims: claimsFor(schemas.AgeOverCredential), AttestedBy: name})
		if e := wantCode(t, err, CodeInvalidRequest); !strings.Contains(e.Message, want) {
			t.Errorf("offer attested by %s: %q", name, e.Message)
		}
	}
	if n, m, a := count(t, s, "credentials"), count(t, s, "offers"), count(t, s, "audit_log"); n+m != 0 || a != before {
		t.Fatalf("%d credentials, %d offers and %d new audit rows stored for refused requests", n, m, a-before)
	}
}

// TestAssistedEnrolmentEndToEnd: a credential issued by the real issuer on
// a shelter's attestation carries its evidence in every form to the
// verifier's Result, and through the kiosk to the clerk's screen; the
// audit log records the kind of attestation and the attester's id.
func TestAssistedEnrolmentEndToEnd(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	h := newHolder(t)
	a, err := s.AddAttester(ctx, cli, "Downtown Shelter", AttesterShelter)
	if err != nil {
		t.Fatal(err)
	}
	want := []schemas.Evidence{{Kind: schemas.EvidenceShelter, Attester: "Downtown Shelter"}}
	var qr string
	for _, f := range []Format{FormatLDP, FormatSDJWT, FormatQR} {
		rec, err := s.Issue(ctx, cli, IssueRequest{Type: schemas.ResidencyCredential, Subject: h.did, Format: f,
			Claims: residencyClaims(), AttestedBy: "Downtown Shelter"})
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if !reflect.DeepEqual(rec.Evidence, want) {
			t.Errorf("%s: record evidence %v", f, rec.Evidence)
		}
		if got, _ := s.Get(ctx, rec.ID); got == nil || !reflect.DeepEqual(got.Evidence, want) {
			t.Errorf("%s: Get evidence %+v", f, got)
		}
		cred := rec.Credential
		if f == FormatQR {
			qr = presentQR(t, h, string(cred), "")
			cred = []byte(qr)
		}
		res := verify(t, s, cred)
		if !res.Verified || !reflect.DeepEqual(res.Evidence, want) {
			b, _ := json.MarshalIndent(res, "", "  ")
			t.Fatalf("%s: want verified with evidence %v:\n%s", f, want, b)
		}
		if _, ok := res.Claims["evidence"]; ok {
			t.Errorf("%s: evidence reported among the claims", f)
		}
		var details string
		s.db.Read.QueryRow("SELECT details FROM audit_log WHERE action = 'credential.issue' AND object = ?", rec.ID).Scan(&details)
		var d map[string]any
		json.Unmarshal([]byte(details), &d)
		if d["attestation"] != schemas.EvidenceShelter || d["attester"] != float64(a.ID) || strings.Contains(details, "Springfield") {
			t.Errorf("%s: audit details %s", f, details)
		}
	}

	// The kiosk shows it to the clerk.
	dir := t.TempDir()
	bundle, err := s.Bundle(ctx)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "bundle.json")
	if err := os.WriteFile(path, bundle, 0o600); err != nil {
		t.Fatal(err)
	}
	k, err := kiosk.New(kiosk.Config{TrustBundlePath: path, PinnedRoot: s.RootDID(), Clock: s.now})
	if err != nil {
		t.Fatal(err)
	}
	o := k.Check(ctx, []byte(qr))
	if !o.Pass || len(o.Evidence) != 1 || o.Evidence[0] != "Identity attested by a shelter (Downtown Shelter)." {
		t.Fatalf("kiosk outcome %+v", o)
	}
	var screen bytes.Buffer
	if err := kiosk.Render(&screen, o, 80); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(screen.String(), "Identity attested by a shelter (Downtown Shelter).") {
		t.Fatalf("kiosk screen:\n%s", screen.String())
	}
}

// TestAttestedOfferAndRecovery: an offer made on a caseworker's attestation
// gives the wallet credentials with that evidence in every form, and the
// replacements of a counter recovery (for a new wallet, or on paper) keep
// it, even when the caseworker was disabled since.
func TestAttestedOfferAndRecovery(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	res, _ := s.Enrol(ctx, cli, "Ana", "")
	if _, err := s.AddAttester(ctx, cli, "Ana Ruiz", AttesterCaseworker); err != nil {
		t.Fatal(err)
	}
	want := []schemas.Evidence{{Kind: schemas.EvidenceCaseworker, Attester: "Ana Ruiz"}}
	redeem := func(o *Offer) {
		t.Helper()
		code, _ := offerCode(t, o)
		grant, err := s.RedeemPreAuthorizedCode(ctx, code, o.TxCode)
		if err != nil {
			t.Fatal(err)
		}
		h := newHolder(t)
		for _, f := range []Format{FormatSDJWT, FormatLDP, FormatQR} {
			nonce, _ := s.NewNonce(ctx)
			rec, err := s.IssueForToken(ctx, grant.AccessToken, o.Type, f, HolderProof{DID: h.did, PublicKey: h.pub}, nonce)
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			cred := rec.Credential
			if f == FormatQR {
				cred = []byte(presentQR(t, h, string(cred), ""))
			}
			if r := verify(t, s, cred); !r.Verified || !reflect.DeepEqual(r.Evidence, want) {
				t.Fatalf("%s: verified %v, evidence %v", f, r.Verified, r.Evidence)
			}
		}
	}
	o, err := s.CreateOfferFor(ctx, cli, OfferRequest{Type: schemas.AgeOverCredential, Claims: claimsFor(schemas.AgeOverCredential),
		ResidentID: res.ID, AttestedBy: "Ana Ruiz"})
	if err != nil {
		t.Fatal(err)
	}
	var details string
	s.db.Read.QueryRow("SELECT details FROM audit_log WHERE action = 'offer.create'").Scan(&details)
	if !strings.Contains(details, `"attestation":"caseworkerAttestation"`) || !strings.Contains(details, `"attester":1`) {
		t.Errorf("offer audit details %s", details)
	}
	redeem(o)
	if err := s.SetAttesterDisabled(ctx, cli, "Ana Ruiz", true); err != nil {
		t.Fatal(err)
	}
	rcv, err := s.Recover(ctx, cli, RecoveryRequest{ResidentID: res.ID, Evidence: RecoveryEvidence{Kind: EvidenceKnownToStaff}})
	if err != nil || len(rcv.Offers) != 1 {
		t.Fatalf("Recover: %+v, %v", rcv, err)
	}
	redeem(&rcv.Offers[0])
	// On paper too: the replacement printed at the counter carries it.
	rcv, err = s.Recover(ctx, cli, RecoveryRequest{ResidentID: res.ID, Evidence: RecoveryEvidence{Kind: EvidenceKnownToStaff}, Paper: true})
	if err != nil || len(rcv.Paper) != 1 {
		t.Fatalf("Recover on paper: %+v, %v", rcv, err)
	}
	if r := verify(t, s, rcv.Paper[0].Credential); !r.Verified || !reflect.DeepEqual(r.Evidence, want) {
		t.Fatalf("paper replacement: verified %v, evidence %v, failures %v", r.Verified, r.Evidence, r.Failures)
	}
}

// TestAttesterDisabledMeanwhile: an attester disabled between validation and
// storage attests nothing: the transaction re-checks it.
func TestAttesterDisabledMeanwhile(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	h := newHolder(t)
	if _, err := s.AddAttester(ctx, cli, "Night Shelter", AttesterShelter); err != nil {
		t.Fatal(err)
	}
	in, err := s.validateIssue(ctx, IssueRequest{Type: schemas.AgeOverCredential, Subject: h.did, Format: FormatLDP,
		Claims: claimsFor(schemas.AgeOverCredential), AttestedBy: "Night Shelter"})
	if err != nil {
		t.Fatal(err)
	}
	rec, err := s.sign(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetAttesterDisabled(ctx, cli, "Night Shelter", true); err != nil {
		t.Fatal(err)
	}
	err = s.w.do(ctx, func(w *wtx) error { return w.insertIssued(cli, rec, in.claimsJSON) })
	if e := wantCode(t, err, CodeInvalidRequest); !strings.Contains(e.Message, "disabled") {
		t.Fatalf("message %q", e.Message)
	}
	if n := count(t, s, "credentials"); n != 0 {
		t.Fatalf("%d credentials stored", n)
	}
}

// TestAttestedPaper: a paper print of an attested credential (PrintPaper,
// showing chosen claims) carries the evidence to the verifier.
func TestAttestedPaper(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	h := newHolder(t)
	if _, err := s.AddAttester(ctx, cli, "Ana Ruiz", AttesterCaseworker); err != nil {
		t.Fatal(err)
	}
	rec, err := s.Issue(ctx, cli, IssueRequest{Type: schemas.CityIDCredential, Subject: h.did, Format: FormatLDP,
		Claims: cityIDClaims(), AttestedBy: "Ana Ruiz"})
	if err != nil {
		t.Fatal(err)
	}
	pc, err := s.PrintPaper(ctx, cli, rec.ID, []string{"givenName", "familyName"})
	if err != nil {
		t.Fatal(err)
	}
	res := verify(t, s, []byte(pc.Text))
	want := []schemas.Evidence{{Kind: schemas.EvidenceCaseworker, Attester: "Ana Ruiz"}}
	if !res.Verified || !res.Paper || !reflect.DeepEqual(res.Evidence, want) {
		t.Fatalf("paper: verified %v, paper %v, evidence %v, failures %v", res.Verified, res.Paper, res.Evidence, res.Failures)
	}
}
