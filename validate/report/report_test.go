package report_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"strings"
	"testing"

	"github.com/ccconform/ccconform/validate"
	"github.com/ccconform/ccconform/validate/report"
)

// verdicts checks a small mixed input: valid, invalid, malformed, with a
// message that needs escaping in XML and in workflow commands.
func verdicts(t *testing.T) []validate.Verdict {
	t.Helper()
	v, err := validate.New(validate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	in := `{"uid":"a","name":"A","status":"online"}
{"uid":"<b>&","name":"B","status":"away, 100%"}
{"uid": oops}
{"guid":"g","name":"G","type":"public","createdAt":1,"password":"p"}
`
	return v.Bytes([]byte(in))
}

// writeWith writes vds in format with opts, closing with the summary of
// vds as edit leaves it.
func writeWith(t *testing.T, format string, opts report.Options, vds []validate.Verdict, edit func(*report.Summary)) string {
	t.Helper()
	var buf bytes.Buffer
	w, err := report.New(format, &buf, opts)
	if err != nil {
		t.Fatal(err)
	}
	s := report.NewSummary()
	for _, vd := range vds {
		s.Add(vd)
		if err := w.Verdict(vd); err != nil {
			t.Fatal(err)
		}
	}
	if edit != nil {
		edit(s)
	}
	if err := w.Close(s); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// write writes vds in format with the default options.
func write(t *testing.T, format string, vds []validate.Verdict) string {
	t.Helper()
	return writeWith(t, format, report.Options{}, vds, nil)
}

func TestJSONLinesParse(t *testing.T) {
	out := write(t, "json", verdicts(t))
	sc := bufio.NewScanner(strings.NewReader(out))
	var lines []map[string]any
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("line %d is not JSON: %v\n%s", len(lines)+1, err, sc.Text())
		}
		lines = append(lines, m)
	}
	if len(lines) != 5 {
		t.Fatalf("got %d lines, want 4 verdicts and a summary", len(lines))
	}
	if lines[0]["valid"] != true || lines[1]["valid"] != false || len(lines[0]["violations"].([]any)) != 0 {
		t.Errorf("first verdicts: %v / %v", lines[0], lines[1])
	}
	sum := lines[4]["summary"].(map[string]any)
	if sum["documents"] != 4.0 || sum["invalid"] != 3.0 || sum["byRule"].(map[string]any)["json"] != 1.0 {
		t.Errorf("summary: %v", sum)
	}
}

func TestJUnitIsWellFormed(t *testing.T) {
	out := write(t, "junit", verdicts(t))
	var suites struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suite    struct {
			Cases []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Message string `xml:"message,attr"`
					Type    string `xml:"type,attr"`
					Text    string `xml:",chardata"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	dec := xml.NewDecoder(strings.NewReader(out))
	if err := dec.Decode(&suites); err != nil {
		t.Fatalf("not well-formed XML: %v\n%s", err, out)
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if cd, ok := tok.(xml.CharData); err != nil || !ok || strings.TrimSpace(string(cd)) != "" {
			t.Fatalf("content after the root element: %v %v", tok, err)
		}
	}
	if suites.Tests != 4 || suites.Failures != 3 || len(suites.Suite.Cases) != 4 {
		t.Fatalf("tests %d failures %d cases %d", suites.Tests, suites.Failures, len(suites.Suite.Cases))
	}
	c := suites.Suite.Cases[1]
	if c.Name != "bytes:2" || c.Failure == nil || c.Failure.Type != "enum" || !strings.Contains(c.Failure.Text, `"away, 100%"`) {
		t.Errorf("second case: %+v", c)
	}
	if suites.Suite.Cases[0].Failure != nil {
		t.Error("a valid document has a failure")
	}
}

func TestGitHubAnnotations(t *testing.T) {
	vds := verdicts(t)
	for i := range vds {
		vds[i].Location.Source = "dir/a,b:c.ndjson"
	}
	out := write(t, "github", vds)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 {
		t.Fatalf("want 3 errors and a notice, got:\n%s", out)
	}
	want := `::error file=dir/a%2Cb%3Ac.ndjson,line=2,title=ccconform user [enum]::dir/a,b:c.ndjson:2: status: "away, 100%25" is not one of online, offline [enum]`
	if lines[0] != want {
		t.Errorf("got  %s\nwant %s", lines[0], want)
	}
	if !strings.HasPrefix(lines[3], "::notice title=ccconform::4 documents: 1 valid, 3 invalid") {
		t.Errorf("notice: %s", lines[3])
	}
}

func TestTextSummary(t *testing.T) {
	out := write(t, "text", verdicts(t))
	for _, want := range []string{
		"bytes:2: user (docs)\n  status: \"away, 100%\" is not one of online, offline [enum]\n",
		"bytes:3: document\n  malformed JSON at column 9",
		"bytes:4: group (docs)\n  password: is set, but a public group has no password",
		"4 documents: 1 valid, 3 invalid\n",
		"violations by rule: enum 1, group-password 1, json 1\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text report lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b[") {
		t.Error("colour without Options.Color")
	}
	var buf bytes.Buffer
	w, _ := report.New("text", &buf, report.Options{Color: true})
	s := report.NewSummary()
	s.Add(verdicts(t)[1])
	w.Verdict(verdicts(t)[1])
	w.Close(s)
	if !strings.Contains(buf.String(), "\x1b[31m") {
		t.Error("no colour with Options.Color")
	}
}

func TestUnknownFormat(t *testing.T) {
	if _, err := report.New("yaml", io.Discard, report.Options{}); err == nil || !strings.Contains(err.Error(), "text, json, junit, github") {
		t.Errorf("error %v", err)
	}
}
