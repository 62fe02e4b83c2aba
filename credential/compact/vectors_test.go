package compact

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/cityid/cityid/schemas"
)

var update = flag.Bool("update", false, "rewrite testdata/vectors.json")

// vector is one entry of testdata/vectors.json. Every text is reproduced
// byte for byte from the inputs: Ed25519 signatures are deterministic, the
// salt tree's root is given, and times are fixed.
type vector struct {
	Name        string         `json:"name"`
	Description string         `json:"description"`
	Credential  map[string]any `json:"credential"`           // the unsigned VC given to Issue or IssuePaper
	IssuerSeed  string         `json:"issuerSeed"`           // Ed25519 private key seed, hex
	HolderSeed  string         `json:"holderSeed,omitempty"` // Ed25519 seed of the holder key, hex
	RootSeed    string         `json:"rootSeed,omitempty"`   // salt tree root (IssueOptions.Rand), hex
	Disclose    []string       `json:"disclose,omitempty"`
	Challenge   string         `json:"challenge,omitempty"`
	PresentedAt string         `json:"presentedAt,omitempty"`
	VerifyAt    string         `json:"verifyAt"`
	KeyID       string         `json:"keyID"`
	StatusRefs  map[string]any `json:"statusRefs"` // reference → [purpose, list URL]
	Salts       []string       `json:"salts,omitempty"`
	Digests     []string       `json:"digests,omitempty"`
	Signed      string         `json:"signedPayload"` // the COSE payload the issuer signed, hex
	Stored      string         `json:"stored,omitempty"`
	Text        string         `json:"text"`     // the QR text
	CBOR        string         `json:"cbor"`     // the QR text's data, hex
	Expanded    map[string]any `json:"expanded"` // what Verify gives
}

const (
	vectorIssuerSeed = "0101010101010101010101010101010101010101010101010101010101010101"
	vectorHolderSeed = "0202020202020202020202020202020202020202020202020202020202020202"
	vectorRootSeed   = "000102030405060708090a0b0c0d0e0f"
)

func makeVectors(t *testing.T) []vector {
	presentedAt := fixedTime.Add(30 * time.Second).Format(time.RFC3339)
	verifyAt := fixedTime.Add(time.Minute).Format(time.RFC3339)
	bound := sample(t, schemas.CityIDCredential, cityID, holderPriv)
	delete(bound, "id")
	paper := sample(t, schemas.CityIDCredential, cityID, nil)
	delete(paper, "id")
	age := sample(t, schemas.AgeOverCredential, ageOver, nil)
	delete(age, "id")
	attested := sample(t, schemas.ResidencyCredential, shelter, holderPriv)
	delete(attested, "id")
	attested["evidence"] = schemas.EvidenceList([]schemas.Evidence{{Kind: schemas.EvidenceShelter, Attester: "Downtown Shelter"}})
	attestedPaper := sample(t, schemas.CityIDCredential, cityID, nil)
	delete(attestedPaper, "id")
	attestedPaper["evidence"] = schemas.EvidenceList([]schemas.Evidence{{Kind: schemas.EvidenceCaseworker, Attester: "Ana Ruiz"}})
	return []vector{
		{Name: "city-id-holder-bound", Description: "The size target: a city ID bound to the holder's key, every claim disclosed, no challenge.",
			Credential: bound, IssuerSeed: vectorIssuerSeed, HolderSeed: vectorHolderSeed, RootSeed: vectorRootSeed,
			Disclose: []string{"givenName", "familyName", "birthDate", "residentOf"}, PresentedAt: presentedAt, VerifyAt: verifyAt},
		{Name: "city-id-partial-challenge", Description: "The same credential showing only givenName and residentOf, signed for the kiosk challenge K7Q2.",
			Credential: bound, IssuerSeed: vectorIssuerSeed, HolderSeed: vectorHolderSeed, RootSeed: vectorRootSeed,
			Disclose: []string{"givenName", "residentOf"}, Challenge: "K7Q2", PresentedAt: presentedAt, VerifyAt: verifyAt},
		{Name: "age-over-unbound", Description: "An age-over credential issued without a holder key, showing only ageOver18.",
			Credential: age, IssuerSeed: vectorIssuerSeed, RootSeed: vectorRootSeed, Disclose: []string{"ageOver18"}, VerifyAt: verifyAt},
		{Name: "city-id-paper", Description: "The paper size target: a printed city ID, every claim in the clear, no holder binding.",
			Credential: paper, IssuerSeed: vectorIssuerSeed, VerifyAt: verifyAt},
		{Name: "residency-shelter-attested", Description: "Assisted enrolment: a residency credential issued on a shelter's attestation (evidence), holder-bound, showing residentOf.",
			Credential: attested, IssuerSeed: vectorIssuerSeed, HolderSeed: vectorHolderSeed, RootSeed: vectorRootSeed,
			Disclose: []string{"residentOf"}, PresentedAt: presentedAt, VerifyAt: verifyAt},
		{Name: "city-id-paper-caseworker-attested", Description: "A printed city ID issued on a caseworker's attestation (evidence).",
			Credential: attestedPaper, IssuerSeed: vectorIssuerSeed, VerifyAt: verifyAt},
	}
}

