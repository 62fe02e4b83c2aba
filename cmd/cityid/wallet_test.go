package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cityid/cityid/issuer"
	"github.com/cityid/cityid/issuer/server"
)

// TestWalletReceivePresentVerify is the wallet's CLI end to end: the issuer
// service runs on loopback; `cityid wallet receive` redeems a clerk's offer;
// `cityid wallet list` shows one entry in every form; `cityid wallet
// present` makes a presentation that `cityid verify` accepts with the
// published bundle and no network, showing only the chosen claim.
func TestWalletReceivePresentVerify(t *testing.T) {
	t.Setenv("CITYID_PIN", "482916")
	srv := httptest.NewUnstartedServer(nil)
	base := "http://" + srv.Listener.Addr().String()
	log := slog.New(slog.DiscardHandler)
	svc, err := issuer.Open(context.Background(), t.TempDir(), issuer.Options{PublicURL: base, Passphrase: []byte("wallet cli test"), Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	h, err := server.Handler(svc, server.Options{Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = h
	srv.Start()
	defer srv.Close()

	cli := func(wantCode int, args ...string) string {
		t.Helper()
		var stdout, stderr bytes.Buffer
		if code := run(args, strings.NewReader(""), &stdout, &stderr); code != wantCode {
			t.Fatalf("cityid %s: exit %d, want %d\n%s%s", strings.Join(args, " "), code, wantCode, stdout.String(), stderr.String())
		}
		return stdout.String() + stderr.String()
	}
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "wallet")
	cli(0, "wallet", "init", "--dir", dir)

	claims := map[string]any{"givenName": "Ana", "familyName": "Silva", "birthDate": "1990-04-30", "residentOf": "Springfield"}
	offer, err := svc.CreateOffer(context.Background(), issuer.Actor{Kind: "cli", Name: "test"}, "CityIDCredential", claims, 0)
	if err != nil {
		t.Fatal(err)
	}
	wrong := "000000"
	if offer.TxCode == wrong {
		wrong = "111111"
	}
	if out := cli(1, "wallet", "receive", "--dir", dir, offer.URI, "--tx-code", wrong); !strings.Contains(out, "tries left") {
		t.Fatalf("wrong transaction code:\n%s", out)
	}
	cli(0, "wallet", "receive", "--dir", dir, offer.URI, "--tx-code", offer.TxCode)
	var list []struct {
		ID     string         `json:"id"`
		Forms  []string       `json:"forms"`
		Claims map[string]any `json:"claims"`
	}
	if err := json.Unmarshal([]byte(cli(0, "wallet", "list", "--dir", dir)), &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || len(list[0].Forms) < 2 || list[0].Claims["familyName"] != "Silva" {
		t.Fatalf("list: %+v", list)
	}

	pres := strings.TrimSpace(cli(0, "wallet", "present", "--dir", dir, "--credential", list[0].ID, "--disclose", "residentOf",
		"--form", "sd-jwt", "--audience", "https://counter.example", "--challenge", "c-81"))
	presFile := filepath.Join(tmp, "pres.txt")
	bundle := filepath.Join(tmp, "bundle.json")
	resp, err := srv.Client().Get(srv.URL + "/bundle")
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	os.WriteFile(presFile, []byte(pres), 0o600)
	os.WriteFile(bundle, data, 0o600)
	srv.Close() // verification needs no network
	out := cli(0, "verify", "--trust", bundle, "--trust-root", svc.RootDID(), "--require-holder",
		"--challenge", "c-81", "--audience", "https://counter.example", presFile)
	if !strings.Contains(out, `"residentOf": "Springfield"`) || strings.Contains(out, "Silva") {
		t.Fatalf("verify shows:\n%s", out)
	}
	hist := cli(0, "wallet", "history", "--dir", dir)
	if !strings.Contains(hist, `"verifier": "https://counter.example"`) {
		t.Fatalf("history:\n%s", hist)
	}
}
