package pipeline

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

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
