package main

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ccconform/ccconform/fetch"
	"github.com/ccconform/ccconform/internal/bytesize"
	"github.com/ccconform/ccconform/internal/escape"
	"github.com/ccconform/ccconform/types"
	"github.com/ccconform/ccconform/validate"
	"github.com/ccconform/ccconform/validate/report"
	"github.com/ccconform/ccconform/webhook"
	"github.com/spf13/cobra"
)

// defaultWebhookBody bounds a delivery's body: CometChat's are a few KiB.
const defaultWebhookBody = 1 << 20

// defaultMaxConcurrent bounds the deliveries read and checked at once: with
// the body cap, what a flood can hold in memory (16 MiB of bodies).
const defaultMaxConcurrent = 16

// waitingPerSlot is how many deliveries may wait for a slot, per slot, with
// their headers read and their bodies not; past that a delivery is
// answered 503 with Retry-After (row 80).
const waitingPerSlot = 4

// webhookListenOptions are the flags and arguments of ccconform webhook
// listen.
type webhookListenOptions struct {
	args       []string
	listenAddr string
	basicAuth  bool
	maxBody    bytesize.Size
	maxConc    int
	trigger    string
	strict     bool
	// customData and metadataSchemas are validate's --custom-schema and
	// --metadata-schema.
	customData      pairFlags
	metadataSchemas pairFlags
	format          string
	out             string
	coverage        bool
	urlFile         string
	verbose         bool
	timeouts        serverFlags
}

// newWebhookListenCmd returns the webhook listen command; runF, when set,
// runs instead of the command's work, for tests of the parsing.
func newWebhookListenCmd(e *env, runF func(*webhookListenOptions) int) *cobra.Command {
	o := &webhookListenOptions{maxBody: defaultWebhookBody, maxConc: defaultMaxConcurrent}
	c := &cobra.Command{
		Use:   "listen [flags]",
		Short: "receive webhook deliveries, answer 200, and check each one",
		Long: `Receive webhook deliveries as a consumer would: answer each POST with 200 and
check its body, writing each verdict to the report as it arrives. A body seen
before is flagged as a duplicate delivery (note "duplicate delivery", and a
line on standard error). Ctrl-C or SIGTERM writes the summary; the exit status
is then 1 if any delivery did not conform or was refused, else 0.

With --basic-auth, a delivery must carry the Basic auth credentials of
CCCONFORM_WEBHOOK_AUTH (user:password), or is answered 401. A body larger than
--max-bytes is answered 413 and reported (rule size).

Every body is read as a delivery: one that is not an object with trigger and
data is reported (rule webhook-envelope); with --trigger, one of another
trigger too (rule webhook-trigger). --custom-schema and --metadata-schema check
customData and metadata as validate's do (also from .ccconform.json).

A delivery is answered 200 only once its verdict is in the report: when the
report cannot be written (a full disk), deliveries are answered 500, so that
CometChat retries them, and the listener says so on standard error (exit 2).
Once the report is closed (at Ctrl-C, after up to 10s for the deliveries in
flight), a delivery still arriving is answered 503 with Retry-After.

At most --max-concurrent deliveries are read and checked at once, so memory
stays within that many bodies; four times as many wait for their turn (their
bodies not yet read), and past that a delivery is answered 503 with
Retry-After: 1 and counted as turned away (the exit status is then 1).`,
		Example: `  # Point CometChat's webhook (or webhook send) at this address
  ccconform webhook listen --listen 127.0.0.1:8688

  # Require the webhook's Basic auth, and keep a JSON report
  export CCCONFORM_WEBHOOK_AUTH=hooks:s3cret
  ccconform webhook listen --basic-auth --format json -o deliveries.jsonl

  # Which triggers came, and which of the model never did
  ccconform webhook listen --coverage

  # A webhook that should only ever send one trigger
  ccconform webhook listen --trigger group_member_joined
`,
		Args: noArgs,
		RunE: func(c *cobra.Command, args []string) error {
			o.args = args
			if runF != nil {
				return status(runF(o))
			}
			return status(runWebhookListen(e, o))
		},
	}
	f := c.Flags()
	f.StringVar(&o.listenAddr, "listen", "127.0.0.1:8688", "listen on `HOST:PORT`; port 0 picks a free one")
	f.SetNormalizeFunc(listenAlias)
	f.BoolVar(&o.basicAuth, "basic-auth", false, "answer 401 to deliveries without the Basic auth credentials of "+webhookAuthEnv+" (user:password)")
	f.Var(&o.maxBody, "max-bytes", "answer 413 to a body larger than `SIZE`, and report it (bytes, or with KiB, MiB)")
	f.IntVar(&o.maxConc, "max-concurrent", defaultMaxConcurrent, "read and check at most `N` deliveries at once; 4N more wait, and past that a delivery gets 503 with Retry-After")
	f.StringVar(&o.trigger, "trigger", "", "expect deliveries of this `TRIGGER` only: one of another trigger is a violation")
	f.BoolVar(&o.strict, "strict", false, "report fields the model does not document as violations (rule unknown-field)")
	f.Var(&o.customData, "custom-schema", "check the customData of custom messages of type TYPE against the JSON Schema in FILE, as `TYPE=FILE` (repeatable; also \"customData\" in .ccconform.json, found from the working directory up)")
	f.Var(&o.metadataSchemas, "metadata-schema", "check the metadata of documents of kind KIND against the JSON Schema in FILE, as `KIND=FILE` (repeatable; also \"metadata\" in .ccconform.json)")
	f.StringVar(&o.format, "format", "text", "the report `FORMAT`: "+strings.Join(report.Formats(), ", "))
	f.StringVarP(&o.out, "output", "o", "", "write the report to `FILE` instead of standard output")
	f.BoolVar(&o.coverage, "coverage", false, "at the end, list on standard error the triggers seen, with their counts, and the triggers of the model never seen")
	f.StringVar(&o.urlFile, "url-file", "", "once listening, write the base URL to `FILE` (for scripts)")
	f.BoolVarP(&o.verbose, "verbose", "v", false, "log each delivery on standard error")
	o.timeouts = addServerFlags(f)
	c.RegisterFlagCompletionFunc("format", completeValues(report.Formats()...))
	c.RegisterFlagCompletionFunc("trigger", completeValues(webhook.Names()...))
	return c
}

