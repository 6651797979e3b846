package main

import (
	"fmt"
	"io"
	"slices"
	"testing"
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

// TestShardFlag: I/N parses for 1 <= I <= N, and pick deals the sorted,
// distinct files out by position, every file to exactly one shard.
func TestShardFlag(t *testing.T) {
	for _, bad := range []string{"0/3", "4/3", "x", "1/0", "-1/2", "1/", "/3", "1/2/3", ""} {
		var s shardFlag
		if err := s.Set(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	files := []string{"d/b.json", "a.json", "c.ndjson", "a.json", "d/a.json", "e.json", "f.json"}
	seen := map[string]int{}
	for i := 1; i <= 3; i++ {
		var s shardFlag
		if err := s.Set(fmt.Sprintf("%d/3", i)); err != nil {
			t.Fatal(err)
		}
		for _, f := range s.pick(files) {
			seen[f]++
		}
		if i == 1 && !slices.Equal(s.pick(files), []string{"a.json", "d/b.json"}) {
			t.Errorf("shard 1/3: %v", s.pick(files))
		}
	}
	if len(seen) != 6 {
		t.Errorf("files dealt: %v", seen)
	}
	for f, n := range seen {
		if n != 1 {
			t.Errorf("%s in %d shards", f, n)
		}
	}
}
