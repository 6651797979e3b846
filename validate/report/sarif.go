package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/ccconform/ccconform/validate"
)

// sarifWriter writes a SARIF 2.1.0 log, which code-scanning dashboards
// read: one result per violation, located by file and line (or URL), with
// the JSON Pointer as a logical location. The log is one JSON value whose
// rules, which come first, name every rule the results broke: results are
// spooled to a temporary file as they come, as JUnit's test cases are, and
// copied into the log at Close, so that memory stays flat however many
// there are.
type sarifWriter struct {
	w     io.Writer
	spool *os.File
	bw    *bufio.Writer
	// buf and enc encode one result, indented as it sits in the log.
	buf   bytes.Buffer
	enc   *json.Encoder
	n     int // results spooled
	rules map[string]bool
}

// sarifResultIndent is the indent of a result in the log: runs, the run,
// results, then the result.
const sarifResultIndent = "        "

func newSARIFWriter(w io.Writer) (*sarifWriter, error) {
	f, err := os.CreateTemp("", "ccconform-sarif-*.json")
	if err != nil {
		return nil, fmt.Errorf("sarif report needs a temporary file: %w", err)
	}
	s := &sarifWriter{w: w, spool: f, bw: bufio.NewWriter(f), rules: map[string]bool{}}
	s.enc = json.NewEncoder(&s.buf)
	s.enc.SetEscapeHTML(false)
	s.enc.SetIndent(sarifResultIndent, "  ")
	return s, nil
}

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

// sarifRun is the one run of a log. Its results are written apart (see
// Close); what follows them, such as an invocation that says whether the
// run finished, is known at Close and is a field here like any other.
type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Results     json.RawMessage   `json:"results"`
	Invocations []sarifInvocation `json:"invocations"`
	Props       map[string]any    `json:"properties,omitempty"`
}

// sarifInvocation says whether the run did all it set out to: a log whose
// run was interrupted, or could not read an input, is not a clean one
// however few results it holds.
type sarifInvocation struct {
	ExecutionSuccessful bool                `json:"executionSuccessful"`
	Notifications       []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level   string       `json:"level"`
	Message sarifMessage `json:"message"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID               string       `json:"id"`
	ShortDescription sarifMessage `json:"shortDescription"`
	HelpURI          string       `json:"helpUri"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID    string          `json:"ruleId"`
	Level     string          `json:"level"`
	Message   sarifMessage    `json:"message"`
	Locations []sarifLocation `json:"locations"`
}

type sarifLocation struct {
	Physical *sarifPhysical `json:"physicalLocation,omitempty"`
	Logical  []sarifLogical `json:"logicalLocations,omitempty"`
}

type sarifPhysical struct {
	Artifact sarifArtifact `json:"artifactLocation"`
	Region   *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
}

