package main

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/ccconform/ccconform/internal/escape"
	"github.com/ccconform/ccconform/proxy"
	"github.com/ccconform/ccconform/validate"
	"github.com/ccconform/ccconform/validate/report"
	"github.com/spf13/cobra"
)

// proxyOptions are the flags and arguments of ccconform proxy.
type proxyOptions struct {
	args            []string
	target          string
	listenAddr      string
	kind            string
	trigger         string
	profile         string
	strict          bool
	format          string
	out             string
	maxBytes        int64
	urlFile         string
	verbose         bool
	timeouts        serverFlags
	coverage        bool
	headers         bool
	customData      pairFlags
	metadataSchemas pairFlags
}

// newProxyCmd returns the proxy command; runF, when set, runs instead of
// the command's work, for tests of the parsing.
func newProxyCmd(e *env, runF func(*proxyOptions) int) *cobra.Command {
	o := &proxyOptions{}
	c := &cobra.Command{
		Use:   "proxy --target URL [flags]",
		Short: "forward to a server and check the JSON it answers",
		Example: `  # Point an app at http://127.0.0.1:8687 instead of the API; Ctrl-C prints the summary
  ccconform proxy --target https://APPID.api-us.cometchat.io

  # Check what the local mock server sends, as JSON lines in a file
  ccconform proxy --target http://127.0.0.1:8686 --format json -o proxy.jsonl

  # Tell the app, in each response's headers, what is wrong with its body
  ccconform proxy --target http://127.0.0.1:8686 --violations-header

Without --violations-header, requests and responses pass unchanged and
unhindered; each successful JSON response body is checked after it has passed
(REST envelopes unwrapped). With -o, the report file only ever ends with a
whole line.

With --violations-header, each successful JSON body of up to --max-bytes is
held and checked before it is answered, with its verdict in headers:
X-Ccconform-Verdict (ok, invalid, or unchecked for a body not checked) and
X-Ccconform-Violations, a JSON array of {index, pointer, rule, message}, up
to 8 KiB (X-Ccconform-Violations-Omitted counts the rest). The body passes
byte for byte; the answer waits for the check.
`,
		Args: noArgs,
		RunE: func(c *cobra.Command, args []string) error {
			o.args = args
			if runF != nil {
				return status(runF(o))
			}
			return status(runProxy(e, o))
		},
	}
	f := c.Flags()
	f.StringVar(&o.target, "target", "", "forward every request to this `URL` (required)")
	f.StringVar(&o.listenAddr, "listen", "127.0.0.1:8687", "listen on `HOST:PORT`; port 0 picks a free one")
	f.SetNormalizeFunc(listenAlias)
	addKindFlags(c, &o.kind, &o.trigger)
	f.StringVar(&o.profile, "profile", "auto", "the shape to check, one of `auto|rest|sdk|docs`")
	f.BoolVar(&o.strict, "strict", false, "report fields the model does not document as violations (rule unknown-field)")
	f.StringVar(&o.format, "format", "text", "the report `FORMAT`: "+strings.Join(report.Formats(), ", "))
	f.StringVarP(&o.out, "output", "o", "", "write the report to `FILE` instead of standard output")
	f.Int64Var(&o.maxBytes, "max-bytes", proxy.DefaultMaxBytes, "check bodies of up to `N` bytes (larger ones pass unchecked, and are reported)")
	f.StringVar(&o.urlFile, "url-file", "", "once listening, write the proxy's base URL to `FILE` (for scripts)")
	f.BoolVarP(&o.verbose, "verbose", "v", false, "log each response on standard error")
	o.timeouts = addServerFlags(f)
	f.BoolVar(&o.headers, "violations-header", false, "hold each JSON body until it is checked and answer with X-Ccconform-Verdict and X-Ccconform-Violations headers (delays each response by its check)")
	f.BoolVar(&o.coverage, "coverage", false, "count which documented fields, enum values and category/type pairs the traffic held, as validate --coverage does")
	f.Var(&o.customData, "custom-schema", "check the customData of custom messages of type TYPE against the JSON Schema in FILE, as `TYPE=FILE` (repeatable; also .ccconform.json)")
	f.Var(&o.metadataSchemas, "metadata-schema", "check the metadata of documents of kind KIND against the JSON Schema in FILE, as `KIND=FILE` (repeatable; also .ccconform.json)")
	return c
}

