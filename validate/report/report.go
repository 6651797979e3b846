// Package report writes the verdicts of package validate for people and for
// CI systems: text, JSON lines, JUnit XML, GitHub workflow annotations,
// SARIF 2.1.0 for code-scanning dashboards, and one self-contained HTML
// page.
package report

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/ccconform/ccconform/validate"
	"github.com/ccconform/ccconform/webhook"
)

// Formats lists the names New accepts.
func Formats() []string { return []string{"text", "json", "junit", "github", "sarif", "html"} }

// Writer writes verdicts as they come, then a summary.
type Writer interface {
	// Verdict writes one document's verdict.
	Verdict(v validate.Verdict) error
	// Flush writes what is buffered of the verdicts so far, where the
	// format is read line by line, so that a live stream's verdicts are
	// seen as they come: the command line calls it within a tenth of a
	// second of a verdict.
	Flush() error
	// Close writes the summary and flushes what is buffered.
	Close(s *Summary) error
}

// Options tune a Writer.
type Options struct {
	// Color writes text with ANSI colours; set it only for a terminal.
	Color bool
	// Strict tells the summary that undocumented fields were violations.
	Strict bool
	// FailuresOnly lists, in the formats that list every document (json
	// and junit), only the documents that do not conform; the summary
	// still counts them all. The other formats list only failures anyway.
	FailuresOnly bool
}

// New returns a Writer of the named format over w.
func New(format string, w io.Writer, opts Options) (Writer, error) {
	switch format {
	case "text":
		return &textWriter{w: w, opts: opts}, nil
	case "json":
		return newJSONWriter(w, opts), nil
	case "junit":
		return newJUnitWriter(w, opts)
	case "github":
		return &githubWriter{w: w}, nil
	case "sarif":
		return newSARIFWriter(w)
	case "html":
		return &htmlWriter{w: w}, nil
	}
	return nil, fmt.Errorf("unknown format %q: use one of %s", format, strings.Join(Formats(), ", "))
}

// Summary counts the verdicts of a run.
type Summary struct {
	Documents   int            `json:"documents"`
	Valid       int            `json:"valid"`
	Invalid     int            `json:"invalid"`
	ByRule      map[string]int `json:"byRule"`
	ByKind      map[string]int `json:"byKind"`
	InvalidKind map[string]int `json:"invalidByKind"`
	ByProfile   map[string]int `json:"byProfile"`
	// ByTrigger counts webhook deliveries by trigger: a trigger of the
	// registry by its name, any other under OtherTriggers, so that the
	// summary stays small whatever the deliveries say.
	ByTrigger    map[string]int `json:"byTrigger,omitempty"`
	Undocumented int            `json:"undocumentedFields"`
	// Suppressed counts, by rule, the violations that --disable or the
	// config's ignore list silenced: they fail nothing, and are not lost.
	Suppressed map[string]int `json:"suppressedByRule,omitempty"`
	// Errors counts inputs that could not be read.
	Errors int `json:"inputErrors"`
	// Interrupted says the run was stopped (SIGINT, SIGTERM) before it
	// read all its inputs: the report covers the documents checked so far.
	// Every format says so.
	Interrupted bool `json:"interrupted,omitempty"`
	// Coverage, when the run counted it, is what the documents held
	// against the model.
	Coverage *validate.CoverageReport `json:"coverage,omitempty"`
	// Shards lists what validate --shard recorded of the shard it checked:
	// one entry for a shard's run, one per shard for a merge of some of
	// them, none for a run over a whole file set (or a complete set of
	// shards, merged). ccconform merge reads it to refuse a missing or
	// repeated shard, shards of different file sets, and mixed settings.
	Shards []Shard `json:"shards,omitempty"`
}

// Shard describes one shard of a file set as validate --shard I/N checked
// it: which one, of what, and with which settings.
type Shard struct {
	// I is the shard's number, from 1 to N.
	I int `json:"i"`
	// N is the number of shards.
	N int `json:"n"`
	// Files counts the files of the whole set, every shard's; an input
	// that could not be read counts as one.
	Files int `json:"files"`
	// FileSet is a digest of the whole set's paths, sorted, as the inputs
	// expanded to them: shards that saw different files, or spelled them
	// differently, have different digests.
	FileSet string `json:"fileSet"`
	// Settings are the settings of the run that change verdicts.
	Settings Settings `json:"settings"`
}

// Settings are the settings of a run that change its verdicts or counts,
// each left out when it has its default.
type Settings struct {
	Kind     string `json:"kind,omitempty"`
	Trigger  string `json:"trigger,omitempty"`
	Profile  string `json:"profile,omitempty"`
	Strict   bool   `json:"strict,omitempty"`
	Pointer  string `json:"pointer,omitempty"`
	Input    string `json:"inputFormat,omitempty"`
	MaxBytes int    `json:"maxDocumentBytes,omitempty"`
	Coverage bool   `json:"coverage,omitempty"`
	// Disable lists the rules --disable silenced, sorted.
	Disable []string `json:"disable,omitempty"`
	// Ignore lists the config's ignore entries, sorted.
	Ignore []string `json:"ignore,omitempty"`
	// Schemas is a digest of the custom schemas' files, by what each
	// checks.
	Schemas string `json:"schemas,omitempty"`
}

