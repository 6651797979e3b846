package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"

	"github.com/ccconform/ccconform/types"
	"github.com/ccconform/ccconform/validate"
	"github.com/ccconform/ccconform/validate/report"
)

func runValidate(e *env, args []string) int {
	fs := newFlags(e, "validate", "ccconform validate [flags] [INPUT...]   (INPUT: a file, a directory, or - for standard input)", `  # Check the documentation's examples
  ccconform validate fixtures/docs

  # Check an NDJSON stream from another program, as REST wire JSON
  produce-messages | ccconform validate --profile rest -

  # Fail on fields the model does not document, and report for GitHub Actions
  ccconform validate --strict --format github payloads/

  # Check the rawMessage inside SDK objects, as text messages
  ccconform validate --pointer /rawMessage --kind textMessage sdk-dump.ndjson

  # JUnit XML for a CI system
  ccconform validate --format junit -o report.xml payloads/
`)
	kind := fs.String("kind", "auto", "check every document as this `KIND`: auto (detect each), or "+kindNames())
	profile := fs.String("profile", "auto", "the shape to check, one of `auto|sdk|rest`: auto detects each document's, sdk is the SDK documentation's objects, rest is REST API v3 wire JSON")
	strict := fs.Bool("strict", false, "report fields the model does not document as violations (rule unknown-field)")
	format := fs.String("format", "text", "the report `FORMAT`: "+strings.Join(report.Formats(), ", "))
	pointer := fs.String("pointer", "", "check the value at this JSON `POINTER` of each document (e.g. /rawMessage) instead of the document")
	out := fs.String("o", "", "write the report to `FILE` instead of standard output")
	if done, status := parse(e, fs, args); done {
		return status
	}

	opts := validate.Options{Strict: *strict, Pointer: *pointer}
	if *kind != "auto" {
		k, err := types.ParseKind(*kind)
		if err != nil {
			return e.errorf("--kind: %v, or auto", err)
		}
		opts.Kind = k
	}
	if *profile != "auto" {
		p, err := types.ParseProfile(*profile)
		if err != nil {
			return e.errorf("--profile: %v, or auto", err)
		}
		opts.Profile = p
	}
	v, err := validate.New(opts)
	if err != nil {
		return e.errorf("%v", err)
	}

	var w io.Writer = e.stdout
	color := isTerminal(e.stdout) && os.Getenv("NO_COLOR") == ""
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return e.errorf("cannot write the report: %v", err)
		}
		defer f.Close()
		w, color = f, false
	}
	rep, err := report.New(*format, w, report.Options{Color: color, Strict: *strict})
	if err != nil {
		return e.errorf("--format: %v", err)
	}

	inputs := fs.Args()
	if len(inputs) == 0 {
		inputs = []string{"-"}
	}
	var paths []string
	failed := 0
	for _, in := range inputs {
		switch {
		case in == "-":
			paths = append(paths, in)
		case strings.HasPrefix(in, "http://") || strings.HasPrefix(in, "https://"):
			fmt.Fprintf(e.stderr, "ccconform: %s: validating URLs is not supported by this version\n", in)
			failed++
		default:
			files, errs := validate.Expand([]string{in})
			paths = append(paths, files...)
			for _, err := range errs {
				fmt.Fprintf(e.stderr, "ccconform: %v\n", err)
				failed++
			}
		}
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	// Checking allocates much and keeps little: collect less often. Memory
	// stays a few tens of megabytes.
	debug.SetGCPercent(200)
	sum := report.NewSummary()
	var checked atomic.Int64
	stopProgress := progress(e, &checked)
	defer stopProgress()
	emit := func(vd validate.Verdict) error {
		sum.Add(vd)
		checked.Add(1)
		return rep.Verdict(vd)
	}
	for _, p := range paths {
		in := validate.Input{Name: p, NDJSON: validate.IsNDJSON(p)}
		if p == "-" {
			in.R = e.stdin
		} else {
			f, err := os.Open(p)
			if err != nil {
				fmt.Fprintf(e.stderr, "ccconform: cannot read %s: %v\n", p, err)
				failed++
				continue
			}
			in.R = f
			defer f.Close()
		}
		if err := v.Stream(ctx, in, emit); err != nil {
			fmt.Fprintf(e.stderr, "ccconform: %v\n", err)
			failed++
			if ctx.Err() != nil {
				break
			}
		}
	}
	stopProgress()
	sum.Errors = failed
	if err := rep.Close(sum); err != nil {
		return e.errorf("writing the report: %v", err)
	}
	switch {
	case failed > 0:
		fmt.Fprintf(e.stderr, "ccconform: %d input(s) could not be read; the report covers the rest\n", failed)
		return exitUsage
	case sum.Invalid > 0:
		return exitInvalid
	}
	return exitOK
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// progress shows a running count on standard error while it is a terminal
// and the run is long; the returned func stops it and clears the line.
func progress(e *env, n *atomic.Int64) func() {
	if !isTerminal(e.stderr) {
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(500 * time.Millisecond)
		defer t.Stop()
		shown := false
		for {
			select {
			case <-done:
				if shown {
					fmt.Fprint(e.stderr, "\r\x1b[K")
				}
				return
			case <-t.C:
				fmt.Fprintf(e.stderr, "\rchecked %d documents", n.Load())
				shown = true
			}
		}
	}()
	var once atomic.Bool
	return func() {
		if once.CompareAndSwap(false, true) {
			close(done)
			<-finished
		}
	}
}
