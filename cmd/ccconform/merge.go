package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/ccconform/ccconform/internal/escape"
	"github.com/ccconform/ccconform/validate/report"
	"github.com/spf13/cobra"
)

// mergeOptions are the flags and arguments of ccconform merge.
type mergeOptions struct {
	args    []string
	format  string
	out     string
	partial bool
}

// newMergeCmd returns the merge command; runF, when set, runs instead of
// the command's work, for tests of the parsing.
func newMergeCmd(e *env, runF func(*mergeOptions) int) *cobra.Command {
	o := &mergeOptions{}
	c := &cobra.Command{
		Use:   "merge [flags] SUMMARY...",
		Short: "combine the JSON summaries of separate validate runs into one",
		Long: `Combine the summaries written by separate runs of ccconform validate --format
json (one per shard, machine or day) into the summary of all their documents,
coverage included: counts add up, and the first place of each undocumented
field is the least of the runs' (see docs/spec-notes.md, rows 83 and 84).
The result equals the summary of one run over all the inputs when the runs
named their files the same way.

Each SUMMARY is a file whose last line is the summary line {"summary": ...}:
a whole JSON report of validate, or that line alone (- reads standard input).
The merged summary is written in the report format chosen; the verdicts stay
in each run's report.

Summaries of validate --shard I/N record their shard, their file set and the
settings that change verdicts. merge refuses, naming the files: a shard
missing (unless --partial) or given twice, shards of different N or of
different file sets, shards run with different settings, shard summaries
mixed with other summaries, some summaries with coverage and some without,
and one file given twice. A complete set of shards merges into the summary
of the whole run, which records no shard.

Exit status, as validate's over all the runs: 130 if a run was interrupted,
else 2 if a run could not read an input, or if a SUMMARY cannot be read or
the summaries do not go together, else 1 if the merged summary counts
documents that do not conform, else 0.`,
		Example: `  # Three shards, then their summary
  for i in 1 2 3; do ccconform validate --shard $i/3 --format json -o shard-$i.jsonl archive/; done
  ccconform merge shard-*.jsonl

  # The summaries of a Kubernetes indexed Job, as one HTML page with coverage
  ccconform merge --format html -o report.html results/*.jsonl

  # Some shards now, the rest when they finish
  ccconform merge --partial --format json -o first.json shard-1.jsonl shard-2.jsonl
  ccconform merge first.json shard-3.jsonl
`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			o.args = args
			if runF != nil {
				return status(runF(o))
			}
			return status(runMerge(e, o))
		},
	}
	f := c.Flags()
	f.StringVar(&o.format, "format", "text", "the `FORMAT` of the merged summary: "+strings.Join(report.Formats(), ", "))
	f.StringVarP(&o.out, "output", "o", "", "write the merged summary to `FILE` instead of standard output")
	f.BoolVar(&o.partial, "partial", false, "merge the summaries of some shards of a set, to merge with the rest later (--format json): the result records the shards it holds")
	c.RegisterFlagCompletionFunc("format", completeValues(report.Formats()...))
	return c
}

