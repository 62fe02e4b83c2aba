package wallet_test

import (
	"errors"
	"testing"
	"time"

	"github.com/cityid/cityid/wallet"
)

func TestCheckPIN(t *testing.T) {
	for _, ok := range []string{"482916", "0451 8823", "correct horse", "9999990", "135790"} {
		if err := wallet.CheckPIN(ok); err != nil {
			t.Errorf("CheckPIN(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", "4829", "48291", "000000", "111111111", "123456", "987654", "3456789",
		" 482916", "482916 ", "ééééééé", string([]byte{0xff, 0xfe, 0x31, 0x32, 0x33, 0x34})} {
		err := wallet.CheckPIN(bad)
		if !errors.Is(err, wallet.ErrWeakPIN) {
			t.Errorf("CheckPIN(%q) = %v, want ErrWeakPIN", bad, err)
		}
	}
}

func TestRetryDelay(t *testing.T) {
	want := []time.Duration{0, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second}
	for n, d := range want {
		if got := wallet.RetryDelay(n); got != d {
			t.Errorf("RetryDelay(%d) = %v, want %v", n, got, d)
		}
	}
	if got := wallet.RetryDelay(11); got != wallet.MaxDelay {
		t.Errorf("RetryDelay(11) = %v, want the cap %v", got, wallet.MaxDelay)
	}
	if got := wallet.RetryDelay(1 << 30); got != wallet.MaxDelay {
		t.Errorf("RetryDelay(huge) = %v", got)
	}
}

// TestWrongPINDelay: wrong PINs are counted in the wallet file, each makes
// the next check wait twice as long (through Options.Sleep: no real
// sleeping here), time already passed counts, and the right PIN resets it.
func TestWrongPINDelay(t *testing.T) {
	clock := newClock()
	var slept []time.Duration
	opts := wallet.Options{Clock: clock.Now, Sleep: func(d time.Duration) {
		slept = append(slept, d)
		clock.Advance(d)
	}}
	w, dir := newWallet(t, opts)
	w.Close()

	for i := 1; i <= 4; i++ {
		_, err := wallet.Open(dir, "000001", opts)
		var pe *wallet.PINError
		if !errors.As(err, &pe) || !errors.Is(err, wallet.ErrWrongPIN) {
			t.Fatalf("try %d: %v, want a PINError", i, err)
		}
		if pe.Failures != i || pe.Wait != wallet.RetryDelay(i) {
			t.Fatalf("try %d: %+v", i, pe)
		}
	}
	// Before each try after the first, Open waited 1 s, 2 s, 4 s.
	if want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}; !equalDurations(slept, want) {
		t.Fatalf("slept %v, want %v", slept, want)
	}
	var pe *wallet.PINError
	_, err := wallet.Open(dir, "000001", opts)
	if !errors.As(err, &pe) {
		t.Fatal(err)
	}
	if got := err.Error(); got != "wrong PIN: wait 16 s before trying again (5 wrong tries in a row)" {
		t.Fatalf("message %q", got)
	}
	p, err := wallet.ReadProfile(dir)
	if err != nil || p.Failures != 5 || !p.RetryAt.Equal(clock.Now().Add(16*time.Second)) {
		t.Fatalf("profile %+v %v", p, err)
	}

	// Ten seconds pass: the next try waits only the 6 s left.
	clock.Advance(10 * time.Second)
	slept = nil
	w, err = wallet.Open(dir, testPIN, opts)
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	if !equalDurations(slept, []time.Duration{6 * time.Second}) {
		t.Fatalf("slept %v, want [6s]", slept)
	}
	// The right PIN reset the count.
	slept = nil
	if _, err := wallet.Open(dir, "000001", opts); !errors.As(err, &pe) || pe.Failures != 1 {
		t.Fatalf("after a reset: %v", err)
	}
	if len(slept) != 0 {
		t.Fatalf("slept %v before the first wrong PIN after a reset", slept)
	}
}

func TestChangePIN(t *testing.T) {
	w, dir := newWallet(t, wallet.Options{Sleep: func(time.Duration) {}})
	id := w.DID()
	if err := w.ChangePIN(testPIN, "12"); !errors.Is(err, wallet.ErrWeakPIN) {
		t.Fatalf("weak new PIN: %v", err)
	}
	if err := w.ChangePIN("555123", "730519"); !errors.Is(err, wallet.ErrWrongPIN) {
		t.Fatalf("wrong old PIN: %v", err)
	}
	if err := w.ChangePIN(testPIN, "730519"); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if _, err := wallet.Open(dir, testPIN, wallet.Options{Sleep: func(time.Duration) {}}); !errors.Is(err, wallet.ErrWrongPIN) {
		t.Fatalf("old PIN still opens: %v", err)
	}
	w, err := wallet.Open(dir, "730519", wallet.Options{Sleep: func(time.Duration) {}})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if w.DID() != id {
		t.Fatal("changing the PIN changed the key")
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
