package verifier_test

import (
	"context"
	"fmt"
	"time"

	"github.com/cityid/cityid/credential/trust"
	"github.com/cityid/cityid/schemas"
	"github.com/cityid/cityid/verifier"
)

// An agency embeds the verifier: it opens the city's trust bundle against the
// root key it pinned, builds a verifier from a policy, and checks what a
// resident shows. Failures carry a reason code and a sentence to read out.
func Example() {
	bundleFile, rootDID, credentialJSON := exampleInputs()

	bundle, err := trust.Open(bundleFile, rootDID, now)
	if err != nil {
		fmt.Println("cannot load the city's trust bundle:", err)
		return
	}
	policy := verifier.DefaultPolicy(bundle)
	policy.Clock = func() time.Time { return now } // time.Now in production
	v, err := verifier.New(policy)
	if err != nil {
		fmt.Println(err)
		return
	}

	res := v.Verify(context.Background(), credentialJSON)
	fmt.Println("verified:", res.Verified)
	fmt.Println("resident of:", res.Claims["residentOf"])
	fmt.Println("status:", res.Checks.Status)
	// Output:
	// verified: true
	// resident of: Springfield
	// status: ok
}

// A revoked credential is refused, and the result says why.
func Example_revoked() {
	bundleFile, rootDID, _ := exampleInputs()
	bundle, _ := trust.Open(bundleFile, rootDID, now)
	policy := verifier.DefaultPolicy(bundle)
	policy.Clock = func() time.Time { return now }
	v, _ := verifier.New(policy)

	res := v.Verify(context.Background(), exampleRevoked())
	for _, f := range res.Failures {
		fmt.Printf("%s: %s (%s)\n", f.Check, f.Message, f.Reason)
	}
	// Output:
	// status: the issuer has revoked this credential (revoked)
}

// exampleInputs builds what an agency would have on disk: the signed bundle,
// the pinned root, and a credential a resident presents.
func exampleInputs() (bundleFile []byte, rootDID string, credentialJSON []byte) {
	t := panicker{}
	w := newWorld(t)
	data, err := trust.Sign(w.bundle, w.root.key)
	if err != nil {
		panic(err)
	}
	return data, w.root.did, mustJSON(t, w.signLDP(t, w.issuer, w.residency(w.issuer.did, 3)))
}

func exampleRevoked() []byte {
	t := panicker{}
	w := newWorld(t)
	return mustJSON(t, w.signLDP(t, w.issuer, w.residency(w.issuer.did, revokedIndex)))
}

// A counter that accepts paper for most credentials but wants the resident's
// wallet for a city ID: the paper residency credential passes, flagged so
// the clerk compares the printed name with the person.
func Example_requireHolderBindingFor() {
	bundleFile, rootDID, _ := exampleInputs()
	bundle, _ := trust.Open(bundleFile, rootDID, now)
	policy := verifier.DefaultPolicy(bundle)
	policy.Clock = func() time.Time { return now }
	policy.RequireHolderBindingFor = []string{"CityIDCredential"}
	v, _ := verifier.New(policy)

	res := v.Verify(context.Background(), examplePaper())
	fmt.Println("verified:", res.Verified, "paper:", res.Paper, "no holder binding:", res.NoHolderBinding)
	// Output:
	// verified: true paper: true no holder binding: true
}

func examplePaper() []byte {
	t := panicker{}
	w := newWorld(t)
	return []byte(w.compactCredential(t, w.issuer, 3, true))
}

// Every refusal has a plain message for the person at the counter: what the
// reason means and what to do next.
func ExampleReason_StaffMessage() {
	fmt.Println(verifier.ReasonRevoked.StaffMessage())
	// Output:
	// Revoked: the city has withdrawn this credential. Do not accept it; the resident can ask the issuing office why.
}

// A credential issued on a shelter's attestation (assisted enrolment)
// carries its evidence; the result reports it for every form.
func Example_evidence() {
	bundleFile, rootDID, _ := exampleInputs()
	bundle, _ := trust.Open(bundleFile, rootDID, now)
	policy := verifier.DefaultPolicy(bundle)
	policy.Clock = func() time.Time { return now }
	v, _ := verifier.New(policy)

	res := v.Verify(context.Background(), exampleAttested())
	fmt.Println("verified:", res.Verified)
	for _, e := range res.Evidence {
		fmt.Println(e.Kind, "-", e.Describe())
	}
	// Output:
	// verified: true
	// shelterAttestation - Identity attested by a shelter (Downtown Shelter)
}

func exampleAttested() []byte {
	t := panicker{}
	w := newWorld(t)
	vc := w.residency(w.issuer.did, 3)
	vc["evidence"] = schemas.EvidenceList([]schemas.Evidence{{Kind: schemas.EvidenceShelter, Attester: "Downtown Shelter"}})
	return mustJSON(t, w.signLDP(t, w.issuer, vc))
}