type sarifLogical struct {
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

// ruleDescriptions are the rule ids of the schema checks, described.
var ruleDescriptions = map[string]string{
	validate.RuleJSON:         "The input is JSON: well-formed, UTF-8, one value per document.",
	validate.RuleKind:         "The document's kind can be told: a message has a category, a user or member a uid, a group a guid.",
	validate.RuleRequired:     "Every field the model requires is present.",
	validate.RuleType:         "Every value has the JSON type the model gives it.",
	validate.RuleEnum:         "Every enumerated value is one the model lists.",
	validate.RuleFormat:       "URLs and e-mail addresses are well-formed.",
	validate.RuleValue:        "Values are in range and not empty where the model says so.",
	validate.RuleUnknownField: "Every field is one the model documents (--strict).",
	validate.RuleDuplicateKey: "No object repeats a key.",
	validate.RulePointer:      "--pointer names a value in the document.",
}

func (s *sarifWriter) Verdict(v validate.Verdict) error {
	for _, r := range sarifResults(v) {
		s.rules[r.RuleID] = true
		s.buf.Reset()
		if err := s.enc.Encode(r); err != nil {
			return err
		}
		if s.n > 0 {
			s.bw.WriteByte(',')
		}
		s.n++
		s.bw.WriteString("\n" + sarifResultIndent)
		if _, err := s.bw.Write(bytes.TrimSuffix(s.buf.Bytes(), []byte("\n"))); err != nil {
			return err
		}
	}
	return nil
}

// sarifResults gives a verdict's violations as results. Their messages,
// which people read in a dashboard, have control characters made visible
// and long keys cut.
func sarifResults(v validate.Verdict) []sarifResult {
	out := make([]sarifResult, 0, len(v.Violations))
	for _, x := range v.Violations {
		loc := sarifLocation{Physical: &sarifPhysical{Artifact: sarifArtifact{URI: artifactURI(v.Location.Source)}}}
		if v.Location.Line > 0 {
			loc.Physical.Region = &sarifRegion{StartLine: v.Location.Line}
		}
		name := v.Location.String() + "#" + x.Pointer
		loc.Logical = []sarifLogical{{FullyQualifiedName: name, Kind: "member"}}
		msg := x.Message
		if x.Pointer != "" {
			msg = validate.ShortenPointer(x.Pointer) + ": " + msg
		}
		if v.Kind != "" {
			msg += " (" + string(v.Kind) + ", " + string(v.Profile) + ")"
		}
		out = append(out, sarifResult{RuleID: x.Rule, Level: "error", Message: sarifMessage{Text: visible(msg)}, Locations: []sarifLocation{loc}})
	}
	return out
}

// artifactURI turns a verdict's source into a URI: a URL as it is, a path
// as a relative (or file:) reference with forward slashes.
func artifactURI(source string) string {
	switch {
	case source == "" || source == "-":
		return "stdin"
	case strings.HasPrefix(source, "http://") || strings.HasPrefix(source, "https://"):
		return source
	case proxied.MatchString(source):
		// A proxied request, "GET /v3/users": its path.
		return strings.TrimPrefix(source[strings.IndexByte(source, ' ')+1:], "/")
	}
	p := filepath.ToSlash(source)
	if filepath.IsAbs(source) {
		return (&url.URL{Scheme: "file", Path: p}).String()
	}
	return (&url.URL{Path: p}).String()
}

// proxied matches the source of a proxied request: a method and a path.
var proxied = regexp.MustCompile(`^[A-Z]+ /`)

// sarifResultsHere stands in the encoded log for the spooled results.
const sarifResultsHere = `"ccconform: the results go here"`

func (s *sarifWriter) Close(sum *Summary) error {
	defer os.Remove(s.spool.Name())
	defer s.spool.Close()
	if err := s.bw.Flush(); err != nil {
		return err
	}
	if _, err := s.spool.Seek(0, io.SeekStart); err != nil {
		return err
	}
	var log bytes.Buffer
	enc := json.NewEncoder(&log)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s.log(sum, json.RawMessage(sarifResultsHere))); err != nil {
		return err
	}
	// Nothing before the results comes from a payload: the first match is
	// the stand-in.
	head, tail, ok := bytes.Cut(log.Bytes(), []byte(sarifResultsHere))
	if !ok {
		return fmt.Errorf("sarif: no place for the results in the log")
	}
	out := bufio.NewWriter(s.w)
	out.Write(head)
	if s.n == 0 {
		out.WriteString("[]")
	} else {
		out.WriteByte('[')
		if _, err := io.Copy(out, s.spool); err != nil {
			return err
		}
		out.WriteString("\n" + sarifResultIndent[2:] + "]")
	}
	out.Write(tail)
	return out.Flush()
}

// log is the SARIF log of the rules seen, the summary, and results.
func (s *sarifWriter) log(sum *Summary, results json.RawMessage) sarifLog {
	rules := make([]sarifRule, 0, len(s.rules))
	desc := map[string]string{}
	for k, v := range ruleDescriptions {
		desc[k] = v
	}
	for _, r := range validate.Rules() {
		desc[r.ID] = r.Description
	}
	ids := make([]string, 0, len(s.rules))
	for id := range s.rules {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		d := desc[id]
		if d == "" {
			d = "A rule of the CometChat Pro data model."
		}
		rules = append(rules, sarifRule{ID: id, ShortDescription: sarifMessage{Text: d},
			HelpURI: "https://github.com/ccconform/ccconform/blob/main/docs/rules.md"})
	}
	return sarifLog{
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Version: "2.1.0",
		Runs: []sarifRun{{
			Tool:        sarifTool{Driver: sarifDriver{Name: "ccconform", InformationURI: "https://github.com/ccconform/ccconform", Rules: rules}},
			Results:     results,
			Invocations: []sarifInvocation{invocation(sum)},
			Props:       map[string]any{"summary": sum},
		}},
	}
}

// invocation tells a dashboard that an interrupted run, or one that could
// not read an input, has partial results.
func invocation(sum *Summary) sarifInvocation {
	var inv sarifInvocation
	if sum.Interrupted {
		inv.Notifications = append(inv.Notifications, sarifNotification{Level: "error",
			Message: sarifMessage{Text: fmt.Sprintf("interrupted after %d documents; the results are partial", sum.Documents)}})
	}
	if sum.Errors > 0 {
		inv.Notifications = append(inv.Notifications, sarifNotification{Level: "error",
			Message: sarifMessage{Text: fmt.Sprintf("%d input(s) could not be read; the results cover the rest", sum.Errors)}})
	}
	inv.ExecutionSuccessful = len(inv.Notifications) == 0
	return inv
}