func runMerge(e *env, o *mergeOptions) int {
	if err := oneOf("format", o.format, report.Formats()); err != nil {
		return e.errorf("%v", err)
	}
	var outInfo os.FileInfo
	if o.out != "" {
		if fi, err := os.Stat(o.out); err == nil && fi.Mode().IsRegular() {
			outInfo = fi
		}
	}
	sum := report.NewSummary()
	var parts []mergePart
	stdinRead := false
	for _, name := range o.args {
		var r io.Reader = e.stdin
		var info os.FileInfo
		if name == "-" {
			if stdinRead {
				return e.errorf("merge: - names standard input once only")
			}
			stdinRead = true
			if f, ok := e.stdin.(*os.File); ok {
				if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
					info = fi
				}
			}
		} else {
			f, err := os.Open(name)
			if err != nil {
				return e.errorf("merge: cannot read %s: %v", escape.Visible(name), unwrapPathErr(err))
			}
			defer f.Close()
			fi, err := f.Stat()
			if err != nil {
				return e.errorf("merge: cannot read %s: %v", escape.Visible(name), unwrapPathErr(err))
			}
			if fi.IsDir() || fi.Mode()&(os.ModeDevice|os.ModeCharDevice|os.ModeSocket) != 0 {
				return e.errorf("merge: %s is not a file: give the JSON report of 'ccconform validate --format json' (or its last line)", escape.Visible(name))
			}
			if outInfo != nil && os.SameFile(fi, outInfo) {
				return e.errorf("merge: %s is both a summary and the output (-o): write the output elsewhere", escape.Visible(name))
			}
			info, r = fi, f
		}
		if info != nil {
			for _, p := range parts {
				if p.info != nil && os.SameFile(p.info, info) {
					return e.errorf("merge: %s and %s are the same file: give each run's summary once", escape.Visible(p.name), escape.Visible(name))
				}
			}
		}
		s, err := readSummary(r)
		if err != nil {
			return e.errorf("merge: %s: %v", escape.Visible(name), err)
		}
		parts = append(parts, mergePart{name: name, info: info, sum: s})
		sum.Merge(s)
	}
	if err := checkParts(parts, o.partial); err != nil {
		return e.errorf("merge: %v", err)
	}
	if !o.partial {
		// A complete set of shards is the whole file set: its summary is
		// the whole run's.
		sum.Shards = nil
	}
	var w io.Writer = e.stdout
	if o.out != "" {
		f, err := createReport(o.out)
		if err != nil {
			return e.errorf("cannot write the merged summary: %v", err)
		}
		defer f.Close()
		w = f
	}
	rep, err := report.New(o.format, w, report.Options{})
	if err != nil {
		return e.errorf("--format: %v", err)
	}
	if err := rep.Close(sum); err != nil {
		return e.errorf("writing the merged summary: %v", err)
	}
	if sum.Interrupted {
		fmt.Fprintln(e.stderr, "ccconform merge: a run was interrupted: the summary covers the documents it checked before it stopped")
	}
	if sum.Errors > 0 {
		fmt.Fprintf(e.stderr, "ccconform merge: the runs could not read %d input(s): the summary covers the rest\n", sum.Errors)
	}
	switch {
	case sum.Interrupted:
		return exitInterrupted
	case sum.Errors > 0:
		return exitUsage
	case sum.Invalid > 0:
		return exitInvalid
	}
	return exitOK
}

// mergePart is one summary given to merge.
type mergePart struct {
	name string
	info os.FileInfo // nil for a pipe
	sum  *report.Summary
}

// checkParts refuses summaries that do not make one file set's summary
// together: every error names the files and the next step.
func checkParts(parts []mergePart, partial bool) error {
	name := func(p mergePart) string { return escape.Visible(p.name) }
	var cov, noCov, sharded, plain *mergePart
	for i := range parts {
		p := &parts[i]
		switch {
		case p.sum.Coverage != nil:
			cov = firstOf(cov, p)
		case p.sum.Documents > 0:
			noCov = firstOf(noCov, p)
		}
		if len(p.sum.Shards) > 0 {
			sharded = firstOf(sharded, p)
		} else {
			plain = firstOf(plain, p)
		}
	}
	if cov != nil && noCov != nil {
		return fmt.Errorf("%s counted coverage and %s did not: run every part with --coverage, or none", name(*cov), name(*noCov))
	}
	if sharded == nil {
		if partial {
			return errors.New("--partial merges shards of validate --shard, and no summary is one: drop --partial")
		}
		return nil
	}
	if plain != nil {
		return fmt.Errorf("%s is a shard of validate --shard and %s is not: merge a set's shards alone, or runs without --shard alone", name(*sharded), name(*plain))
	}
	// Every shard entry against the first, and each number once.
	first := parts[0].sum.Shards[0]
	firstFile := name(parts[0])
	seen := map[int]string{}
	for _, p := range parts {
		for _, sh := range p.sum.Shards {
			switch {
			case sh.N != first.N:
				return fmt.Errorf("%s holds shard %d/%d and %s shard %d/%d: merge the shards of one --shard I/N split", firstFile, first.I, first.N, name(p), sh.I, sh.N)
			case sh.Files != first.Files || sh.FileSet != first.FileSet:
				return fmt.Errorf("%s (shard %d/%d) and %s (shard %d/%d) split different file sets (%d and %d files; files added, removed or named differently between the runs): run every shard again on the same inputs, from the same directory",
					firstFile, first.I, first.N, name(p), sh.I, sh.N, first.Files, sh.Files)
			case sh.Settings.Key() != first.Settings.Key():
				return fmt.Errorf("%s (shard %d/%d) ran with the settings %s and %s (shard %d/%d) with %s: run every shard with the same flags and config",
					firstFile, first.I, first.N, first.Settings.Key(), name(p), sh.I, sh.N, sh.Settings.Key())
			case sh.I < 1 || sh.I > sh.N:
				return fmt.Errorf("%s holds shard %d/%d, which no run writes: give the summary as validate wrote it", name(p), sh.I, sh.N)
			}
			if other, ok := seen[sh.I]; ok {
				return fmt.Errorf("%s and %s both hold shard %d/%d: give each shard's summary once", other, name(p), sh.I, sh.N)
			}
			seen[sh.I] = name(p)
		}
	}
	if !partial {
		var missing []string
		for i := 1; i <= first.N; i++ {
			if _, ok := seen[i]; !ok {
				missing = append(missing, fmt.Sprintf("%d/%d", i, first.N))
			}
		}
		if len(missing) > 0 {
			return fmt.Errorf("shard %s is missing: give every shard's summary, or merge these with --partial --format json and the rest later", strings.Join(missing, ", "))
		}
	}
	return nil
}

