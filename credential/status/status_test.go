package status

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

func readJSON(t testing.TB, name string) map[string]any {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// gz compresses b and encodes it as an encodedList, bypassing List.
func gz(t testing.TB, b []byte) string {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return "u" + base64.RawURLEncoding.EncodeToString(buf.Bytes())
}

func TestSpecExamples(t *testing.T) {
	entry, err := ParseEntry(readJSON(t, "spec-example-entry.json"))
	if err != nil {
		t.Fatalf("ParseEntry(spec Example 1): %v", err)
	}
	want := Entry{
		ID:             "https://example.com/credentials/status/3#94567",
		Purpose:        PurposeRevocation,
		Index:          94567,
		ListCredential: "https://example.com/credentials/status/3",
		Size:           1,
	}
	if !reflect.DeepEqual(entry, want) {
		t.Fatalf("entry = %+v, want %+v", entry, want)
	}
	cred := readJSON(t, "spec-example-list-credential.json")
	if cred["id"] != entry.ListCredential {
		t.Fatalf("example list credential id %v != entry statusListCredential", cred["id"])
	}
	subject := cred["credentialSubject"].(map[string]any)
	ls, err := ParseListSubject(subject)
	if err != nil {
		t.Fatalf("ParseListSubject(spec Example 2): %v", err)
	}
	if ls.List.Len() != MinLength {
		t.Errorf("spec encodedList has %d bits, want %d", ls.List.Len(), MinLength)
	}
	for i := 0; i < ls.List.Len(); i++ {
		if v, _ := ls.List.Get(i); v {
			t.Fatalf("spec list has bit %d set; it is all zeros", i)
		}
	}
	set, err := Check(entry, subject)
	if err != nil || set {
		t.Fatalf("Check(spec examples) = %v, %v; want false, nil", set, err)
	}

	// Revoke entry 94567 and publish: the same entry now reads as set.
	l := New()
	if err := l.Set(entry.Index, true); err != nil {
		t.Fatal(err)
	}
	vc, err := NewStatusListCredential(entry.ListCredential, "did:example:12345", PurposeRevocation, l,
		time.Date(2021, 4, 5, 14, 27, 40, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	set, err = Check(entry, vc["credentialSubject"].(map[string]any))
	if err != nil || !set {
		t.Fatalf("Check after revoking = %v, %v; want true, nil", set, err)
	}
	// The credential has the shape of the spec's example (encodedList aside).
	vc["credentialSubject"].(map[string]any)["encodedList"] = subject["encodedList"]
	vc["credentialSubject"].(map[string]any)["id"] = subject["id"]
	got, _ := json.Marshal(vc)
	wantJSON, _ := json.Marshal(cred)
	if !bytes.Equal(got, wantJSON) {
		t.Errorf("NewStatusListCredential shape:\n got %s\nwant %s", got, wantJSON)
	}
}

func TestListRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{MinLength, MinLength + 8, 4 * MinLength} {
		l, err := NewWithLength(n)
		if err != nil {
			t.Fatal(err)
		}
		set := map[int]bool{0: true, n - 1: true}
		for range 500 {
			set[r.IntN(n)] = true
		}
		for i := range set {
			if err := l.Set(i, true); err != nil {
				t.Fatal(err)
			}
		}
		enc, err := l.Encode()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(enc, "u") || strings.ContainsAny(enc, "=+/") {
			t.Fatalf("encodedList %q is not multibase base64url without padding", enc[:20])
		}
		d, err := Decode(enc)
		if err != nil {
			t.Fatal(err)
		}
		if d.Len() != n {
			t.Fatalf("decoded length %d, want %d", d.Len(), n)
		}
		for i := 0; i < n; i++ {
			if v, _ := d.Get(i); v != set[i] {
				t.Fatalf("bit %d = %v, want %v", i, v, set[i])
			}
		}
	}
}

func TestBitOrder(t *testing.T) {
	l := New()
	l.Set(0, true)
	l.Set(9, true)
	if l.bits[0] != 0x80 || l.bits[1] != 0x40 {
		t.Fatalf("bits = %x %x; index 0 must be the left-most bit", l.bits[0], l.bits[1])
	}
	l.Set(0, false)
	if l.bits[0] != 0 {
		t.Fatal("Set(0, false) did not clear the bit")
	}
}

func TestStatusSize(t *testing.T) {
	l := New()
	if err := l.SetValue(1, 2, 2); err != nil { // bits 2,3 = 1,0
		t.Fatal(err)
	}
	if err := l.SetValue(2, 2, 3); err != nil { // bits 4,5 = 1,1
		t.Fatal(err)
	}
	if l.bits[0] != 0x2c {
		t.Fatalf("byte 0 = %#x, want 0x2c (statusSize 2, most significant bit first)", l.bits[0])
	}
	for i, want := range []uint64{0, 2, 3, 0} {
		if v, err := l.Value(i, 2); err != nil || v != want {
			t.Errorf("Value(%d, 2) = %d, %v; want %d", i, v, err, want)
		}
	}
	if err := l.SetValue(0, 2, 4); !errors.Is(err, ErrRange) {
		t.Errorf("SetValue(0, 2, 4) = %v, want ErrRange", err)
	}
	last := MinLength/8 - 1
	if err := l.SetValue(last, 8, 0xa5); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Value(last+1, 8); !errors.Is(err, ErrRange) {
		t.Errorf("Value past the end = %v, want ErrRange", err)
	}

	msgs := []any{
		map[string]any{"status": "0x0", "message": "valid"},
		map[string]any{"status": "0x1", "message": "pending review"},
		map[string]any{"status": "0x2", "message": "suspended"},
		map[string]any{"status": "0x3", "message": "revoked"},
	}
	e, err := ParseEntry(map[string]any{
		"type": EntryType, "statusPurpose": PurposeMessage, "statusListIndex": "1",
		"statusListCredential": "https://city.example/status/1", "statusSize": 2.0, "statusMessage": msgs,
	})
	if err != nil {
		t.Fatal(err)
	}
	vc, err := NewStatusListCredential("https://city.example/status/1", "did:web:city.example", PurposeMessage, l, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	ls, err := ParseListSubject(vc["credentialSubject"].(map[string]any))
	if err != nil {
		t.Fatal(err)
	}
	v, err := ls.Status(e)
	if err != nil || v != 2 {
		t.Fatalf("Status = %d, %v; want 2", v, err)
	}
	if m, ok := e.Message(v); !ok || m != "suspended" {
		t.Errorf("Message(2) = %q, %v", m, ok)
	}
}

func TestNewWithLength(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want error
	}{
		{MinLength - 8, ErrListLength},
		{0, ErrListLength},
		{-8, ErrListLength},
		{MinLength + 1, ErrListLength},
		{MaxDecodedBytes*8 + 8, ErrListTooLarge},
	} {
		if _, err := NewWithLength(tc.n); !errors.Is(err, tc.want) {
			t.Errorf("NewWithLength(%d) = %v, want %v", tc.n, err, tc.want)
		}
	}
	l := New()
	for _, i := range []int{-1, MinLength, MinLength * 2} {
		if _, err := l.Get(i); !errors.Is(err, ErrRange) {
			t.Errorf("Get(%d) = %v, want ErrRange", i, err)
		}
		if err := l.Set(i, true); !errors.Is(err, ErrRange) {
			t.Errorf("Set(%d) = %v, want ErrRange", i, err)
		}
	}
	if _, err := l.Value(0, 0); !errors.Is(err, ErrMalformed) {
		t.Errorf("Value(0, 0) = %v, want ErrMalformed", err)
	}
}
