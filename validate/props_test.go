package validate

import (
	"fmt"
	"testing"
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
	for _, byKind := range v.schemas {
		for _, ks := range byKind {
			walk(ks.p)
		}
	}
	if len(seen) < 50 {
		t.Fatalf("walked only %d plans", len(seen))
	}
}
