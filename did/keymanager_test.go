package did

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"sync"
	"testing"
)

func signAndVerify(t *testing.T, s crypto.Signer, kt KeyType) {
	t.Helper()
	msg := []byte("city of example: resident card")
	switch kt {
	case Ed25519:
		sig, err := s.Sign(rand.Reader, msg, crypto.Hash(0))
		if err != nil {
			t.Fatal(err)
		}
		if !ed25519.Verify(s.Public().(ed25519.PublicKey), msg, sig) {
			t.Fatal("Ed25519 signature does not verify")
		}
		if _, err := s.Sign(rand.Reader, msg, crypto.SHA256); err == nil {
			t.Error("Ed25519 signer accepted a hash")
		}
		if _, err := s.Sign(rand.Reader, msg, &ed25519.Options{Context: "x"}); err == nil {
			t.Error("Ed25519 signer accepted Ed25519ctx")
		}
		if _, err := s.Sign(rand.Reader, msg, nil); err == nil {
			t.Error("signer accepted nil opts")
		}
	case P256:
		digest := sha256.Sum256(msg)
		sig, err := s.Sign(rand.Reader, digest[:], crypto.SHA256)
		if err != nil {
			t.Fatal(err)
		}
		if !ecdsa.VerifyASN1(s.Public().(*ecdsa.PublicKey), digest[:], sig) {
			t.Fatal("ECDSA signature (ASN.1) does not verify")
		}
		if _, err := s.Sign(rand.Reader, msg, crypto.Hash(0)); err == nil {
			t.Error("P-256 signer accepted an unhashed message")
		}
		if _, err := s.Sign(rand.Reader, digest[:16], crypto.SHA256); err == nil {
			t.Error("P-256 signer accepted a short digest")
		}
	}
}

func TestSoftKeyManager(t *testing.T) {
	ctx := context.Background()
	m := NewSoftKeyManager()
	for _, kt := range []KeyType{Ed25519, P256} {
		t.Run(string(kt), func(t *testing.T) {
			info, err := m.CreateKey(ctx, kt)
			if err != nil {
				t.Fatal(err)
			}
			if info.Type != kt || info.DID != "did:key:"+info.ID || info.VerificationMethod != info.DID+"#"+info.ID {
				t.Fatalf("KeyInfo %+v", info)
			}
			pub, err := m.PublicKey(ctx, info.ID)
			if err != nil {
				t.Fatal(err)
			}
			_, resolved, err := ResolveVerificationMethod(NewResolver(nil), info.VerificationMethod, AssertionMethod)
			if err != nil || !resolved.(interface{ Equal(crypto.PublicKey) bool }).Equal(pub) {
				t.Fatalf("verification method resolves to %v, %v", resolved, err)
			}
			s, err := m.Signer(ctx, info.ID)
			if err != nil {
				t.Fatal(err)
			}
			switch s.(type) {
			case ed25519.PrivateKey, *ecdsa.PrivateKey:
				t.Fatal("Signer hands out the private key")
			}
			signAndVerify(t, s, kt)

			der, err := m.ExportPKCS8(ctx, info.ID)
			if err != nil {
				t.Fatal(err)
			}
			other := NewSoftKeyManager()
			info2, err := other.ImportPKCS8(der)
			if err != nil || info2 != info {
				t.Fatalf("ImportPKCS8 = %+v, %v; want %+v", info2, err, info)
			}
			s2, _ := other.Signer(ctx, info2.ID)
			signAndVerify(t, s2, kt)
			if got, err := m.Info(ctx, info.ID); err != nil || got != info {
				t.Fatalf("Info = %+v, %v", got, err)
			}
		})
	}
	if keys := m.Keys(); len(keys) != 2 || keys[0].ID >= keys[1].ID {
		t.Fatalf("Keys() = %+v", keys)
	}
}

func TestSoftKeyManagerErrors(t *testing.T) {
	ctx := context.Background()
	m := NewSoftKeyManager()
	if _, err := m.CreateKey(ctx, "RSA"); !errors.Is(err, ErrUnsupportedKeyType) {
		t.Errorf("CreateKey(RSA): %v", err)
	}
	if _, err := m.Signer(ctx, "z6Mknope"); !errors.Is(err, ErrKeyNotFound) {
		t.Errorf("Signer(unknown): %v", err)
	}
	if _, err := m.PublicKey(ctx, "z6Mknope"); !errors.Is(err, ErrKeyNotFound) {
		t.Errorf("PublicKey(unknown): %v", err)
	}
	if _, err := m.ExportPKCS8(ctx, "z6Mknope"); !errors.Is(err, ErrKeyNotFound) {
		t.Errorf("ExportPKCS8(unknown): %v", err)
	}
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := m.CreateKey(canceled, Ed25519); !errors.Is(err, context.Canceled) {
		t.Errorf("CreateKey(canceled): %v", err)
	}
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if _, err := m.ImportKey(p384); !errors.Is(err, ErrUnsupportedKeyType) {
		t.Errorf("ImportKey(P-384): %v", err)
	}
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 1024)
	if _, err := m.ImportKey(rsaKey); !errors.Is(err, ErrUnsupportedKeyType) {
		t.Errorf("ImportKey(RSA): %v", err)
	}
	if _, err := m.ImportKey(ed25519.PrivateKey(make([]byte, 10))); !errors.Is(err, ErrInvalidKey) {
		t.Errorf("ImportKey(short Ed25519): %v", err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(rsaKey)
	if _, err := m.ImportPKCS8(der); !errors.Is(err, ErrUnsupportedKeyType) {
		t.Errorf("ImportPKCS8(RSA): %v", err)
	}
	if _, err := m.ImportPKCS8([]byte("not DER")); !errors.Is(err, ErrInvalidKey) {
		t.Errorf("ImportPKCS8(garbage): %v", err)
	}
	if len(m.Keys()) != 0 {
		t.Errorf("failed imports left keys: %+v", m.Keys())
	}
}

func TestImportKey(t *testing.T) {
	seed := make([]byte, ed25519.SeedSize) // the vectors' all-zero seed
	priv := ed25519.NewKeyFromSeed(seed)
	m := NewSoftKeyManager()
	info, err := m.ImportKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	if info.DID != "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp" {
		t.Fatalf("DID of the zero seed = %s", info.DID)
	}
	// A private key whose public half was swapped keeps the seed's identity.
	forged := append(ed25519.PrivateKey(nil), priv...)
	other, _, _ := ed25519.GenerateKey(rand.Reader)
	copy(forged[32:], other)
	if again, err := m.ImportKey(forged); err != nil || again != info {
		t.Fatalf("ImportKey(forged) = %+v, %v", again, err)
	}
	priv[0] ^= 1 // the manager must not alias the caller's key
	s, _ := m.Signer(context.Background(), info.ID)
	signAndVerify(t, s, Ed25519)
	if len(m.Keys()) != 1 {
		t.Fatalf("importing one key twice gave %d keys", len(m.Keys()))
	}
}

func TestSoftKeyManagerConcurrent(t *testing.T) {
	ctx := context.Background()
	m := NewSoftKeyManager()
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			info, err := m.CreateKey(ctx, Ed25519)
			if err != nil {
				t.Error(err)
				return
			}
			if _, err := m.Signer(ctx, info.ID); err != nil {
				t.Error(err)
			}
			m.Keys()
		}()
	}
	wg.Wait()
	if n := len(m.Keys()); n != 8 {
		t.Fatalf("%d keys, want 8", n)
	}
}
