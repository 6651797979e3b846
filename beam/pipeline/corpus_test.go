package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/ccconform/ccconform/generate"
	"github.com/ccconform/ccconform/types"
	"github.com/ccconform/ccconform/webhook"
)

// writeCorpus writes, in dir, generated documents of every kind and
// layout, valid and broken: NDJSON files (large enough to be cut into many
// splits), JSON arrays, single documents, webhook deliveries, in the rest,
// sdk and docs profiles, with undocumented fields, a malformed line, blank
// and CRLF lines, and an empty file.
func writeCorpus(t *testing.T, dir string) {
	t.Helper()
	ctx := context.Background()
	file := func(name string) *os.File {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	for _, c := range []struct {
		name    string
		profile types.Profile
		kind    types.Kind
		n       int
		invalid bool
		format  string
	}{
		{"rest.ndjson", types.ProfileREST, "", 400, false, "ndjson"},
		{"rest-mutants.ndjson", types.ProfileREST, "", 300, true, "ndjson"},
		{"sdk.jsonl", types.ProfileSDK, "", 200, false, "ndjson"},
		{"sdk-mutants.jsonl", types.ProfileSDK, "", 100, true, "ndjson"},
		{"docs.json", types.ProfileDocs, "", 100, false, "json"},
		{"text.ndjson", types.ProfileREST, types.KindTextMessage, 150, false, "ndjson"},
	} {
		g, err := generate.New(generate.Options{Seed: 16, Profile: c.profile})
		if err != nil {
			t.Fatal(err)
		}
		f := file(c.name)
		if err := g.Write(ctx, c.kind, c.n, c.invalid, generate.Output{Format: c.format, W: f}); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	g, err := generate.New(generate.Options{Seed: 16})
	if err != nil {
		t.Fatal(err)
	}
	// Single documents, one a file.
	single := filepath.Join(dir, "single")
	if err := g.Write(ctx, "", 12, false, generate.Output{Format: "files", Dir: single}); err != nil {
		t.Fatal(err)
	}
	ents, _ := os.ReadDir(single)
	for _, e := range ents {
		os.Rename(filepath.Join(single, e.Name()), filepath.Join(dir, "single-"+e.Name()))
	}
	os.Remove(single)
	// Webhook deliveries, valid and broken.
	for _, c := range []struct {
		name    string
		invalid bool
		format  string
	}{{"hooks.ndjson", false, "ndjson"}, {"hooks-mutants.ndjson", true, "ndjson"}} {
		f := file(c.name)
		if err := g.WriteWebhooks("all", 120, c.invalid, generate.Output{Format: c.format, W: f}); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	// An array of valid and broken documents (broken in every way but
	// their syntax, which would break the array).
	var arr [][]byte
	for i := 0; i < 120; i++ {
		if i%2 == 0 {
			b, err := json.Marshal(g.Document(g.MixedKind(i), i))
			if err != nil {
				t.Fatal(err)
			}
			arr = append(arr, b)
			continue
		}
		if m := g.Mutant(g.MixedKind(i), i); m.Rule != "json" {
			arr = append(arr, m.JSON)
		}
	}
	arrJSON := append(append([]byte("[\n"), bytes.Join(arr, []byte(",\n"))...), "\n]\n"...)
	if err := os.WriteFile(filepath.Join(dir, "mixed-array.json"), arrJSON, 0o644); err != nil {
		t.Fatal(err)
	}
	// Undocumented fields seen again and again, a malformed line, blank
	// lines, CRLF ends and a BOM: the first place of each undocumented
	// field is in an early split, and sightings follow in later ones.
	var b bytes.Buffer
	b.WriteString("\xEF\xBB\xBF")
	for i := 0; i < 200; i++ {
		fmt.Fprintf(&b, `{"uid":"u%d","name":"User %d","status":"online","extra%d":1,"shared":{"deep%d":true}}`, i, i, i%7, i%3)
		switch i % 10 {
		case 3:
			b.WriteString("\r\n")
		case 5:
			b.WriteString("\n\n\n")
		case 7:
			b.WriteString("\n{\"uid\": broken\n")
		default:
			b.WriteString("\n")
		}
	}
	b.WriteString(`{"uid":"last","name":"no newline at the end","status":"offline"}`)
	if err := os.WriteFile(filepath.Join(dir, "drift.ndjson"), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "empty.json"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "blank.ndjson"), []byte("\n\n  \n"), 0o644); err != nil {
		t.Fatal(err)
	}
}

// cliDir holds the ccconform binary cliBinary builds; TestMain removes it.
var cliDir string

// cliBinary builds the toolkit's ccconform once, for the tests to compare
// with.
var cliBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "ccconform-cli-")
	if err != nil {
		return "", err
	}
	cliDir = dir
	bin := filepath.Join(dir, "ccconform")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/ccconform")
	cmd.Dir = filepath.Join("..", "..")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building ccconform: %v\n%s", err, out)
	}
	return bin, nil
})