func runWebhookListen(e *env, o *webhookListenOptions) int {
	if err := oneOf("format", o.format, report.Formats()); err != nil {
		return e.errorf("%v", err)
	}
	if o.maxConc < 1 {
		return e.errorf("webhook listen: --max-concurrent %d: give at least 1 (the default is %d)", o.maxConc, defaultMaxConcurrent)
	}
	if o.trigger != "" {
		if _, err := webhook.Parse(o.trigger); err != nil {
			return e.errorf("--trigger: %v", err)
		}
	}
	auth, err := readWebhookAuth()
	if err != nil {
		return e.errorf("%v", err)
	}
	if o.basicAuth && !auth.set {
		return e.errorf("webhook listen: --basic-auth takes its credentials from %s: set it to user:password", webhookAuthEnv)
	}
	if !o.basicAuth {
		auth = webhookAuth{}
	}
	custom, err := customSchemas(e, o.customData, o.metadataSchemas)
	if err != nil {
		return e.errorf("%v", err)
	}
	v, err := validate.New(validate.Options{Strict: o.strict, Workers: 1, Kind: types.KindWebhook, Trigger: o.trigger, Custom: custom})
	if err != nil {
		return e.errorf("%v", err)
	}
	secrets := auth.secrets()
	logw := &syncWriter{w: masked(e.stderr, secrets)}
	if w := auth.shortUserWarning(); w != "" && o.basicAuth {
		fmt.Fprintf(logw, "ccconform webhook listen: %s\n", w)
	}
	h := &hookListener{v: v, maxBody: int64(o.maxBody), auth: auth, log: logw, verbose: o.verbose,
		seen: map[[32]byte]int{}, sum: report.NewSummary()}
	h.limit(o.maxConc)
	if o.coverage {
		if h.cov, err = validate.NewCoverage(); err != nil {
			return e.errorf("%v", err)
		}
	}
	if auth.set {
		h.want = sha256.Sum256([]byte(auth.user + ":" + auth.password))
	}
	hs, err := o.timeouts.server(h, 30*time.Second, 30*time.Second)
	if err != nil {
		return e.errorf("webhook listen: %v", err)
	}
	ln, base, err := listen(o.listenAddr, "--listen")
	if err != nil {
		return e.errorf("webhook listen: %v", err)
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
	// A delivery may carry the secret: what the report quotes is masked.
	var after []func() error
	if len(secrets) > 0 {
		mw := fetch.NewMaskWriter(w, secrets)
		w, after = mw, append(after, mw.Flush)
	}
	rep, err := report.New(o.format, w, report.Options{Strict: o.strict})
	if err != nil {
		ln.Close()
		return e.errorf("--format: %v", err)
	}
	h.rep = &flushedReport{rep: rep, after: after}
	fmt.Fprintf(logw, "ccconform webhook listen: receiving deliveries at %s; Ctrl-C prints the summary\n", base)
	status := exitOK
	if err := serveUntilSignal(ln, hs, 10*time.Second, nil, o.urlFile); err != nil {
		fmt.Fprintf(logw, "ccconform webhook listen: %v\n", err)
		status = exitUsage
	}
	h.mu.Lock()
	h.closed = true
	err = h.rep.Close(h.sum)
	invalid, refused, busy, unrecorded, late := h.sum.Invalid, h.refused, h.busy, h.unrecorded, h.late
	h.mu.Unlock()
	if unrecorded > 0 {
		fmt.Fprintf(logw, "ccconform webhook listen: %d deliveries answered 500: the report could not be written; CometChat retries them\n", unrecorded)
	}
	if err != nil {
		return e.errorf("writing the report: %v", err)
	}
	if unrecorded > 0 {
		return exitUsage
	}
	if late > 0 {
		fmt.Fprintf(logw, "ccconform webhook listen: %d deliveries came after the report was closed: answered 503, not reported\n", late)
	}
	if refused > 0 {
		fmt.Fprintf(logw, "ccconform webhook listen: %d deliveries refused (401: wrong or no credentials) or lost (a body that could not be read)\n", refused)
	}
	if busy > 0 {
		fmt.Fprintf(logw, "ccconform webhook listen: %d deliveries turned away (503: more than %d at once, and %d waiting); raise --max-concurrent\n", busy, o.maxConc, waitingPerSlot*o.maxConc)
	}
	if o.coverage {
		h.writeCoverage(logw)
	}
	switch {
	case status != exitOK:
		return status
	case invalid > 0 || refused > 0 || busy > 0:
		return exitInvalid
	}
	return exitOK
}

// hookListener receives deliveries, checks each and writes its verdict.
// maxSeenDeliveries bounds the bodies kept to flag a duplicate delivery.
const maxSeenDeliveries = 100_000

type hookListener struct {
	v       *validate.Validator
	maxBody int64
	auth    webhookAuth
	want    [32]byte // the SHA-256 of user:password
	log     io.Writer
	verbose bool

	mu      sync.Mutex
	rep     *flushedReport
	sum     *report.Summary
	n       int                // deliveries numbered so far
	seen    map[[32]byte]int   // the number of the first delivery of each body
	order   [][32]byte         // the bodies of seen, oldest first
	cov     *validate.Coverage // what the deliveries held, with --coverage
	refused int
	busy    int  // deliveries turned away with 503
	closed  bool // once the report is closed, deliveries are answered 503
	// unrecorded counts the deliveries answered 500 because the report
	// could not be written; late, those answered 503 once it was closed.
	unrecorded, late int

	// slots holds a token for each delivery read and checked now; waiting
	// counts those that wait for one, up to maxWaiting.
	slots      chan struct{}
	waiting    atomic.Int64
	maxWaiting int64
	repErr     error
}

func (h *hookListener) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	where := escape.Visible(r.Method + " " + r.URL.Path)
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "webhook deliveries are POSTed", http.StatusMethodNotAllowed)
		fmt.Fprintf(h.log, "ccconform webhook listen: %s: answered 405: deliveries are POSTed\n", where)
		return
	}
	if h.auth.set {
		user, password, ok := r.BasicAuth()
		got := sha256.Sum256([]byte(user + ":" + password))
		if !ok || subtle.ConstantTimeCompare(got[:], h.want[:]) != 1 {
			w.Header().Set("WWW-Authenticate", `Basic realm="ccconform webhook"`)
			http.Error(w, "wrong or no Basic auth credentials", http.StatusUnauthorized)
			h.mu.Lock()
			h.refused++
			h.mu.Unlock()
			why := "wrong credentials"
			if !ok {
				why = "no Basic auth"
			}
			fmt.Fprintf(h.log, "ccconform webhook listen: %s: answered 401: %s\n", where, why)
			return
		}
	}
	if !h.acquire(r) {
		h.mu.Lock()
		h.busy++
		h.mu.Unlock()
		w.Header().Set("Retry-After", "1")
		http.Error(w, "too many deliveries at once; retry", http.StatusServiceUnavailable)
		fmt.Fprintf(h.log, "ccconform webhook listen: %s: answered 503: too many deliveries at once\n", where)
		return
	}
	defer h.release()
	var body []byte
	var err error
	over := r.ContentLength > h.maxBody
	if !over {
		body, err = io.ReadAll(io.LimitReader(r.Body, h.maxBody+1))
		if err != nil {
			http.Error(w, "cannot read the body", http.StatusBadRequest)
			h.mu.Lock()
			h.refused++ // a delivery lost on the way is not a good one
			h.mu.Unlock()
			fmt.Fprintf(h.log, "ccconform webhook listen: %s: the body could not be read: %v\n", where, err)
			return
		}
		over = int64(len(body)) > h.maxBody
	}
	sum := sha256.Sum256(body)
	h.mu.Lock()
	h.n++
	n := h.n
	first, dup := 0, false
	if !over {
		first, dup = h.seen[sum]
		if !dup {
			// The set is bounded: a duplicate is a redelivery, which comes
			// soon after the first; the oldest bodies are forgotten.
			if len(h.order) >= maxSeenDeliveries {
				delete(h.seen, h.order[0])
				h.order = h.order[1:]
			}
			h.seen[sum] = n
			h.order = append(h.order, sum)
		}
	}
	h.mu.Unlock()

	loc := validate.Location{Source: fmt.Sprintf("%s #%d", r.Method+" "+r.URL.Path, n), Index: -1}
	var vd validate.Verdict
	if over {
		vd = oversized(r.ContentLength, h.maxBody)
	} else {
		vd = h.v.Check(body)
	}
	vd.Location = loc
	if dup {
		note := fmt.Sprintf("duplicate delivery (the same body as #%d)", first)
		if vd.Note != "" {
			note = vd.Note + "; " + note
		}
		vd.Note = note
	}

	// The verdict is in the report, written out, before the delivery is
	// answered 200: a sender told 200 does not send the event again, so
	// an event answered 200 and not reported would be lost (row 96).
	recorded, closed := h.record(body, vd)
	if !recorded {
		if closed {
			w.Header().Set("Retry-After", "1")
			http.Error(w, "the listener is stopping; retry", http.StatusServiceUnavailable)
			fmt.Fprintf(h.log, "ccconform webhook listen: %s #%d: answered 503: the report is closed (the listener is stopping)\n", where, n)
			return
		}
		http.Error(w, "the delivery could not be recorded; retry", http.StatusInternalServerError)
		fmt.Fprintf(h.log, "ccconform webhook listen: %s #%d: answered 500: the report cannot be written\n", where, n)
		return
	}

	trigger := vd.Trigger
	if trigger == "" {
		trigger = "-"
	}
	verdict := "ok"
	if !vd.OK() {
		verdict = "invalid"
	}
	if dup {
		fmt.Fprintf(h.log, "ccconform webhook listen: %s #%d %s: duplicate delivery: the same body as #%d\n", where, n, escape.Visible(trigger), first)
	}
	if h.verbose {
		fmt.Fprintf(h.log, "ccconform webhook listen: %s #%d %s: %s\n", where, n, escape.Visible(trigger), verdict)
	}
	w.Header().Set("X-Ccconform-Verdict", verdict)
	if over {
		w.Header().Set("Connection", "close")
		http.Error(w, "the delivery is too large", http.StatusRequestEntityTooLarge)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// record adds vd, the verdict on body, to the report and the summary, and
// writes the report out. It reports whether the verdict is recorded, and
// if not, whether that is because the report is closed (else it could not
// be written). A report that cannot be written is said once on the log.
func (h *hookListener) record(body []byte, vd validate.Verdict) (recorded, closed bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		h.late++
		return false, true
	}
	err := h.repErr
	if err == nil {
		err = h.rep.Verdict(vd)
	}
	if err != nil {
		if h.repErr == nil {
			h.repErr = err
			fmt.Fprintf(h.log, "ccconform webhook listen: cannot write the report: %v: answering 500 to every delivery from now on, so that CometChat retries them; stop the listener and give a report it can write\n", err)
		}
		h.unrecorded++
		return false, false
	}
	h.sum.Add(vd)
	if h.cov != nil {
		h.cov.Add(body, vd)
	}
	return true, false
}

