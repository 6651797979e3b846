package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/ccconform/ccconform/generate"
	"github.com/ccconform/ccconform/internal/escape"
	"github.com/ccconform/ccconform/validate"
	"github.com/ccconform/ccconform/webhook"
	"github.com/spf13/cobra"
)

// webhookSendOptions are the flags and arguments of ccconform webhook send.
type webhookSendOptions struct {
	args    []string
	trigger string
	n       int
	seed    uint64
	invalid bool
	rate    float64
	timeout time.Duration
	world   string
	faults  float64
	// checkAnswers reads the answers to before_message deliveries.
	checkAnswers bool
	// generated reports whether a flag of the generator was given (the
	// seed counts only without --faults, which uses it too).
	generated bool
}

// newWebhookSendCmd returns the webhook send command; runF, when set, runs
// instead of the command's work, for tests of the parsing.
func newWebhookSendCmd(e *env, runF func(*webhookSendOptions) int) *cobra.Command {
	o := &webhookSendOptions{}
	c := &cobra.Command{
		Use:   "send [flags] [FILE...] URL",
		Short: "POST webhook deliveries to a consumer, one event per request, as CometChat does",
		Long: `POST webhook deliveries to URL as CometChat does: one event per request, with
Content-Type: Application/json, and Basic auth when CCCONFORM_WEBHOOK_AUTH is
set (user:password; never shown). One at a time, each waiting for the answer.

The events come from each FILE (NDJSON, a JSON array, or JSON values one
after another: one delivery each, sent as written, read as validate reads
files), from a world's history (--world DIR: the DIR/events.ndjson that
'ccconform generate world' writes, in order), or else from the generator.

--faults RATE breaks that share of the events, drawn by --seed, each in
exactly one way labelled on its line (the rule and pointer a validator
reports); the summary says how many were broken, which is the count of
invalid deliveries a checking consumer (such as webhook listen) must find.

--check-answers reads each 2xx answer to a before_message delivery as
CometChat does: an empty body lets the message through unchanged,
{"action": "do_not_propagate"} drops it, any other JSON object is injected
into its metadata at @injected.webhooks.<webhook>. Each line says which;
an answer CometChat would not take as meant (not JSON, not an object, an
action other than do_not_propagate) is reported and fails the run.

Each event gets a line on standard output: its number, its trigger, the HTTP
status and the time the consumer took; a summary follows. Exit status: 0 every
event was answered 2xx, 1 some were not, or an answer read by --check-answers
is not one CometChat accepts (each named on standard error), 2 the
run could not be done (bad flags, unreadable files, URL unreachable at the
first event), 130 interrupted.`,
		Example: `  # Ten deliveries, every trigger of the model in turn
  ccconform webhook send http://127.0.0.1:3000/cometchat

  # 500 message_sent deliveries, 50 a second, with Basic auth
  export CCCONFORM_WEBHOOK_AUTH=hooks:s3cret
  ccconform webhook send --webhook message_sent -n 500 --rate 50 http://127.0.0.1:3000/cometchat

  # Broken deliveries: does the consumer cope?
  ccconform webhook send --invalid -n 20 http://127.0.0.1:3000/cometchat

  # CometChat's own examples, from files
  ccconform webhook send fixtures/webhooks/*.json http://127.0.0.1:3000/cometchat

  # A world's history, in order, with 5% of the events broken
  ccconform generate world -o world
  ccconform webhook send --world world --faults 0.05 --seed 7 http://127.0.0.1:3000/cometchat

  # Does the before_message consumer answer as CometChat expects?
  ccconform webhook send --webhook before_message -n 20 --check-answers http://127.0.0.1:3000/moderate
`,
		Args: cobra.ArbitraryArgs,
		RunE: func(c *cobra.Command, args []string) error {
			o.args = args
			for _, name := range []string{"webhook", "count", "seed", "invalid"} {
				if name == "seed" && c.Flags().Changed("faults") {
					continue
				}
				o.generated = o.generated || c.Flags().Changed(name)
			}
			if runF != nil {
				return status(runF(o))
			}
			return status(runWebhookSend(e, o))
		},
	}
	f := c.Flags()
	f.StringVar(&o.trigger, "webhook", generate.WebhookAll, "generate deliveries of `TRIGGER` (all: every trigger of the model in turn)")
	f.IntVarP(&o.n, "count", "n", 10, "how many deliveries to generate")
	f.Uint64Var(&o.seed, "seed", 1, "the seed of the generator, and of --faults")
	f.BoolVar(&o.invalid, "invalid", false, "generate deliveries broken in exactly one way each")
	f.StringVar(&o.world, "world", "", "send the history of the world in `DIR` (its events.ndjson), in order")
	f.Float64Var(&o.faults, "faults", 0, "break this share of the events (0 to 1), each in one labelled way, drawn by --seed")
	f.BoolVar(&o.checkAnswers, "check-answers", false, "check the answers to before_message deliveries: do_not_propagate, injected metadata, or nothing")
	f.Float64Var(&o.rate, "rate", 0, "send at most `N` events a second (0: each as soon as the last is answered)")
	f.DurationVar(&o.timeout, "timeout", 10*time.Second, "give up on an event the consumer has not answered within `DURATION`")
	c.RegisterFlagCompletionFunc("webhook", completeValues(append([]string{generate.WebhookAll}, generate.ModelledTriggers()...)...))
	return c
}

