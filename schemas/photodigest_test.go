package schemas

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"testing"
)

func TestPhotoDigest(t *testing.T) {
	photo := []byte("photo")
	sum := sha256.Sum256(photo)
	// Computed independently (Python hashlib + base64) for the bytes "photo".
	const mb = "uEiBVxk0PzW-dX3yCgJOFfj_f2mhHi7TpvSTUge85HHgE6A"
	const sri = "sha256-VcZND81vnV98goCThX4/39poR4u06b0k1IHvORx4BOg="
	if got := PhotoDigest(photo); got != mb {
		t.Errorf("PhotoDigest = %s, want %s", got, mb)
	}
	for _, s := range []string{mb, sri} {
		d, err := ParsePhotoDigest(s)
		if err != nil || !bytes.Equal(d, sum[:]) {
			t.Errorf("ParsePhotoDigest(%s) = %x, %v", s, d, err)
		}
	}
}

func TestParsePhotoDigestRejects(t *testing.T) {
	for _, s := range []string{
		"",
		"u",
		"uEiBVxk0PzW-dX3yCgJOFfj_f2mhHi7TpvSTUge85HHgE6B",       // non-zero padding bits
		"uEiBVxk0PzW-dX3yCgJOFfj_f2mhHi7TpvSTUge85HHgE6A=",      // padded
		"UEiBVxk0PzW-dX3yCgJOFfj_f2mhHi7TpvSTUge85HHgE6A",       // base64url with padding prefix U
		"uEyBVxk0PzW-dX3yCgJOFfj_f2mhHi7TpvSTUge85HHgE6A",       // not sha2-256 (0x13 = sha2-512 code)
		"uEiBVxk0PzW-dX3yCgJOFfj_f2mhHi7TpvSTUge85HHg",          // short
		"uEiBVxk0PzW+dX3yCgJOFfj/f2mhHi7TpvSTUge85HHgE6A",       // standard alphabet
		"zQmYtUc4iTCbbfVSDNKvtQqrfyezPPnFvE33wFmutw9PBBk",       // base58btc
		"sha256-VcZND81vnV98goCThX4/39poR4u06b0k1IHvORx4BOg",    // missing padding
		"sha256-VcZND81vnV98goCThX4/39poR4u06b0k1IHvORx4BOh=",   // non-zero padding bits
		"sha256-VcZND81vnV98goCThX4/39poR4u06b0k1I\nHvORx4BOg=", // newline
		"sha256-VcZND81vnV98goCThX4_39poR4u06b0k1IHvORx4BOg=",   // url alphabet
		"sha384-VcZND81vnV98goCThX4/39poR4u06b0k1IHvORx4BOg=",
		"sha256-VcZND81vnV98goCThX4/39poR4u06b0k1IHvORx4BOg=?ct=image/png",
	} {
		if d, err := ParsePhotoDigest(s); err == nil || !errors.Is(err, ErrInvalidPhotoDigest) {
			t.Errorf("ParsePhotoDigest(%q) = %x, %v", s, d, err)
		}
	}
}
