package console

import (
	"encoding/xml"
	"io"
	"net/http/cookiejar"
	"strings"
	"testing"
)

// golang.org/x/net/html is not among the module's dependencies, so pages are
// parsed with encoding/xml in its lenient HTML mode (auto-closed void
// elements, HTML entities). The console's templates quote every attribute,
// which keeps this exact enough for the checks below.

type node struct {
	tag      string
	attrs    map[string]string
	children []*node
	text     string // for text nodes (tag == "")
	parent   *node
}

func parseHTML(t *testing.T, page string) *node {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(page))
	d.Strict = false
	d.AutoClose = xml.HTMLAutoClose
	d.Entity = xml.HTMLEntity
	root := &node{tag: "#root", attrs: map[string]string{}}
	cur := root
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("page is not well-formed HTML: %v\n%s", err, page)
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			n := &node{tag: strings.ToLower(tk.Name.Local), attrs: map[string]string{}, parent: cur}
			for _, a := range tk.Attr {
				name := strings.ToLower(a.Name.Local)
				if a.Name.Space != "" {
					name = strings.ToLower(a.Name.Space) + ":" + name
				}
				n.attrs[name] = a.Value
			}
			cur.children = append(cur.children, n)
			cur = n
		case xml.EndElement:
			if cur.parent != nil {
				cur = cur.parent
			}
		case xml.CharData:
			cur.children = append(cur.children, &node{text: string(tk), parent: cur})
		}
	}
	return root
}

func (n *node) walk(f func(*node)) {
	f(n)
	for _, c := range n.children {
		c.walk(f)
	}
}

func (n *node) all(tag string) []*node {
	var out []*node
	n.walk(func(m *node) {
		if m.tag == tag {
			out = append(out, m)
		}
	})
	return out
}

func (n *node) byID(id string) *node {
	var found *node
	n.walk(func(m *node) {
		if found == nil && m.tag != "" && m.attrs["id"] == id {
			found = m
		}
	})
	return found
}

func (n *node) textContent() string {
	var b strings.Builder
	n.walk(func(m *node) {
		if m.tag == "" {
			b.WriteString(m.text)
		}
	})
	return strings.Join(strings.Fields(b.String()), " ")
}

// hiddenValue returns the value of the first hidden input called name.
func hiddenValue(t *testing.T, page, name string) string {
	t.Helper()
	for _, in := range parseHTML(t, page).all("input") {
		if in.attrs["type"] == "hidden" && in.attrs["name"] == name {
			return in.attrs["value"]
		}
	}
	t.Fatalf("no hidden input %q in page:\n%s", name, page)
	return ""
}

func newJar() *cookiejar.Jar {
	j, _ := cookiejar.New(nil)
	return j
}

// checkAccessible checks the accessibility basics of a console page: a
// language, a title, exactly one h1, a skip link to main, a label for every
// form control, unique ids, references (label for, aria-describedby, error
// summary links) that resolve, alt text on images, and a name on buttons.
func checkAccessible(t *testing.T, where, page string) {
	t.Helper()
	root := parseHTML(t, page)
	fail := func(format string, args ...any) {
		t.Helper()
		t.Errorf("%s: "+format, append([]any{where}, args...)...)
	}
	htmls := root.all("html")
	if len(htmls) != 1 || htmls[0].attrs["lang"] == "" {
		fail("the page needs one <html lang=...>")
	}
	if titles := root.all("title"); len(titles) != 1 || titles[0].textContent() == "" {
		fail("the page needs a non-empty <title>")
	}
	if h1 := root.all("h1"); len(h1) != 1 {
		fail("the page has %d h1 elements, want exactly 1", len(h1))
	}
	ids := map[string]bool{}
	root.walk(func(n *node) {
		if id, ok := n.attrs["id"]; ok && n.tag != "" {
			if ids[id] {
				fail("duplicate id %q", id)
			}
			ids[id] = true
		}
	})
	if !ids["main"] || root.byID("main").tag != "main" {
		fail("no <main id=main>")
	}
	skip := false
	for _, a := range root.all("a") {
		if a.attrs["href"] == "#main" {
			skip = true
		}
		if href := a.attrs["href"]; strings.HasPrefix(href, "#") && !ids[href[1:]] {
			fail("link to #%s, which is not on the page", href[1:])
		}
		if a.textContent() == "" {
			fail("a link without text (href %q)", a.attrs["href"])
		}
	}
	if !skip {
		fail("no skip link to #main")
	}
	labels := map[string]bool{}
	for _, l := range root.all("label") {
		if l.textContent() == "" {
			fail("an empty label for %q", l.attrs["for"])
		}
		if f := l.attrs["for"]; f != "" {
			if !ids[f] {
				fail("label for %q, which is not on the page", f)
			}
			labels[f] = true
		}
	}
	var controls []*node
	for _, tag := range []string{"input", "select", "textarea"} {
		controls = append(controls, root.all(tag)...)
	}
	for _, c := range controls {
		if c.tag == "input" && (c.attrs["type"] == "hidden" || c.attrs["type"] == "submit") {
			continue
		}
		id := c.attrs["id"]
		if id == "" || !labels[id] {
			fail("<%s name=%q> has no <label for>", c.tag, c.attrs["name"])
		}
		for _, ref := range strings.Fields(c.attrs["aria-describedby"]) {
			if !ids[ref] {
				fail("<%s name=%q> is described by %q, which is not on the page", c.tag, c.attrs["name"], ref)
			}
		}
	}
	for _, img := range root.all("img") {
		if strings.TrimSpace(img.attrs["alt"]) == "" {
			fail("an image without alt text")
		}
	}
	for _, b := range root.all("button") {
		if b.textContent() == "" {
			fail("a button without text")
		}
	}
}