func runProxy(e *env, o *proxyOptions) int {
	if o.target == "" {
		return e.errorf("proxy: give --target URL, the server to forward to\nRun 'ccconform proxy --help' for usage.")
	}
	if !strings.Contains(o.target, "://") {
		return e.errorf("proxy: --target %s has no scheme: did you mean http://%s?", o.target, o.target)
	}
	tu, err := url.Parse(o.target)
	if err != nil {
		return e.errorf("proxy: --target: %v", err)
	}
	opts, err := checkOptions(o.kind, o.trigger, o.profile, o.strict)
	if err != nil {
		return e.errorf("%v", err)
	}
	if opts.Custom, err = customSchemas(e, o.customData, o.metadataSchemas); err != nil {
		return e.errorf("%v", err)
	}
	opts.Coverage = o.coverage
	// The proxy checks several bodies at once (proxy.Options.Checkers),
	// each on one core, so that checking leaves the other cores to
	// forwarding.
	opts.Workers = 1
	v, err := validate.New(opts)
	if err != nil {
		return e.errorf("%v", err)
	}
	if err := oneOf("format", o.format, report.Formats()); err != nil {
		return e.errorf("%v", err)
	}
	// The report is made once the proxy can serve: a run that stops
	// before then leaves no spool file, and an -o file as it was.
	var live *liveReport
	logw := &syncWriter{w: e.stderr}
	sum := report.NewSummary()
	var repErr error
	var repMu sync.Mutex
	closed := false // once the report is closed, late verdicts are dropped, and counted
	late, skipped := 0, 0
	var logf func(string) // nil unless -v: the proxy then formats no line
	if o.verbose {
		logf = func(msg string) { fmt.Fprintf(logw, "ccconform proxy: %s\n", msg) }
	}
	p, err := proxy.New(proxy.Options{Target: tu, Validator: v, MaxBytes: o.maxBytes, VerdictHeaders: o.headers,
		Emit: func(vd validate.Verdict) {
			repMu.Lock()
			defer repMu.Unlock()
			if closed {
				late++
				return
			}
			sum.Add(vd)
			if err := live.Verdict(vd); err != nil && repErr == nil {
				repErr = err
				fmt.Fprintf(logw, "ccconform proxy: writing the report: %v\n", err)
			}
		},
		Skip: func(request, reason string) {
			repMu.Lock()
			skipped++
			repMu.Unlock()
			fmt.Fprintf(logw, "ccconform proxy: %s: not checked: %s\n", escape.Visible(request), reason)
		},
		Log: logf})
	if err != nil {
		return e.errorf("proxy: %v", err)
	}
	// No limit on a whole request or response: the proxy streams bodies
	// of any length, for as long as they take.
	hs, err := o.timeouts.server(p, 0, 0)
	if err != nil {
		return e.errorf("proxy: %v", err)
	}
	// Checking allocates much and keeps little: collecting less often
	// saves a fifth of the proxy's work, and the memory limit still keeps
	// the heap near what the budget allows. GOGC and GOMEMLIMIT win.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(2*proxy.DefaultMaxPending + 256<<20)
	}
	ln, base, err := listen(o.listenAddr, "--listen")
	if err != nil {
		return e.errorf("proxy: %v", err)
	}
	var w io.Writer = e.stdout
	if o.out != "" {
		f, err := createReport(o.out)
		if err != nil {
			ln.Close()
			return e.errorf("cannot write the report: %v", err)
		}
		defer f.Close()
		w = f
	}
	rep, err := report.New(o.format, w, report.Options{Strict: o.strict})
	if err != nil {
		ln.Close()
		return e.errorf("--format: %v", err)
	}
	// Verdicts are written within a fraction of a second of their body.
	live = newLiveReport(rep)
	fmt.Fprintf(logw, "ccconform proxy: forwarding %s to %s; Ctrl-C prints the summary\n", base, tu.Redacted())
	status := exitOK
	err = serveUntilSignal(ln, hs, 10*time.Second, func() {
		fmt.Fprintln(logw, "ccconform proxy: stopping: finishing the requests in flight (Ctrl-C again to quit now)")
	}, o.urlFile)
	if err != nil {
		fmt.Fprintf(logw, "ccconform proxy: %v\n", err)
		status = exitUsage
	}
	waiting, cancelWait := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancelWait()
	if n := p.WaitContext(waiting); n > 0 {
		fmt.Fprintf(logw, "ccconform proxy: %d bodies still being checked after 10s are left out of the report\n", n)
	}
	repMu.Lock()
	closed = true
	if c := v.Coverage(); c != nil {
		r := c.Report()
		sum.Coverage = &r
	}
	err = live.Close(sum)
	unchecked, dropped := skipped, late // checkers still running write them under the lock
	repMu.Unlock()
	if err != nil {
		return e.errorf("writing the report: %v", err)
	}
	if unchecked > 0 || dropped > 0 {
		fmt.Fprintf(logw, "ccconform proxy: %d bodies passed unchecked, %d verdicts came after the report closed\n", unchecked, dropped)
	}
	switch {
	case status != exitOK:
		return status
	case sum.Invalid > 0:
		return exitInvalid
	}
	return exitOK
}
