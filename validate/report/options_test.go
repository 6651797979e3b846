package report_test

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"strings"
	"testing"

	"github.com/ccconform/ccconform/validate"
	"github.com/ccconform/ccconform/validate/report"
)

// manyValid returns n conforming verdicts and one that is not, last.
func manyValid(n int) []validate.Verdict {
	vds := make([]validate.Verdict, 0, n+1)
	for i := range n {
		vds = append(vds, validate.Verdict{Location: validate.Location{Source: "users.ndjson", Line: i + 1, Index: -1}, Kind: "user", Profile: "sdk"})
	}
	return append(vds, validate.Verdict{Location: validate.Location{Source: "users.ndjson", Line: n + 1, Index: -1}, Kind: "user", Profile: "sdk",
		Violations: []validate.Violation{{Pointer: "/status", Rule: "enum", Message: `"away" is not one of online, offline`}}})
}

// junitSuite is what a JUnit report says of its one suite.
type junitSuite struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
	Suite    struct {
		Tests      int             `xml:"tests,attr"`
		Failures   int             `xml:"failures,attr"`
		Properties []junitProperty `xml:"properties>property"`
		Cases      []struct {
			Name    string    `xml:"name,attr"`
			Failure *struct{} `xml:"failure"`
		} `xml:"testcase"`
		SystemErr string `xml:"system-err"`
	} `xml:"testsuite"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

func parseJUnit(t *testing.T, out string) junitSuite {
	t.Helper()
	var s junitSuite
	if err := xml.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("not well-formed XML: %v\n%s", err, out)
	}
	return s
}

// jsonLines splits a JSON report into its verdict lines and its summary.
func jsonLines(t *testing.T, out string) (verdicts []map[string]any, summary map[string]any) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	for i, line := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("line %d is not JSON: %v\n%s", i+1, err, line)
		}
		if i == len(lines)-1 {
			summary, _ = m["summary"].(map[string]any)
			if summary == nil {
				t.Fatalf("the last line is not the summary: %s", line)
			}
			return verdicts, summary
		}
		verdicts = append(verdicts, m)
	}
	t.Fatal("an empty report")
	return nil, nil
}

func TestFailuresOnly(t *testing.T) {
	vds := manyValid(1000)
	for _, c := range []struct {
		failuresOnly bool
		entries      int
	}{{true, 1}, {false, 1001}} {
		t.Run(fmt.Sprintf("failuresOnly=%v", c.failuresOnly), func(t *testing.T) {
			opts := report.Options{FailuresOnly: c.failuresOnly}

			lines, sum := jsonLines(t, writeWith(t, "json", opts, vds, nil))
			if len(lines) != c.entries {
				t.Errorf("json: %d documents listed, want %d", len(lines), c.entries)
			}
			if c.failuresOnly && (lines[0]["valid"] != false || lines[0]["location"].(map[string]any)["line"] != 1001.0) {
				t.Errorf("json: the one document listed is %v, want the invalid one", lines[0])
			}
			if sum["documents"] != 1001.0 || sum["valid"] != 1000.0 || sum["invalid"] != 1.0 {
				t.Errorf("json: the summary counts %v, want them all", sum)
			}

			s := parseJUnit(t, writeWith(t, "junit", opts, vds, nil))
			if len(s.Suite.Cases) != c.entries {
				t.Errorf("junit: %d test cases, want %d", len(s.Suite.Cases), c.entries)
			}
			if c.failuresOnly && (s.Suite.Cases[0].Name != "users.ndjson:1001" || s.Suite.Cases[0].Failure == nil) {
				t.Errorf("junit: the one case is %+v, want the invalid one", s.Suite.Cases[0])
			}
			if s.Tests != 1001 || s.Failures != 1 || s.Suite.Tests != 1001 || s.Suite.Failures != 1 {
				t.Errorf("junit: tests %d/%d failures %d/%d, want 1001 and 1", s.Tests, s.Suite.Tests, s.Failures, s.Suite.Failures)
			}
			said := len(s.Suite.Properties) == 1 && s.Suite.Properties[0] == junitProperty{"failuresOnly", "true"}
			if said != c.failuresOnly {
				t.Errorf("junit: properties %+v", s.Suite.Properties)
			}
		})
	}
}

func TestInterrupted(t *testing.T) {
	vds := verdicts(t)
	interrupt := func(s *report.Summary) { s.Interrupted = true }
	for _, c := range []struct {
		format string
		// says reports whether a report says the run was interrupted.
		says func(t *testing.T, out string) bool
	}{
		{"text", func(t *testing.T, out string) bool {
			return strings.HasSuffix(out, "\ninterrupted: the report is partial\n")
		}},
		{"json", func(t *testing.T, out string) bool {
			_, sum := jsonLines(t, out)
			v, ok := sum["interrupted"]
			if ok && v != true {
				t.Errorf("interrupted: %v", v)
			}
			return ok
		}},
		{"junit", func(t *testing.T, out string) bool {
			s := parseJUnit(t, out)
			prop := len(s.Suite.Properties) == 1 && s.Suite.Properties[0] == junitProperty{"interrupted", "true"}
			errText := s.Suite.SystemErr == "interrupted after 4 documents; the report is partial"
			if prop != errText {
				t.Errorf("junit says it by property %v, by system-err %v: want both or neither\n%s", prop, errText, out)
			}
			return prop && errText
		}},
		{"html", func(t *testing.T, out string) bool {
			return strings.Contains(out, `<p class="banner" role="alert">Interrupted after 4 documents: the report is partial.</p>`)
		}},
		{"github", func(t *testing.T, out string) bool {
			return strings.HasSuffix(out, "\n::warning title=ccconform::interrupted after 4 documents; the report is partial\n")
		}},
		{"sarif", func(t *testing.T, out string) bool {
			inv := sarifInvocation(t, out)
			if inv.ExecutionSuccessful == (len(inv.Notifications) > 0) {
				t.Errorf("executionSuccessful %v with notifications %+v", inv.ExecutionSuccessful, inv.Notifications)
			}
			return !inv.ExecutionSuccessful && len(inv.Notifications) == 1 &&
				inv.Notifications[0].Message.Text == "interrupted after 4 documents; the results are partial"
		}},
	} {
		t.Run(c.format, func(t *testing.T) {
			if out := writeWith(t, c.format, report.Options{}, vds, interrupt); !c.says(t, out) {
				t.Errorf("an interrupted run's report does not say so:\n%s", out)
			}
			if out := writeWith(t, c.format, report.Options{}, vds, nil); c.says(t, out) {
				t.Errorf("a whole run's report says it was interrupted:\n%s", out)
			}
		})
	}
}

// sarifInvocation returns the one invocation of a SARIF log's one run.
func sarifInvocation(t *testing.T, out string) (inv struct {
	ExecutionSuccessful bool `json:"executionSuccessful"`
	Notifications       []struct {
		Level   string `json:"level"`
		Message struct {
			Text string `json:"text"`
		} `json:"message"`
	} `json:"toolExecutionNotifications"`
}) {
	t.Helper()
	var log struct {
		Runs []struct {
			Invocations []json.RawMessage
		}
	}
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		t.Fatal(err)
	}
	if len(log.Runs) != 1 || len(log.Runs[0].Invocations) != 1 {
		t.Fatalf("want one run with one invocation:\n%s", out)
	}
	if err := json.Unmarshal(log.Runs[0].Invocations[0], &inv); err != nil {
		t.Fatal(err)
	}
	return inv
}

func TestSARIFSaysUnreadInputs(t *testing.T) {
	out := writeWith(t, "sarif", report.Options{}, nil, func(s *report.Summary) { s.Errors = 2 })
	inv := sarifInvocation(t, out)
	if inv.ExecutionSuccessful || len(inv.Notifications) != 1 || inv.Notifications[0].Message.Text != "2 input(s) could not be read; the results cover the rest" {
		t.Errorf("a log with 0 results from a run that read nothing says %+v", inv)
	}
}
