package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
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

// TestRerunReplacesOldOutput: a second run into the same directory
// leaves none of the first run's verdict files or report beside its
// summary, and leaves every other file alone.
func TestRerunReplacesOldOutput(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	os.Mkdir(in, 0o755)
	good := `{"uid":"u1","name":"A","status":"online"}` + "\n"
	bad := `{"uid":"u1","name":"A","status":"nowhere"}` + "\n"
	for i := 0; i < 6; i++ {
		os.WriteFile(filepath.Join(in, fmt.Sprintf("bad%d.ndjson", i)), []byte(good+bad+bad), 0o644)
	}
	out := filepath.Join(dir, "out")
	sum, err := Run(context.Background(), "prism", Options{Input: filepath.Join(in, "*"), Output: out, HTML: true, SplitBytes: 16})
	if err != nil {
		t.Fatal(err)
	}
	first, _ := filepath.Glob(filepath.Join(out, "verdicts-*-of-*.jsonl"))
	if sum.Invalid != 12 || len(first) == 0 {
		t.Fatalf("first run: %s, shards %v", sum.Line(), first)
	}
	if _, err := Prepare(context.Background(), Options{Input: filepath.Join(in, "*"), Output: out, HTML: true}); err != nil {
		t.Fatalf("Prepare refuses the first run's output: %v", err)
	}
	os.WriteFile(filepath.Join(out, "notes.txt"), []byte("mine"), 0o644)
	os.WriteFile(filepath.Join(out, "verdicts.jsonl"), []byte("mine"), 0o644)
	ok := filepath.Join(dir, "ok.ndjson")
	os.WriteFile(ok, []byte(good), 0o644)
	sum, err = Run(context.Background(), "prism", Options{Input: ok, Output: out})
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
	if strings.Join(names, " ") != "notes.txt "+SummaryFile+" verdicts.jsonl" {
		t.Errorf("the output holds %v, want notes.txt, verdicts.jsonl and a new summary.json", names)
	}
	// A third run with --html writes over the report of a run with --html.
	if _, err := Run(context.Background(), "prism", Options{Input: filepath.Join(in, "*"), Output: out, HTML: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(context.Background(), "prism", Options{Input: filepath.Join(in, "*"), Output: out, HTML: true}); err != nil {
		t.Fatalf("a run does not replace its own report: %v", err)
	}
}

// TestForeignFilesAreNotReplaced: a summary.json, a report.html (when the
// run writes one) or a file named as a verdict shard that the pipeline did
// not write stops Prepare, and the job too when launched without it,
// every file left as it was.
func TestForeignFilesAreNotReplaced(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.ndjson")
	os.WriteFile(in, []byte(`{"uid":"u1","name":"A","status":"nowhere"}`+"\n"), 0o644)
	for _, c := range []struct {
		name, file, content string
		html                bool
	}{
		{"a summary of two lines", SummaryFile, `{"location":{"source":"x"}}` + "\n" + `{"summary":{}}` + "\n", false},
		{"a summary of another tool", SummaryFile, `{"total":3}` + "\n", false},
		{"a shard name, other content", "verdicts-00000-of-00001.jsonl", "id,name\n1,a\n", false},
		{"a report of validate", HTMLFile, "<!DOCTYPE html>\n<html></html>\n", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			os.Mkdir(out, 0o755)
			name := filepath.Join(out, c.file)
			os.WriteFile(name, []byte(c.content), 0o644)
			o := Options{Input: in, Output: out, HTML: c.html}
			_, err := Prepare(context.Background(), o)
			if err == nil || !strings.Contains(err.Error(), name) || !strings.Contains(err.Error(), "choose another --output") {
				t.Errorf("Prepare: %v, want a refusal naming %s", err, name)
			}
			if _, err := Run(context.Background(), "prism", o); err == nil {
				t.Errorf("the job wrote over %s", c.file)
			}
			if b, _ := os.ReadFile(name); string(b) != c.content {
				t.Errorf("%s now holds %q", c.file, b)
			}
		})
	}
}

// TestInputInOutputIsRefused: an input in the output directory stops the
// run before anything is removed, naming the file and the next step.
func TestInputInOutputIsRefused(t *testing.T) {
	dir := t.TempDir()
	arch := filepath.Join(dir, "arch")
	os.Mkdir(arch, 0o755)
	files := map[string]string{
		"a.ndjson":                      `{"uid":"u1","name":"A","status":"online"}` + "\n",
		SummaryFile:                     `{"summary":{"documents":1}}` + "\n",
		"verdicts-00001-of-00003.jsonl": `{"location":{"source":"x"},"kind":"user"}` + "\n",
	}
	for n, c := range files {
		os.WriteFile(filepath.Join(arch, n), []byte(c), 0o644)
	}
	for _, out := range []string{arch, arch + "/", filepath.Join(arch, "sub", "..")} {
		_, err := Prepare(context.Background(), Options{Input: filepath.Join(arch, "*"), Output: out})
		if err == nil || !strings.Contains(err.Error(), "in the output directory") || !strings.Contains(err.Error(), "choose another --output") {
			t.Errorf("--output %s: %v", out, err)
		}
	}
	if _, err := Prepare(context.Background(), Options{Input: filepath.Join(arch, "*"), Output: filepath.Join(arch, "results")}); err != nil {
		t.Errorf("an output below the inputs' directory: %v", err)
	}
	for n, c := range files {
		if b, _ := os.ReadFile(filepath.Join(arch, n)); string(b) != c {
			t.Errorf("%s now holds %q", n, b)
		}
	}
	if f := inOutput([]Input{{Path: "gs://b/arch/x.json"}}, "gs://b/arch/"); f != "gs://b/arch/x.json" {
		t.Errorf("gs:// input in the output: %q", f)
	}
	if f := inOutput([]Input{{Path: "gs://b/arch/x.json"}}, "gs://b/arch/out"); f != "" {
		t.Errorf("gs:// input beside the output: %q", f)
	}
}

// TestFinalizeLeavesForeignFiles: finalize removes an earlier run's
// shards and report, and fails rather than rename a shard over a file of
// the same name that the pipeline did not write.
func TestFinalizeLeavesForeignFiles(t *testing.T) {
	dir := t.TempDir()
	verdict := `{"location":{"source":"x"}}` + "\n"
	write := func(n, c string) { os.WriteFile(filepath.Join(dir, n), []byte(c), 0o644) }
	write(tempPrefix+"a.jsonl", verdict)
	write("verdicts-00000-of-00001.jsonl", "not a verdict\n")
	names := []string{join(dir, tempPrefix+"a.jsonl")}
	iter := func(s *string) bool {
		if len(names) == 0 {
			return false
		}
		*s, names = names[0], names[1:]
		return true
	}
	err := (&finalizeFn{Dir: dir}).ProcessElement(context.Background(), nil, iter, func(string) {})
	if err == nil || !strings.Contains(err.Error(), "verdicts-00000-of-00001.jsonl") {
		t.Fatalf("finalize over a foreign shard name: %v", err)
	}
	write("verdicts-00000-of-00001.jsonl", verdict)
	write("verdicts-00002-of-00005.jsonl", verdict)
	write("verdicts-00003-of-00005.jsonl", "{}\n")
	write(HTMLFile, "<html></html>"+htmlMark)
	names = []string{join(dir, tempPrefix+"a.jsonl")}
	if err := (&finalizeFn{Dir: dir}).ProcessElement(context.Background(), nil, iter, func(string) {}); err != nil {
		t.Fatal(err)
	}
	ents, _ := os.ReadDir(dir)
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	if strings.Join(got, " ") != "verdicts-00000-of-00001.jsonl verdicts-00003-of-00005.jsonl" {
		t.Errorf("the directory holds %v, want the new shard and the file that is no verdict file", got)
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