// fill computes a vector's outputs from its inputs.
func fill(t *testing.T, v *vector) {
	t.Helper()
	issuer := ed25519.NewKeyFromSeed(mustHex(v.IssuerSeed))
	_, vm := keyDID(t, issuer)
	v.KeyID, _ = KeyID(issuer.Public())
	v.StatusRefs = map[string]any{}
	for _, e := range statusEntries() {
		m := e.(map[string]any)
		v.StatusRefs[StatusRef(m["statusPurpose"].(string), m["statusListCredential"].(string))] = []any{m["statusPurpose"], m["statusListCredential"]}
	}
	var err error
	if v.RootSeed == "" {
		v.Text, err = IssuePaper(v.Credential, issuer, IssueOptions{KeyID: vm})
		if err != nil {
			t.Fatal(err)
		}
		v.Signed = hex.EncodeToString(decodeForTest(t, v.Text)[2].([]byte))
	} else {
		opts := IssueOptions{KeyID: vm, Rand: bytes.NewReader(mustHex(v.RootSeed))}
		var holder ed25519.PrivateKey
		if v.HolderSeed != "" {
			holder = ed25519.NewKeyFromSeed(mustHex(v.HolderSeed))
			opts.HolderKey = holder.Public()
		}
		if v.Stored, err = Issue(v.Credential, issuer, opts); err != nil {
			t.Fatal(err)
		}
		p, err := parse(v.Stored)
		if err != nil {
			t.Fatal(err)
		}
		var digests []any
		for i, salt := range allSalts(p.root, len(p.c.claims)) {
			d := claimDigest(salt, p.c.claims[i])
			v.Salts = append(v.Salts, hex.EncodeToString(salt))
			v.Digests = append(v.Digests, hex.EncodeToString(d))
			digests = append(digests, d)
		}
		v.Signed = hex.EncodeToString(p.c.body(digests))
		popts := PresentOptions{Challenge: v.Challenge}
		if v.PresentedAt != "" {
			popts.Time, _ = time.Parse(time.RFC3339, v.PresentedAt)
		}
		if holder != nil {
			v.Text, err = Present(v.Stored, v.Disclose, holder, popts)
		} else { // a nil ed25519.PrivateKey would be a non-nil crypto.Signer
			v.Text, err = Present(v.Stored, v.Disclose, nil, popts)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	data, err := decodeText(v.Text)
	if err != nil {
		t.Fatal(err)
	}
	v.CBOR = hex.EncodeToString(data)
	res := verifyVector(t, v)
	v.Expanded = jsonValue(t, res.Credential).(map[string]any)
}

func verifyVector(t *testing.T, v *vector) *Verified {
	t.Helper()
	issuer := ed25519.NewKeyFromSeed(mustHex(v.IssuerSeed))
	keys := testKeys(t, issuer)
	now, _ := time.Parse(time.RFC3339, v.VerifyAt)
	var lists []StatusList
	for _, pu := range v.StatusRefs {
		pair := pu.([]any)
		lists = append(lists, StatusList{URL: pair[1].(string), Purpose: pair[0].(string)})
	}
	resolve, err := StatusLists(lists...)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Verify(v.Text, keys, VerifyOptions{Now: now, Challenge: v.Challenge, StatusLists: resolve})
	if err != nil {
		t.Fatalf("%s: %v", v.Name, err)
	}
	return res
}

// TestVectors reproduces testdata/vectors.json byte for byte and verifies
// every vector. go test -run TestVectors -update rewrites it.
func TestVectors(t *testing.T) {
	vs := makeVectors(t)
	for i := range vs {
		fill(t, &vs[i])
	}
	got, err := json.MarshalIndent(vs, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	const file = "testdata/vectors.json"
	if *update {
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is not reproduced; run go test -run TestVectors -update and review the diff", file)
	}
	// The file's texts verify on their own and expand as recorded.
	var fromFile []vector
	if err := json.Unmarshal(want, &fromFile); err != nil {
		t.Fatal(err)
	}
	for i := range fromFile {
		res := verifyVector(t, &fromFile[i])
		if !reflect.DeepEqual(jsonValue(t, res.Credential), any(fromFile[i].Expanded)) {
			t.Errorf("%s: expanded differently", fromFile[i].Name)
		}
	}
}
