package schemas

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/multiformats/go-multibase"
	"github.com/multiformats/go-multicodec"
)

const dateLayout = "2006-01-02"

// earliestDate is the earliest birth or residency date the city accepts.
const earliestDate = "1900-01-01"

// goChecks are the rules a JSON Schema cannot state, per type. Each runs on
// the decoded claims (which may be invalid: a check skips a claim that is
// missing or malformed, the schema reports those) with today's date.
var goChecks = map[string][]func(claims map[string]any, today string) []FieldError{
	ResidencyCredential: {
		pastDate("residentSince"),
	},
	CityIDCredential: {
		pastDate("birthDate"),
		checkPhotoDigest,
	},
	ServiceEligibilityCredential: {
		checkEligibility,
	},
	AgeOverCredential: {
		ageOrder("ageOver18", "ageOver21"),
		ageOrder("ageOver18", "ageOver65"),
		ageOrder("ageOver21", "ageOver65"),
	},
}

// today is the latest calendar date anywhere on Earth at t (UTC+14), so that
// a date that is "today" somewhere is never reported as in the future.
func today(t time.Time) string {
	return t.UTC().Add(14 * time.Hour).Format(dateLayout)
}

// dateClaim returns the claim name if it is a valid date string.
func dateClaim(claims map[string]any, name string) (string, bool) {
	s, ok := claims[name].(string)
	if !ok {
		return "", false
	}
	if _, err := time.Parse(dateLayout, s); err != nil || len(s) != len(dateLayout) {
		return "", false
	}
	return s, true
}

// pastDate checks that a date claim is neither in the future nor before
// earliestDate. Dates in the fixed YYYY-MM-DD form compare as strings.
func pastDate(name string) func(map[string]any, string) []FieldError {
	return func(claims map[string]any, today string) []FieldError {
		d, ok := dateClaim(claims, name)
		switch {
		case !ok:
			return nil
		case d > today:
			return []FieldError{{name, "must not be in the future"}}
		case d < earliestDate:
			return []FieldError{{name, "must not be before " + earliestDate}}
		}
		return nil
	}
}

func checkEligibility(claims map[string]any, _ string) []FieldError {
	from, ok1 := dateClaim(claims, "eligibleFrom")
	until, ok2 := dateClaim(claims, "eligibleUntil")
	if ok1 && ok2 && until < from {
		return []FieldError{{"eligibleUntil", "must not be before eligibleFrom"}}
	}
	return nil
}

// ageOrder rejects "over the higher age" together with "not over the lower".
func ageOrder(lower, higher string) func(map[string]any, string) []FieldError {
	return func(claims map[string]any, _ string) []FieldError {
		if claims[higher] == true && claims[lower] == false {
			return []FieldError{{lower, "must not be false when " + higher + " is true"}}
		}
		return nil
	}
}

// photoDigestMessage is also the schema's errorMessage for photoDigest, so a
// value failing both checks is reported once.
const photoDigestMessage = "must be a SHA-256 digest: u followed by a base64url sha2-256 multihash (uEi...), or sha256- followed by base64"

func checkPhotoDigest(claims map[string]any, _ string) []FieldError {
	s, ok := claims["photoDigest"].(string)
	if !ok {
		return nil
	}
	if _, err := ParsePhotoDigest(s); err != nil {
		return []FieldError{{"photoDigest", photoDigestMessage}}
	}
	return nil
}

// ErrInvalidPhotoDigest is wrapped by every ParsePhotoDigest error.
var ErrInvalidPhotoDigest = errors.New("schemas: invalid photo digest")

// sriPrefix starts the Subresource Integrity form of a photo digest.
const sriPrefix = "sha256-"

// PhotoDigest returns the photoDigest claim for a photo: the SHA-256 of the
// photo's bytes as a sha2-256 multihash (0x12 0x20 digest), multibase
// base64url encoded without padding ("u" prefix, 47 characters, "uEi...").
// This is the same encoding the VC 2.0 digestMultibase property uses.
func PhotoDigest(photo []byte) string {
	sum := sha256.Sum256(photo)
	return encodeMultihash(sum[:])
}

func encodeMultihash(digest []byte) string {
	mh := append([]byte{byte(multicodec.Sha2_256), sha256.Size}, digest...)
	s, err := multibase.Encode(multibase.Base64url, mh)
	if err != nil {
		panic(err) // Base64url is a supported encoding
	}
	return s
}

// ParsePhotoDigest decodes a photoDigest claim and returns the 32-byte
// SHA-256 digest. Two forms are accepted, each only in its canonical
// encoding:
//
//   - multibase: "u" + base64url (no padding) of the sha2-256 multihash
//     0x12 0x20 <digest>, as made by PhotoDigest;
//   - Subresource Integrity: "sha256-" + standard base64 (with padding) of
//     the digest, a single hash expression without options.
func ParsePhotoDigest(s string) ([]byte, error) {
	if b64, ok := strings.CutPrefix(s, sriPrefix); ok {
		d, err := base64.StdEncoding.Strict().DecodeString(b64)
		if err != nil || len(d) != sha256.Size || base64.StdEncoding.EncodeToString(d) != b64 {
			return nil, fmt.Errorf("%w: SRI form must be sha256- and the base64 of 32 bytes", ErrInvalidPhotoDigest)
		}
		return d, nil
	}
	if !strings.HasPrefix(s, "u") {
		return nil, fmt.Errorf("%w: must start with u (multibase base64url) or sha256- (SRI)", ErrInvalidPhotoDigest)
	}
	_, mh, err := multibase.Decode(s)
	if err != nil {
		return nil, fmt.Errorf("%w: not base64url: %v", ErrInvalidPhotoDigest, err)
	}
	if len(mh) != 2+sha256.Size || !bytes.Equal(mh[:2], []byte{byte(multicodec.Sha2_256), sha256.Size}) {
		return nil, fmt.Errorf("%w: must be a sha2-256 multihash (0x12 0x20 and 32 bytes)", ErrInvalidPhotoDigest)
	}
	if encodeMultihash(mh[2:]) != s {
		return nil, fmt.Errorf("%w: not in canonical base64url form", ErrInvalidPhotoDigest)
	}
	return mh[2:], nil
}
