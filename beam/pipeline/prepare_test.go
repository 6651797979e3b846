package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPrepareRefuses: a pattern that is no glob, a glob that matches
// nothing or a directory, an output that cannot be written, and settings
// the validator refuses each stop the run before it is launched, with an
// error that names the flag and the next step.
func TestPrepareRefuses(t *testing.T) {
	dir := t.TempDir()
	doc := filepath.Join(dir, "a.ndjson")
	os.WriteFile(doc, []byte(`{"uid":"u","name":"n","status":"online"}`+"\n"), 0o644)
	os.Mkdir(filepath.Join(dir, "sub.json"), 0o755)
	blocker := filepath.Join(dir, "file")
	os.WriteFile(blocker, nil, 0o644)
	out := filepath.Join(dir, "out")
	for _, c := range []struct {
		name string
		o    Options
		want string
	}{
		{"no input", Options{Output: out}, "--input is required"},
		{"no output", Options{Input: doc}, "--output is required"},
		{"bad glob", Options{Input: filepath.Join(dir, "[a.ndjson"), Output: out}, "is not a glob"},
		{"no match", Options{Input: filepath.Join(dir, "*.jsonl"), Output: out}, "matches no file"},
		{"a directory", Options{Input: filepath.Join(dir, "*.json"), Output: out}, "matches the directory"},
		{"output under a file", Options{Input: doc, Output: filepath.Join(blocker, "out")}, "--output"},
		{"unknown scheme", Options{Input: "ftp://host/*.json", Output: out}, "not registered"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Prepare(context.Background(), c.o)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Prepare: %v, want an error saying %q", err, c.want)
			}
		})
	}
	if files, err := Prepare(context.Background(), Options{Input: filepath.Join(dir, "*.ndjson"), Output: out}); err != nil || len(files) != 1 {
		t.Fatalf("Prepare of a good glob: %v, %v", files, err)
	}
	for _, c := range []Check{{Kind: "bogus"}, {Profile: "bogus"}, {Disable: []string{"no-such-rule"}}, {Schemas: []Schema{{Name: "location", File: "x.json", Content: []byte("{")}}}} {
		if err := c.Validate(); err == nil {
			t.Errorf("Check %+v validated", c)
		}
	}
}

// TestRunFailsOnNoMatch: launched without Prepare, a glob that matches
// nothing fails the pipeline rather than writing an empty summary.
func TestRunFailsOnNoMatch(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	_, err := Run(context.Background(), "prism", Options{Input: filepath.Join(dir, "*.ndjson"), Output: out})
	if err == nil {
		t.Fatal("the pipeline ran over no file")
	}
	if _, err := os.Stat(filepath.Join(out, SummaryFile)); err == nil {
		t.Error("a summary was written for no file")
	}
}

// TestBrokenInputIsReported: a malformed line, an empty file and a file of
// blank lines are verdicts of rule json, in the shards and the summary,
// and the documents around them are still checked.
func TestBrokenInputIsReported(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	os.Mkdir(in, 0o755)
	good := `{"uid":"u1","name":"A","status":"online"}`
	os.WriteFile(filepath.Join(in, "a.ndjson"), []byte(good+"\n{\"uid\": \n"+good+"\n"), 0o644)
	os.WriteFile(filepath.Join(in, "empty.json"), nil, 0o644)
	os.WriteFile(filepath.Join(in, "blank.ndjson"), []byte("\n \n"), 0o644)
	out := filepath.Join(dir, "out")
	sum, err := Run(context.Background(), "prism", Options{Input: filepath.Join(in, "*"), Output: out, SplitBytes: 8, HTML: true})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Documents != 5 || sum.Valid != 2 || sum.Invalid != 3 || sum.ByRule["json"] != 3 {
		t.Errorf("summary: %+v", sum)
	}
	lines := strings.Join(shardLines(t, out), "\n")
	for _, want := range []string{`a.ndjson","line":2}`, `empty.json"}`, `blank.ndjson"}`} {
		if !strings.Contains(lines, want) {
			t.Errorf("no verdict at %s in:\n%s", want, lines)
		}
	}
	html, err := os.ReadFile(filepath.Join(out, HTMLFile))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(html), "a.ndjson:2") || !strings.Contains(string(html), "<html") {
		t.Errorf("report.html does not list the malformed line")
	}
}
