package schemas

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

func TestExport(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new", "dir")
	if err := Export(dir); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, IndexFile))
	if err != nil {
		t.Fatal(err)
	}
	var idx Index
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&idx); err != nil {
		t.Fatal(err)
	}
	var urls []string
	for u, file := range idx.Contexts {
		urls = append(urls, u)
		got, err := os.ReadFile(filepath.Join(dir, file))
		want, _ := Context(u)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("context %s in %s: %v, equal %v", u, file, err, bytes.Equal(got, want))
		}
	}
	slices.Sort(urls)
	if !slices.Equal(urls, ContextURLs()) || idx.Contexts[CityContextURL] != "city-v1.jsonld" {
		t.Errorf("index contexts %v", idx.Contexts)
	}
	if len(idx.Schemas) != len(Types()) {
		t.Errorf("index lists %d schemas", len(idx.Schemas))
	}
	for _, typ := range Types() {
		e := idx.Schemas[typ.Name]
		got, err := os.ReadFile(filepath.Join(dir, e.File))
		want, _ := Schema(typ.Name)
		if e.ID != typ.SchemaID || err != nil || !bytes.Equal(got, want) {
			t.Errorf("schema %s: entry %+v, %v", typ.Name, e, err)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != len(idx.Contexts)+len(idx.Schemas)+1 {
		t.Errorf("%d files in the export (temporary files left?)", len(entries))
	}

	// A second export over the first is byte-identical.
	snapshot := readAll(t, dir)
	if err := Export(dir); err != nil {
		t.Fatal(err)
	}
	again := readAll(t, dir)
	if len(again) != len(snapshot) {
		t.Fatalf("second export wrote %d files, first %d", len(again), len(snapshot))
	}
	for name, b := range snapshot {
		if !bytes.Equal(again[name], b) {
			t.Errorf("%s differs between exports", name)
		}
	}
}

// An exported schema works on its own, without this package: it compiles
// from the file with a stock compiler and rejects what Validate rejects.
func TestExportedSchemasStandAlone(t *testing.T) {
	dir := t.TempDir()
	if err := Export(dir); err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	sch, err := c.Compile(filepath.Join(dir, "ServiceEligibilityCredential.json"))
	if err != nil {
		t.Fatal(err)
	}
	good := map[string]any{"program": "food", "programName": "Food", "eligibleFrom": "2025-01-01", "eligibleUntil": "2025-02-01"}
	if err := sch.Validate(good); err != nil {
		t.Error(err)
	}
	good["program"] = "Food!"
	if err := sch.Validate(good); err == nil {
		t.Error("exported schema accepted a bad program code")
	}
}

func TestExportErrors(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Export(file); err == nil {
		t.Error("Export into a regular file succeeded")
	}
	if err := Export(filepath.Join(file, "sub")); err == nil {
		t.Error("Export below a regular file succeeded")
	}
}

func readAll(t *testing.T, dir string) map[string][]byte {
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = b
	}
	return out
}
