package schemas

import (
	"cmp"
	"embed"
	"encoding/json"
	"fmt"
	"path"
	"sort"
	"strings"
	"sync"

	"golang.org/x/text/language"
)

// Translations of the types' titles live in i18n/<language>.json, one file
// per language: for each type its title, its description, its claims'
// titles keyed by claim name ("address.postalCode" for a member of an
// object claim), and the titles of enumerated values ("values", keyed by
// claim name, then value). English titles come from the JSON Schemas,
// except the values' titles, which i18n/en.json holds. Adding a language is
// adding one file; a test fails when a shipped file misses a title.
//
//go:embed i18n/*.json
var i18nFS embed.FS

type typeTranslation struct {
	Title       string                       `json:"title"`
	Description string                       `json:"description"`
	Claims      map[string]string            `json:"claims"`
	Values      map[string]map[string]string `json:"values"`
}

var (
	i18nOnce sync.Once
	i18n     map[string]map[string]typeTranslation // language → type → texts
	i18nErr  error
)

func loadI18n() {
	i18n = map[string]map[string]typeTranslation{}
	files, err := i18nFS.ReadDir("i18n")
	if err != nil {
		i18nErr = err
		return
	}
	for _, f := range files {
		raw, err := i18nFS.ReadFile(path.Join("i18n", f.Name()))
		if err != nil {
			i18nErr = err
			return
		}
		var m map[string]typeTranslation
		if err := json.Unmarshal(raw, &m); err != nil {
			i18nErr = fmt.Errorf("schemas: i18n/%s: %w", f.Name(), err)
			return
		}
		i18n[strings.TrimSuffix(f.Name(), ".json")] = m
	}
}

// Languages lists the languages the types' titles are translated into,
// besides English (the schemas' own language), as BCP 47 tags.
func Languages() []string {
	i18nOnce.Do(loadI18n)
	out := make([]string, 0, len(i18n))
	for l := range i18n {
		if l != "en" {
			out = append(out, l)
		}
	}
	sort.Strings(out)
	return out
}

// LookupIn is Lookup with the titles and descriptions in the language
// tagged lang (e.g. "es", "es-MX"): the best shipped match, English where
// there is no translation of a text, and English for an unknown language.
func LookupIn(name, lang string) (Type, bool) {
	t, ok := Lookup(name)
	if !ok {
		return t, false
	}
	i18nOnce.Do(loadI18n)
	tr, ok := i18n[matchLanguage(lang)][name]
	if !ok {
		return t, true
	}
	translateValues(t.Claims, "", tr.Values)
	if tr.Title != "" {
		t.Title = tr.Title
	}
	if tr.Description != "" {
		t.Description = tr.Description
	}
	translateClaims(t.Claims, "", tr.Claims)
	return t, true
}

// translateValues replaces the titles of enumerated values with those of
// values (claim path → value → title), where it has them.
func translateValues(cs []Claim, prefix string, values map[string]map[string]string) {
	for i := range cs {
		key := prefix + cs[i].Name
		for v, title := range values[key] {
			if _, ok := cs[i].ValueTitles[v]; ok && title != "" {
				cs[i].ValueTitles[v] = title
			}
		}
		translateValues(cs[i].Fields, key+".", values)
	}
}

// englishValues gives the claims of typeName their English value titles
// (i18n/en.json), or the values themselves where it has none.
func englishValues(typeName string, cs []Claim, prefix string) {
	i18nOnce.Do(loadI18n)
	titles := i18n["en"][typeName].Values
	for i := range cs {
		key := prefix + cs[i].Name
		if len(cs[i].Enum) > 0 {
			cs[i].ValueTitles = make(map[string]string, len(cs[i].Enum))
			for _, v := range cs[i].Enum {
				cs[i].ValueTitles[v] = cmp.Or(titles[key][v], v)
			}
		}
		englishValues(typeName, cs[i].Fields, key+".")
	}
}

// ValueTitle is the human title of a claim's value in the language tagged
// lang ("Sin domicilio fijo" for housingStatus noFixedAddress in "es"): the
// value itself when the schema does not enumerate it.
func ValueTitle(typeName, claim, value, lang string) string {
	t, ok := LookupIn(typeName, lang)
	if !ok {
		return value
	}
	cs := t.Claims
	parts := strings.Split(claim, ".")
	for i, name := range parts {
		var found *Claim
		for j := range cs {
			if cs[j].Name == name {
				found = &cs[j]
			}
		}
		if found == nil {
			return value
		}
		if i == len(parts)-1 {
			if title, ok := found.ValueTitles[value]; ok {
				return title
			}
			return value
		}
		cs = found.Fields
	}
	return value
}

func translateClaims(cs []Claim, prefix string, titles map[string]string) {
	for i := range cs {
		key := prefix + cs[i].Name
		if s := titles[key]; s != "" {
			cs[i].Title = s
		}
		translateClaims(cs[i].Fields, key+".", titles)
	}
}

// matchLanguage picks the shipped translation for a BCP 47 tag, or "".
func matchLanguage(lang string) string {
	tag, err := language.Parse(lang)
	if err != nil || len(i18n) == 0 {
		return ""
	}
	supported := []language.Tag{language.English}
	names := []string{""}
	for _, l := range Languages() {
		supported = append(supported, language.Make(l))
		names = append(names, l)
	}
	_, i, conf := language.NewMatcher(supported).Match(tag)
	if conf == language.No {
		return ""
	}
	return names[i]
}
