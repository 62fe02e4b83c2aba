package did

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// knownMembers are the member names this package reads. encoding/json
// matches names case-insensitively and keeps the last of duplicate members,
// while other DID software matches exactly; checkMembers rejects the inputs
// on which the two could disagree.
var knownMembers = map[string]string{}

func init() {
	for _, n := range []string{
		"@context", "id", "alsoKnownAs", "controller", "verificationMethod",
		"authentication", "assertionMethod", "keyAgreement",
		"capabilityInvocation", "capabilityDelegation", "service",
		"type", "publicKeyMultibase", "publicKeyJwk", "serviceEndpoint",
		"kty", "crv", "x", "y", "d",
	} {
		knownMembers[strings.ToLower(n)] = n
	}
}

// checkMembers walks a JSON text and fails on an object with two members
// whose names are equal ignoring case, or on a member whose name differs
// from a known member name only by case.
func checkMembers(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := walkValue(dec, 0); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return errors.New("unexpected end of JSON input")
		}
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("trailing data after the JSON value")
	}
	return nil
}

const maxJSONDepth = 64

func walkValue(dec *json.Decoder, depth int) error {
	if depth > maxJSONDepth {
		return fmt.Errorf("JSON nested deeper than %d levels", maxJSONDepth)
	}
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch tok {
	case json.Delim('{'):
		seen := map[string]string{}
		for dec.More() {
			t, err := dec.Token()
			if err != nil {
				return err
			}
			name := t.(string)
			low := strings.ToLower(name)
			if prev, dup := seen[low]; dup {
				return fmt.Errorf("duplicate member %q (also written %q)", name, prev)
			}
			seen[low] = name
			if want, ok := knownMembers[low]; ok && want != name {
				return fmt.Errorf("member %q must be written %q", name, want)
			}
			if err := walkValue(dec, depth+1); err != nil {
				return err
			}
		}
		_, err = dec.Token() // '}'
		return err
	case json.Delim('['):
		for dec.More() {
			if err := walkValue(dec, depth+1); err != nil {
				return err
			}
		}
		_, err = dec.Token() // ']'
		return err
	}
	return nil
}
