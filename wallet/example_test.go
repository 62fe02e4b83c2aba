package wallet_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"time"

	"github.com/cityid/cityid/issuer"
	"github.com/cityid/cityid/issuer/server"
	"github.com/cityid/cityid/wallet"
)

// A resident's first start: a wallet with its own key, protected by a PIN.
func ExampleCreate() {
	root, _ := os.MkdirTemp("", "wallets")
	defer os.RemoveAll(root)

	w, err := wallet.Create(filepath.Join(root, "ana"), "482916", wallet.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer w.Close()
	fmt.Println(w.DID()[:12])
	list, _ := w.List()
	fmt.Println(len(list), "credentials")
	// Output:
	// did:key:z6Mk
	// 0 credentials
}

// A wrong PIN is counted in the wallet and makes the next try wait.
func ExampleOpen() {
	dir, _ := os.MkdirTemp("", "wallet")
	defer os.RemoveAll(dir)
	w, _ := wallet.Create(dir, "482916", wallet.Options{})
	w.Close()

	_, err := wallet.Open(dir, "000001", wallet.Options{})
	fmt.Println(errors.Is(err, wallet.ErrWrongPIN))
	fmt.Println(err)
	// Output:
	// true
	// wrong PIN: wait 1 s before trying again (1 wrong try in a row)
}

func ExampleCheckPIN() {
	for _, pin := range []string{"4829", "123456", "482916"} {
		fmt.Println(pin, wallet.CheckPIN(pin))
	}
	// Output:
	// 4829 wallet: PIN not accepted: a PIN needs at least 6 digits
	// 123456 wallet: PIN not accepted: a run of consecutive digits is too easy to guess
	// 482916 <nil>
}

func ExampleRetryDelay() {
	for n := 0; n <= 4; n++ {
		fmt.Print(wallet.RetryDelay(n), " ")
	}
	fmt.Println("...", wallet.RetryDelay(20))
	// Output: 0s 1s 2s 4s 8s ... 15m0s
}

// Several people on one computer: one wallet directory each.
func ExampleProfiles() {
	root, _ := os.MkdirTemp("", "wallets")
	defer os.RemoveAll(root)
	for _, name := range []string{"ana", "ben"} {
		w, _ := wallet.Create(filepath.Join(root, name), "482916", wallet.Options{})
		w.Close()
	}
	profiles, _ := wallet.Profiles(root)
	for _, p := range profiles {
		fmt.Println(p.Name, p.Failures)
	}
	// Output:
	// ana 0
	// ben 0
}

// A clerk makes an offer at the counter; the resident's wallet receives it
// with the code the clerk reads out, then shows one claim to a verifier.
// (The issuer service runs here on a loopback port.)
func ExampleWallet_ReceiveOffer() {
	quiet := slog.New(slog.DiscardHandler)
	srv := httptest.NewUnstartedServer(nil)
	tmp, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(tmp)
	svc, err := issuer.Open(context.Background(), filepath.Join(tmp, "issuer"), issuer.Options{
		PublicURL: "http://" + srv.Listener.Addr().String(), Passphrase: []byte("example"), Logger: quiet})
	if err != nil {
		log.Fatal(err)
	}
	defer svc.Close()
	srv.Config.Handler, _ = server.Handler(svc, server.Options{Logger: quiet})
	srv.Start()
	defer srv.Close()
	offer, _ := svc.CreateOffer(context.Background(), issuer.Actor{Kind: "cli", Name: "clerk"}, "ResidencyCredential",
		map[string]any{"residentOf": "Springfield", "housingStatus": "noFixedAddress"}, 0)

	w, _ := wallet.Create(filepath.Join(tmp, "wallet"), "482916", wallet.Options{})
	defer w.Close()
	got, err := w.ReceiveOffer(context.Background(), offer.URI, offer.TxCode)
	if err != nil {
		log.Fatal(err)
	}
	c := got[0]
	fmt.Println(c.Title, c.Forms, c.Claims["residentOf"])

	// At a kiosk with no network: one QR code, only the claim chosen,
	// answering the challenge the kiosk shows.
	qr, err := w.PresentQR(c.ID, []string{"residentOf"}, wallet.PresentOptions{Challenge: "K7Q2", Verifier: "Library kiosk"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(qr[:5])

	// Online: an SD-JWT presentation for the verifier's audience and nonce.
	_, err = w.PresentSDJWT(c.ID, []string{"residentOf"}, "https://pool.example", "nonce-from-the-pool")
	if err != nil {
		log.Fatal(err)
	}
	history, _ := w.History()
	for _, e := range history {
		fmt.Println(e.Verifier, e.Form, e.Claims, e.Time.Before(time.Now().Add(time.Second)))
	}
	// Output:
	// Residency [ldp_vc dc+sd-jwt cityid-qr] Springfield
	// CID1:
	// https://pool.example dc+sd-jwt [residentOf] true
	// Library kiosk cityid-qr [residentOf] true
}
