package compact

import (
	"bytes"
	"compress/zlib"
	"crypto/ed25519"
	"crypto/sha256"
	"testing"
	"time"

	"github.com/cityid/cityid/credential/compact/base45"
	"github.com/cityid/cityid/credential/status"
	"github.com/cityid/cityid/did"
)

// Fixed test keys: Ed25519 seeds of 32 equal bytes.
func testKey(b byte) ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{b}, 32))
}

var (
	issuerPriv = testKey(0x01)
	holderPriv = testKey(0x02)
	otherPriv  = testKey(0x03) // another issuer, or another holder
)

func keyDID(t testing.TB, k ed25519.PrivateKey) (string, string) {
	t.Helper()
	d, err := did.KeyDID(k.Public())
	if err != nil {
		t.Fatal(err)
	}
	vm, err := did.KeyVerificationMethod(k.Public())
	if err != nil {
		t.Fatal(err)
	}
	return d, vm
}

// fixedTime is the issuance time of the test credentials.
var fixedTime = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

const statusBase = "https://id.springfield.example/status/"

// statusEntries are the issuer service's two entries for index 48213 of list 0.
func statusEntries() []any {
	var out []any
	for _, p := range []string{status.PurposeRevocation, status.PurposeSuspension} {
		u := statusBase + p + "-0"
		out = append(out, status.Entry{ID: u + "#48213", Purpose: p, Index: 48213, ListCredential: u}.Map())
	}
	return out
}

func testStatusLists(t testing.TB) StatusFunc {
	t.Helper()
	f, err := StatusLists(
		StatusList{statusBase + "revocation-0", status.PurposeRevocation},
		StatusList{statusBase + "suspension-0", status.PurposeSuspension},
	)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func testKeys(t testing.TB, privs ...ed25519.PrivateKey) KeyFunc {
	t.Helper()
	var ks []IssuerKey
	for _, p := range privs {
		d, vm := keyDID(t, p)
		ks = append(ks, IssuerKey{Issuer: d, VerificationMethod: vm, PublicKey: p.Public()})
	}
	f, err := Keys(ks...)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// sample returns an unsigned credential of typ as the issuer service builds
// it, with the given subject claims; holder is the subject's key (nil: no
// subject id).
func sample(t testing.TB, typ string, claims map[string]any, holder ed25519.PrivateKey) map[string]any {
	t.Helper()
	issuer, _ := keyDID(t, issuerPriv)
	subject := map[string]any{}
	for k, v := range claims {
		subject[k] = v
	}
	if holder != nil {
		subject["id"], _ = keyDID(t, holder)
	}
	return map[string]any{
		"@context":          []any{"https://www.w3.org/ns/credentials/v2", "https://cityid.dev/ns/v1"},
		"id":                "urn:uuid:3978344f-8596-4c3a-a978-8fcaba3903c5",
		"type":              []any{"VerifiableCredential", typ},
		"issuer":            issuer,
		"validFrom":         fixedTime.Format(time.RFC3339),
		"validUntil":        fixedTime.AddDate(5, 0, 0).Format(time.RFC3339),
		"credentialSubject": subject,
		"credentialStatus":  statusEntries(),
	}
}

// Realistic claims for every type. cityID is the size target's credential.
var (
	cityID      = map[string]any{"givenName": "Maria", "familyName": "Garcia Lopez", "birthDate": "1987-03-14", "residentOf": "Springfield"}
	cityIDPhoto = map[string]any{"givenName": "Ana María", "familyName": "O'Neil-Núñez", "birthDate": "1990-04-30",
		"photoDigest": "uEiBVxk0PzW-dX3yCgJOFfj_f2mhHi7TpvSTUge85HHgE6A", "residentOf": "Springfield"}
	residency = map[string]any{"residentOf": "Springfield", "housingStatus": "housed", "residentSince": "2010-09-01",
		"address": map[string]any{"streetAddress": "742 Evergreen Terrace", "unit": "2B", "postalCode": "49007", "addressLocality": "Springfield"}}
	shelter     = map[string]any{"residentOf": "Springfield", "housingStatus": "shelter", "shelterName": "Riverside Shelter"}
	ageOver     = map[string]any{"ageOver18": true, "ageOver21": true, "ageOver65": false}
	eligibility = map[string]any{"program": "transit-discount", "programName": "Reduced fare transit", "eligibleFrom": "2026-01-01", "eligibleUntil": "2026-12-31"}
)

// fixedRand is a deterministic stream for test vectors: SHA-256 in counter
// mode over a label.
type fixedRand struct {
	label string
	n     int
	buf   []byte
}

func (r *fixedRand) Read(p []byte) (int, error) {
	for i := range p {
		if len(r.buf) == 0 {
			sum := sha256.Sum256([]byte(r.label + string(rune('0'+r.n))))
			r.buf, r.n = sum[:], r.n+1
		}
		p[i], r.buf = r.buf[0], r.buf[1:]
	}
	return len(p), nil
}

// issued is a test credential in its three forms.
type issued struct {
	vc, paperVC   map[string]any
	stored, paper string
	unboundStored string
}

// issueAll issues claims of typ as a holder-bound stored credential, an
// unbound stored credential and a paper credential.
func issueAll(t testing.TB, typ string, claims map[string]any) issued {
	t.Helper()
	_, vm := keyDID(t, issuerPriv)
	var out issued
	var err error
	out.vc = sample(t, typ, claims, holderPriv)
	out.stored, err = Issue(out.vc, issuerPriv, IssueOptions{KeyID: vm, HolderKey: holderPriv.Public(), Rand: &fixedRand{label: typ}})
	if err != nil {
		t.Fatal(err)
	}
	out.unboundStored, err = Issue(out.vc, issuerPriv, IssueOptions{KeyID: vm})
	if err != nil {
		t.Fatal(err)
	}
	out.paperVC = sample(t, typ, claims, nil)
	out.paper, err = IssuePaper(out.paperVC, issuerPriv, IssueOptions{KeyID: vm})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func claimNames(claims map[string]any) []string {
	var out []string
	for k := range claims {
		out = append(out, k)
	}
	return out
}

// present makes a holder-bound presentation at fixedTime.
func present(t testing.TB, stored string, disclose []string, challenge string) string {
	t.Helper()
	p, err := Present(stored, disclose, holderPriv, PresentOptions{Time: fixedTime, Challenge: challenge})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// verifyOpts verifies at one minute after fixedTime with the test status lists.
func verifyOpts(t testing.TB) VerifyOptions {
	return VerifyOptions{Now: fixedTime.Add(time.Minute), StatusLists: testStatusLists(t)}
}

// decodeForTest returns the generic CBOR members of a text.
func decodeForTest(t testing.TB, text string) []any {
	t.Helper()
	data, err := decodeText(text)
	if err != nil {
		t.Fatal(err)
	}
	elems, err := decodeCBOR(data)
	if err != nil {
		t.Fatal(err)
	}
	return elems
}

// mutate decodes text, lets f change its members and encodes it again.
func mutate(t testing.TB, text string, f func(e []any)) string {
	t.Helper()
	e := decodeForTest(t, text)
	f(e)
	return Prefix + base45Encode(encode(e))
}

func base45Encode(b []byte) string { return base45.Encode(b) }

func zlibForTest(t testing.TB, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w := zlib.NewWriter(&b)
	w.Write(data)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