// delivery is one event to send.
type delivery struct {
	trigger string
	body    []byte
	// broken is set when --faults broke the event.
	broken *generate.Mutant
}

func runWebhookSend(e *env, o *webhookSendOptions) int {
	if len(o.args) == 0 {
		return e.errorf("webhook send: give the consumer's URL, last, as in http://127.0.0.1:3000/cometchat\nRun 'ccconform webhook send --help' for usage.")
	}
	target := o.args[len(o.args)-1]
	files := o.args[:len(o.args)-1]
	if !isURL(target) {
		if strings.Contains(target, "://") {
			return e.errorf("webhook send: %s: only http and https URLs take deliveries", redact(target))
		}
		return e.errorf("webhook send: the last argument, %s, is not an http(s) URL: name the consumer's URL last, as in http://%s", escape.Visible(target), escape.Visible(target))
	}
	if math.IsNaN(o.rate) || math.IsInf(o.rate, 0) || o.rate < 0 {
		return e.errorf("--rate %v: give events per second, such as 50 or 0.5, or 0 for each as soon as the last is answered", o.rate)
	}
	if o.rate > 0 && float64(time.Second)/o.rate >= float64(math.MaxInt64) {
		return e.errorf("--rate %v: one event in more than %d years is no rate; give events per second, such as 50 or 0.5", o.rate, int64(math.MaxInt64/int64(365*24*time.Hour)))
	}
	if o.timeout <= 0 {
		return e.errorf("--timeout %v: give a positive duration, such as 10s", o.timeout)
	}
	if o.n < 0 {
		return e.errorf("--count: cannot send %d deliveries", o.n)
	}
	if len(files) > 0 && o.generated {
		return e.errorf("webhook send: FILE arguments and --webhook, -n, --seed, --invalid are exclusive: events come from the files or from the generator")
	}
	if o.world != "" && (len(files) > 0 || o.generated) {
		return e.errorf("webhook send: --world and FILE arguments or --webhook, -n, --seed, --invalid are exclusive: events come from the world, the files or the generator")
	}
	if math.IsNaN(o.faults) || o.faults < 0 || o.faults > 1 {
		return e.errorf("--faults %v: give the share of events to break, from 0 to 1, such as 0.05", o.faults)
	}
	if o.faults > 0 && o.invalid {
		return e.errorf("webhook send: --faults and --invalid are exclusive: --invalid breaks every generated event already")
	}
	if err := checkTrigger(o.trigger); err != nil {
		return e.errorf("--webhook: %v", err)
	}
	auth, err := readWebhookAuth()
	if err != nil {
		return e.errorf("%v", err)
	}
	secrets := auth.secrets()
	stdout, stderr := masked(e.stdout, secrets), masked(e.stderr, secrets)
	e = &env{stdin: e.stdin, stdout: stdout, stderr: stderr}
	if w := auth.shortUserWarning(); w != "" {
		fmt.Fprintf(e.stderr, "ccconform webhook send: %s\n", w)
	}

	// The events: the files are read twice, once to check that each can
	// be split into deliveries (so that a broken one stops the run before
	// anything is sent) and to count them, then again a delivery at a
	// time as they are sent, so that memory does not grow with the files.
	// Generated events are made one at a time.
	var next func(i int) (delivery, bool, error)
	total := o.n
	if o.world != "" {
		files = []string{filepath.Join(o.world, generate.EventsFile)}
		if _, err := os.Stat(files[0]); err != nil {
			return e.errorf("webhook send --world: %s has no %s: write the world with 'ccconform generate world -o %s' (worlds written before webhook events have none)",
				escape.Visible(o.world), generate.EventsFile, escape.Visible(o.world))
		}
	}
	if len(files) > 0 {
		// What send holds live is small (a batch of events, a request):
		// at the default GOGC the collector would run every few MB of
		// requests, a cost of about a seventh of the sending rate on two
		// cores. Four times the live heap is still bounded, whatever
		// the size of the files.
		defer debug.SetGCPercent(debug.SetGCPercent(400))
		total = 0
		for _, p := range files {
			n, err := scanDeliveries(p, func([]byte) bool { return true })
			if err != nil {
				return e.errorf("webhook send: %v", err)
			}
			total += n
		}
		s := streamDeliveries(files)
		defer s.stop()
		next = s.next
	} else {
		g, err := generate.New(generate.Options{Seed: o.seed})
		if err != nil {
			return e.errorf("%v", err)
		}
		next = func(i int) (delivery, bool, error) {
			if i >= o.n {
				return delivery{}, false, nil
			}
			if o.invalid {
				m, err := g.WebhookMutant(o.trigger, i)
				return delivery{trigger: triggerOf(m.JSON), body: m.JSON}, err == nil, err
			}
			d, err := g.Webhook(o.trigger, i)
			if err != nil {
				return delivery{}, false, err
			}
			b, err := json.Marshal(d)
			return delivery{trigger: triggerOf(b), body: b}, err == nil, err
		}
	}

	if o.faults > 0 {
		next = withFaults(next, o.faults, o.seed)
	}

	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 4
	client := &http.Client{Transport: tr, Timeout: o.timeout,
		// CometChat does not follow a redirect with the delivery: the
		// consumer's 3xx is its answer.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	defer tr.CloseIdleConnections()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	context.AfterFunc(ctx, stop)

	var times []time.Duration
	sent, failed, failedHTTP, broken := 0, 0, 0, 0
	// refusedInARow counts the events in a row whose connection the
	// consumer refused; notSent, once it stops the run, the events left.
	refusedInARow, notSent := 0, 0
	var answers answerCounts
	start := time.Now()
	// --rate is a ceiling: each event goes at least interval after the one
	// before it went, so that events held back by a slow answer do not
	// then go in a burst.
	interval := time.Duration(0)
	if o.rate > 0 {
		interval = time.Duration(float64(time.Second) / o.rate)
	}
	var due time.Time
	summary := func() {
		elapsed := time.Since(start)
		line := fmt.Sprintf("%d events sent in %s", sent, elapsed.Round(time.Millisecond))
		if elapsed > 0 && sent > 0 {
			line += fmt.Sprintf(" (%.0f/s)", float64(sent)/elapsed.Seconds())
		}
		line += fmt.Sprintf(": %d answered 2xx, %d not", sent-failedHTTP, failedHTTP)
		if notSent > 0 {
			line += fmt.Sprintf("; %d not sent (the consumer stopped taking connections)", notSent)
		}
		if len(times) > 0 {
			slices.Sort(times)
			line += fmt.Sprintf("; consumer time median %s, max %s", ms(times[len(times)/2]), ms(times[len(times)-1]))
		}
		fmt.Fprintln(e.stdout, line)
		if o.faults > 0 {
			fmt.Fprintf(e.stdout, "%d of %d events broken on purpose (--faults %v, seed %d): a consumer that checks deliveries must find %d invalid\n",
				broken, sent, o.faults, o.seed, broken)
		}
		if o.checkAnswers {
			fmt.Fprintf(e.stdout, "before_message answers: %d dropped, %d added metadata, %d unchanged, %d not accepted\n",
				answers.drop, answers.inject, answers.none, answers.bad)
		}
	}
	for i := 0; ; i++ {
		d, ok, err := next(i)
		if err != nil {
			return e.errorf("webhook send: event %d: %v", i+1, err)
		}
		if !ok {
			break
		}
		if wait := time.Until(due); interval > 0 && wait > 0 {
			select {
			case <-ctx.Done():
			case <-time.After(wait):
			}
		}
		if ctx.Err() != nil {
			break
		}
		if interval > 0 {
			due = time.Now().Add(interval)
		}
		keep := 0
		if o.checkAnswers && d.trigger == "before_message" {
			keep = maxAnswerBytes
		}
		code, status, body, took, err := deliver(ctx, client, target, auth, d.body, keep)
		if ctx.Err() != nil {
			break
		}
		sent++
		n := i + 1
		label := ""
		if d.broken != nil {
			broken++
			label = fmt.Sprintf(" broken: %s at %s (%s)", d.broken.Rule, escape.Visible(d.broken.Pointer), escape.Visible(d.broken.Fault))
		}
		if err != nil {
			var ne net.Error
			timeout := errors.As(err, &ne) && ne.Timeout() || errors.Is(err, context.DeadlineExceeded)
			refused := !timeout && unreachable(err)
			if i == 0 && refused {
				// Nothing listens at the URL: the run cannot be done. A
				// consumer that took the connection and then failed it
				// has answered event 1 badly, which is the consumer's
				// fault (exit 1, below).
				return e.errorf("webhook send: cannot reach %s: %v (is the consumer running at that address?)", redact(target), err)
			}
			failed++
			failedHTTP++
			what := describeSendError(err, code, status)
			if timeout {
				what = fmt.Sprintf("no answer within %s (--timeout)", o.timeout)
				if code != 0 {
					what = fmt.Sprintf("HTTP %s came, but not the rest of the answer within %s (--timeout)", status, o.timeout)
				}
				fmt.Fprintf(e.stdout, "%d %s timeout %s%s\n", n, d.trigger, ms(took), label)
			} else {
				fmt.Fprintf(e.stdout, "%d %s error %s%s\n", n, d.trigger, ms(took), label)
			}
			fmt.Fprintf(e.stderr, "ccconform webhook send: event %d (%s): %s\n", n, d.trigger, what)
			if !refused {
				refusedInARow = 0
				continue
			}
			// A consumer that went away mid-run would have every event
			// left tried and refused, a line each: after a few in a row,
			// the run stops and counts what it did not send.
			if refusedInARow++; refusedInARow >= maxRefusedInARow && n < total {
				notSent = total - n
				fmt.Fprintf(e.stderr, "ccconform webhook send: the consumer refused the connection for %d events in a row (events %d to %d): stopping; events %d to %d (%d) were not sent\n",
					refusedInARow, n-refusedInARow+1, n, n+1, total, notSent)
				break
			}
			continue
		}
		refusedInARow = 0
		times = append(times, took)
		ok2xx := code >= 200 && code <= 299
		var answerErr error
		if keep > 0 && ok2xx {
			var what string
			if what, answerErr = answers.read(body, d.body); answerErr != nil {
				label += " answer: not accepted"
			} else {
				label += " answer: " + what
			}
		}
		fmt.Fprintf(e.stdout, "%d %s %d %s%s\n", n, d.trigger, code, ms(took), label)
		if !ok2xx {
			failed++
			failedHTTP++
			fmt.Fprintf(e.stderr, "ccconform webhook send: event %d (%s): HTTP %s\n", n, d.trigger, status)
		}
		if answerErr != nil {
			failed++
			fmt.Fprintf(e.stderr, "ccconform webhook send: event %d (%s): the answer is not one CometChat accepts: %v\n", n, d.trigger, answerErr)
		}
	}
	summary()
	switch {
	case ctx.Err() != nil:
		fmt.Fprintf(e.stderr, "ccconform webhook send: interrupted after %d events\n", sent)
		return exitInterrupted
	case failed > 0:
		if failedHTTP > 0 {
			fmt.Fprintf(e.stderr, "ccconform webhook send: %d of %d events were not answered 2xx\n", failedHTTP, sent)
		}
		if notSent > 0 {
			fmt.Fprintf(e.stderr, "ccconform webhook send: %d events were not sent\n", notSent)
		}
		if answers.bad > 0 {
			fmt.Fprintf(e.stderr, "ccconform webhook send: %d answers to before_message were not ones CometChat accepts\n", answers.bad)
		}
		return exitInvalid
	}
	return exitOK
}

// deliver POSTs one event as CometChat does, and returns the answer's
// status code, its status line with the start of its body, the first keep
// bytes of its body (none when keep is 0), and how long the consumer took.
func deliver(ctx context.Context, client *http.Client, target string, auth webhookAuth, body []byte, keep int) (int, string, []byte, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return 0, "", nil, 0, err
	}
	// As CometChat writes it, capital A and all.
	req.Header["Content-Type"] = []string{"Application/json"}
	req.Header.Set("User-Agent", "ccconform-webhook/"+versionString())
	if auth.set {
		req.SetBasicAuth(auth.user, auth.password)
	}
	t0 := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL is said once, elsewhere
		}
		return 0, "", nil, time.Since(t0), err
	}
	// An answer is whole only when its body has come: a consumer that
	// sends its status and never the rest has not answered (the client's
	// timeout covers the body), nor has one that cuts the body short.
	kept, err := io.ReadAll(io.LimitReader(resp.Body, int64(max(keep, 201))))
	if err == nil {
		_, err = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	}
	resp.Body.Close()
	took := time.Since(t0)
	if err != nil {
		return resp.StatusCode, resp.Status, nil, took, err
	}
	head := kept[:min(len(kept), 201):min(len(kept), 201)]
	if keep == 0 {
		kept = nil
	}
	if len(head) > 200 {
		// Cut, and said to be: a secret cut short is masked only when
		// the cut shows (fetch.MaskWriter).
		head = append(head[:200:200], "…"...)
	}
	status := resp.Status
	if s := strings.TrimSpace(string(head)); s != "" {
		status += ": " + escape.Visible(strings.Join(strings.Fields(s), " "))
	}
	return resp.StatusCode, status, kept, took, nil
}

