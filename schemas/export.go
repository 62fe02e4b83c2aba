package schemas

import (
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
)

// IndexFile is the name of the index Export writes.
const IndexFile = "index.json"

// Index is the content of the index.json that Export writes: which file holds
// which JSON-LD context (by context URL) and which JSON Schema (by type name).
type Index struct {
	Contexts map[string]string      `json:"contexts"`
	Schemas  map[string]IndexSchema `json:"schemas"`
}

// IndexSchema locates one type's JSON Schema in an export.
type IndexSchema struct {
	ID   string `json:"id"`   // the schema's $id
	File string `json:"file"` // file name inside the export directory
}

// Export writes every embedded JSON-LD context and JSON Schema into dir,
// plus IndexFile describing them, so that agencies on other stacks can use
// the same files offline. It creates dir if needed. Each file is written
// atomically (a temporary file renamed into place); the output is the same
// byte for byte on every run. Other files in dir are left alone.
func Export(dir string) error {
	load()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("schemas: export: %w", err)
	}
	idx := Index{Contexts: map[string]string{}, Schemas: map[string]IndexSchema{}}
	for _, u := range ContextURLs() {
		b, _ := Context(u)
		name := path.Base(contextFiles[u])
		if err := writeAtomic(dir, name, b); err != nil {
			return err
		}
		idx.Contexts[u] = name
	}
	for _, n := range names {
		ti := loaded[n]
		name := path.Base(ti.file)
		if err := writeAtomic(dir, name, ti.raw); err != nil {
			return err
		}
		idx.Schemas[n] = IndexSchema{ID: ti.typ.SchemaID, File: name}
	}
	b, err := json.MarshalIndent(idx, "", "  ")
	if err != nil {
		return fmt.Errorf("schemas: export: %w", err)
	}
	return writeAtomic(dir, IndexFile, append(b, '\n'))
}

// writeAtomic writes data to dir/name through a temporary file in dir, so a
// reader never sees a partly written file.
func writeAtomic(dir, name string, data []byte) (err error) {
	f, err := os.CreateTemp(dir, "."+name+".*.tmp")
	if err != nil {
		return fmt.Errorf("schemas: export %s: %w", name, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
			err = fmt.Errorf("schemas: export %s: %w", name, err)
		}
	}()
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Chmod(0o644); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), filepath.Join(dir, name))
}
