package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/ccconform/ccconform/internal/escape"
	"github.com/ccconform/ccconform/validate/report"
	"github.com/spf13/cobra"
)

// mergeOptions are the flags and arguments of ccconform merge.
type mergeOptions struct {
	args   []string
	format string
	out    string
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
in each run's report. Exit status: 1 if the merged summary counts documents
that do not conform, 0 if not, 2 if a SUMMARY cannot be read.`,
		Example: `  # Three shards, then their summary
  for i in 1 2 3; do ccconform validate --shard $i/3 --format json -o shard-$i.jsonl archive/; done
  ccconform merge shard-*.jsonl

  # The summaries of a Kubernetes indexed Job, as one HTML page with coverage
  ccconform merge --format html -o report.html results/*.jsonl
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
	stdinRead := false
	for _, name := range o.args {
		var r io.Reader = e.stdin
		if name == "-" {
			if stdinRead {
				return e.errorf("merge: - names standard input once only")
			}
			stdinRead = true
		} else {
			f, err := os.Open(name)
			if err != nil {
				return e.errorf("merge: cannot read %s: %v", escape.Visible(name), unwrapPathErr(err))
			}
			defer f.Close()
			if fi, err := f.Stat(); err == nil && outInfo != nil && os.SameFile(fi, outInfo) {
				return e.errorf("merge: %s is both a summary and the output (-o): write the output elsewhere", escape.Visible(name))
			}
			r = f
		}
		s, err := readSummary(r)
		if err != nil {
			return e.errorf("merge: %s: %v", escape.Visible(name), err)
		}
		sum.Merge(s)
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
	if sum.Errors > 0 || sum.Interrupted {
		fmt.Fprintf(e.stderr, "ccconform merge: the runs could not read %d input(s)%s: the summary covers what they read\n",
			sum.Errors, map[bool]string{true: ", and one was interrupted", false: ""}[sum.Interrupted])
	}
	if sum.Invalid > 0 {
		return exitInvalid
	}
	return exitOK
}

// errNoSummary says what merge takes, and how to get it.
var errNoSummary = errors.New(`its last line is not a summary line {"summary": ...}: give the JSON report of 'ccconform validate --format json' (or its last line)`)

// readSummary reads the summary from the last non-empty line of r.
func readSummary(r io.Reader) (*report.Summary, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var last []byte
	for {
		line, err := br.ReadBytes('\n')
		if t := bytes.TrimSpace(line); len(t) > 0 {
			last = append(last[:0], t...)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
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