// ms writes a duration in milliseconds, to a tenth.
func ms(d time.Duration) string {
	return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond))
}

// triggerOf returns the trigger a delivery names, or "-".
func triggerOf(b []byte) string {
	var env struct {
		Trigger any `json:"trigger"`
	}
	if json.Unmarshal(b, &env) != nil {
		return "-"
	}
	if s, ok := env.Trigger.(string); ok && s != "" && !strings.ContainsAny(s, " \t\r\n") {
		return escape.Visible(s)
	}
	return "-"
}

// scanDeliveries reads the events of a file as validate reads files
// (validate.Documents): the elements of a JSON array, one event a line of
// NDJSON, or JSON values one after another; each is handed to emit as
// written, malformed or not, and valid only until emit returns. Reading
// stops when emit returns false. Input that cannot be split into values
// at all, or holds none, is an error that says nothing was sent: send
// scans every file before it sends anything. It returns how many events
// emit was given.
func scanDeliveries(p string, emit func(raw []byte) bool) (int, error) {
	f, err := os.Open(p)
	if err != nil {
		return 0, fmt.Errorf("cannot read %s: %v", escape.Visible(p), unwrapPathErr(err))
	}
	defer f.Close()
	n := 0
	var bad error
	err = validate.Documents(validate.Input{Name: p, R: f}, 0, func(raw []byte, loc validate.Location, v *validate.Verdict) bool {
		if v != nil {
			if loc.Line == 0 && n == 0 {
				// The splitter's verdict on input without a value: no
				// line to name.
				bad = fmt.Errorf("%s is empty (no JSON value in it): there is no delivery to send; nothing was sent", escape.Visible(p))
				return false
			}
			msg := "cannot be read"
			if len(v.Violations) > 0 {
				msg = v.Violations[0].Message
			}
			bad = fmt.Errorf("%s line %d: %s: nothing was sent; fix the file, or leave it out", escape.Visible(p), loc.Line, escape.Visible(msg))
			return false
		}
		n++
		return emit(raw)
	})
	if err != nil {
		return n, fmt.Errorf("cannot read %s: %v", escape.Visible(p), unwrapPathErr(err))
	}
	if bad != nil {
		return n, bad
	}
	if n == 0 {
		return 0, fmt.Errorf("%s holds no delivery: nothing was sent", escape.Visible(p))
	}
	return n, nil
}

