package status

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestDecodeRejects(t *testing.T) {
	valid, _ := New().Encode()
	zeros := make([]byte, MinLength/8)

	var zl bytes.Buffer
	zw := zlib.NewWriter(&zl)
	zw.Write(zeros)
	zw.Close()

	// A zip bomb: 17 MiB of zeros compresses to about 17 KB.
	var bomb bytes.Buffer
	gw, _ := gzip.NewWriterLevel(&bomb, gzip.BestCompression)
	gw.Write(make([]byte, MaxDecodedBytes+1<<20))
	gw.Close()
	bombEnc := "u" + base64.RawURLEncoding.EncodeToString(bomb.Bytes())

	gzRaw := func(b []byte) []byte {
		var buf bytes.Buffer
		w := gzip.NewWriter(&buf)
		w.Write(b)
		w.Close()
		return buf.Bytes()
	}
	good := gzRaw(zeros)
	truncated := "u" + base64.RawURLEncoding.EncodeToString(good[:len(good)-4])
	trailing := "u" + base64.RawURLEncoding.EncodeToString(append(append([]byte{}, good...), "junk"...))
	badCRC := append([]byte{}, good...)
	badCRC[len(badCRC)-8] ^= 1

	for _, tc := range []struct {
		name, enc string
		want      error
	}{
		{"empty", "", ErrMalformed},
		{"prefix only", "u", ErrMalformed},
		{"no multibase prefix", valid[1:], ErrMalformed},
		{"base58btc prefix", "z" + valid[1:], ErrMalformed},
		{"padded base64url prefix U", "U" + valid[1:], ErrMalformed},
		{"padding", valid + "==", ErrMalformed},
		{"standard base64 alphabet", "u" + strings.NewReplacer("-", "+", "_", "/").Replace(valid[1:]) + "+/", ErrMalformed},
		{"embedded newline", valid[:10] + "\n" + valid[10:], ErrMalformed},
		{"embedded space", valid[:10] + " " + valid[10:], ErrMalformed},
		{"not gzip (zlib)", "u" + base64.RawURLEncoding.EncodeToString(zl.Bytes()), ErrMalformed},
		{"truncated gzip", truncated, ErrMalformed},
		{"gzip with trailing junk", trailing, ErrMalformed},
		{"gzip with bad CRC", "u" + base64.RawURLEncoding.EncodeToString(badCRC), ErrMalformed},
		{"list below 16 KiB", gz(t, zeros[:len(zeros)-1]), ErrListLength},
		{"empty list", gz(t, nil), ErrListLength},
		{"zip bomb", bombEnc, ErrListTooLarge},
		{"oversized string", "u" + strings.Repeat("A", maxEncodedLen), ErrListTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, err := Decode(tc.enc)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Decode = %v, %v; want error %v", l, err, tc.want)
			}
		})
	}
}

func TestParseEntryRejects(t *testing.T) {
	base := func() map[string]any {
		return map[string]any{
			"id":                   "https://city.example/status/1#7",
			"type":                 EntryType,
			"statusPurpose":        PurposeRevocation,
			"statusListIndex":      "7",
			"statusListCredential": "https://city.example/status/1",
		}
	}
	if _, err := ParseEntry(base()); err != nil {
		t.Fatalf("base entry: %v", err)
	}
	for _, tc := range []struct {
		name string
		edit func(m map[string]any)
		want error
	}{
		{"negative index", func(m map[string]any) { m["statusListIndex"] = "-1" }, ErrMalformed},
		{"plus sign", func(m map[string]any) { m["statusListIndex"] = "+7" }, ErrMalformed},
		{"leading zero", func(m map[string]any) { m["statusListIndex"] = "07" }, ErrMalformed},
		{"hex index", func(m map[string]any) { m["statusListIndex"] = "0x10" }, ErrMalformed},
		{"exponent", func(m map[string]any) { m["statusListIndex"] = "1e3" }, ErrMalformed},
		{"spaces", func(m map[string]any) { m["statusListIndex"] = " 7" }, ErrMalformed},
		{"empty index", func(m map[string]any) { m["statusListIndex"] = "" }, ErrMalformed},
		{"non-ASCII digit", func(m map[string]any) { m["statusListIndex"] = "٧" }, ErrMalformed},
		{"number not string", func(m map[string]any) { m["statusListIndex"] = 7.0 }, ErrMalformed},
		{"missing index", func(m map[string]any) { delete(m, "statusListIndex") }, ErrMalformed},
		{"index beyond any list", func(m map[string]any) { m["statusListIndex"] = "134217728" }, ErrRange},
		{"index overflows uint64", func(m map[string]any) { m["statusListIndex"] = strings.Repeat("9", 40) }, ErrRange},
		{"wrong type", func(m map[string]any) { m["type"] = "StatusList2021Entry" }, ErrMalformed},
		{"two types", func(m map[string]any) { m["type"] = []any{EntryType, "Other"} }, ErrMalformed},
		{"unknown purpose", func(m map[string]any) { m["statusPurpose"] = "audit" }, ErrMalformed},
		{"purpose array", func(m map[string]any) { m["statusPurpose"] = []any{"revocation"} }, ErrMalformed},
		{"relative list URL", func(m map[string]any) { m["statusListCredential"] = "/status/1" }, ErrMalformed},
		{"id equals list URL", func(m map[string]any) { m["id"] = m["statusListCredential"] }, ErrMalformed},
		{"unknown property", func(m map[string]any) { m["statusListIndexes"] = "1" }, ErrMalformed},
		{"statusSize zero", func(m map[string]any) { m["statusSize"] = 0.0 }, ErrMalformed},
		{"statusSize fractional", func(m map[string]any) { m["statusSize"] = 1.5 }, ErrMalformed},
		{"statusSize too big", func(m map[string]any) { m["statusSize"] = 9.0 }, ErrMalformed},
		{"statusSize 2 without messages", func(m map[string]any) { m["statusSize"] = 2.0 }, ErrMalformed},
		{"statusMessage wrong count", func(m map[string]any) {
			m["statusMessage"] = []any{map[string]any{"status": "0x0", "message": "ok"}}
		}, ErrMalformed},
		{"statusMessage duplicate status", func(m map[string]any) {
			m["statusMessage"] = []any{
				map[string]any{"status": "0x1", "message": "a"},
				map[string]any{"status": "0x01", "message": "b"},
			}
		}, ErrMalformed},
		{"statusReference relative", func(m map[string]any) { m["statusReference"] = "docs" }, ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := base()
			tc.edit(m)
			if e, err := ParseEntry(m); !errors.Is(err, tc.want) {
				t.Fatalf("ParseEntry = %+v, %v; want error %v", e, err, tc.want)
			}
		})
	}
	if _, err := ParseEntry(nil); !errors.Is(err, ErrMalformed) {
		t.Errorf("ParseEntry(nil) = %v", err)
	}
}