// flushedReport is the listener's report: each verdict is written out
// with the report's buffers flushed before Verdict returns, so that a
// delivery is answered 200 only once its verdict is written (row 96), and
// a report that cannot be written is known at the delivery that finds it.
// JUnit, SARIF and HTML are written whole at the end: for them an error
// shows only then. Its methods are called under the listener's lock.
type flushedReport struct {
	rep   report.Writer
	after []func() error // flushed after the report, in order
}

// Verdict writes vd out.
func (r *flushedReport) Verdict(vd validate.Verdict) error {
	if err := r.rep.Verdict(vd); err != nil {
		return err
	}
	if err := r.rep.Flush(); err != nil {
		return err
	}
	return r.flushAfter()
}

// Close closes the report with s.
func (r *flushedReport) Close(s *report.Summary) error {
	if err := r.rep.Close(s); err != nil {
		return err
	}
	return r.flushAfter()
}

func (r *flushedReport) flushAfter() error {
	for _, f := range r.after {
		if err := f(); err != nil {
			return err
		}
	}
	return nil
}

// oversized is the verdict on a delivery refused with 413: its size,
// when its Content-Length says it, and the cap. It is a delivery, of a
// trigger the listener did not read.
func oversized(contentLength, limit int64) validate.Verdict {
	size := fmt.Sprintf("more than %d bytes", limit)
	if contentLength > 0 {
		size = fmt.Sprintf("%d bytes", contentLength)
	}
	return validate.Verdict{Kind: types.KindWebhook, Violations: []validate.Violation{{Rule: validate.RuleSize,
		Message: fmt.Sprintf("a delivery of %s, over the limit of %d (--max-bytes): answered 413, not checked (raise --max-bytes to check it)", size, limit)}}}
}

