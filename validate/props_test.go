package validate

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/ccconform/ccconform/types"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

func TestPropTable(t *testing.T) {
	cases := map[string][]string{
		"one":   {"uid"},
		"user":  {"uid", "name", "avatar", "link", "role", "status", "statusMessage", "lastActiveAt", "metadata", "credits", "email", "authToken", "tags", "hasBlockedMe", "blockedByMe", "deactivatedAt", "createdAt", "updatedAt"},
		"clash": {"abXc", "aYXc"}, // agree in every byte the hash reads
		"many":  nil,
	}
	for i := range 200 {
		cases["many"] = append(cases["many"], fmt.Sprintf("field%03d", i))
	}
	for name, keys := range cases {
		t.Run(name, func(t *testing.T) {
			props := map[string]prop{}
			for i, k := range keys {
				props[k] = prop{bit: uint64(i + 1)}
			}
			pt := newPropTable(props)
			for i, k := range keys {
				pr, ok := pt.get([]byte(k))
				if !ok || pr.bit != uint64(i+1) {
					t.Errorf("get(%q) = %v, %v; want bit %d", k, pr, ok, i+1)
				}
			}
			for _, k := range []string{"", "x", "UID", "uid ", "abYc", "field", "field1000", "Name", "createdat"} {
				if _, ok := props[k]; ok {
					continue
				}
				if _, ok := pt.get([]byte(k)); ok {
					t.Errorf("get(%q) found a property the table does not hold", k)
				}
			}
		})
	}
}

// TestPropTablesOfSchemas checks the table of every plan compiled from the
// committed schemas against the schema's own properties.
func TestPropTablesOfSchemas(t *testing.T) {
	v, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[*plan]bool{}
	var walk func(p *plan)
	walk = func(p *plan) {
		if p == nil || seen[p] {
			return
		}
		seen[p] = true
		for name, sub := range p.s.Properties {
			pr, ok := p.props.get([]byte(name))
			if !ok {
				t.Errorf("%s: property %q not found", p.s.Location, name)
				continue
			}
			if sub != nil && pr.p == nil {
				t.Errorf("%s: property %q has no plan", p.s.Location, name)
			}
			walk(pr.p)
		}
		for _, q := range append(append(append([]*plan{p.ref, p.items, p.ifP, p.thenP, p.elseP, p.extra}, p.allOf...), p.anyOf...), p.oneOf...) {
			walk(q)
		}
	}
	for _, p := range types.Profiles() {
		for _, k := range types.Kinds() {
			walk(v.schemaOf(p, k).p)
		}
	}
	if len(seen) < 50 {
		t.Fatalf("walked only %d plans", len(seen))
	}
}

// TestPlainFormats checks that what the fast path takes as a plain email or
// URL, the reference's format check accepts too, on hand-picked edge cases
// and on random rewrites of good values; and that ordinary values are plain.
func TestPlainFormats(t *testing.T) {
	v, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	formats := map[string]*jsonschema.Format{}
	for _, p := range types.Profiles() {
		for _, k := range types.Kinds() {
			walkSchemas(v.schemaOf(p, k).s, map[*jsonschema.Schema]bool{}, func(s *jsonschema.Schema) {
				if s.Format != nil {
					formats[s.Format.Name] = s.Format
				}
			})
		}
	}
	for _, name := range []string{"email", "uri"} {
		if formats[name] == nil {
			t.Fatalf("no schema uses format %s", name)
		}
	}
	plain := map[string][]string{
		"email": {"superhero1@example.com", "a.b+c_d-e@sub-domain.example.co", "x@y"},
		"uri":   {"https://example.com/a/b.png", "http://localhost", "https://a-b.example/x_y~z"},
	}
	edge := map[string][]string{
		"email": {"", "@", "a@", "@b", ".a@b", "a.@b", "a..b@c", "a@b@c", "a@-b", "a@b-", "a@b.", "a@.b", "a@b..c",
			"a@" + strings.Repeat("x", 64), "a@" + strings.Repeat("x.", 127) + "x", strings.Repeat("a", 65) + "@b",
			"a b@c", "a@b_c", "a@[127.0.0.1]", `"a"@b`, "ä@b", "a@bä", "a@b-.c", "a@-b.c"},
		"uri": {"", "https://", "http:///x", "https://a b", "https://a/b c", "https://a/%zz", "https://[::1]/", "ftp://a", "https://a?b", "https://a#b", "https://a:99999"},
	}
	for name, f := range formats {
		for _, s := range plain[name] {
			if !plainFormat(name, s) {
				t.Errorf("%s %q: not plain; the fast path would send it to the reference", name, s)
			}
		}
		cases := append(append([]string{}, edge[name]...), plain[name]...)
		r := rand.New(rand.NewPCG(7, uint64(len(name))))
		const alphabet = "aZ09.-_+@/:[]%# ~\"ä"
		for _, s := range plain[name] {
			for range 20000 {
				b := []rune(s)
				for range 1 + r.IntN(3) {
					i := r.IntN(len(b) + 1)
					c := []rune(alphabet)[r.IntN(len([]rune(alphabet)))]
					switch r.IntN(3) {
					case 0:
						b = append(b[:i], append([]rune{c}, b[i:]...)...)
					case 1:
						if i < len(b) {
							b = append(b[:i], b[i+1:]...)
						}
					default:
						if i < len(b) {
							b[i] = c
						}
					}
				}
				cases = append(cases, string(b))
			}
		}
		for _, s := range cases {
			if plainFormat(name, s) && f.Validate(s) != nil {
				t.Errorf("%s %q: the fast path takes it as plain, the reference rejects it: %v", name, s, f.Validate(s))
			}
		}
	}
}

func walkSchemas(s *jsonschema.Schema, seen map[*jsonschema.Schema]bool, fn func(*jsonschema.Schema)) {
	if s == nil || seen[s] {
		return
	}
	seen[s] = true
	fn(s)
	for _, sub := range s.Properties {
		walkSchemas(sub, seen, fn)
	}
	for _, sub := range append(append(append([]*jsonschema.Schema{s.Ref, s.Items2020, s.If, s.Then, s.Else}, s.AllOf...), s.AnyOf...), s.OneOf...) {
		walkSchemas(sub, seen, fn)
	}
	if ap, ok := s.AdditionalProperties.(*jsonschema.Schema); ok {
		walkSchemas(ap, seen, fn)
	}
}