// Key is s as one comparable string, its JSON.
func (s Settings) Key() string {
	b, _ := json.Marshal(s)
	return string(b)
}

// compareShards orders shard entries by number, then by everything else,
// so that a merge lists them the same way whatever its order.
func compareShards(a, b Shard) int {
	return cmp.Or(cmp.Compare(a.I, b.I), cmp.Compare(a.N, b.N), cmp.Compare(a.Files, b.Files),
		strings.Compare(a.FileSet, b.FileSet), strings.Compare(a.Settings.Key(), b.Settings.Key()))
}

// NewSummary returns an empty summary.
func NewSummary() *Summary {
	return &Summary{ByRule: map[string]int{}, ByKind: map[string]int{}, InvalidKind: map[string]int{}, ByProfile: map[string]int{}}
}

// Add counts v.
func (s *Summary) Add(v validate.Verdict) {
	s.Documents++
	kind := string(v.Kind)
	if kind == "" {
		kind = "unknown"
	}
	s.ByKind[kind]++
	if v.Profile != "" {
		s.ByProfile[string(v.Profile)]++
	}
	if v.Trigger != "" {
		if s.ByTrigger == nil {
			s.ByTrigger = map[string]int{}
		}
		s.ByTrigger[triggerName(v.Trigger)]++
	}
	s.Undocumented += len(v.Undocumented)
	for _, x := range v.Suppressed {
		if s.Suppressed == nil {
			s.Suppressed = map[string]int{}
		}
		s.Suppressed[x.Rule]++
	}
	if v.OK() {
		s.Valid++
		return
	}
	s.Invalid++
	s.InvalidKind[kind]++
	for _, x := range v.Violations {
		s.ByRule[x.Rule]++
	}
}

// OtherTriggers is the name under which Summary.ByTrigger counts the
// deliveries whose trigger is not in the registry of package webhook: an
// unknown trigger, or a product event CometChat names by family.
const OtherTriggers = "(other triggers)"

// registry is the set of the registry's trigger names.
var registry = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for _, n := range webhook.Names() {
		m[n] = true
	}
	return m
})

// triggerName is the name under which ByTrigger counts trigger t.
func triggerName(t string) string {
	if registry()[t] {
		return t
	}
	return OtherTriggers
}

// Merge adds what o counted to s, so that s is the summary of both runs'
// documents; o is not changed. Merging is associative and commutative,
// and the merge of the summaries of the parts of any split of an input is
// the summary of the whole input, field for field (the property tests
// split generated corpora at random to show it): counts add up,
// Interrupted is true if either run was interrupted, and coverage merges
// with validate.CoverageReport.Merge (a summary without coverage adds
// none), and the Shards entries of both are kept, in order, repeats
// included, for the caller to judge (ccconform merge refuses a repeated
// or missing shard). s may be a summary read from JSON, with maps left
// nil.
func (s *Summary) Merge(o *Summary) {
	if o == nil {
		return
	}
	s.Documents += o.Documents
	s.Valid += o.Valid
	s.Invalid += o.Invalid
	s.Undocumented += o.Undocumented
	s.Errors += o.Errors
	s.Interrupted = s.Interrupted || o.Interrupted
	s.ByRule = addCounts(s.ByRule, o.ByRule, true)
	s.ByKind = addCounts(s.ByKind, o.ByKind, true)
	s.InvalidKind = addCounts(s.InvalidKind, o.InvalidKind, true)
	s.ByProfile = addCounts(s.ByProfile, o.ByProfile, true)
	s.ByTrigger = addCounts(s.ByTrigger, o.ByTrigger, false)
	s.Suppressed = addCounts(s.Suppressed, o.Suppressed, false)
	switch {
	case o.Coverage == nil:
	case s.Coverage == nil:
		c := validate.CoverageReport{}.Merge(*o.Coverage)
		s.Coverage = &c
	default:
		c := s.Coverage.Merge(*o.Coverage)
		s.Coverage = &c
	}
	if len(o.Shards) > 0 {
		s.Shards = append(slices.Clip(s.Shards), o.Shards...)
		slices.SortStableFunc(s.Shards, compareShards)
	}
}

// addCounts adds o's counts to m and returns m, made when nil and o has
// counts, or when always (the maps NewSummary makes, written even empty).
func addCounts(m, o map[string]int, always bool) map[string]int {
	if m == nil && (always || len(o) > 0) {
		m = make(map[string]int, len(o))
	}
	for k, n := range o {
		m[k] += n
	}
	return m
}

// counts writes a map as "a 1, b 2", ordered by key.
func counts(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", visible(k), m[k])
	}
	return strings.Join(parts, ", ")
}

// Line is the summary in one line.
func (s *Summary) Line() string {
	return fmt.Sprintf("%d documents: %d valid, %d invalid", s.Documents, s.Valid, s.Invalid)
}

// partial says that an interrupted run's report is partial, and how far
// the run got.
func (s *Summary) partial() string {
	return fmt.Sprintf("interrupted after %d documents; the report is partial", s.Documents)
}
