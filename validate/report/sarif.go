package report

import (
	"encoding/json"
	"io"
	"net/url"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/ccconform/ccconform/validate"
)

// sarifWriter writes a SARIF 2.1.0 log, which code-scanning dashboards
// read: one result per violation, located by file and line (or URL), with
// the JSON Pointer as a logical location. The log is one JSON value, so
// results are gathered and written at Close. Their messages, which people
// read in a dashboard, have control characters made visible and long keys
// cut.
type sarifWriter struct {
	w       io.Writer
	results []sarifResult
	rules   map[string]bool
}

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool      `json:"tool"`
	Results []sarifResult  `json:"results"`
	Props   map[string]any `json:"properties,omitempty"`
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
	for _, x := range v.Violations {
		s.rules[x.Rule] = true
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
		s.results = append(s.results, sarifResult{RuleID: x.Rule, Level: "error", Message: sarifMessage{Text: visible(msg)}, Locations: []sarifLocation{loc}})
	}
	return nil
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

func (s *sarifWriter) Close(sum *Summary) error {
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
	if s.results == nil {
		s.results = []sarifResult{}
	}
	log := sarifLog{
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Version: "2.1.0",
		Runs: []sarifRun{{
			Tool:    sarifTool{Driver: sarifDriver{Name: "ccconform", InformationURI: "https://github.com/ccconform/ccconform", Rules: rules}},
			Results: s.results,
			Props:   map[string]any{"summary": sum},
		}},
	}
	enc := json.NewEncoder(s.w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(log)
}