// deliveryStream reads the events of files in order as they are sent: a
// reader goroutine hands them over in batches of up to streamBatchBytes
// (or streamBatchEvents), so that memory holds about two batches whatever
// the size of the files, and the sender and the reader meet once a batch,
// not once an event (a hand-over an event cost a fifth of the sending
// rate on two cores).
type deliveryStream struct {
	ch       chan []delivery
	batch    []delivery    // what is left of the batch being sent
	done     chan struct{} // closed by stop
	finished chan struct{} // closed when the reader has returned
	err      error         // set before ch is closed
}

// The bounds of a batch of deliveryStream.
const (
	streamBatchBytes  = 1 << 20
	streamBatchEvents = 256
)

// streamDeliveries starts reading files.
func streamDeliveries(files []string) *deliveryStream {
	s := &deliveryStream{ch: make(chan []delivery), done: make(chan struct{}), finished: make(chan struct{})}
	go func() {
		defer close(s.finished)
		defer close(s.ch)
		var batch []delivery
		size := 0
		send := func() bool {
			select {
			case s.ch <- batch:
				batch, size = nil, 0
				return true
			case <-s.done:
				return false
			}
		}
		for _, p := range files {
			stopped := false
			_, err := scanDeliveries(p, func(raw []byte) bool {
				body := bytes.Clone(raw)
				batch = append(batch, delivery{trigger: triggerOf(body), body: body})
				if size += len(body); size >= streamBatchBytes || len(batch) >= streamBatchEvents {
					stopped = !send()
				}
				return !stopped
			})
			if stopped {
				return
			}
			if err != nil {
				// The files were scanned whole before: one changed since.
				s.err = fmt.Errorf("%v (the file changed while it was being sent)", err)
				return
			}
		}
		if len(batch) > 0 {
			send()
		}
	}()
	return s
}

