package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/ccconform/ccconform/fetch"
	"github.com/ccconform/ccconform/internal/bytesize"
	"github.com/ccconform/ccconform/internal/escape"
	"github.com/ccconform/ccconform/internal/glob"
	"github.com/ccconform/ccconform/types"
	"github.com/ccconform/ccconform/validate"
	"github.com/ccconform/ccconform/validate/report"
	"github.com/ccconform/ccconform/webhook"
	"github.com/spf13/cobra"
)

// validateOptions are the flags and arguments of ccconform validate.
type validateOptions struct {
	args            []string
	kind            string
	trigger         string
	profile         string
	strict          bool
	customData      pairFlags
	metadataSchemas pairFlags
	coverage        bool
	format          string
	pointer         string
	out             string
	inputFormat     string
	maxDoc          bytesize.Size
	headers         headerFlags
	headerFile      string
	timeout         time.Duration
	maxPages        int
	maxBytes        int64
	retries         int
	insecure        bool
	proxy           string
	failuresOnly    bool
	disable         []string
	exclude         []string
	shard           shardFlag
	// changed reports whether a flag was given, so that the config's
	// value counts only when it was not.
	changed func(name string) bool
}

// newValidateCmd returns the validate command; runF, when set, runs instead of
// the command's work, for tests of the parsing.
func newValidateCmd(e *env, runF func(*validateOptions) int) *cobra.Command {
	o := &validateOptions{}
	c := &cobra.Command{
		Use:   "validate [flags] [INPUT...]",
		Short: "check payloads against the data model",
		Long: `Check payloads against the data model: each document's kind and profile are
detected, then it is checked against its kind's schema and the cross-field rules.

Profiles: rest is what CometChat's REST API v3 sends; sdk is what the official
JavaScript SDKs (3.x and 4.x) write when an app serialises their objects; docs
is the layout of the data model documentation's examples. auto tells them apart.

INPUT is a file, a directory (its .json, .ndjson and .jsonl files, recursively),
- for standard input (also when no INPUT is given), or an http(s) URL, read page
by page; a URL's REST v3 path (/v3/groups, /v3/conversations, ...) also says
which kind its documents must be. Flags may come before or after the inputs; --
ends the flags.`,
		Example: `  # Check the documentation's examples
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

  # Read every document as a webhook delivery, of one trigger
  ccconform validate --kind webhook captured-hooks.ndjson
  ccconform validate --trigger group_member_joined joins.ndjson

  # Check your own custom message type's customData
  ccconform validate --custom-schema location=schemas/location.json payloads/
  # Check the second of three shards of an archive, then merge the summaries
  ccconform validate --shard 2/3 --format json -o shard-2.jsonl archive/
  ccconform merge shard-*.jsonl
`,
		Args: cobra.ArbitraryArgs,
		RunE: func(c *cobra.Command, args []string) error {
			o.args, o.changed = args, c.Flags().Changed
			if runF != nil {
				return status(runF(o))
			}
			return status(runValidate(e, o))
		},
	}
	f := c.Flags()
	o.maxDoc = bytesize.Size(validate.DefaultMaxDocumentBytes)
	addKindFlags(c, &o.kind, &o.trigger)
	f.StringVar(&o.profile, "profile", "auto", "the shape to check, one of `auto|rest|sdk|docs`: auto detects each document's; rest is REST API v3 wire JSON, sdk the official SDKs' objects as JSON.stringify writes them (3.x and 4.x), docs the data model documentation's own layout")
	f.BoolVar(&o.strict, "strict", false, "report fields the model does not document as violations (rule unknown-field)")
	f.Var(&o.customData, "custom-schema", "check the customData of custom messages of type TYPE against the JSON Schema in FILE, as `TYPE=FILE` (repeatable; also \"customData\" in .ccconform.json, found from the working directory up)")
	f.Var(&o.metadataSchemas, "metadata-schema", "check the metadata of documents of kind KIND against the JSON Schema in FILE, as `KIND=FILE` (repeatable; also \"metadata\" in .ccconform.json)")
	f.BoolVar(&o.coverage, "coverage", false, "count which documented fields, enum values and category/type pairs the documents held, list what was never seen and the undocumented fields seen")
	f.StringVar(&o.format, "format", "text", "the report `FORMAT`: "+strings.Join(report.Formats(), ", "))
	f.StringVar(&o.pointer, "pointer", "", "check the value at this JSON `POINTER` of each document (e.g. /rawMessage) instead of the document")
	f.StringVarP(&o.out, "output", "o", "", "write the report to `FILE` instead of standard output (never one of the inputs)")
	f.StringVar(&o.inputFormat, "input-format", "auto", "how each input lays out its documents, a `FORMAT` of auto, ndjson, json, array or concat: auto reads .ndjson and .jsonl files line by line, and detects an array, NDJSON or values one after another in the rest")
	f.Var(&o.maxDoc, "max-document-bytes", "give a document larger than `SIZE` a verdict of rule size instead of checking it (bytes, or with KiB, MiB or GiB; elements of an array or of a REST envelope's data count one by one)")
	f.Var(&o.headers, "header", "send this header with URL requests, as `'Name: value'` (repeatable); $VAR in the value is read from the environment, and values never appear in any output")
	f.StringVar(&o.headerFile, "header-file", "", "send the headers in `FILE`, one 'Name: value' a line (# comments), with URL requests")
	f.DurationVar(&o.timeout, "timeout", fetch.DefaultTimeout, "give up on a URL's page after this `DURATION` (e.g. 10s), its retries and their waits included")
	f.IntVar(&o.maxPages, "max-pages", fetch.DefaultMaxPages, "follow a URL's pagination for at most `N` pages")
	f.Int64Var(&o.maxBytes, "max-bytes", fetch.DefaultMaxBytes, "refuse a URL response larger than `N` bytes")
	f.IntVar(&o.retries, "retries", fetch.DefaultRetries, "try a URL request answered 429 or 5xx, or cut before an answer, up to `N` more times within --timeout, with backoff (Retry-After honoured)")
	f.BoolVar(&o.insecure, "insecure", false, "do not verify the TLS certificates of URLs (for test servers only)")
	f.StringVar(&o.proxy, "proxy", "", "send URL requests through this proxy `URL` (http, https or socks5), or direct for none (default: HTTPS_PROXY, HTTP_PROXY and NO_PROXY from the environment)")
	f.BoolVar(&o.failuresOnly, "failures-only", false, "list only the documents that do not conform in the formats that list every one (json, junit); the summary still counts all")
	f.StringSliceVar(&o.disable, "disable", nil, "suppress the violations of this `RULE` (repeatable, or comma-separated); they are counted as suppressed, and fail nothing")
	f.StringSliceVar(&o.exclude, "exclude", nil, "do not read input files whose path matches this `GLOB` (* within a directory, ** across them; a pattern without / matches the file name; repeatable)")
	f.Var(&o.shard, "shard", "check only shard `I/N` of the input files (I from 1 to N): the files whose path, as the inputs spell and expand it, hashes to I (FNV-1a mod N, plus 1); give every shard the same inputs from the same directory, and 'ccconform merge' combines their JSON summaries")
	c.RegisterFlagCompletionFunc("disable", completeValues(validate.RuleIDs()...))
	c.RegisterFlagCompletionFunc("format", completeValues(report.Formats()...))
	c.RegisterFlagCompletionFunc("input-format", completeValues(validate.Formats()...))
	return c
}