// cliRun runs ccconform validate --format json over files with args, and
// returns its verdict lines and its summary line.
func cliRun(t *testing.T, files []string, args ...string) (verdicts []string, summary string) {
	t.Helper()
	bin, err := cliBinary()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, append(append([]string{"validate", "--format", "json"}, args...), files...)...)
	cmd.Dir = t.TempDir() // no .ccconform.json applies
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); err != nil && (!ok || ee.ExitCode() > 1) {
		t.Fatalf("ccconform validate: %v\n%s", err, stderr.Bytes())
	}
	return reportLines(t, out, &stderr)
}

// reportLines splits what ccconform validate --format json wrote into its
// verdict lines and its summary line (with its newline), as summary.json
// holds it.
func reportLines(t *testing.T, out []byte, stderr *bytes.Buffer) (verdicts []string, summary string) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if !strings.HasPrefix(lines[len(lines)-1], `{"summary":`) {
		t.Fatalf("ccconform validate wrote no summary line:\n%s\n%s", out, stderr)
	}
	return lines[:len(lines)-1], lines[len(lines)-1] + "\n"
}

// shardLines reads the verdict lines of every shard in dir.
func shardLines(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "verdicts-*-of-*.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
			if l != "" {
				out = append(out, l)
			}
		}
	}
	return out
}

// sameSet fails unless got and want hold the same lines, as many times.
func sameSet(t *testing.T, what string, got, want []string) {
	t.Helper()
	g, w := append([]string(nil), got...), append([]string(nil), want...)
	sort.Strings(g)
	sort.Strings(w)
	if strings.Join(g, "\n") == strings.Join(w, "\n") {
		return
	}
	count := map[string]int{}
	for _, l := range w {
		count[l]++
	}
	for _, l := range g {
		count[l]--
	}
	shown := 0
	for l, n := range count {
		if n != 0 && shown < 5 {
			t.Errorf("%s: %+d times (pipeline minus ccconform): %s", what, -n, l)
			shown++
		}
	}
	t.Errorf("%s: the pipeline wrote %d lines, ccconform validate %d", what, len(got), len(want))
}

// invalidOnly keeps the verdict lines of documents that do not conform.
func invalidOnly(lines []string) []string {
	var out []string
	for _, l := range lines {
		if strings.HasSuffix(l, `"valid":false}`) {
			out = append(out, l)
		}
	}
	return out
}