// next returns the next event; i is not read (the events come in order).
func (s *deliveryStream) next(int) (delivery, bool, error) {
	for len(s.batch) == 0 {
		b, ok := <-s.ch
		if !ok {
			return delivery{}, false, s.err
		}
		s.batch = b
	}
	d := s.batch[0]
	s.batch[0] = delivery{} // sent: not held any longer
	s.batch = s.batch[1:]
	return d, true, nil
}

// stop ends the reading and waits for the reader to close its file.
func (s *deliveryStream) stop() {
	close(s.done)
	<-s.finished
}

// maxRefusedInARow is how many events in a row the consumer may refuse
// the connection of before send stops (row 95).
const maxRefusedInARow = 5

// unreachable reports whether err is a failure to reach the consumer at
// all (nothing listens there, no such host, no route), as opposed to a
// consumer that took the connection and then failed the request.
func unreachable(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && (op.Op == "dial" || op.Op == "proxyconnect") {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns)
}

// describeSendError says what went wrong with an event whose request
// failed, when it is not a timeout. code and status are the answer's,
// when its status came before the failure.
func describeSendError(err error, code int, status string) string {
	what := err.Error()
	switch {
	case errors.Is(err, syscall.ECONNRESET):
		what = "the consumer reset the connection (" + what + ")"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		what = "the consumer closed the connection (" + what + ")"
	}
	if code != 0 {
		return fmt.Sprintf("HTTP %s came, but the rest of the answer did not: %s", status, what)
	}
	return what + ": no answer"
}