// firstOf returns a unless it is nil, then b.
func firstOf(a, b *mergePart) *mergePart {
	if a != nil {
		return a
	}
	return b
}

// maxSummaryLine is the longest line merge reads as a summary. A summary
// is at most a few megabytes (coverage is bounded); a longer last line is
// not one, and is not held in memory.
const maxSummaryLine = 64 << 20

// errNoSummary says what merge takes, and how to get it.
var errNoSummary = errors.New(`its last line is not a summary line {"summary": ...}: give the JSON report of 'ccconform validate --format json' (or its last line)`)

// readSummary reads the summary from the last non-empty line of r: a
// regular file from its end, anything else line by line, in memory
// bounded by maxSummaryLine.
func readSummary(r io.Reader) (*report.Summary, error) {
	var last []byte
	var err error
	if f, ok := r.(*os.File); ok {
		if fi, serr := f.Stat(); serr == nil && fi.Mode().IsRegular() {
			last, err = lastLineAt(f, fi.Size())
		} else {
			last, err = lastLine(r)
		}
	} else {
		last, err = lastLine(r)
	}
	if err != nil {
		return nil, err
	}
	if len(last) == 0 {
		return nil, errors.New(`it is empty: give the JSON report of 'ccconform validate --format json' (or its last line, {"summary": ...})`)
	}
	var top map[string]json.RawMessage
	if json.Unmarshal(last, &top) != nil || len(top) != 1 || top["summary"] == nil || bytes.Equal(top["summary"], []byte("null")) {
		return nil, errNoSummary
	}
	var s report.Summary
	dec := json.NewDecoder(bytes.NewReader(top["summary"]))
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("its summary line cannot be read (%v): give the summary as validate wrote it", err)
	}
	if s.Documents < 0 || s.Valid < 0 || s.Invalid < 0 || s.Valid+s.Invalid != s.Documents {
		return nil, fmt.Errorf("its summary counts %d documents, %d valid and %d invalid, which do not add up: give the summary as validate wrote it", s.Documents, s.Valid, s.Invalid)
	}
	return &s, nil
}

// lastLine returns the last non-blank line of r, trimmed, reading it to
// its end; errNoSummary if that line is longer than maxSummaryLine.
func lastLine(r io.Reader) ([]byte, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var cur, last []byte
	curLong, lastLong := false, false
	for {
		frag, err := br.ReadSlice('\n')
		if !curLong {
			if len(cur)+len(frag) > maxSummaryLine {
				curLong, cur = true, cur[:0]
			} else {
				cur = append(cur, frag...)
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if curLong || len(bytes.TrimSpace(cur)) > 0 {
			last, cur = cur, last[:0]
			lastLong = curLong
		} else {
			cur = cur[:0]
		}
		curLong = false
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	if lastLong {
		return nil, errNoSummary
	}
	return bytes.TrimSpace(last), nil
}

// lastLineAt returns the last non-blank line of the size bytes of r,
// trimmed, reading back from the end; errNoSummary if it is longer than
// maxSummaryLine.
func lastLineAt(r io.ReaderAt, size int64) ([]byte, error) {
	const block = 64 << 10
	var chunks [][]byte // the line's bytes, last first
	total := 0
	for end := size; end > 0; {
		start := max(0, end-block)
		b := make([]byte, end-start)
		if _, err := r.ReadAt(b, start); err != nil && err != io.EOF {
			return nil, err
		}
		end = start
		if total == 0 {
			b = bytes.TrimRight(b, " \t\r\n\v\f")
			if len(b) == 0 {
				continue
			}
		}
		done := false
		if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
			b, done = b[i+1:], true
		}
		chunks = append(chunks, b)
		if total += len(b); total > maxSummaryLine {
			return nil, errNoSummary
		}
		if done {
			break
		}
	}
	slices.Reverse(chunks)
	return bytes.TrimSpace(bytes.Join(chunks, nil)), nil
}
