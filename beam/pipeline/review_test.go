package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccconform/ccconform/generate"
	"github.com/ccconform/ccconform/validate"
	"github.com/ccconform/ccconform/validate/report"
	"github.com/ccconform/ccconform/webhook"
)

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
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(lines) == 0 || !strings.HasPrefix(lines[len(lines)-1], `{"summary":`) {
		t.Fatalf("ccconform validate wrote no summary line (status %d):\n%s\n%s", status, out, &stderr)
	}
	return lines[:len(lines)-1], lines[len(lines)-1] + "\n", status
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

// TestLocalGlobIsTheShells: names keep the pattern's spelling, dot files
// need a dot, and a wildcard directory part matches directories only.
func TestLocalGlobIsTheShells(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	os.MkdirAll("a/x", 0o755)
	os.MkdirAll("a/y", 0o755)
	for _, f := range []string{"a/x/1.json", "a/y/2.json", "a/.h.json", "a/z.json"} {
		os.WriteFile(f, nil, 0o644)
	}
	for glob, want := range map[string]string{
		"./a/*.json":      "./a/z.json",
		"./a/.*.json":     "./a/.h.json",
		"a//*/*.json":     "a//x/1.json a//y/2.json",
		"./a/*":           "./a/x ./a/y ./a/z.json",
		"a/z.json":        "a/z.json",
		"./a/nothing*":    "",
		dir + "/a/?.json": dir + "/a/z.json",
	} {
		got, err := localGlob(glob)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(got, " ") != want {
			t.Errorf("%s: %q, want %q", glob, got, want)
		}
	}
}

// TestOldOutputIsRemoved: a second run into the same directory leaves
// none of the first run's verdicts or report beside its summary.
func TestOldOutputIsRemoved(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.ndjson")
	os.WriteFile(in, []byte(`{"uid":"u1","name":"A","status":"online"}`+"\n"), 0o644)
	out := filepath.Join(dir, "out")
	os.Mkdir(out, 0o755)
	stale := []string{"verdicts-00003-of-00008.jsonl", tempPrefix + "abc.jsonl", HTMLFile, SummaryFile}
	for _, f := range stale {
		os.WriteFile(filepath.Join(out, f), []byte(`{"stale":true}`+"\n"), 0o644)
	}
	os.WriteFile(filepath.Join(out, "notes.txt"), nil, 0o644)
	sum, err := Run(context.Background(), "prism", Options{Input: in, Output: out})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Documents != 1 || sum.Invalid != 0 {
		t.Errorf("summary: %s", sum.Line())
	}
	ents, _ := os.ReadDir(out)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "notes.txt "+SummaryFile {
		t.Errorf("the output holds %v, want notes.txt and a new summary.json", names)
	}
}

// TestFinalizeNamesShardsAndRemovesStrays: the bundles' files become
// verdicts-I-of-N, and the file of a failed bundle is removed.
func TestFinalizeNamesShardsAndRemovesStrays(t *testing.T) {
	dir := t.TempDir()
	a, b, stray := join(dir, tempPrefix+"b.jsonl"), join(dir, tempPrefix+"a.jsonl"), join(dir, tempPrefix+"c.jsonl")
	for _, f := range []string{a, b, stray} {
		os.WriteFile(f, []byte(filepath.Base(f)+"\n"), 0o644)
	}
	names := []string{a, b}
	var shards []string
	err := (&finalizeFn{Dir: dir}).ProcessElement(context.Background(), nil, func(s *string) bool {
		if len(names) == 0 {
			return false
		}
		*s, names = names[0], names[1:]
		return true
	}, func(s string) { shards = append(shards, s) })
	if err != nil {
		t.Fatal(err)
	}
	ents, _ := os.ReadDir(dir)
	var got []string
	for _, e := range ents {
		c, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		got = append(got, e.Name()+"="+strings.TrimSpace(string(c)))
	}
	want := "verdicts-00000-of-00002.jsonl=" + tempPrefix + "a.jsonl verdicts-00001-of-00002.jsonl=" + tempPrefix + "b.jsonl"
	if strings.Join(got, " ") != want || len(shards) != 2 {
		t.Errorf("the directory holds %v, want %s; shards %v", got, want, shards)
	}
}

// TestBundleCoverageNamesLinesOfTheFile checks two splits of one file in
// one bundle, the later split first: the bundle's coverage names the
// first place of each undocumented field on its line of the file, as a
// run of ccconform validate over the whole file does.
func TestBundleCoverageNamesLinesOfTheFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "drift.ndjson")
	var b bytes.Buffer
	for i := 0; i < 40; i++ {
		b.WriteString(`{"uid":"u","name":"n","status":"online","extra":1}` + "\n")
	}
	os.WriteFile(path, b.Bytes(), 0o644)
	splits := splitsOf(t, path, int64(b.Len()), int64(b.Len()/2))
	if len(splits) != 2 {
		t.Fatalf("splits: %+v", splits)
	}
	f := &checkFn{Check: Check{Coverage: true}, Dir: dir}
	if err := f.Setup(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var sums []*report.Summary
	emitSum := func(s *report.Summary) { sums = append(sums, s) }
	noFile := func(string) { t.Error("a file of verdicts for valid documents") }
	if err := f.StartBundle(ctx, noFile, emitSum); err != nil {
		t.Fatal(err)
	}
	for _, sp := range []Split{splits[1], splits[0]} {
		if err := f.ProcessElement(ctx, sp, noFile, emitSum); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.FinishBundle(ctx, noFile, emitSum); err != nil {
		t.Fatal(err)
	}
	if len(sums) != 1 || sums[0].Documents != 40 || sums[0].Coverage == nil {
		t.Fatalf("summaries: %+v", sums)
	}
	var d *validate.Drift
	for _, k := range sums[0].Coverage.Kinds {
		for i := range k.Undocumented {
			d = &k.Undocumented[i]
		}
	}
	want := validate.Location{Source: path, Line: 1, Index: -1}
	if d == nil || d.First != want || d.Count != 40 || d.Sample != want.String()+" /extra" {
		got, _ := json.Marshal(d)
		t.Errorf("undocumented field: %s, want first at %s", got, want)
	}
}
