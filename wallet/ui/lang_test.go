package ui

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
)

// usedKeys returns every translation key the package's sources pass to
// lang.L or lang.X. A call whose key is not a string literal fails the
// test: such keys could not be checked.
func usedKeys(t *testing.T) map[string]bool {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if pkg, ok := sel.X.(*ast.Ident); !ok || pkg.Name != "lang" || (sel.Sel.Name != "L" && sel.Sel.Name != "X") {
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				t.Errorf("%s: lang.%s with a key that is not a string literal", fset.Position(call.Pos()), sel.Sel.Name)
				return true
			}
			key, err := strconv.Unquote(lit.Value)
			if err != nil {
				t.Fatal(err)
			}
			keys[key] = true
			return true
		})
	}
	if len(keys) < 50 {
		t.Fatalf("found only %d keys: is the scanner broken?", len(keys))
	}
	return keys
}

func shipped(t *testing.T) map[string]map[string]string {
	t.Helper()
	langs := map[string]map[string]string{}
	err := fs.WalkDir(translations, "translations", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := translations.ReadFile(path)
		if err != nil {
			return err
		}
		m := map[string]string{}
		if err := json.Unmarshal(data, &m); err != nil {
			t.Errorf("%s: %v", path, err)
		}
		langs[strings.TrimSuffix(filepath.Base(path), ".json")] = m
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"en", "es"} {
		if langs[want] == nil {
			t.Fatalf("no %s translation", want)
		}
	}
	return langs
}

// TestTranslationsComplete fails when a key used in the code is missing or
// empty in a shipped language, or a language has a key another lacks.
func TestTranslationsComplete(t *testing.T) {
	keys := usedKeys(t)
	langs := shipped(t)
	for name, m := range langs {
		for k := range keys {
			if strings.TrimSpace(m[k]) == "" {
				t.Errorf("%s.json: missing %q", name, k)
			}
		}
		for other, om := range langs {
			for k := range om {
				if _, ok := m[k]; !ok {
					t.Errorf("%s.json has %q, %s.json lacks it", other, k, name)
				}
			}
		}
		for k, v := range m {
			if !keys[k] {
				t.Errorf("%s.json: %q is not used in the code", name, k)
			}
			// A translation keeps the template fields of its key.
			for _, f := range fields(k) {
				if !strings.Contains(v, f) {
					t.Errorf("%s.json: the translation of %q lacks %s", name, k, f)
				}
			}
		}
	}
	if langs["es"]["Unlock"] == "Unlock" {
		t.Error("es.json: Unlock is not translated")
	}
}

// fields lists the {{.Name}} template fields in s.
func fields(s string) []string {
	var out []string
	for {
		i := strings.Index(s, "{{.")
		if i < 0 {
			return out
		}
		j := strings.Index(s[i:], "}}")
		if j < 0 {
			return out
		}
		if f := s[i : i+j+2]; !slices.Contains(out, f) {
			out = append(out, f)
		}
		s = s[i+j+2:]
	}
}

// TestSpanish: with a Spanish system locale the screens speak Spanish,
// template fields filled in.
func TestSpanish(t *testing.T) {
	en, err := translations.ReadFile("translations/en.json")
	if err != nil {
		t.Fatal(err)
	}
	es, err := translations.ReadFile("translations/es.json")
	if err != nil {
		t.Fatal(err)
	}
	// Runs after the environment is restored (cleanups run last first):
	// re-adding a language makes Fyne read the locale again.
	t.Cleanup(func() { lang.AddTranslationsForLocale(en, "en") })
	t.Setenv("LANGUAGE", "es")
	t.Setenv("LC_ALL", "es_ES.UTF-8")
	t.Setenv("LANG", "es_ES.UTF-8")
	if err := lang.AddTranslationsForLocale(es, "es"); err != nil {
		t.Fatal(err)
	}
	u := newTestUI(t, t.TempDir(), phoneSize, &fakeClock{t: start})
	wantText(t, u, "Crear un perfil nuevo")
	test.Type(entry(t, u, "Su nombre o un apodo"), "ana")
	entry(t, u, "PIN").SetText(testPIN)
	enter(entry(t, u, "PIN otra vez"), testPIN)
	wantText(t, u, "Sus credenciales (ana)")
	button(t, u, "Recibir una credencial")
	fits(t, u, "lista")
	// The credential types' titles and claim labels come from schemas/i18n.
	newTestIssuer(t).give(t, u.Wallet(), "AgeOverCredential", map[string]any{"ageOver18": true}, start)
	u.ShowList()
	wantText(t, u, "Mayoría de edad")
	test.Tap(button(t, u, "Abrir"))
	wantText(t, u, "Mayor de 18")
	noText(t, u, "Over 18")
	res := newTestIssuer(t).give(t, u.Wallet(), "ResidencyCredential", map[string]any{"residentOf": "Springfield", "housingStatus": "shelter", "shelterName": "Eastside"}, start)
	u.ShowDetail(res.ID)
	wantText(t, u, "En un albergue")
	u.ShowList()
	test.Tap(button(t, u, "Copia de seguridad"))
	wantText(t, u, "Hacer una copia de seguridad de su billetera")
	fits(t, u, "copia")
	u.ShowSettings()
	wantText(t, u, "Cambiar el PIN")
	fits(t, u, "ajustes")
	u.Lock()
	test.Tap(button(t, u, "Restaurar una copia de seguridad"))
	wantText(t, u, "¿Perdió el teléfono")
	fits(t, u, "restaurar")
}