// limit lets n deliveries be read and checked at once, and waitingPerSlot
// times as many wait.
func (h *hookListener) limit(n int) {
	h.slots = make(chan struct{}, n)
	h.maxWaiting = int64(waitingPerSlot * n)
}

// acquire takes a slot for r's delivery, waiting for one while fewer than
// maxWaiting wait and r's client is there. It reports false when the
// delivery is to be turned away; then it holds no slot.
func (h *hookListener) acquire(r *http.Request) bool {
	if h.slots == nil {
		return true
	}
	select {
	case h.slots <- struct{}{}:
		return true
	default:
	}
	if h.waiting.Add(1) > h.maxWaiting {
		h.waiting.Add(-1)
		return false
	}
	defer h.waiting.Add(-1)
	select {
	case h.slots <- struct{}{}:
		return true
	case <-r.Context().Done():
		return false
	}
}

// release gives back the slot acquire took.
func (h *hookListener) release() {
	if h.slots != nil {
		<-h.slots
	}
}

// writeCoverage writes, from the coverage report, the triggers seen with
// their counts, the triggers of the model never seen, for each kind of
// entity the deliveries carried its documented fields never seen, and for
// each part of a trigger the fields it never had that other triggers'
// entities at the same place had at times (CoverageReport.PartGaps).
func (h *hookListener) writeCoverage(w io.Writer) {
	r := h.cov.Report()
	counts := map[string]int{}
	var seen, missing []string
	for _, t := range r.Triggers {
		counts[t.Name] = t.Count
		if t.Count > 0 {
			seen = append(seen, fmt.Sprintf("%s %d", escape.Visible(t.Name), t.Count))
		}
	}
	model := 0
	for _, t := range webhook.Triggers() {
		if t.Model() {
			model++
			if counts[t.Name] == 0 {
				missing = append(missing, t.Name)
			}
		}
	}
	sort.Strings(seen)
	if len(seen) == 0 {
		seen = []string{"none"}
	}
	fmt.Fprintf(w, "triggers seen: %s\n", strings.Join(seen, ", "))
	if len(missing) == 0 {
		fmt.Fprintf(w, "triggers of the model never seen: none (all %d seen)\n", model)
	} else {
		fmt.Fprintf(w, "triggers of the model never seen (%d of %d): %s\n", len(missing), model, strings.Join(missing, ", "))
	}
	for _, k := range r.Kinds {
		if k.In != validate.InWebhook || len(k.Fields) == 0 {
			continue
		}
		var never []string
		for _, f := range k.Fields {
			if f.Count == 0 {
				never = append(never, f.Pointer)
			}
		}
		line := fmt.Sprintf("%s: %d entities, %d of %d documented fields seen", k.Title(), k.Documents, len(k.Fields)-len(never), len(k.Fields))
		if len(never) > 0 {
			line += "; never seen: " + strings.Join(never, ", ")
		}
		fmt.Fprintln(w, line)
	}
	for _, g := range r.PartGaps() {
		fmt.Fprintf(w, "%s: %d entities; never seen %s, which other triggers' %s entities at %s had at times\n",
			escape.Visible(g.Title()), g.Entities, strings.Join(g.Missing, " "), g.Kind, escape.Visible(g.Part))
	}
}
