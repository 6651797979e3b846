package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/ccconform/ccconform/validate"
	"github.com/ccconform/ccconform/validate/report"
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

// owner returns the shard, from 1 to n, that owns a file path, or an
// input that could not be read: FNV-1a (32 bits) of the path as the inputs
// spelled it and expanded it, byte for byte, mod n, plus 1. A file keeps
// its shard when others are added or removed, and ./a and a are two
// spellings that may fall in two shards.
func owner(path string, n int) int {
	h := fnv.New32a()
	h.Write([]byte(path))
	return int(h.Sum32()%uint32(n)) + 1
}

// owns reports whether the shard checks path (every path, unset).
func (s *shardFlag) owns(path string) bool {
	return s.n == 0 || owner(path, s.n) == s.i
}

// pick returns the files of the shard, in the order given, a path named
// twice kept twice, as a run over the whole set reads it.
func (s *shardFlag) pick(files []string) []string {
	var out []string
	for _, f := range files {
		if s.owns(f) {
			out = append(out, f)
		}
	}
	return out
}

// fileSet is the digest of a file set that every shard records: its paths
// sorted, then the inputs that could not be read, each as spelled.
func fileSet(files, failed []string) string {
	h := sha256.New()
	for _, f := range slices.Sorted(slices.Values(files)) {
		fmt.Fprintf(h, "file %q\n", f)
	}
	for _, f := range slices.Sorted(slices.Values(failed)) {
		fmt.Fprintf(h, "unreadable %q\n", f)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// runSettings are the settings of a validate run that change its
// verdicts or counts, as a shard records them.
func runSettings(o *validateOptions, opts validate.Options) report.Settings {
	s := report.Settings{Kind: string(opts.Kind), Trigger: opts.Trigger, Profile: string(opts.Profile),
		Strict: opts.Strict, Pointer: opts.Pointer, Coverage: opts.Coverage}
	if o.inputFormat != "auto" {
		s.Input = o.inputFormat
	}
	if opts.MaxDocumentBytes != validate.DefaultMaxDocumentBytes {
		s.MaxBytes = opts.MaxDocumentBytes
	}
	s.Disable = slices.Compact(slices.Sorted(slices.Values(opts.Disable)))
	for _, x := range opts.Ignore {
		s.Ignore = append(s.Ignore, x.String())
	}
	slices.Sort(s.Ignore)
	s.Ignore = slices.Compact(s.Ignore)
	if cs := opts.Custom; cs != nil && len(cs.Files) > 0 {
		h := sha256.New()
		for _, what := range slices.Sorted(maps.Keys(cs.Files)) {
			b, err := os.ReadFile(cs.Files[what])
			if err != nil {
				b = []byte(err.Error()) // read a moment ago; unreadable now still differs
			}
			fmt.Fprintf(h, "%q %d\n%s\n", what, len(b), b)
		}
		s.Schemas = "sha256:" + hex.EncodeToString(h.Sum(nil))
	}
	return s
}
