package main

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/cityid/cityid/credential/trust"
	"github.com/cityid/cityid/did"
)

const trustUsage = `usage:
  cityid trust keygen --out ROOT.key          make a root key (PKCS#8 PEM, mode 0600); prints its did:key
  cityid trust sign --key ROOT.key [--out FILE] UNSIGNED.json
                                              sign a bundle's JSON content (stdout by default)
  cityid trust inspect [--root DID] [--at RFC3339] BUNDLE
                                              check a bundle and print its content`

func runTrust(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, trustUsage)
		return exitUsage
	}
	switch args[0] {
	case "keygen":
		return trustKeygen(args[1:], stdout, stderr)
	case "sign":
		return trustSign(args[1:], stdin, stdout, stderr)
	case "inspect":
		return trustInspect(args[1:], stdin, stdout, stderr)
	}
	fmt.Fprintln(stderr, trustUsage)
	return exitUsage
}

func trustKeygen(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("trust keygen", stderr, "trust keygen --out ROOT.key")
	out := fs.String("out", "", "file to write the private key to (must not exist)")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *out == "" {
		fs.Usage()
		return exitUsage
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		fmt.Fprintf(stderr, "cityid trust keygen: %v\n", err)
		return exitFailed
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		fmt.Fprintf(stderr, "cityid trust keygen: %v\n", err)
		return exitFailed
	}
	f, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		fmt.Fprintf(stderr, "cityid trust keygen: %v\n", err)
		return exitFailed
	}
	if err := errors.Join(pem.Encode(f, &pem.Block{Type: "PRIVATE KEY", Bytes: der}), f.Sync(), f.Close()); err != nil {
		fmt.Fprintf(stderr, "cityid trust keygen: %v\n", err)
		return exitFailed
	}
	id, err := did.KeyDID(priv.Public())
	if err != nil {
		fmt.Fprintf(stderr, "cityid trust keygen: %v\n", err)
		return exitFailed
	}
	fmt.Fprintln(stdout, id)
	return exitOK
}

func loadSigner(path string) (crypto.Signer, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("%s is not a PKCS#8 PEM private key", path)
	}
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	s, ok := key.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("%s: unsupported key type", path)
	}
	return s, nil
}

func trustSign(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("trust sign", stderr, "trust sign --key ROOT.key [--out FILE] UNSIGNED.json")
	keyPath := fs.String("key", "", "root private key (from 'cityid trust keygen')")
	out := fs.String("out", "", "write the signed bundle here instead of standard output")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *keyPath == "" || fs.NArg() != 1 {
		fs.Usage()
		return exitUsage
	}
	signer, err := loadSigner(*keyPath)
	if err != nil {
		fmt.Fprintf(stderr, "cityid trust sign: %v\n", err)
		return exitUsage
	}
	data, err := readInput(fs.Arg(0), stdin)
	if err != nil {
		fmt.Fprintf(stderr, "cityid trust sign: %v\n", err)
		return exitUsage
	}
	var b trust.Bundle
	dec := json.NewDecoder(bytesReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		fmt.Fprintf(stderr, "cityid trust sign: %s is not a bundle: %v\n", fs.Arg(0), err)
		return exitUsage
	}
	if b.Root == "" {
		if b.Root, err = did.KeyVerificationMethod(signer.Public()); err != nil {
			fmt.Fprintf(stderr, "cityid trust sign: %v\n", err)
			return exitUsage
		}
	}
	if b.IssuedAt.IsZero() {
		b.IssuedAt = time.Now().UTC().Truncate(time.Second)
	}
	signed, err := trust.Sign(&b, signer)
	if err != nil {
		fmt.Fprintf(stderr, "cityid trust sign: %v\n", err)
		return exitFailed
	}
	signed = append(signed, '\n')
	if *out == "" {
		_, err = stdout.Write(signed)
	} else {
		err = writeFileAtomic(*out, signed, 0o644)
	}
	if err != nil {
		fmt.Fprintf(stderr, "cityid trust sign: %v\n", err)
		return exitFailed
	}
	return exitOK
}

func trustInspect(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("trust inspect", stderr, "trust inspect [--root DID] [--at RFC3339] BUNDLE")
	root := fs.String("root", "", "pinned root did:key the bundle must be signed by")
	at := fs.String("at", "", "check expiry as of this time (RFC 3339)")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return exitUsage
	}
	now := time.Now()
	if *at != "" {
		t, err := time.Parse(time.RFC3339, *at)
		if err != nil {
			fmt.Fprintf(stderr, "cityid trust inspect: --at %q is not a time like 2026-11-22T10:00:00Z\n", *at)
			return exitUsage
		}
		now = t
	}
	data, err := readInput(fs.Arg(0), stdin)
	if err != nil {
		fmt.Fprintf(stderr, "cityid trust inspect: %v\n", err)
		return exitUsage
	}
	var b *trust.Bundle
	if *root == "" {
		b, err = trust.OpenUnpinnedUnsafe(data, now)
	} else {
		b, err = trust.Open(data, *root, now)
	}
	if err != nil {
		fmt.Fprintf(stderr, "cityid trust inspect: %v\n", err)
		return exitFailed
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	_ = enc.Encode(b)
	return exitOK
}
