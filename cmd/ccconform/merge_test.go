package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ccconform/ccconform/validate/report"
)

func TestMergeFlags(t *testing.T) {
	var got *mergeOptions
	e := &env{stdout: io.Discard, stderr: io.Discard}
	c := newMergeCmd(e, func(o *mergeOptions) int { got = o; return 0 })
	c.SetArgs([]string{"--format", "html", "-o", "r.html", "a.jsonl", "b.jsonl"})
	if err := c.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.format != "html" || got.out != "r.html" || !slices.Equal(got.args, []string{"a.jsonl", "b.jsonl"}) {
		t.Errorf("got %+v", *got)
	}
}

// TestShardFlag: I/N parses for 1 <= I <= N, and pick gives every file
// to exactly one shard, by its path alone: a file added to the set moves
// no other file, and a path named twice is checked twice, in its shard.
func TestShardFlag(t *testing.T) {
	for _, bad := range []string{"0/3", "4/3", "x", "1/0", "-1/2", "1/", "/3", "1/2/3", ""} {
		var s shardFlag
		if err := s.Set(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	var files []string
	for i := range 60 {
		files = append(files, fmt.Sprintf("archive/%02d.json", i))
	}
	files = append(files, "archive/07.json")
	grown := append([]string{"archive/aaa.json"}, files...)
	shardOf := func(files []string) map[string][]int {
		m := map[string][]int{}
		for i := 1; i <= 3; i++ {
			var s shardFlag
			if err := s.Set(fmt.Sprintf("%d/3", i)); err != nil {
				t.Fatal(err)
			}
			for _, f := range s.pick(files) {
				m[f] = append(m[f], i)
			}
		}
		return m
	}
	before, after := shardOf(files), shardOf(grown)
	if len(before) != 60 {
		t.Fatalf("files dealt: %v", before)
	}
	for f, in := range before {
		want := 1
		if f == "archive/07.json" {
			want = 2
		}
		if len(in) != want || slices.Min(in) != slices.Max(in) {
			t.Errorf("%s went to shards %v", f, in)
		}
		if !slices.Equal(after[f], in) {
			t.Errorf("adding a file moved %s from shard %v to %v", f, in, after[f])
		}
	}
	sizes := map[int]int{}
	for _, in := range before {
		sizes[in[0]]++
	}
	if len(sizes) != 3 {
		t.Errorf("60 files fill %d of 3 shards: %v", len(sizes), sizes)
	}
}

// TestReadSummaryBounds: the summary is the last non-blank line, read from
// the end of a regular file and line by line from a pipe; a last line
// longer than maxSummaryLine is refused without being held, and a long
// line before the summary does not matter.
func TestReadSummaryBounds(t *testing.T) {
	summary := `{"summary":{"documents":2,"valid":1,"invalid":1,"inputErrors":0}}`
	long := strings.Repeat("x", maxSummaryLine+1)
	// A summary line past the bound, valid JSON all the same: refused.
	padded := `{"summary":` + strings.Repeat(" ", maxSummaryLine) + summary[len(`{"summary":`):]
	cases := []struct {
		name, body string
		ok         bool
	}{
		{"summary alone", summary, true},
		{"after verdicts, blank lines after", "{\"v\":1}\n" + summary + "\n\n  \r\n", true},
		{"after a long line", long + "\n" + summary + "\n", true},
		{"a long last line", summary + "\n" + long, false},
		{"a summary line past the bound", summary + "\n" + padded + "\n", false},
		{"a long last line, then blanks", summary + "\n" + long + "\n\n", false},
		{"blank", "\n \n", false},
	}
	dir := t.TempDir()
	for _, c := range cases {
		file := filepath.Join(dir, "s.jsonl")
		if err := os.WriteFile(file, []byte(c.body), 0o644); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		fromFile, errFile := readSummary(f)
		f.Close()
		fromPipe, errPipe := readSummary(strings.NewReader(c.body))
		for how, got := range map[string]struct {
			s   *report.Summary
			err error
		}{"file": {fromFile, errFile}, "pipe": {fromPipe, errPipe}} {
			if c.ok && (got.err != nil || got.s.Documents != 2) {
				t.Errorf("%s, from a %s: %v, %+v", c.name, how, got.err, got.s)
			}
			if !c.ok && got.err == nil {
				t.Errorf("%s, from a %s: accepted", c.name, how)
			}
		}
	}
}

// TestMergeExitStatus: merge exits as validate did over all the runs:
// 130 for an interrupted run before 2 for unreadable inputs before 1 for
// invalid documents, and says each case apart.
func TestMergeExitStatus(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		summary string
		want    int
		says    string
	}{
		{`{"documents":1,"valid":1,"invalid":0,"inputErrors":0}`, exitOK, ""},
		{`{"documents":1,"valid":0,"invalid":1,"inputErrors":0}`, exitInvalid, ""},
		{`{"documents":1,"valid":0,"invalid":1,"inputErrors":2}`, exitUsage, "could not read 2 input(s)"},
		{`{"documents":0,"valid":0,"invalid":0,"inputErrors":1}`, exitUsage, "could not read 1 input(s)"},
		{`{"documents":1,"valid":0,"invalid":1,"inputErrors":0,"interrupted":true}`, exitInterrupted, "a run was interrupted"},
		{`{"documents":1,"valid":1,"invalid":0,"inputErrors":3,"interrupted":true}`, exitInterrupted, "could not read 3"},
	} {
		file := filepath.Join(dir, "s.json")
		if err := os.WriteFile(file, []byte(`{"summary":`+c.summary+"}\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		var stderr strings.Builder
		e := &env{stdout: io.Discard, stderr: &stderr}
		got := runMerge(e, &mergeOptions{args: []string{file}, format: "text"})
		if got != c.want {
			t.Errorf("%s: exit %d, want %d", c.summary, got, c.want)
		}
		if c.says == "" && stderr.Len() > 0 || !strings.Contains(stderr.String(), c.says) {
			t.Errorf("%s: stderr %q, want %q", c.summary, stderr.String(), c.says)
		}
		if strings.Contains(stderr.String(), "read 0 input") {
			t.Errorf("%s: stderr %q speaks of 0 inputs", c.summary, stderr.String())
		}
	}
}
