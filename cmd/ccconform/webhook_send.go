package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/ccconform/ccconform/generate"
	"github.com/ccconform/ccconform/internal/escape"
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
	// generated reports whether a flag of the generator was given.
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

The events come from each FILE (NDJSON, a JSON array, or one object: one
delivery each, sent as written) or, without files, from the generator.

Each event gets a line on standard output: its number, its trigger, the HTTP
status and the time the consumer took; a summary follows. Exit status: 0 every
event was answered 2xx, 1 some were not (each named on standard error), 2 the
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
`,
		Args: cobra.ArbitraryArgs,
		RunE: func(c *cobra.Command, args []string) error {
			o.args = args
			for _, name := range []string{"webhook", "count", "seed", "invalid"} {
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
	f.Uint64Var(&o.seed, "seed", 1, "the generator's seed")
	f.BoolVar(&o.invalid, "invalid", false, "generate deliveries broken in exactly one way each")
	f.Float64Var(&o.rate, "rate", 0, "send at most `N` events a second (0: each as soon as the last is answered)")
	f.DurationVar(&o.timeout, "timeout", 10*time.Second, "give up on an event the consumer has not answered within `DURATION`")
	c.RegisterFlagCompletionFunc("webhook", completeValues(append([]string{generate.WebhookAll}, generate.ModelledTriggers()...)...))
	return c
}

// delivery is one event to send.
type delivery struct {
	trigger string
	body    []byte
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
	if o.timeout <= 0 {
		return e.errorf("--timeout %v: give a positive duration, such as 10s", o.timeout)
	}
	if o.n < 0 {
		return e.errorf("--count: cannot send %d deliveries", o.n)
	}
	if len(files) > 0 && o.generated {
		return e.errorf("webhook send: FILE arguments and --webhook, -n, --seed, --invalid are exclusive: events come from the files or from the generator")
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

	// The events: read from every file first, so that an unreadable one
	// stops the run before anything is sent; generated one at a time.
	var next func(i int) (delivery, bool, error)
	if len(files) > 0 {
		var all []delivery
		for _, p := range files {
			ds, err := readDeliveries(p)
			if err != nil {
				return e.errorf("webhook send: %v", err)
			}
			all = append(all, ds...)
		}
		next = func(i int) (delivery, bool, error) {
			if i >= len(all) {
				return delivery{}, false, nil
			}
			return all[i], true, nil
		}
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
	sent, failed := 0, 0
	start := time.Now()
	interval := time.Duration(0)
	if o.rate > 0 {
		interval = time.Duration(float64(time.Second) / o.rate)
	}
	summary := func() {
		elapsed := time.Since(start)
		line := fmt.Sprintf("%d events sent in %s", sent, elapsed.Round(time.Millisecond))
		if elapsed > 0 && sent > 0 {
			line += fmt.Sprintf(" (%.0f/s)", float64(sent)/elapsed.Seconds())
		}
		line += fmt.Sprintf(": %d answered 2xx, %d not", sent-failed, failed)
		if len(times) > 0 {
			slices.Sort(times)
			line += fmt.Sprintf("; consumer time median %s, max %s", ms(times[len(times)/2]), ms(times[len(times)-1]))
		}
		fmt.Fprintln(e.stdout, line)
	}
	for i := 0; ; i++ {
		d, ok, err := next(i)
		if err != nil {
			return e.errorf("webhook send: event %d: %v", i+1, err)
		}
		if !ok {
			break
		}
		if interval > 0 {
			wait := time.Until(start.Add(time.Duration(i) * interval))
			if wait > 0 {
				select {
				case <-ctx.Done():
				case <-time.After(wait):
				}
			}
		}
		if ctx.Err() != nil {
			break
		}
		code, status, took, err := deliver(ctx, client, target, auth, d.body)
		if ctx.Err() != nil {
			break
		}
		sent++
		n := i + 1
		if err != nil {
			var ne net.Error
			timeout := errors.As(err, &ne) && ne.Timeout() || errors.Is(err, context.DeadlineExceeded)
			if i == 0 && !timeout {
				return e.errorf("webhook send: cannot reach %s: %v (is the consumer running at that address?)", redact(target), err)
			}
			failed++
			what := err.Error()
			if timeout {
				what = fmt.Sprintf("no answer within %s (--timeout)", o.timeout)
				fmt.Fprintf(e.stdout, "%d %s timeout %s\n", n, d.trigger, ms(took))
			} else {
				fmt.Fprintf(e.stdout, "%d %s error %s\n", n, d.trigger, ms(took))
			}
			fmt.Fprintf(e.stderr, "ccconform webhook send: event %d (%s): %s\n", n, d.trigger, what)
			continue
		}
		times = append(times, took)
		fmt.Fprintf(e.stdout, "%d %s %d %s\n", n, d.trigger, code, ms(took))
		if code < 200 || code > 299 {
			failed++
			fmt.Fprintf(e.stderr, "ccconform webhook send: event %d (%s): HTTP %s\n", n, d.trigger, status)
		}
	}
	summary()
	switch {
	case ctx.Err() != nil:
		fmt.Fprintf(e.stderr, "ccconform webhook send: interrupted after %d events\n", sent)
		return exitInterrupted
	case failed > 0:
		fmt.Fprintf(e.stderr, "ccconform webhook send: %d of %d events were not answered 2xx\n", failed, sent)
		return exitInvalid
	}
	return exitOK
}

// deliver POSTs one event as CometChat does, and returns the answer's
// status code, its status line with the start of its body, and how long
// the consumer took.
func deliver(ctx context.Context, client *http.Client, target string, auth webhookAuth, body []byte) (int, string, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return 0, "", 0, err
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
		return 0, "", time.Since(t0), err
	}
	head, _ := io.ReadAll(io.LimitReader(resp.Body, 201))
	if len(head) > 200 {
		// Cut, and said to be: a secret cut short is masked only when
		// the cut shows (fetch.MaskWriter).
		head = append(head[:200:200], "…"...)
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	took := time.Since(t0)
	status := resp.Status
	if s := strings.TrimSpace(string(head)); s != "" {
		status += ": " + escape.Visible(strings.Join(strings.Fields(s), " "))
	}
	return resp.StatusCode, status, took, nil
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

// readDeliveries reads the events of a file: the elements of a JSON array,
// one JSON value, or else one event a non-blank line (NDJSON), each sent
// as written, malformed or not.
func readDeliveries(p string) ([]delivery, error) {
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %v", escape.Visible(p), unwrapPathErr(err))
	}
	b = bytes.TrimPrefix(b, bom)
	trimmed := bytes.TrimSpace(b)
	var out []delivery
	if len(trimmed) > 0 && trimmed[0] == '[' {
		var elems []json.RawMessage
		if err := json.Unmarshal(trimmed, &elems); err != nil {
			return nil, fmt.Errorf("%s: not a JSON array of deliveries: %v", escape.Visible(p), err)
		}
		for _, el := range elems {
			out = append(out, delivery{trigger: triggerOf(el), body: el})
		}
		return out, nil
	}
	if json.Valid(trimmed) {
		return []delivery{{trigger: triggerOf(trimmed), body: trimmed}}, nil
	}
	for _, line := range bytes.Split(b, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		out = append(out, delivery{trigger: triggerOf(line), body: line})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s holds no delivery", escape.Visible(p))
	}
	return out, nil
}

// bom is the UTF-8 byte order mark some editors write.
var bom = []byte{0xEF, 0xBB, 0xBF}
