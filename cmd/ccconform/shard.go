package main

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// shardFlag is --shard I/N: the I-th of N shards of a file set, I from 1.
type shardFlag struct {
	i, n int // 0: not set
}

func (s *shardFlag) String() string {
	if s.n == 0 {
		return ""
	}
	return fmt.Sprintf("%d/%d", s.i, s.n)
}

func (s *shardFlag) Type() string { return "I/N" }

func (s *shardFlag) Set(v string) error {
	a, b, ok := strings.Cut(v, "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	switch {
	case !ok || err1 != nil || err2 != nil:
		return fmt.Errorf("%q is not I/N: give the shard's number and the number of shards, as 1/3 (the first of three)", v)
	case n < 1:
		return fmt.Errorf("%q: the number of shards must be at least 1", v)
	case i < 1 || i > n:
		return fmt.Errorf("%q: shards are numbered 1 to %d (a Kubernetes indexed Job's JOB_COMPLETION_INDEX counts from 0: add 1)", v, n)
	}
	s.i, s.n = i, n
	return nil
}

// pick returns the files of the shard: of the files sorted by path, with
// duplicates dropped, those at the positions k (from 0) with k mod N = I-1.
func (s *shardFlag) pick(files []string) []string {
	sorted := slices.Compact(slices.Sorted(slices.Values(files)))
	var out []string
	for k, f := range sorted {
		if k%s.n == s.i-1 {
			out = append(out, f)
		}
	}
	return out
}
