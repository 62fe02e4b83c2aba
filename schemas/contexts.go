package schemas

import (
	"embed"
	"fmt"
	"sort"
)

//go:embed contexts/*.jsonld
var contextFS embed.FS

// Well-known context URLs.
const (
	CredentialsV2URL    = "https://www.w3.org/ns/credentials/v2"
	CredentialsV1URL    = "https://www.w3.org/2018/credentials/v1"
	ExamplesV2URL       = "https://www.w3.org/ns/credentials/examples/v2"
	Ed25519Suite2020URL = "https://w3id.org/security/suites/ed25519-2020/v1"

	// CityContextURL is the city's own JSON-LD context. It defines the
	// credential types and every claim term under CityVocab. A city
	// credential's @context is [CredentialsV2URL, CityContextURL], in that order.
	CityContextURL = "https://cityid.dev/ns/v1"
)

// CityVocab is the IRI prefix of every term the city context defines.
const CityVocab = "https://cityid.dev/ns#"

// contextFiles maps every context URL the project knows to its embedded file.
// A context that is not listed here is unknown: it is an error, never a download.
var contextFiles = map[string]string{
	CredentialsV2URL:    "contexts/credentials-v2.jsonld",
	CredentialsV1URL:    "contexts/credentials-v1.jsonld",
	ExamplesV2URL:       "contexts/credentials-examples-v2.jsonld",
	Ed25519Suite2020URL: "contexts/ed25519-signature-2020-v1.jsonld",
	CityContextURL:      "contexts/city-v1.jsonld",
}

// Context returns the embedded JSON-LD context document published at url.
// It reports false for a context the project does not embed.
func Context(url string) ([]byte, bool) {
	name, ok := contextFiles[url]
	if !ok {
		return nil, false
	}
	b, err := contextFS.ReadFile(name)
	if err != nil {
		panic(fmt.Sprintf("schemas: embedded context %s missing: %v", name, err))
	}
	return b, true
}

// ContextURLs lists every embedded context URL, sorted.
func ContextURLs() []string {
	urls := make([]string, 0, len(contextFiles))
	for u := range contextFiles {
		urls = append(urls, u)
	}
	sort.Strings(urls)
	return urls
}