func TestCheckRejects(t *testing.T) {
	l := New()
	l.Set(5, true)
	vc, err := NewStatusListCredential("https://city.example/status/1", "did:web:city.example", PurposeRevocation, l, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	subject := func() map[string]any {
		s := vc["credentialSubject"].(map[string]any)
		c := make(map[string]any, len(s))
		for k, v := range s {
			c[k] = v
		}
		return c
	}
	entry := Entry{Purpose: PurposeRevocation, Index: 5, ListCredential: "https://city.example/status/1", Size: 1}
	if set, err := Check(entry, subject()); err != nil || !set {
		t.Fatalf("Check = %v, %v; want true", set, err)
	}
	suspension := entry
	suspension.Purpose = PurposeSuspension
	if _, err := Check(suspension, subject()); !errors.Is(err, ErrVerification) {
		t.Errorf("purpose mismatch: %v, want ErrVerification", err)
	}
	out := entry
	out.Index = MinLength
	if _, err := Check(out, subject()); !errors.Is(err, ErrRange) {
		t.Errorf("index = length: %v, want ErrRange", err)
	}
	wide := entry
	wide.Index, wide.Size = MinLength/2, 2
	if _, err := Check(wide, subject()); !errors.Is(err, ErrRange) {
		t.Errorf("index*statusSize past the end: %v, want ErrRange", err)
	}
	neg := entry
	neg.Index = -1
	if _, err := Check(neg, subject()); !errors.Is(err, ErrRange) {
		t.Errorf("negative index: %v, want ErrRange", err)
	}
	for name, edit := range map[string]func(map[string]any){
		"wrong subject type":  func(s map[string]any) { s["type"] = "StatusList2021" },
		"no purpose":          func(s map[string]any) { delete(s, "statusPurpose") },
		"purpose not string":  func(s map[string]any) { s["statusPurpose"] = 1.0 },
		"no encodedList":      func(s map[string]any) { delete(s, "encodedList") },
		"encodedList number":  func(s map[string]any) { s["encodedList"] = 1.0 },
		"negative ttl":        func(s map[string]any) { s["ttl"] = -1.0 },
		"bad encodedList":     func(s map[string]any) { s["encodedList"] = "zNotBase64url" },
		"relative subject id": func(s map[string]any) { s["id"] = "list" },
	} {
		s := subject()
		edit(s)
		if _, err := Check(entry, s); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: %v, want ErrMalformed", name, err)
		}
	}
	// A list may serve several purposes.
	s := subject()
	s["statusPurpose"] = []any{PurposeRevocation, PurposeSuspension}
	s["ttl"] = 300000.0
	ls, err := ParseListSubject(s)
	if err != nil || ls.TTL != 5*time.Minute {
		t.Fatalf("ParseListSubject(two purposes, ttl) = %+v, %v", ls, err)
	}
	if set, err := Check(suspension, s); err != nil || !set {
		t.Errorf("suspension on a two-purpose list = %v, %v", set, err)
	}
}

func TestNewStatusListCredentialRejects(t *testing.T) {
	now := time.Now()
	for name, f := range map[string]func() error{
		"relative id": func() error {
			_, e := NewStatusListCredential("status/1", "did:web:c", PurposeRevocation, New(), now)
			return e
		},
		"id fragment": func() error {
			_, e := NewStatusListCredential("https://c/s#x", "did:web:c", PurposeRevocation, New(), now)
			return e
		},
		"empty issuer": func() error {
			_, e := NewStatusListCredential("https://c/s", "", PurposeRevocation, New(), now)
			return e
		},
		"bad purpose": func() error {
			_, e := NewStatusListCredential("https://c/s", "did:web:c", "audit", New(), now)
			return e
		},
		"nil list": func() error {
			_, e := NewStatusListCredential("https://c/s", "did:web:c", PurposeRevocation, nil, now)
			return e
		},
		"zero validity": func() error {
			_, e := NewStatusListCredential("https://c/s", "did:web:c", PurposeRevocation, New(), time.Time{})
			return e
		},
	} {
		if err := f(); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: %v, want ErrMalformed", name, err)
		}
	}
}
