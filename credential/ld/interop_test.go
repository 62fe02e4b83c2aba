package ld

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cityid/cityid/internal/interop"
	"github.com/cityid/cityid/schemas"
)

// TestInteropCanonicalize compares Canonicalize with Digital Bazaar's
// eddsa-rdfc-2022 canonize (interop/js/di-canonize.mjs: jsonld.js in safe
// mode, rdfDirection i18n-datatype, rdf-canonize RDFC-1.0) live, on the
// golden documents and on the W3C vector.
func TestInteropCanonicalize(t *testing.T) {
	interop.Require(t)
	docs, _ := filepath.Glob("testdata/docs/*.json")
	docs = append(docs, "testdata/vc-di-eddsa/unsigned.json", "testdata/vc-di-eddsa/proofConfigDataInt.json")
	for _, path := range docs {
		t.Run(filepath.Base(path), func(t *testing.T) {
			t.Parallel()
			doc := readDoc(t, path)
			raw, err := json.Marshal(doc)
			if err != nil {
				t.Fatal(err)
			}
			theirs := interop.Node(t, raw, "di-canonize.mjs")
			ours, err := Canonicalize(doc)
			if err != nil {
				t.Fatal(err)
			}
			if string(ours) != string(theirs) {
				t.Errorf("canonical N-Quads differ\nours:\n%s\ntheirs:\n%s", ours, theirs)
			}
		})
	}
}

// TestInteropStrictAgrees: what Canonicalize refuses as an undefined term or
// a dropped value, jsonld.js's safe mode refuses too.
func TestInteropStrictAgrees(t *testing.T) {
	interop.Require(t)
	for _, doc := range []string{
		`{` + vc2 + `, "credentialSubject": {"givenName": "Ana", "favoriteColor": "blue"}}`,
		`{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential", "MagicCredential"], "issuer": "did:example:i"}`,
		`{` + vc2 + `, "credentialSubject": {"id": "alice", "givenName": "Ana"}}`,
		`{` + examples + `, "_:p": "x"}`,
	} {
		if _, err := Canonicalize(parseDoc(t, doc)); err == nil {
			t.Fatalf("Canonicalize accepted %s", doc)
		}
		if out, err := interop.RunNode([]byte(doc), "di-canonize.mjs"); err == nil {
			t.Errorf("jsonld.js safe mode accepted %s:\n%s", doc, out)
		}
	}
}

// TestInteropContextList: the JavaScript loader serves exactly the contexts
// package schemas embeds (both read the same files).
func TestInteropContextList(t *testing.T) {
	interop.Require(t)
	out := strings.Fields(string(interop.Node(t, nil, "di-canonize.mjs", "--contexts")))
	if want := schemas.ContextURLs(); !slices.Equal(out, want) {
		t.Errorf("interop/js/di-common.mjs serves %v, schemas embeds %v", out, want)
	}
}
