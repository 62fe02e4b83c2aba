package wallet_test

import (
	"context"
	"slices"
	"testing"

	"github.com/cityid/cityid/issuer"
	"github.com/cityid/cityid/issuer/server/servertest"
	"github.com/cityid/cityid/schemas"
	"github.com/cityid/cityid/wallet"
)

// TestReceiveAttested: a credential issued on a shelter's attestation
// arrives with its evidence, which the wallet keeps with the entry (every
// form carries it; verifiers see it) so that it can tell the resident.
func TestReceiveAttested(t *testing.T) {
	ctx := context.Background()
	svc, srv := servertest.Start(t, servertest.Options{})
	if _, err := svc.AddAttester(ctx, clerk, "Eastside Night Shelter", issuer.AttesterShelter); err != nil {
		t.Fatal(err)
	}
	o, err := svc.CreateOfferFor(ctx, clerk, issuer.OfferRequest{Type: "ResidencyCredential",
		Claims:     map[string]any{"residentOf": "Springfield", "housingStatus": "shelter", "shelterName": "Eastside Night Shelter"},
		AttestedBy: "Eastside Night Shelter"})
	if err != nil {
		t.Fatal(err)
	}
	w, _ := newWallet(t, wallet.Options{HTTPClient: srv.Client()})
	got, err := w.ReceiveOffer(ctx, o.URI, o.TxCode)
	if err != nil || len(got) != 1 {
		t.Fatalf("receive: %v %v", got, err)
	}
	want := []schemas.Evidence{{Kind: schemas.EvidenceShelter, Attester: "Eastside Night Shelter"}}
	if !slices.Equal(got[0].Evidence, want) {
		t.Fatalf("evidence %+v, want %+v", got[0].Evidence, want)
	}
	if len(got[0].Forms) != 3 {
		t.Fatalf("forms %v", got[0].Forms)
	}
	c, err := w.Get(got[0].ID)
	if err != nil || !slices.Equal(c.Evidence, want) {
		t.Fatalf("stored evidence %+v %v", c.Evidence, err)
	}
}
