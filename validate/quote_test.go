package validate_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ccconform/ccconform/validate"
)

// maxLine bounds a violation as a person reads it, whatever the document
// held: a field, a message quoting values of at most 64 characters, a rule.
const maxLine = 400

// hostile holds the characters a terminal or a log would act on, in a value
// or a key: an escape sequence that sets the window title, a bell, a line
// break that forges a line, C1 NEL, and the Unicode line separator.
const hostile = "x\x1b]0;title\a\nforged-line\u0085\u2028"

// checkBrief fails unless every violation in vs is one short line with no
// control character, in its message, its expected and actual values, and
// as String writes it.
func checkBrief(t *testing.T, vs []validate.Violation) {
	t.Helper()
	if len(vs) == 0 {
		t.Fatal("no violation")
	}
	for _, v := range vs {
		for what, s := range map[string]string{"message": v.Message, "expected": v.Expected, "actual": v.Actual, "line": v.String()} {
			if n := utf8.RuneCountInString(s); n > maxLine {
				t.Errorf("%s of %d characters: %.200s", what, n, s)
			}
			if what == "line" {
				continue // the key in the field is the report's to escape
			}
			if i := strings.IndexFunc(s, func(r rune) bool { return r < 0x20 || r >= 0x7f && r <= 0x9f || r == 0x2028 }); i >= 0 {
				t.Errorf("%s holds a raw control character at %d: %q", what, i, s)
			}
		}
	}
}

// TestNumbersAreNotWrittenOut checks that a number written with a large
// exponent is quoted as written, not expanded into its digits (1e999999
// once made a line of a million digits).
func TestNumbersAreNotWrittenOut(t *testing.T) {
	v := newValidator(t, validate.Options{})
	digits := "1234567890" + strings.Repeat("9876543210", 20)
	cases := []struct{ number, want string }{
		{"1e999999", "1e999999 is above the maximum 9007199254740991"},
		{"1E+999999", "1e999999 is above the maximum"},
		{"-1e999999", "-1e999999 is below the minimum 0"},
		{"1.5e999999", "1.5e999999 is above the maximum"},
		{"12.5e999998", "1.25e999999 is above the maximum"},
		{"1.234567891234e999999", "about 1.23456789e999999 is above the maximum"},
		{digits, "about 1.23456789e209 is above the maximum"},
		{"1" + strings.Repeat("0", 300), "1e300 is above the maximum"},
		{"9007199254740992", "9007199254740992 is above the maximum 9007199254740991"},
	}
	for _, c := range cases {
		t.Run(c.number[:min(len(c.number), 20)], func(t *testing.T) {
			doc := load(t, "docs/user-online.json")
			doc["lastActiveAt"] = json.Number(c.number)
			raw, _ := json.Marshal(doc)
			vd := v.Check(raw)
			checkBrief(t, vd.Violations)
			if len(vd.Violations) != 1 || vd.Violations[0].Pointer != "/lastActiveAt" || !strings.Contains(vd.Violations[0].Message, c.want) {
				t.Errorf("got %v, want a message with %q", vd.Violations, c.want)
			}
		})
	}
}

// TestQuotedValuesAreCut checks every kind of message that quotes the
// document: each stays one short line that says how long the value was.
func TestQuotedValuesAreCut(t *testing.T) {
	long := strings.Repeat("é", 1<<20)
	big := map[string]any{}
	for i := range 5000 {
		big[fmt.Sprintf("key%05d", i)] = i
	}
	cases := []struct {
		name, fixture string
		mutate        func(map[string]any)
		opts          validate.Options
		want          string
	}{
		{"enum", "docs/user-online.json", set("/status", long), validate.Options{}, `"éééé`},
		{"enum length", "docs/user-online.json", set("/status", long), validate.Options{}, "… (a string of 1048576 characters) is not one of"},
		{"format", "docs/user-online.json", set("/avatar", "not a url "+long), validate.Options{}, "(a string of 1048586 characters) is not a valid uri"},
		{"long number", "docs/customMessage-custom-location.json", set("/customData/label", json.Number("1"+strings.Repeat("0", 5000))), validate.Options{}, `but customData is {"label":1000000000`},
		{"sender mismatch", "docs/textMessage-user-offline.json", set("/data/entities/sender/entity/uid", long), validate.Options{}, "(a string of 1048576 characters), but sender.uid is"},
		{"custom data", "docs/customMessage-custom-location.json", set("/data/customData", big), validate.Options{}, "(an object of 5000 members), but customData is"},
		{"custom data array", "docs/customMessage-custom-location.json", set("/data/customData/label", []any{long, long}), validate.Options{}, `is {"label":["ééé`},
		{"category type", "docs/textMessage-user-offline.json", set("/type", "text"+long), validate.Options{}, "(a string of 1048580 characters) is not valid"},
		{"hostile value", "docs/user-online.json", set("/status", hostile), validate.Options{}, `"x\u001b]0;title\u0007\nforged-line\u0085\u2028" is not one of`},
		{"hostile mismatch", "docs/textMessage-user-offline.json", set("/data/entities/sender/entity/uid", hostile), validate.Options{}, `is "x\u001b]0;title\u0007\nforged-line\u0085\u2028", but`},
		{"long key", "docs/user-online.json", set("/"+strings.Repeat("k", 5000), 1), validate.Options{Strict: true}, "not documented"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := load(t, c.fixture)
			c.mutate(doc)
			raw, _ := json.Marshal(doc)
			vd := newValidator(t, c.opts).Check(raw)
			checkBrief(t, vd.Violations)
			found := false
			for _, x := range vd.Violations {
				found = found || strings.Contains(x.String(), c.want)
			}
			if !found {
				t.Errorf("no violation says %q: %.1000v", c.want, vd.Violations)
			}
		})
	}
}

// TestLongKeysKeepTheirPointer checks that a violation keeps the exact
// pointer of a long key, for programs, while its line cuts the key.
func TestLongKeysKeepTheirPointer(t *testing.T) {
	doc := load(t, "docs/user-online.json")
	key := strings.Repeat("k", 5000) + "/~"
	doc[key] = 1
	raw, _ := json.Marshal(doc)
	vd := newValidator(t, validate.Options{Strict: true}).Check(raw)
	want := "/" + strings.Repeat("k", 5000) + "~1~0"
	if len(vd.Violations) != 1 || vd.Violations[0].Pointer != want || vd.Undocumented[0] != want {
		t.Fatalf("got %.300v, undocumented %.300v", vd.Violations, vd.Undocumented)
	}
	line := vd.Violations[0].String()
	if !strings.HasPrefix(line, strings.Repeat("k", 64)+"… (a key of 5002 characters): field is not documented") {
		t.Errorf("line %.300s", line)
	}
}

func TestShorten(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"short", "short"},
		{strings.Repeat("a", 64), strings.Repeat("a", 64)},
		{strings.Repeat("é", 64), strings.Repeat("é", 64)},
		{strings.Repeat("é", 65), strings.Repeat("é", 64) + "… (65 characters)"},
	} {
		if got := validate.Shorten(c.in); got != c.want {
			t.Errorf("Shorten(%.20q…) = %q, want %q", c.in, got, c.want)
		}
	}
	p := "/metadata/" + strings.Repeat("k", 100) + "/x"
	if got, want := validate.ShortenPointer(p), "/metadata/"+strings.Repeat("k", 64)+"… (a key of 100 characters)/x"; got != want {
		t.Errorf("ShortenPointer = %q, want %q", got, want)
	}
	if got := validate.ShortenPointer("/a/b"); got != "/a/b" {
		t.Errorf("ShortenPointer(/a/b) = %q", got)
	}
}
