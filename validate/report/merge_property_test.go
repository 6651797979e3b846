package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ccconform/ccconform/generate"
	"github.com/ccconform/ccconform/types"
	"github.com/ccconform/ccconform/validate"
	"github.com/ccconform/ccconform/validate/report"
)

// corpusFile is one NDJSON input of a property test's corpus.
type corpusFile struct {
	name  string
	lines [][]byte
}

// propertyCorpus generates, from seed, files of every kind in every
// profile, valid and broken, webhook deliveries of every trigger of the
// model, valid and broken, documents with undocumented fields and enum
// values outside the model, and lines that are not JSON or of no kind.
// With bounds set it adds documents enough to pass every bound of
// coverage: more undocumented paths, enum values and category/type pairs
// than a report lists.
func propertyCorpus(t *testing.T, seed uint64, bounds bool) []corpusFile {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 16))
	var files []corpusFile
	add := func(name string, line []byte) {
		if len(files) == 0 || files[len(files)-1].name != name {
			files = append(files, corpusFile{name: name})
		}
		f := &files[len(files)-1]
		f.lines = append(f.lines, line)
	}
	ctx := context.Background()
	for _, p := range types.Profiles() {
		g, err := generate.New(generate.Options{Seed: seed, Profile: p, Optional: generate.OptionalRandom})
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range types.Kinds() {
			for _, invalid := range []bool{false, true} {
				name := fmt.Sprintf("%s/%s-%v.ndjson", p, k, invalid)
				err := g.Stream(ctx, k, 3+r.IntN(4), invalid, func(it generate.Item) error {
					add(name, withDrift(r, it.JSON))
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	g, err := generate.New(generate.Options{Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 * len(generate.ModelledTriggers()) {
		d, err := g.Webhook(generate.WebhookAll, i)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(d)
		add(fmt.Sprintf("webhooks/valid-%d.ndjson", i%5), withDrift(r, b))
		if i%3 == 0 {
			m, err := g.WebhookMutant(generate.WebhookAll, i)
			if err != nil {
				t.Fatal(err)
			}
			add(fmt.Sprintf("webhooks/broken-%d.ndjson", i%4), bytes.TrimSpace(m.JSON))
		}
	}
	for i := range 5 {
		add("odd.ndjson", []byte(`{"neither":"kind"}`))
		add("odd.ndjson", []byte(`{"trigger":"no_such_trigger","data":{}}`))
		add("odd.ndjson", []byte(fmt.Sprintf(`{"trigger":"after_campaign_%d","data":{}}`, i)))
		add("odd.ndjson", []byte(`{"uid":`))
	}
	if bounds {
		// Past every bound: 10,200 undocumented paths over 3 files, 150
		// statuses, 1,100 category/type pairs.
		for i := range 204 {
			var b strings.Builder
			fmt.Fprintf(&b, `{"uid":"u%d","name":"U","status":"s%03d"`, i, r.IntN(150))
			for j := range 50 {
				fmt.Fprintf(&b, `,"k%05d":1`, (i*50+j)*7919%10200)
			}
			b.WriteString("}")
			add(fmt.Sprintf("bounds/users-%d.ndjson", i%3), []byte(b.String()))
		}
		for i := range 1100 {
			add(fmt.Sprintf("bounds/pairs-%d.ndjson", i%2), []byte(fmt.Sprintf(`{"category":"custom","type":"t%04d"}`, (i*37)%1100)))
		}
	}
	return files
}

// withDrift adds, to one document in four, an undocumented field at its
// top or inside its data.
func withDrift(r *rand.Rand, doc []byte) []byte {
	doc = bytes.TrimSpace(doc)
	if r.IntN(4) != 0 || len(doc) < 2 || doc[0] != '{' {
		return doc
	}
	var m map[string]any
	if json.Unmarshal(doc, &m) != nil {
		return doc
	}
	key := fmt.Sprintf("x%d", r.IntN(6))
	if d, ok := m["data"].(map[string]any); ok && r.IntN(2) == 0 {
		d[key] = r.IntN(3)
	} else {
		m[key] = true
	}
	b, _ := json.Marshal(m)
	return b
}

// checked is a document and its verdict.
type checked struct {
	raw []byte
	vd  validate.Verdict
}

// runFiles validates files in order, as validate does, with coverage, and
// returns the summary and each document with its verdict.
func runFiles(t *testing.T, files []corpusFile, opts validate.Options, workers int) (*report.Summary, []checked) {
	t.Helper()
	opts.Coverage, opts.Workers = true, workers
	v, err := validate.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	sum := report.NewSummary()
	var docs []checked
	for _, f := range files {
		err := v.Stream(context.Background(), validate.Input{Name: f.name, R: bytes.NewReader(bytes.Join(f.lines, []byte("\n"))), Format: validate.FormatNDJSON},
			func(vd validate.Verdict) error {
				sum.Add(vd)
				docs = append(docs, checked{f.lines[vd.Location.Line-1], vd})
				return nil
			})
		if err != nil {
			t.Fatal(err)
		}
	}
	c := v.Coverage().Report()
	sum.Coverage = &c
	return sum, docs
}

// optionsFor returns the settings a seed's runs use, varied so that the
// property holds whatever a run suppresses or checks besides the model:
// each suppresses something (by --disable or an ignore entry), and
// strict runs and a custom schema take turns.
func optionsFor(t *testing.T, seed uint64) validate.Options {
	t.Helper()
	switch seed % 3 {
	case 0:
		return validate.Options{Strict: true, Disable: []string{"enum"}}
	case 1:
		file := filepath.Join(t.TempDir(), "location.json")
		if err := os.WriteFile(file, []byte(`{"type":"object","required":["placeName"],"properties":{"latitude":{"type":"string"}}}`), 0o644); err != nil {
			t.Fatal(err)
		}
		cs, err := validate.LoadCustomSchemas(map[string]string{"location": file}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return validate.Options{Custom: cs, Ignore: []validate.Suppression{{Rule: "required", Kind: "customMessage"}, {Rule: "enum", Pointer: "/**"}}}
	default:
		return validate.Options{Strict: true, Disable: []string{"type", "unknown-field"}}
	}
}

// mergeFunc merges b into a.
type mergeFunc func(a, b *report.Summary)

// mergeAtRandom merges parts in an order and grouping drawn from r.
func mergeAtRandom(r *rand.Rand, parts []*report.Summary, merge mergeFunc) *report.Summary {
	parts = append([]*report.Summary(nil), parts...)
	for len(parts) > 1 {
		i, j := r.IntN(len(parts)), r.IntN(len(parts)-1)
		if j >= i {
			j++
		}
		merge(parts[i], parts[j])
		parts = append(parts[:j], parts[j+1:]...)
	}
	return parts[0]
}

// sameSummary reports how got differs from want, field for field, or "".
func sameSummary(want, got *report.Summary) string {
	if reflect.DeepEqual(want, got) {
		return ""
	}
	w, _ := json.Marshal(want)
	g, _ := json.Marshal(got)
	if !bytes.Equal(w, g) {
		for i := range min(len(w), len(g)) {
			if w[i] != g[i] {
				from := max(0, i-120)
				return fmt.Sprintf("the JSON differs at byte %d:\nwant …%s…\ngot  …%s…", i, w[from:min(len(w), i+120)], g[from:min(len(g), i+120)])
			}
		}
		return fmt.Sprintf("the JSON differs in length: want %d bytes, got %d", len(w), len(g))
	}
	return fmt.Sprintf("equal as JSON, but not field for field:\nwant %#v\ngot  %#v", want, got)
}

// checkSplits splits the corpus at random, trials times, into 1 to 8
// parts, by file (as shards split) and by document (as a pipeline's
// workers do), merges the parts' results with merge in a random order and
// grouping, and reports the first difference from the whole run.
//
// Each part also gets, at random, inputs it could not read and an
// interruption, and the shard entry validate --shard would record: the
// merge must add the first, keep the second if any part has it, and list
// every part's shard once, in order.
func checkSplits(t *testing.T, seed uint64, whole *report.Summary, files []corpusFile, docs []checked, opts validate.Options, trials int, merge mergeFunc) error {
	r := rand.New(rand.NewPCG(seed, 61))
	for trial := range trials {
		n := 1 + r.IntN(8)
		var parts []*report.Summary
		if trial%2 == 0 {
			shards := make([][]corpusFile, n)
			for _, f := range files {
				k := r.IntN(n)
				shards[k] = append(shards[k], f)
			}
			for _, s := range shards {
				sum, _ := runFiles(t, s, opts, 1+r.IntN(2))
				parts = append(parts, sum)
			}
		} else {
			sums, covs := make([]*report.Summary, n), make([]*validate.Coverage, n)
			for i := range sums {
				sums[i] = report.NewSummary()
				c, err := validate.NewCoverage()
				if err != nil {
					t.Fatal(err)
				}
				covs[i] = c
			}
			for _, d := range docs {
				k := r.IntN(n)
				sums[k].Add(d.vd)
				covs[k].Add(d.raw, d.vd)
			}
			for i := range sums {
				c := covs[i].Report()
				sums[i].Coverage = &c
				parts = append(parts, sums[i])
			}
		}
		want := *whole
		var shards []report.Shard
		for k, p := range parts {
			p.Errors, p.Interrupted = r.IntN(3), r.IntN(4) == 0
			want.Errors += p.Errors
			want.Interrupted = want.Interrupted || p.Interrupted
			sh := report.Shard{I: k + 1, N: n, Files: len(files), FileSet: "set", Settings: report.Settings{Coverage: true}}
			p.Shards = []report.Shard{sh}
			shards = append(shards, sh)
		}
		got := mergeAtRandom(r, parts, merge)
		if !reflect.DeepEqual(got.Shards, shards) {
			return fmt.Errorf("seed %d, trial %d: the merged shards are %v, want each of the %d once, in order", seed, trial, got.Shards, n)
		}
		got.Shards = nil
		if diff := sameSummary(&want, got); diff != "" {
			return fmt.Errorf("seed %d, trial %d (%d parts, split by %s): the merged parts differ from the whole: %s",
				seed, trial, n, map[bool]string{true: "file", false: "document"}[trial%2 == 0], diff)
		}
	}
	return nil
}

// TestMergeOfAnySplitIsTheWhole: the summary and coverage of generated
// corpora, split at random by file or by document into 1 to 8 parts and
// merged in a random order and grouping, equal the whole run's, field for
// field, first places and bounded lists included; and the whole run is the
// same on one worker or two.
func TestMergeOfAnySplitIsTheWhole(t *testing.T) {
	seeds, trials := []uint64{1, 2, 3}, 8
	if testing.Short() || raceOn {
		seeds, trials = seeds[:1], 4
	}
	for _, seed := range seeds {
		files := propertyCorpus(t, seed, seed == 1)
		opts := optionsFor(t, seed)
		whole, docs := runFiles(t, files, opts, 1)
		if whole.Coverage == nil || len(whole.Coverage.Triggers) == 0 || len(whole.Coverage.Parts) < len(generate.ModelledTriggers()) ||
			len(whole.Coverage.PartGaps()) == 0 || whole.ByTrigger["message_sent"] == 0 || whole.Invalid == 0 || len(whole.Suppressed) == 0 {
			t.Fatalf("seed %d: the corpus lacks deliveries, broken documents or suppressed violations: %+v", seed, whole)
		}
		if seed == 1 {
			checkBoundsReached(t, whole.Coverage)
		}
		two, _ := runFiles(t, files, opts, 2)
		if diff := sameSummary(whole, two); diff != "" {
			t.Fatalf("seed %d: two workers differ from one: %s", seed, diff)
		}
		if err := checkSplits(t, seed, whole, files, docs, opts, trials, func(a, b *report.Summary) { a.Merge(b) }); err != nil {
			t.Fatal(err)
		}
	}
}

// checkBoundsReached fails unless the corpus passed every bound, so that
// the property covers what the bounds keep and let go.
func checkBoundsReached(t *testing.T, c *validate.CoverageReport) {
	t.Helper()
	drift, other, values := 0, 0, false
	for _, k := range c.Kinds {
		drift += len(k.Undocumented)
		other += k.UndocumentedOther
		for _, e := range k.Enums {
			if n := len(e.Values); n > 0 && e.Values[n-1].Name == validate.OtherValues {
				values = true
			}
		}
	}
	pairs := c.Pairs[len(c.Pairs)-1].Name == validate.OtherValues
	if drift != validate.MaxUndocumentedPaths || other == 0 || !values || !pairs {
		t.Fatalf("the corpus stays within the bounds: %d paths listed, %d other, values past the bound %v, pairs %v", drift, other, values, pairs)
	}
}

// TestBrokenMergeIsCaught runs merges that drop or double-count something
// through the same checker: each must fail it, or the property tests
// prove nothing.
func TestBrokenMergeIsCaught(t *testing.T) {
	files := propertyCorpus(t, 7, false)
	opts := optionsFor(t, 7)
	whole, docs := runFiles(t, files, opts, 1)
	if len(whole.Suppressed) == 0 {
		t.Fatal("the corpus has no suppressed violation: dropping them could not be caught")
	}
	// without returns a merge that clears, in a copy of b, what drop
	// clears before merging it.
	without := func(drop func(c *report.Summary)) mergeFunc {
		return func(a, b *report.Summary) {
			c := *b
			drop(&c)
			a.Merge(&c)
		}
	}
	broken := map[string]mergeFunc{
		"drops suppressed":    without(func(c *report.Summary) { c.Suppressed = nil }),
		"drops input errors":  without(func(c *report.Summary) { c.Errors = 0 }),
		"drops interruptions": without(func(c *report.Summary) { c.Interrupted = false }),
		"drops a shard":       without(func(c *report.Summary) { c.Shards = c.Shards[:max(0, len(c.Shards)-1)] }),
		"drops byTrigger": func(a, b *report.Summary) {
			c := *b
			c.ByTrigger = nil
			a.Merge(&c)
		},
		"double-counts coverage": func(a, b *report.Summary) {
			a.Merge(b)
			if b.Coverage != nil {
				c := a.Coverage.Merge(*b.Coverage)
				a.Coverage = &c
			}
		},
		"drops the right part's field counts": func(a, b *report.Summary) {
			c := *b
			if b.Coverage != nil {
				cov := *b.Coverage
				cov.Parts = append([]validate.PartCoverage(nil), cov.Parts...)
				for i := range cov.Parts {
					cov.Parts[i].Fields = nil
				}
				c.Coverage = &cov
			}
			a.Merge(&c)
		},
		"double-counts a part's entities": func(a, b *report.Summary) {
			a.Merge(b)
			if a.Coverage != nil && b.Coverage != nil && len(b.Coverage.Parts) > 0 {
				for i, p := range a.Coverage.Parts {
					if p.Title() == b.Coverage.Parts[0].Title() {
						a.Coverage.Parts[i].Entities += b.Coverage.Parts[0].Entities
					}
				}
			}
		},
		"keeps the left first place": func(a, b *report.Summary) {
			var first map[string]validate.Drift
			if a.Coverage != nil {
				first = map[string]validate.Drift{}
				for _, k := range a.Coverage.Kinds {
					for _, d := range k.Undocumented {
						first[k.Title()+d.Pointer] = d
					}
				}
			}
			a.Merge(b)
			for i, k := range a.Coverage.Kinds {
				for j, d := range k.Undocumented {
					if f, ok := first[k.Title()+d.Pointer]; ok {
						a.Coverage.Kinds[i].Undocumented[j].First, a.Coverage.Kinds[i].Undocumented[j].Sample = f.First, f.Sample
					}
				}
			}
		},
	}
	for name, merge := range broken {
		if err := checkSplits(t, 7, whole, files, docs, opts, 6, merge); err == nil {
			t.Errorf("the property checker passed a merge that %s", name)
		} else {
			t.Logf("%s: caught: %.200s", name, err)
		}
	}
}
