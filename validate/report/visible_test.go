package report_test

import (
	"bufio"
	"encoding/json"
	"encoding/xml"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ccconform/ccconform/validate"
	"github.com/ccconform/ccconform/validate/report"
)

// evil is a key as a hostile payload may hold it: an escape sequence that
// sets the window title, a bell, a line feed that forges a report line,
// C1 NEL, the Unicode line separator, a right-to-left override, and a byte
// that is not UTF-8.
const evil = "x\x1b]0;title\a\nforged-line\u0085\u2028\u202e\xff"

// evilVerdicts carry evil in a source, a pointer, a message, a coverage
// list and a category/type pair, and an overlong key.
func evilVerdicts() ([]validate.Verdict, *validate.CoverageReport) {
	long := strings.Repeat("k", 10_000)
	vds := []validate.Verdict{{
		Location: validate.Location{Source: "dir/evil\nforged-source.ndjson", Line: 1, Index: -1}, Kind: "user", Profile: "sdk",
		Violations: []validate.Violation{
			{Pointer: "/" + evil, Rule: "unknown-field", Message: "field is not documented"},
			{Pointer: "/status", Rule: "enum", Message: `"` + evil + `" is not one of online, offline`},
			{Pointer: "/" + long, Rule: "unknown-field", Message: "field is not documented"},
		},
		Undocumented: []string{"/" + evil, "/" + long},
	}}
	cov := &validate.CoverageReport{
		Kinds: []validate.KindCoverage{{Kind: "user", Profile: "sdk", Documents: 1,
			Undocumented: []validate.Drift{{Pointer: "/" + evil, Count: 1, Sample: "dir/evil.ndjson:1 /" + evil}, {Pointer: "/" + long, Count: 1, Sample: "a:1"}},
			Enums:        []validate.EnumCount{{Pointer: "/status", Values: []validate.Count{{Name: evil, Count: 1}, {Name: long, Count: 1}}}},
		}},
		Pairs: []validate.Count{{Name: "message/" + evil, Count: 1}},
	}
	return vds, cov
}

func writeEvil(t *testing.T, format string) string {
	t.Helper()
	vds, cov := evilVerdicts()
	return writeWith(t, format, report.Options{}, vds, func(s *report.Summary) { s.Coverage = cov })
}

// rawControl returns the first character of s, other than a line feed,
// that visible escapes, or "".
func rawControl(s string) string {
	for i, r := range s {
		switch {
		case r == '\n':
		case r == utf8.RuneError:
			if _, w := utf8.DecodeRuneInString(s[i:]); w == 1 {
				return s[i : i+1]
			}
		case r < 0x20, r >= 0x7f && r <= 0x9f, r == 0x2028, r == 0x2029, r == 0x202e:
			return string(r)
		}
	}
	return ""
}

// TestPayloadsCannotForgeLines checks the formats people read: no raw
// control character, every line one the writer meant, and the evil key
// shown escaped.
func TestPayloadsCannotForgeLines(t *testing.T) {
	const shown = `x\u001b]0;title\u0007\nforged-line\u0085\u2028\u202e\xff`
	for _, format := range []string{"text", "github", "html"} {
		t.Run(format, func(t *testing.T) {
			out := writeEvil(t, format)
			if c := rawControl(out); c != "" {
				t.Errorf("raw %q in the report:\n%s", c, out)
			}
			if !strings.Contains(out, shown) {
				t.Errorf("the key is not shown escaped as %s:\n%s", shown, out)
			}
			for i, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
				if strings.HasPrefix(line, "forged") {
					t.Errorf("line %d is forged: %s", i+1, line)
				}
				if format == "github" && !strings.HasPrefix(line, "::") {
					t.Errorf("line %d is no workflow command: %s", i+1, line)
				}
				if utf8.RuneCountInString(line) > 1000 {
					t.Errorf("line %d has %d characters: a long key is not cut", i+1, utf8.RuneCountInString(line))
				}
			}
		})
	}
	text := writeEvil(t, "text")
	for _, want := range []string{
		"dir/evil\\nforged-source.ndjson:1: user (sdk)\n",
		"  " + shown + ": field is not documented [unknown-field]\n",
		`  status: "` + shown + `" is not one of online, offline [enum]` + "\n",
		"    undocumented /" + shown + ": 1 times, first at dir/evil.ndjson:1 /" + shown + "\n",
		"  category/type: message/" + shown + " 1\n",
		"    undocumented /" + strings.Repeat("k", 64) + "… (a key of 10000 characters): 1 times",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	gh := writeEvil(t, "github")
	if want := "::error file=dir/evil\\nforged-source.ndjson,line=1,title=ccconform user [unknown-field]::dir/evil\\nforged-source.ndjson:1: " + shown + ": field is not documented [unknown-field]\n"; !strings.Contains(gh, want) {
		t.Errorf("github lacks %q:\n%s", want, gh)
	}
}

// TestPayloadsKeepMachineFormatsValid checks that JSON lines, JUnit XML and
// SARIF stay well-formed with the evil key, and say it.
func TestPayloadsKeepMachineFormatsValid(t *testing.T) {
	out := writeEvil(t, "json")
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	lines := 0
	for sc.Scan() {
		var v map[string]any
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("json line %d: %v", lines+1, err)
		}
		lines++
	}
	if lines != 2 {
		t.Errorf("json: %d lines, want a verdict and a summary", lines)
	}

	out = writeEvil(t, "junit")
	dec := xml.NewDecoder(strings.NewReader(out))
	for {
		_, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("junit is not well-formed XML: %v\n%s", err, out)
		}
	}
	if !strings.Contains(out, `x\u001b]0;title\u0007\nforged-line`) || strings.ContainsRune(out, '\uFFFD') {
		t.Errorf("junit does not show the key escaped:\n%s", out)
	}

	out = writeEvil(t, "sarif")
	var log struct {
		Runs []struct {
			Results []struct {
				Message struct{ Text string }
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		t.Fatalf("sarif is not JSON: %v", err)
	}
	if got := log.Runs[0].Results[0].Message.Text; !strings.HasPrefix(got, `/x\u001b]0;title\u0007\nforged-line`) {
		t.Errorf("sarif message %q", got)
	}
}
