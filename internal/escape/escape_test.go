package escape

import "testing"

func TestVisible(t *testing.T) {
	cases := map[string]string{
		"payloads/users.json":               "payloads/users.json",
		"café ✓.json":                       "café ✓.json",
		"x\n::error file=README.md::forged": `x\n::error file=README.md::forged`,
		"\x1b]0;title\x07\x1b[2J":           `\u001b]0;title\u0007\u001b[2J`,
		"a\rb\tc\u2028d\u202ee":             `a\rb\tc\u2028d\u202ee`,
		"bad \xff byte":                     `bad \xff byte`,
		"nel\u0085":                         `nel\u0085`,
	}
	for in, want := range cases {
		if got := Visible(in); got != want {
			t.Errorf("Visible(%q) = %q, want %q", in, got, want)
		}
	}
}
