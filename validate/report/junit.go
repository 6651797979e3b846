package report

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/ccconform/ccconform/validate"
)

// junitWriter writes JUnit XML: one test case per document (per failing
// one, with Options.FailuresOnly), a failure per non-conforming one.
// Control characters from payloads are made visible (\u001b), as XML 1.0
// cannot hold most of them. Test cases are spooled to a temporary file, so
// that the suite's counts, which come first, need no verdict kept in memory.
type junitWriter struct {
	w            io.Writer
	spool        *os.File
	bw           *bufio.Writer
	failuresOnly bool
}

func newJUnitWriter(w io.Writer, opts Options) (*junitWriter, error) {
	f, err := os.CreateTemp("", "ccconform-junit-*.xml")
	if err != nil {
		return nil, fmt.Errorf("junit report needs a temporary file: %w", err)
	}
	return &junitWriter{w: w, spool: f, bw: bufio.NewWriter(f), failuresOnly: opts.FailuresOnly}, nil
}

type junitCase struct {
	XMLName   xml.Name      `xml:"testcase"`
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

func (j *junitWriter) Verdict(v validate.Verdict) error {
	if j.failuresOnly && v.OK() {
		return nil
	}
	kind := string(v.Kind)
	if kind == "" {
		kind = "unknown"
	}
	c := junitCase{Name: visible(v.Location.String()), Classname: "ccconform." + visible(kind)}
	if !v.OK() {
		var lines []string
		rules := map[string]bool{}
		var ruleList []string
		for _, x := range v.Violations {
			lines = append(lines, visible(x.String()))
			if !rules[x.Rule] {
				rules[x.Rule] = true
				ruleList = append(ruleList, x.Rule)
			}
		}
		c.Failure = &junitFailure{
			Message: fmt.Sprintf("%d violation(s): %s", len(v.Violations), lines[0]),
			Type:    strings.Join(ruleList, ","),
			Text:    strings.Join(lines, "\n"),
		}
	}
	b, err := xml.MarshalIndent(c, "    ", "  ")
	if err != nil {
		return err
	}
	j.bw.Write(b)
	return j.bw.WriteByte('\n')
}

func (j *junitWriter) Close(s *Summary) error {
	defer os.Remove(j.spool.Name())
	defer j.spool.Close()
	if err := j.bw.Flush(); err != nil {
		return err
	}
	if _, err := j.spool.Seek(0, io.SeekStart); err != nil {
		return err
	}
	out := bufio.NewWriter(j.w)
	fmt.Fprintf(out, "%s<testsuites name=\"ccconform\" tests=\"%d\" failures=\"%d\" errors=\"%d\">\n", xml.Header, s.Documents, s.Invalid, s.Errors)
	fmt.Fprintf(out, "  <testsuite name=\"ccconform validate\" tests=\"%d\" failures=\"%d\" errors=\"%d\">\n", s.Documents, s.Invalid, s.Errors)
	// Properties say why the cases may be fewer than the tests counted:
	// the run was cut short, or only failures are listed.
	if s.Interrupted || j.failuresOnly {
		fmt.Fprint(out, "    <properties>\n")
		if s.Interrupted {
			fmt.Fprint(out, "      <property name=\"interrupted\" value=\"true\"></property>\n")
		}
		if j.failuresOnly {
			fmt.Fprint(out, "      <property name=\"failuresOnly\" value=\"true\"></property>\n")
		}
		fmt.Fprint(out, "    </properties>\n")
	}
	if _, err := io.Copy(out, j.spool); err != nil {
		return err
	}
	if s.Interrupted {
		fmt.Fprintf(out, "    <system-err>%s</system-err>\n", s.partial())
	}
	fmt.Fprint(out, "  </testsuite>\n</testsuites>\n")
	return out.Flush()
}