// withFaults breaks a share rate of the events next gives, drawn from
// seed, each in one labelled way (generate's BreakWebhook). An event that
// cannot be broken (malformed, or of a trigger outside the model) goes as
// it is, and is not counted as broken.
func withFaults(next func(int) (delivery, bool, error), rate float64, seed uint64) func(int) (delivery, bool, error) {
	g, _ := generate.New(generate.Options{Seed: seed})
	draw := rand.New(rand.NewPCG(seed, 0xfa0175))
	return func(i int) (delivery, bool, error) {
		d, ok, err := next(i)
		if !ok || err != nil || draw.Float64() >= rate {
			return d, ok, err
		}
		var doc map[string]any
		dec := json.NewDecoder(bytes.NewReader(d.body))
		dec.UseNumber()
		if dec.Decode(&doc) != nil {
			return d, ok, nil
		}
		m, err := g.BreakWebhook(doc, i)
		if err != nil {
			return d, ok, nil
		}
		return delivery{trigger: triggerOf(m.JSON), body: m.JSON, broken: &m}, true, nil
	}
}

// maxAnswerBytes bounds the answer to a before_message delivery that
// --check-answers reads.
const maxAnswerBytes = 1 << 20

// answerCounts counts the answers to before_message deliveries.
type answerCounts struct{ none, drop, inject, bad int }

// read reads an answer to the delivery event, and says what it asked for.
func (c *answerCounts) read(body, event []byte) (string, error) {
	if len(body) >= maxAnswerBytes {
		c.bad++
		return "", fmt.Errorf("%d bytes or more: CometChat waits for a short answer", maxAnswerBytes)
	}
	a, err := webhook.ReadAnswer(body)
	if err != nil {
		c.bad++
		return "", err
	}
	switch a.Kind {
	case webhook.AnswerDrop:
		c.drop++
		return "dropped (do_not_propagate)", nil
	case webhook.AnswerInject:
		c.inject++
		var env struct {
			Webhook any `json:"webhook"`
		}
		json.Unmarshal(event, &env)
		name, _ := env.Webhook.(string)
		if name == "" {
			name = "<webhook>"
		}
		keys := make([]string, len(a.Keys))
		for i, k := range a.Keys {
			keys[i] = escape.Visible(k)
		}
		return fmt.Sprintf("metadata added at @injected.webhooks.%s: {%s}", escape.Visible(name), strings.Join(keys, ", ")), nil
	}
	c.none++
	return "unchanged (empty answer)", nil
}

// bom is the UTF-8 byte order mark some editors write.
var bom = []byte{0xEF, 0xBB, 0xBF}
