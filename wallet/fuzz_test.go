package wallet_test

import (
	"bytes"
	"testing"

	"github.com/cityid/cityid/wallet"
)

// FuzzImport feeds arbitrary files to Import: no panic, and nothing is ever
// accepted unless the test issuer signed it for this wallet.
func FuzzImport(f *testing.F) {
	clock := newClock()
	dir := f.TempDir()
	w, err := wallet.Create(dir+"/w", testPIN, wallet.Options{Clock: clock.Now})
	if err != nil {
		f.Fatal(err)
	}
	defer w.Close()
	iss := newTestIssuer(f)
	ldp := iss.ldp(f, w.DID(), "CityIDCredential", cityClaims, clock.Now())
	sd := iss.sdjwt(f, w.Signer().Public(), "CityIDCredential", cityClaims, clock.Now())
	f.Add(ldp)
	f.Add(sd)
	f.Add([]byte("CID1:6BFOXN*TS0BI$ZD4N9:9S6RCVN5+O30K3/XIV0W23NTDEMWK4MI6UOS03CR83KLBKAVD"))
	f.Add([]byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"]}`))
	f.Add([]byte("eyJhbGciOiJub25lIn0.e30.~"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := w.Import(data)
		if err != nil {
			return
		}
		if c.Issuer != iss.did || (!bytes.Equal(bytes.TrimSpace(data), ldp) && !bytes.Equal(bytes.TrimSpace(data), sd)) {
			t.Fatalf("accepted a credential the issuer did not sign for this wallet: %q", data)
		}
	})
}
