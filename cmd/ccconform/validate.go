package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"

	"github.com/ccconform/ccconform/fetch"
	"github.com/ccconform/ccconform/types"
	"github.com/ccconform/ccconform/validate"
	"github.com/ccconform/ccconform/validate/report"
)

func runValidate(e *env, args []string) int {
	fs := newFlags(e, "validate", "ccconform validate [flags] [INPUT...]   (INPUT: a file, a directory, - for standard input, or an http(s) URL)", `  # Check the documentation's examples
  ccconform validate fixtures/docs

  # Check a live endpoint, every page of it; the key stays out of shell history
  export CC_APIKEY=...   # or put 'apikey: ...' lines in a file for --header-file
  ccconform validate --header 'apikey: $CC_APIKEY' https://APPID.api-us.cometchat.io/v3/users

  # Check the local mock server (ccconform serve) as CI would
  ccconform validate --profile rest http://127.0.0.1:8686/v3/users http://127.0.0.1:8686/v3/messages

  # Check an NDJSON stream from another program, as REST wire JSON
  produce-messages | ccconform validate --profile rest -

  # Fail on fields the model does not document, and report for GitHub Actions
  ccconform validate --strict --format github payloads/

  # Check the rawMessage inside SDK objects, as text messages
  ccconform validate --pointer /rawMessage --kind textMessage sdk-dump.ndjson

  # JUnit XML for a CI system; SARIF for code scanning; one HTML page for people
  ccconform validate --format junit -o report.xml payloads/
  ccconform validate --format sarif -o results.sarif payloads/
  ccconform validate --coverage --format html -o report.html payloads/

  # Check your own custom message type's customData
  ccconform validate --custom-schema location=schemas/location.json payloads/
`)
	kind := fs.String("kind", "auto", "check every document as this `KIND`: auto (detect each), or "+kindNames())
	profile := fs.String("profile", "auto", "the shape to check, one of `auto|sdk|rest`: auto detects each document's, sdk is the SDK documentation's objects, rest is REST API v3 wire JSON")
	strict := fs.Bool("strict", false, "report fields the model does not document as violations (rule unknown-field)")
	var customData, metadataSchemas pairFlags
	fs.Var(&customData, "custom-schema", "check the customData of custom messages of type TYPE against the JSON Schema in FILE, as `TYPE=FILE` (repeatable; also \"customData\" in .ccconform.json, found from the working directory up)")
	fs.Var(&metadataSchemas, "metadata-schema", "check the metadata of documents of kind KIND against the JSON Schema in FILE, as `KIND=FILE` (repeatable; also \"metadata\" in .ccconform.json)")
	coverage := fs.Bool("coverage", false, "count which documented fields, enum values and category/type pairs the documents held, list what was never seen and the undocumented fields seen")
	format := fs.String("format", "text", "the report `FORMAT`: "+strings.Join(report.Formats(), ", "))
	pointer := fs.String("pointer", "", "check the value at this JSON `POINTER` of each document (e.g. /rawMessage) instead of the document")
	out := fs.String("o", "", "write the report to `FILE` instead of standard output")
	var headers headerFlags
	fs.Var(&headers, "header", "send this header with URL requests, as `'Name: value'` (repeatable); $VAR in the value is read from the environment, and values never appear in any output")
	headerFile := fs.String("header-file", "", "send the headers in `FILE`, one 'Name: value' a line (# comments), with URL requests")
	timeout := fs.Duration("timeout", fetch.DefaultTimeout, "give up on a URL request after this `DURATION` (e.g. 10s)")
	maxPages := fs.Int("max-pages", fetch.DefaultMaxPages, "follow a URL's pagination for at most `N` pages")
	maxBytes := fs.Int64("max-bytes", fetch.DefaultMaxBytes, "refuse a URL response larger than `N` bytes")
	retries := fs.Int("retries", fetch.DefaultRetries, "try a URL request answered 429 or 5xx up to `N` more times, with backoff (Retry-After honoured)")
	insecure := fs.Bool("insecure", false, "do not verify the TLS certificates of URLs (for test servers only)")
	if done, status := parse(e, fs, args); done {
		return status
	}
	if *timeout <= 0 || *maxPages <= 0 || *maxBytes <= 0 || *retries < 0 {
		return e.errorf("validate: --timeout, --max-pages and --max-bytes must be positive, --retries at least 0\nRun 'ccconform validate --help' for usage.")
	}

	custom, err := customSchemas(e, customData, metadataSchemas)
	if err != nil {
		return e.errorf("%v", err)
	}
	opts, err := checkOptions(*kind, *profile, *strict)
	if err != nil {
		return e.errorf("%v", err)
	}
	opts.Pointer, opts.Coverage, opts.Custom = *pointer, *coverage, custom
	v, err := validate.New(opts)
	if err != nil {
		return e.errorf("%v", err)
	}

	// URL inputs share one client, made before anything is read: a header
	// that cannot be built stops the run before it starts.
	var client *fetch.Client
	for _, p := range fs.Args() {
		if !isURL(p) {
			continue
		}
		h, err := buildHeader(headers, *headerFile)
		if err != nil {
			return e.errorf("%v", err)
		}
		if *insecure {
			fmt.Fprintln(e.stderr, "ccconform: warning: --insecure: TLS certificates are not verified; use it for test servers only")
		}
		tries := *retries
		if tries == 0 {
			tries = -1 // fetch reads 0 as its default
		}
		client = fetch.New(fetch.Options{Header: h, Timeout: *timeout, MaxPages: *maxPages, MaxBytes: *maxBytes,
			Retries: tries, Insecure: *insecure,
			Notify: func(msg string) { fmt.Fprintf(e.stderr, "ccconform: %s\n", msg) }})
		break
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
		case isURL(in):
			paths = append(paths, in)
		case strings.Contains(in, "://"):
			fmt.Fprintf(e.stderr, "ccconform: %s: only http and https URLs can be validated\n", redact(in))
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
	// check validates one input; each file is closed as soon as it is read.
	check := func(p string) error {
		if isURL(p) {
			return client.Pages(ctx, p, func(pg fetch.Page) error {
				return v.Stream(ctx, validate.Input{Name: pg.URL, R: bytes.NewReader(pg.Body), Page: pg.Number}, emit)
			})
		}
		in := validate.Input{Name: p, NDJSON: validate.IsNDJSON(p)}
		if p == "-" {
			in.R = e.stdin
		} else {
			f, err := os.Open(p)
			if err != nil {
				return fmt.Errorf("cannot read %s: %v", p, err)
			}
			defer f.Close()
			in.R = f
		}
		return v.Stream(ctx, in, emit)
	}
	for _, p := range paths {
		if err := check(p); err != nil {
			fmt.Fprintf(e.stderr, "ccconform: %v\n", err)
			failed++
			if ctx.Err() != nil {
				break
			}
		}
	}
	stopProgress()
	sum.Errors = failed
	if c := v.Coverage(); c != nil {
		r := c.Report()
		sum.Coverage = &r
	}
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

// isURL reports whether an input names an http or https URL.
func isURL(in string) bool {
	return strings.HasPrefix(in, "http://") || strings.HasPrefix(in, "https://")
}

// redact hides the password of a URL-like input, for messages.
func redact(in string) string {
	if u, err := url.Parse(in); err == nil {
		return u.Redacted()
	}
	return "the input"
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

// checkOptions reads --kind, --profile and --strict, as validate and proxy
// take them.
func checkOptions(kind, profile string, strict bool) (validate.Options, error) {
	opts := validate.Options{Strict: strict}
	if kind != "auto" {
		k, err := types.ParseKind(kind)
		if err != nil {
			return opts, fmt.Errorf("--kind: %v, or auto", err)
		}
		opts.Kind = k
	}
	if profile != "auto" {
		p, err := types.ParseProfile(profile)
		if err != nil {
			return opts, fmt.Errorf("--profile: %v, or auto", err)
		}
		opts.Profile = p
	}
	return opts, nil
}
