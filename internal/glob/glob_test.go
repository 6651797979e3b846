package glob

import "testing"

func TestMatch(t *testing.T) {
	cases := []struct {
		pattern, name string
		want          bool
	}{
		{"*.json", "a/b/report.json", true},
		{"*.json", "a/b/report.ndjson", false},
		{"fixtures/*", "fixtures/a.json", true},
		{"fixtures/*", "fixtures/sub/a.json", false},
		{"fixtures/**", "fixtures/sub/a.json", true},
		{"fixtures/**/invalid/*.json", "fixtures/generated/invalid/rest/a.json", false},
		{"fixtures/**/invalid/**", "fixtures/generated/invalid/rest/a.json", true},
		{"**/invalid/**", "invalid/a.json", true},
		{"/metadata/**", "/metadata", true},
		{"/metadata/**", "/metadata/a/b", true},
		{"/metadata/**", "/metadatax", false},
		{"/data/entities/*/entity/status", "/data/entities/sender/entity/status", true},
		{"/data/entities/*/entity/status", "/data/entities/sender/status", false},
		{"/tags/[0-9]", "/tags/3", true},
		{"/a/[", "/a/[", false},
	}
	for _, c := range cases {
		if got := Match(c.pattern, c.name); got != c.want {
			t.Errorf("Match(%q, %q) = %v, want %v", c.pattern, c.name, got, c.want)
		}
	}
	if Valid("/a/[") || !Valid("a/**/*.json") {
		t.Error("Valid")
	}
}