func runValidate(e *env, o *validateOptions) int {
	// .ccconform.json: its keys mirror these flags; a flag given wins.
	cfg, err := loadConfig(e)
	if err != nil {
		return e.errorf("%v", err)
	}
	var ignore []validate.Suppression
	if cfg != nil {
		for _, v := range []struct {
			flag string
			dst  *string
			val  string
		}{{"kind", &o.kind, cfg.Kind}, {"profile", &o.profile, cfg.Profile}, {"format", &o.format, cfg.Format},
			{"input-format", &o.inputFormat, cfg.InputFormat}, {"header-file", &o.headerFile, cfg.HeaderFile}} {
			if v.val != "" && !o.changed(v.flag) {
				*v.dst = v.val
			}
		}
		if cfg.Strict != nil && !o.changed("strict") {
			o.strict = *cfg.Strict
		}
		if cfg.Coverage != nil && !o.changed("coverage") {
			o.coverage = *cfg.Coverage
		}
		o.exclude = append(append([]string(nil), cfg.Exclude...), o.exclude...)
		o.disable = append(append([]string(nil), cfg.Disable...), o.disable...)
		ignore = cfg.Ignore
	}
	for _, g := range o.exclude {
		if !glob.Valid(g) {
			return e.errorf("--exclude: %q is not a pattern (check its brackets)", g)
		}
	}
	if err := oneOf("input-format", o.inputFormat, validate.Formats()); err != nil {
		return e.errorf("%v", err)
	}
	if err := oneOf("format", o.format, report.Formats()); err != nil {
		return e.errorf("%v", err)
	}
	inFormat, _ := validate.ParseFormat(o.inputFormat)
	if o.timeout <= 0 || o.maxPages <= 0 || o.maxBytes <= 0 || o.retries < 0 {
		return e.errorf("validate: --timeout, --max-pages and --max-bytes must be positive, --retries at least 0\nRun 'ccconform validate --help' for usage.")
	}

	custom, err := customSchemasFrom(e, cfg, o.customData, o.metadataSchemas)
	if err != nil {
		return e.errorf("%v", err)
	}
	opts, err := checkOptions(o.kind, o.trigger, o.profile, o.strict)
	if err != nil {
		return e.errorf("%v", err)
	}
	opts.Pointer, opts.Coverage, opts.Custom, opts.MaxDocumentBytes = o.pointer, o.coverage, custom, int(o.maxDoc)
	opts.Disable, opts.Ignore = o.disable, ignore
	v, err := validate.New(opts)
	if err != nil {
		return e.errorf("%v", err)
	}

	// URL inputs share one client, made before anything is read: a header
	// that cannot be built stops the run before it starts.
	var client *fetch.Client
	var secrets []string // header values, masked in every byte written
	for _, p := range o.args {
		if !isURL(p) {
			continue
		}
		h, err := buildHeader(o.headers, o.headerFile)
		if err != nil {
			return e.errorf("%v", err)
		}
		if o.insecure {
			fmt.Fprintln(e.stderr, "ccconform: warning: --insecure: TLS certificates are not verified; use it for test servers only")
		}
		tries := o.retries
		if tries == 0 {
			tries = -1 // fetch reads 0 as its default
		}
		secrets = fetch.Secrets(h)
		var proxyURL *url.URL
		if o.proxy != "" {
			if proxyURL, err = fetch.ParseProxy(o.proxy); err != nil {
				return e.errorf("--proxy: %v", err)
			}
			if pw, ok := proxyURL.User.Password(); ok {
				secrets = append(secrets, pw)
			}
		}
		client = fetch.New(fetch.Options{Header: h, Timeout: o.timeout, MaxPages: o.maxPages, MaxBytes: o.maxBytes,
			Retries: tries, Insecure: o.insecure, Proxy: proxyURL,
			Notify: func(msg string) { fmt.Fprintf(e.stderr, "ccconform: %s\n", msg) }})
		break
	}
	inputs := o.args
	if len(inputs) == 0 {
		inputs = []string{"-"}
	}
	// The report file is never an input: named as one, the run stops
	// before anything is written; met in a directory, it is skipped. Files
	// are told apart by identity, not by name.
	var outInfo os.FileInfo
	if o.out != "" {
		if fi, err := os.Stat(o.out); err == nil && fi.Mode().IsRegular() {
			outInfo = fi
		}
	}
	isReport := func(fi os.FileInfo) bool { return outInfo != nil && fi != nil && os.SameFile(fi, outInfo) }
	var paths []string
	failed := 0
	// An input that cannot be read is counted by one shard, the owner of
	// its name, as a file is checked by one: merged shards count it once,
	// as a whole run does. Every shard says it.
	var unreadable []string
	fail := func(in, msg string) {
		unreadable = append(unreadable, in)
		if o.shard.owns(in) {
			failed++
		} else {
			msg += fmt.Sprintf(" (shard %d/%d counts it)", owner(in, o.shard.n), o.shard.n)
		}
		fmt.Fprintf(e.stderr, "ccconform: %s\n", msg)
	}
	for _, in := range inputs {
		switch {
		case in == "-":
			if f, ok := e.stdin.(*os.File); ok {
				if fi, err := f.Stat(); err == nil && isReport(fi) {
					return e.errorf("standard input is the report file %s: write the report elsewhere (-o)", escape.Visible(o.out))
				}
			}
			paths = append(paths, in)
		case isURL(in):
			paths = append(paths, in)
		case strings.Contains(in, "://"):
			fail(in, redact(in)+": only http and https URLs can be validated")
		default:
			if fi, err := os.Stat(in); err == nil && !fi.IsDir() && isReport(fi) {
				return e.errorf("%s is both an input and the report file (-o): write the report elsewhere", escape.Visible(in))
			}
			files, errs := validate.Expand([]string{in})
			skippedAll := len(files) > 0
			for _, f := range files {
				if excluded(o.exclude, f) {
					continue
				}
				skippedAll = false
				if fi, err := os.Stat(f); err == nil && isReport(fi) {
					fmt.Fprintf(e.stderr, "ccconform: skipped %s: it is the report file (-o)\n", escape.Visible(f))
					continue
				}
				paths = append(paths, f)
			}
			if skippedAll {
				fmt.Fprintf(e.stderr, "ccconform: every file of %s matches --exclude: none is read\n", escape.Visible(in))
			}
			for _, err := range errs {
				var skipped *validate.SkippedError
				if errors.As(err, &skipped) {
					fmt.Fprintf(e.stderr, "ccconform: %s\n", escape.Visible(err.Error()))
					continue
				}
				fail(in, escape.Visible(err.Error()))
			}
		}
	}
	var shard *report.Shard
	if o.shard.n > 0 {
		for _, p := range paths {
			if p == "-" || isURL(p) {
				return e.errorf("validate: --shard splits files, and %s is not one: give files and directories, or drop --shard", redact(p))
			}
		}
		shard = &report.Shard{I: o.shard.i, N: o.shard.n, Files: len(paths) + len(unreadable),
			FileSet: fileSet(paths, unreadable), Settings: runSettings(o, opts)}
		all := len(paths)
		paths = o.shard.pick(paths)
		fmt.Fprintf(e.stderr, "ccconform: shard %s: %d of %d files\n", o.shard.String(), len(paths), all)
	}

	// From here on, SIGINT and SIGTERM end the run with the report closed
	// on what was checked.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// After the first signal a second one does what it does by default,
	// even while the report waits on a stalled output.
	context.AfterFunc(ctx, stop)
	var w io.Writer = e.stdout
	color := isTerminal(e.stdout) && os.Getenv("NO_COLOR") == ""
	if o.out != "" {
		f, err := createReport(o.out)
		if err != nil {
			return e.errorf("cannot write the report: %v", err)
		}
		defer f.Close()
		w, color = f, false
	}
	// A server may echo a header's value in a body: whatever a report
	// quotes of a document passes through the mask, as do diagnostics.
	var flushMask []func() error
	if len(secrets) > 0 {
		mw := fetch.NewMaskWriter(w, secrets)
		w, flushMask = mw, append(flushMask, mw.Flush)
		e.stderr = lineMasked{fetch.NewMaskWriter(e.stderr, secrets), e.stderr}
	}
	rep, err := report.New(o.format, w, report.Options{Color: color, Strict: o.strict, FailuresOnly: o.failuresOnly})
	if err != nil {
		return e.errorf("--format: %v", err)
	}
	live := newLiveReport(rep, flushMask...)

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
		return live.Verdict(vd)
	}
	// check validates one input; each file is closed as soon as it is read.
	check := func(p string) error {
		if isURL(p) {
			return client.Pages(ctx, p, func(pg fetch.Page) error {
				return v.Stream(ctx, validate.Input{Name: pg.URL, R: bytes.NewReader(pg.Body), Page: pg.Number, Format: inFormat}, emit)
			})
		}
		in := validate.Input{Name: p, Format: inFormat}
		if inFormat == validate.FormatAuto && validate.IsNDJSON(p) {
			in.Format = validate.FormatNDJSON
		}
		if p == "-" {
			in.R = e.stdin
			if f, ok := e.stdin.(*os.File); ok && isTerminal(f) {
				fmt.Fprintln(e.stderr, "ccconform: reading documents from standard input; end with Ctrl-D, or name files to check (ccconform validate --help)")
			}
		} else {
			f, err := openInput(ctx, p)
			if err != nil {
				return err
			}
			defer f.Close()
			in.R = f
		}
		return v.Stream(ctx, in, emit)
	}
	for _, p := range paths {
		if err := check(p); err != nil {
			if ctx.Err() != nil {
				break
			}
			fmt.Fprintf(e.stderr, "ccconform: %s\n", escape.Visible(err.Error()))
			failed++
		}
	}
	stopProgress()
	sum.Errors, sum.Interrupted = failed, ctx.Err() != nil
	if shard != nil {
		sum.Shards = []report.Shard{*shard}
	}
	if c := v.Coverage(); c != nil {
		r := c.Report()
		sum.Coverage = &r
	}
	if err := live.Close(sum); err != nil {
		return e.errorf("writing the report: %v", err)
	}
	switch {
	case ctx.Err() != nil:
		fmt.Fprintf(e.stderr, "ccconform: interrupted after %d documents; the report is partial\n", sum.Documents)
		return exitInterrupted
	case failed > 0:
		fmt.Fprintf(e.stderr, "ccconform: %d input(s) could not be read; the report covers the rest\n", failed)
		return exitUsage
	case sum.Invalid > 0:
		return exitInvalid
	}
	return exitOK
}

