package validate

import (
	"encoding/json"
	"math/big"
	"strings"
	"testing"
)

func TestShow(t *testing.T) {
	long := strings.Repeat("x", 100)
	for _, c := range []struct {
		v    any
		want string
	}{
		{"a\x1b\n\u0085\u2028\x7f\"\\<&", `"a\u001b\n\u0085\u2028\u007f\"\\<&"`},
		{json.Number("1e999999"), "1e999999"},
		{json.Number("1" + strings.Repeat("0", 99)), "1" + strings.Repeat("0", 63) + "… (a number of 100 characters)"},
		{long, `"` + strings.Repeat("x", 64) + `"… (a string of 100 characters)`},
		{[]any{long}, `["` + strings.Repeat("x", 62) + "… (an array of 1 item)"},
		{map[string]any{"b": true, "a": nil}, `{"a":null,"b":true}`},
		{map[string]any{"k": long}, `{"k":"` + strings.Repeat("x", 58) + "… (an object of 1 member)"},
		{"\xff", `"\ufffd"`},
	} {
		if got := show(c.v); got != c.want {
			t.Errorf("show(%.30v) = %s, want %s", c.v, got, c.want)
		}
	}
}

func TestRat(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"0", "0"},
		{"-7", "-7"},
		{"1.5", "1.500000"},
		{"9007199254740991", "9007199254740991"},
		{"1e999999", "1e999999"},
		{"-2.5e-999999", "-2.5e-999999"},
		{"999999999.9e999990", "about 1e999999"},
		{"123456789e100", "1.23456789e108"},
	} {
		r, ok := new(big.Rat).SetString(c.in)
		if !ok {
			t.Fatalf("%s: not a number", c.in)
		}
		if got := rat(r); got != c.want {
			t.Errorf("rat(%s) = %s, want %s", c.in, got, c.want)
		}
	}
}

func TestShortenQuoted(t *testing.T) {
	long := strings.Repeat("y", 1000)
	msg := `unknown category "` + long + `": expected one of message, custom; did you mean "message"?`
	want := `unknown category "` + strings.Repeat("y", 64) + `"… (a string of 1000 characters): expected one of message, custom; did you mean "message"?`
	if got := shortenQuoted(msg); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if short := `type "x" is not "y"`; shortenQuoted(short) != short {
		t.Error("a short message changed")
	}
	if odd := `a "` + long; shortenQuoted(odd) != odd {
		t.Error("an unclosed quote changed")
	}
}
