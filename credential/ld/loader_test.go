package ld

import (
	"errors"
	"testing"

	"github.com/cityid/cityid/schemas"
)

func TestEmbeddedLoader(t *testing.T) {
	var l EmbeddedLoader
	for _, url := range schemas.ContextURLs() {
		rd, err := l.LoadDocument(url)
		if err != nil {
			t.Fatalf("%s: %v", url, err)
		}
		m, ok := rd.Document.(map[string]any)
		if !ok || m["@context"] == nil || rd.DocumentURL != url {
			t.Fatalf("%s: not a context document: %#v", url, rd)
		}
		// Each caller gets its own copy: writing into one must not reach
		// the cache.
		m["@context"] = "poisoned"
		again, err := l.LoadDocument(url)
		if err != nil {
			t.Fatal(err)
		}
		if again.Document.(map[string]any)["@context"] == "poisoned" {
			t.Fatalf("%s: a write into a loaded document reached the cache", url)
		}
	}
}

func TestEmbeddedLoaderUnknown(t *testing.T) {
	for _, url := range []string{"https://evil.example/ctx", "https://www.w3.org/ns/credentials/v3", "", "file:///etc/passwd"} {
		_, err := EmbeddedLoader{}.LoadDocument(url)
		var uc *UnknownContextError
		if !errors.As(err, &uc) || uc.URL != url || !errors.Is(err, ErrUnknownContext) {
			t.Fatalf("%q: got %v, want *UnknownContextError", url, err)
		}
		want := `unknown JSON-LD context "` + url + `": cityid never downloads contexts`
		if err.Error() != want {
			t.Errorf("message %q, want %q", err, want)
		}
	}
}