// excluded reports whether path matches one of the --exclude patterns.
func excluded(patterns []string, path string) bool {
	p := filepath.ToSlash(filepath.Clean(path))
	for _, g := range patterns {
		if glob.Match(g, p) {
			return true
		}
	}
	return false
}

// openInput opens a file to read, and gives up when ctx is done: opening a
// named pipe waits for a writer.
func openInput(ctx context.Context, p string) (*os.File, error) {
	type opened struct {
		f   *os.File
		err error
	}
	ch := make(chan opened, 1)
	go func() {
		f, err := os.Open(p)
		ch <- opened{f, err}
	}()
	select {
	case o := <-ch:
		if o.err != nil {
			return nil, fmt.Errorf("cannot read %s: %v", p, unwrapPathErr(o.err))
		}
		return o.f, nil
	case <-ctx.Done():
		go func() {
			if o := <-ch; o.f != nil {
				o.f.Close()
			}
		}()
		return nil, ctx.Err()
	}
}

// unwrapPathErr drops the path an fs error repeats.
func unwrapPathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// lineMasked masks each write, a whole diagnostic, at once, to w.
type lineMasked struct {
	mw *fetch.MaskWriter
	w  io.Writer
}

func (l lineMasked) Write(p []byte) (int, error) {
	if _, err := l.mw.Write(p); err != nil {
		return 0, err
	}
	return len(p), l.mw.Flush()
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
	tty := e.stderr
	if l, ok := tty.(lineMasked); ok {
		tty = l.w // masked, standard error is a terminal all the same
	}
	if !isTerminal(tty) {
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

// checkKinds lists the values of --kind where documents are checked: auto,
// the model's kinds, and webhook.
func checkKinds() []string { return kinds("auto", string(types.KindWebhook)) }

// addKindFlags adds --kind and --trigger, as validate and proxy take them,
// with their completions.
func addKindFlags(c *cobra.Command, kind, trigger *string) {
	f := c.Flags()
	f.StringVar(kind, "kind", "auto", "check every document as this `KIND`: auto (detect each), "+kindNames()+", or webhook (read each as a webhook delivery)")
	f.StringVar(trigger, "trigger", "", "read every document as a webhook delivery of this `TRIGGER` (implies --kind webhook); one of another trigger is a violation")
	c.RegisterFlagCompletionFunc("kind", completeValues(checkKinds()...))
	c.RegisterFlagCompletionFunc("trigger", completeValues(webhook.Names()...))
}

// checkOptions reads --kind, --trigger, --profile and --strict, as validate
// and proxy take them.
func checkOptions(kind, trigger, profile string, strict bool) (validate.Options, error) {
	opts := validate.Options{Strict: strict}
	if err := oneOf("kind", kind, checkKinds()); err != nil {
		return opts, err
	}
	if trigger != "" {
		if kind != "auto" && kind != string(types.KindWebhook) {
			return opts, fmt.Errorf("--trigger reads every document as a webhook delivery: give --kind webhook or no --kind, not --kind %s", kind)
		}
		if _, err := webhook.Parse(trigger); err != nil {
			return opts, fmt.Errorf("--trigger: %v", err)
		}
		opts.Trigger = trigger
	}
	if err := oneOf("profile", profile, profiles("auto")); err != nil {
		return opts, err
	}
	if kind != "auto" {
		opts.Kind = types.Kind(kind)
	}
	if profile != "auto" {
		opts.Profile = types.Profile(profile)
	}
	return opts, nil
}