// TestPipelineEqualsValidate runs the pipeline on Prism over a generated
// corpus of every kind, in several configurations, and compares what it
// writes with what ccconform validate --format json reports on the same
// files: summary.json is the CLI's summary line byte for byte (coverage
// included, field for field), and the verdict shards hold the CLI's
// verdicts of the documents that do not conform (of every document with
// All), as a set.
func TestPipelineEqualsValidate(t *testing.T) {
	in := t.TempDir()
	writeCorpus(t, in)
	custom := filepath.Join(t.TempDir(), "location.json")
	if err := os.WriteFile(custom, []byte(`{"type":"object","required":["placeName"]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	glob := filepath.Join(in, "*")
	files, err := filepath.Glob(glob)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		check Check
		all   bool
		split int64
		args  []string
	}{
		{"coverage", Check{Coverage: true}, false, 4 << 10, []string{"--coverage"}},
		{"all verdicts, one split a file", Check{}, true, 0, nil},
		{"strict, disabled rule, custom schema", Check{Strict: true, Coverage: true, Disable: []string{"enum"}},
			false, 1 << 10, []string{"--strict", "--coverage", "--disable", "enum", "--custom-schema", "location=" + custom}},
		{"profile and kind forced", Check{Profile: "rest", Kind: "textMessage"}, false, 2 << 10, []string{"--profile", "rest", "--kind", "textMessage"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			check := c.check
			if c.name == "strict, disabled rule, custom schema" {
				if check.Schemas, err = ReadSchemas([]string{"location=" + custom}, nil); err != nil {
					t.Fatal(err)
				}
			}
			out := t.TempDir()
			o := Options{Input: glob, Output: out, Check: check, All: c.all, SplitBytes: c.split}
			sum, err := Run(context.Background(), "prism", o)
			if err != nil {
				t.Fatal(err)
			}
			verdicts, summary := cliRun(t, files, c.args...)
			got, err := os.ReadFile(filepath.Join(out, SummaryFile))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != summary {
				diffs := jsonDiff(t, got, []byte(summary))
				t.Errorf("summary.json differs from ccconform validate's summary line, in %d places:\n%s", len(diffs), strings.Join(diffs[:min(len(diffs), 10)], "\n"))
			}
			if sum.Documents < 1500 || sum.Invalid == 0 || sum.Valid == 0 {
				t.Errorf("the corpus is not what the test needs: %s", sum.Line())
			}
			if check.Coverage && (sum.Coverage == nil || len(sum.Coverage.Triggers) == 0) {
				t.Errorf("no coverage, or no webhook triggers in it")
			}
			want := verdicts
			if !c.all {
				want = invalidOnly(verdicts)
			}
			sameSet(t, "verdicts", shardLines(t, out), want)
		})
	}
}

// jsonDiff lists where two JSON values differ, field by field, as
// pointer: pipeline's value, ccconform's value.
func jsonDiff(t *testing.T, a, b []byte) []string {
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatalf("summary.json is not JSON: %v", err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatalf("the summary line is not JSON: %v", err)
	}
	var out []string
	var walk func(at string, x, y any)
	walk = func(at string, x, y any) {
		switch xv := x.(type) {
		case map[string]any:
			if yv, ok := y.(map[string]any); ok {
				keys := map[string]bool{}
				for k := range xv {
					keys[k] = true
				}
				for k := range yv {
					keys[k] = true
				}
				for k := range keys {
					walk(at+"/"+k, xv[k], yv[k])
				}
				return
			}
		case []any:
			if yv, ok := y.([]any); ok && len(xv) == len(yv) {
				for i := range xv {
					walk(fmt.Sprintf("%s/%d", at, i), xv[i], yv[i])
				}
				return
			}
		}
		xs, _ := json.Marshal(x)
		ys, _ := json.Marshal(y)
		if !bytes.Equal(xs, ys) {
			out = append(out, fmt.Sprintf("%s: %.300s, ccconform %.300s", at, xs, ys))
		}
	}
	walk("", x, y)
	sort.Strings(out)
	return out
}

// shellRun runs ccconform validate --format json with args, then the
// words of glob expanded by sh in dir, as a user would type it; it returns
// the verdict lines, the summary line and the exit status.
func shellRun(t *testing.T, dir, glob string, args ...string) ([]string, string, int) {
	t.Helper()
	bin, err := cliBinary()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("sh", append([]string{"-c", `exec "$0" validate --format json "$@" ` + glob, bin}, args...)...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	status := 0
	if ee, ok := err.(*exec.ExitError); ok {
		status = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	verdicts, summary := reportLines(t, out, &stderr)
	return verdicts, summary, status
}

// TestEdgesEqualValidate runs the pipeline and ccconform validate on the
// same words, a relative glob spelt with ./, over what the review found
// the pipeline read otherwise: a dangling link (an input error, the rest
// checked), an NDJSON file that starts with more blank lines than a
// split (no "empty input"), a dot file (the shell does not expand * to
// it), and webhook deliveries read with --kind webhook and --trigger.
// summary.json must be the CLI's summary line byte for byte, and the
// verdicts the same set, named alike (./b1/...).
func TestEdgesEqualValidate(t *testing.T) {
	if _, err := cliBinary(); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.Mkdir("b1", 0o755); err != nil {
		t.Fatal(err)
	}
	users := strings.Repeat("\n", 3000) + `{"uid":"u1","name":"A","status":"online","extra":1}` + "\n" +
		`{"uid":"u2","name":"B","status":"offline"}` + "\n" + `{"uid":"u3","name":"C","status":"nowhere","extra":2}` + "\n"
	os.WriteFile("b1/users.ndjson", []byte(users), 0o644)
	os.WriteFile("b1/blank.ndjson", []byte(strings.Repeat("\n", 3000)), 0o644)
	os.WriteFile("b1/.hidden.json", []byte(`{"uid":"h"}`), 0o644)
	if err := os.Symlink("gone.json", "b1/dangling.json"); err != nil {
		t.Fatal(err)
	}
	g, err := generate.New(generate.Options{Seed: 16})
	if err != nil {
		t.Fatal(err)
	}
	var hooks bytes.Buffer
	if err := g.WriteWebhooks("all", 60, true, generate.Output{Format: "ndjson", W: &hooks}); err != nil {
		t.Fatal(err)
	}
	os.WriteFile("b1/hooks.ndjson", hooks.Bytes(), 0o644)

	trigger := webhook.Names()[0]
	for _, c := range []struct {
		name  string
		glob  string
		check Check
		args  []string
	}{
		{"auto", "./b1/*", Check{Coverage: true}, []string{"--coverage"}},
		{"kind webhook", "./b1//hooks*", Check{Kind: "webhook", Coverage: true}, []string{"--kind", "webhook", "--coverage"}},
		{"trigger", "b1/../b1/hooks.ndjson", Check{Trigger: trigger, Strict: true}, []string{"--trigger", trigger, "--strict"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			sum, err := Run(context.Background(), "prism", Options{Input: c.glob, Output: out, Check: c.check, SplitBytes: 1 << 10, HTML: true})
			if err != nil {
				t.Fatal(err)
			}
			verdicts, line, status := shellRun(t, dir, c.glob, c.args...)
			got, err := os.ReadFile(filepath.Join(out, SummaryFile))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != line {
				diffs := jsonDiff(t, got, []byte(line))
				t.Errorf("summary.json differs from ccconform validate's in %d places:\n%s", len(diffs), strings.Join(diffs[:min(len(diffs), 10)], "\n"))
			}
			if c.name == "auto" && (sum.Errors != 1 || status != 2) {
				t.Errorf("the dangling link: pipeline inputErrors %d, validate exit %d; want 1 and 2", sum.Errors, status)
			}
			if sum.Documents == 0 || sum.Invalid == 0 {
				t.Errorf("the corpus is not what the test needs: %s", sum.Line())
			}
			sameSet(t, "verdicts", shardLines(t, out), invalidOnly(verdicts))
			if _, err := os.Stat(filepath.Join(out, HTMLFile)); err != nil {
				t.Error(err)
			}
		})
	}
}
