package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ccconform/ccconform/validate"
)

// A before_message consumer on loopback answers each shape in turn; send
// --check-answers says what each asked for, and fails the run for the
// answers CometChat would not take as meant, naming the event.
func TestWebhookSendCheckAnswers(t *testing.T) {
	answers := []struct {
		status int
		body   string
		line   string // what stdout says of the event
		err    string // what stderr says, when the answer is not accepted
	}{
		{200, `{"action":"do_not_propagate"}`, "answer: dropped (do_not_propagate)", ""},
		{200, `{"moderated": true, "score": 0.1}`, "answer: metadata added at @injected.webhooks.", ""},
		{204, ``, "answer: unchanged (empty answer)", ""},
		{200, `{"action":"drop"}`, "answer: not accepted", `event 4 \(before_message\): the answer is not one CometChat accepts: action "drop" is not "do_not_propagate"`},
		{200, `OK`, "answer: not accepted", `event 5 \(before_message\): the answer is not one CometChat accepts: not JSON`},
		{200, `["x"]`, "answer: not accepted", `event 6 \(before_message\): .*a JSON array, not an object`},
		{500, `{"action":"do_not_propagate"}`, "500", `event 7 \(before_message\): HTTP 500`},
	}
	i := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		a := answers[i%len(answers)]
		i++
		w.WriteHeader(a.status)
		io.WriteString(w, a.body)
	}))
	defer srv.Close()
	var stdout, stderr bytes.Buffer
	code := run(&env{stdout: &stdout, stderr: &stderr}, []string{"webhook", "send", "--webhook", "before_message", "-n", "7", "--check-answers", srv.URL})
	if code != exitInvalid {
		t.Errorf("exit %d, want %d", code, exitInvalid)
	}
	lines := strings.Split(stdout.String(), "\n")
	for k, a := range answers {
		if !strings.Contains(lines[k], a.line) {
			t.Errorf("event %d: line %q, want %q", k+1, lines[k], a.line)
		}
		if a.err != "" && !regexp.MustCompile(a.err).MatchString(stderr.String()) {
			t.Errorf("event %d: stderr lacks %q:\n%s", k+1, a.err, stderr.String())
		}
	}
	if !strings.Contains(lines[1], "{moderated, score}") {
		t.Errorf("the injected keys are not said: %q", lines[1])
	}
	if !strings.Contains(stdout.String(), "before_message answers: 1 dropped, 1 added metadata, 1 unchanged, 3 not accepted") {
		t.Errorf("stdout:\n%s", stdout.String())
	}
	if !strings.Contains(stderr.String(), "3 answers to before_message were not ones CometChat accepts") ||
		!strings.Contains(stderr.String(), "1 of 7 events were not answered 2xx") {
		t.Errorf("stderr:\n%s", stderr.String())
	}

	// Every answer accepted: exit 0. Answers to other triggers are not
	// read.
	i = 0
	answers = answers[:3]
	stdout.Reset()
	code = run(&env{stdout: &stdout, stderr: io.Discard}, []string{"webhook", "send", "--webhook", "before_message", "-n", "3", "--check-answers", srv.URL})
	if code != exitOK {
		t.Errorf("exit %d for answers CometChat accepts:\n%s", code, stdout.String())
	}
	i = 3
	answers = []struct {
		status int
		body   string
		line   string
		err    string
	}{{200, "OK", "", ""}}
	stdout.Reset()
	code = run(&env{stdout: &stdout, stderr: io.Discard}, []string{"webhook", "send", "--webhook", "message_sent", "-n", "2", "--check-answers", srv.URL})
	if code != exitOK || strings.Contains(stdout.String(), "answer:") {
		t.Errorf("exit %d; answers to message_sent were read:\n%s", code, stdout.String())
	}
}

// --faults breaks the share of a world's events it is given, each in one
// labelled way, and the count it reports is the count of invalid
// deliveries a validator finds among what was sent; the same seed breaks
// the same events.
func TestWebhookSendFaults(t *testing.T) {
	dir := t.TempDir()
	if code := run(&env{stdout: io.Discard, stderr: io.Discard}, []string{"generate", "world", "--users", "10", "--groups", "2", "--messages", "120", "--seed", "2", "-o", dir}); code != exitOK {
		t.Fatalf("generate world: exit %d", code)
	}
	v, _ := validate.New(validate.Options{})
	send := func(args ...string) (stdout string, invalid int, bodies [][]byte) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			bodies = append(bodies, b)
			if vd := v.Check(b); len(vd.Violations) > 0 {
				invalid++
			}
		}))
		defer srv.Close()
		var out bytes.Buffer
		if code := run(&env{stdout: &out, stderr: io.Discard}, append(args, srv.URL)); code != exitOK {
			t.Fatalf("%v: exit %d", args, code)
		}
		return out.String(), invalid, bodies
	}
	events, _ := os.ReadFile(filepath.Join(dir, "events.ndjson"))
	want := bytes.Count(events, []byte("\n"))

	out, invalid, bodies := send("webhook", "send", "--world", dir)
	if len(bodies) != want || invalid != 0 {
		t.Fatalf("the world: %d of %d events sent, %d invalid", len(bodies), want, invalid)
	}
	for k, l := range bytes.Split(bytes.TrimSuffix(events, []byte("\n")), []byte("\n")) {
		if !bytes.Equal(l, bodies[k]) {
			t.Fatalf("event %d was not sent as written, in order", k+1)
		}
	}
	if strings.Contains(out, "broken") {
		t.Errorf("events broken without --faults:\n%s", out)
	}

	out, invalid, _ = send("webhook", "send", "--world", dir, "--faults", "0.2", "--seed", "5")
	m := regexp.MustCompile(`(?m)^(\d+) of (\d+) events broken on purpose \(--faults 0.2, seed 5\)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no count of broken events:\n%s", out)
	}
	labelled := strings.Count(out, " broken: ")
	if m[1] != itoa(invalid) || labelled != invalid || invalid < want/10 || invalid > want/3 {
		t.Errorf("send says %s broken, %d lines labelled; the validator found %d invalid of %d", m[1], labelled, invalid, want)
	}
	again, _, _ := send("webhook", "send", "--world", dir, "--faults", "0.2", "--seed", "5")
	if stripTimes(again) != stripTimes(out) {
		t.Error("the same seed broke other events")
	}
	all, invalid, _ := send("webhook", "send", "--world", dir, "--faults", "1")
	if invalid != want || !strings.Contains(all, itoa(want)+" of "+itoa(want)+" events broken on purpose") {
		t.Errorf("--faults 1: %d invalid of %d", invalid, want)
	}
}

// readDeliveries reads the deliveries of a file as send's second pass
// does.
func readDeliveries(p string) ([]delivery, error) {
	var out []delivery
	_, err := scanDeliveries(p, func(raw []byte) bool {
		out = append(out, delivery{trigger: triggerOf(raw), body: bytes.Clone(raw)})
		return true
	})
	return out, err
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// stripTimes drops the consumer's times from send's output.
func stripTimes(s string) string {
	return regexp.MustCompile(`\d+\.\dms|in \S+ \(\d+/s\)|median .*`).ReplaceAllString(s, "")
}

// Mistakes with --world and --faults exit 2 and say what to do.
func TestWebhookSendWorldErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--world", t.TempDir()}, "has no events.ndjson: write the world with 'ccconform generate world -o"},
		{[]string{"--world", "w", "-n", "3"}, "--world and FILE arguments or --webhook, -n, --seed, --invalid are exclusive"},
		{[]string{"--world", "w", "x.ndjson"}, "are exclusive"},
		{[]string{"--faults", "1.5"}, "--faults 1.5: give the share of events to break, from 0 to 1"},
		{[]string{"--faults", "-0.1"}, "--faults -0.1"},
		{[]string{"--faults", "0.1", "--invalid"}, "--faults and --invalid are exclusive"},
	} {
		var stderr bytes.Buffer
		code := run(&env{stdout: io.Discard, stderr: &stderr}, append(append([]string{"webhook", "send"}, c.args...), "http://127.0.0.1:1"))
		if code != exitUsage || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("%v: exit %d, stderr %q; want %q", c.args, code, stderr.String(), c.want)
		}
	}
}

// Files are read as validate reads them: values one after another too,
// and a file that cannot be split into values stops the run, naming the
// line, before anything is sent.
func TestReadDeliveriesAsValidate(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "pretty.json")
	os.WriteFile(p, []byte("{\n  \"trigger\": \"a\",\n  \"data\": {}\n}\n{\n  \"trigger\": \"b\",\n  \"data\": {}\n}\n"), 0o644)
	ds, err := readDeliveries(p)
	if err != nil || len(ds) != 2 || ds[1].trigger != "b" {
		t.Fatalf("%v %v", ds, err)
	}
	p = filepath.Join(dir, "open.json")
	os.WriteFile(p, []byte("[{\"trigger\":\"a\",\"data\":{}},\n"), 0o644)
	if _, err := readDeliveries(p); err == nil || !strings.Contains(err.Error(), "open.json line ") || !strings.Contains(err.Error(), "nothing was sent") {
		t.Errorf("an array left open: %v", err)
	}
}

// rawConsumer serves on loopback with a handler of the raw connection,
// called once a request has been read whole; it returns the URL.
func rawConsumer(t *testing.T, handle func(c *net.TCPConn, n int)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for n := 1; ; n++ {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				req, err := http.ReadRequest(bufio.NewReader(c))
				if err != nil {
					return
				}
				io.Copy(io.Discard, req.Body)
				handle(c.(*net.TCPConn), n)
			}()
		}
	}()
	return "http://" + ln.Addr().String() + "/hooks"
}

// A consumer that takes the connection and then fails it (a reset, a
// close, a status with no body after it, no answer at all) has answered
// the event badly: send goes on, names each event, prints its summary and
// exits 1. Exit 2 is for a URL where nothing listens.
func TestWebhookSendBrokenConsumers(t *testing.T) {
	stop := make(chan struct{})
	defer close(stop)
	headersOnly := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Length", "100")
		w.WriteHeader(http.StatusOK)
		io.WriteString(w, `{"act`)
		w.(http.Flusher).Flush()
		select {
		case <-stop:
		case <-r.Context().Done():
		}
	}))
	defer headersOnly.Close()
	stall := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		select {
		case <-stop:
		case <-r.Context().Done():
		}
	}))
	defer stall.Close()
	for _, c := range []struct {
		name, url string
		args      []string
		line      string // the first event's line on stdout
		err       string // what stderr says of event 1
	}{
		{"reset", rawConsumer(t, func(c *net.TCPConn, _ int) { c.SetLinger(0) }), nil,
			"1 message_sent error ", `event 1 \(message_sent\): the consumer reset the connection \(.*connection reset by peer\): no answer`},
		{"close", rawConsumer(t, func(*net.TCPConn, int) {}), nil,
			"1 message_sent error ", `event 1 \(message_sent\): the consumer closed the connection \(.*EOF\): no answer`},
		{"cut short", rawConsumer(t, func(c *net.TCPConn, _ int) {
			io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n{\"a")
		}), nil, "1 message_sent error ", `event 1 \(message_sent\): HTTP 200 OK came, but the rest of the answer did not: the consumer closed the connection \(unexpected EOF\)`},
		{"headers, no body", headersOnly.URL, nil,
			"1 message_sent timeout ", `event 1 \(message_sent\): HTTP 200 OK came, but not the rest of the answer within 300ms \(--timeout\)`},
		{"headers, no body, answers read", headersOnly.URL, []string{"--webhook", "before_message", "--check-answers"},
			"1 before_message timeout ", `event 1 \(before_message\): HTTP 200 OK came, but not the rest of the answer within 300ms`},
		{"stall", stall.URL, nil,
			"1 message_sent timeout ", `event 1 \(message_sent\): no answer within 300ms \(--timeout\)`},
	} {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			args := append(append([]string{"webhook", "send", "-n", "2", "--timeout", "300ms"}, c.args...), c.url)
			code := run(&env{stdout: &stdout, stderr: &stderr}, args)
			if code != exitInvalid {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, exitInvalid, stdout.String(), stderr.String())
			}
			if !strings.HasPrefix(stdout.String(), c.line) {
				t.Errorf("stdout does not start %q:\n%s", c.line, stdout.String())
			}
			if !regexp.MustCompile(c.err).MatchString(stderr.String()) {
				t.Errorf("stderr lacks %q:\n%s", c.err, stderr.String())
			}
			if !strings.Contains(stdout.String(), "2 events sent in ") || !strings.Contains(stdout.String(), ": 0 answered 2xx, 2 not") ||
				!strings.Contains(stderr.String(), "2 of 2 events were not answered 2xx") {
				t.Errorf("no summary of both events:\n%s\n%s", stdout.String(), stderr.String())
			}
			if strings.Contains(stdout.String(), "answer: not accepted") || strings.Contains(stderr.String(), "not JSON") {
				t.Errorf("an answer that never came was read:\n%s\n%s", stdout.String(), stderr.String())
			}
		})
	}
}

// A consumer that goes away mid-run: after maxRefusedInARow events in a
// row whose connection is refused, send stops, counts what it did not
// send, and exits 1; the same when the events come from a file.
func TestWebhookSendConsumerGone(t *testing.T) {
	serve := func(answered int) string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
			if n++; n == answered {
				w.Header().Set("Connection", "close")
				ln.Close() // nothing listens any more
			}
		})}
		go srv.Serve(ln)
		t.Cleanup(func() { srv.Close() })
		return "http://" + ln.Addr().String()
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "hooks.ndjson")
	var lines strings.Builder
	for i := range 40 {
		fmt.Fprintf(&lines, `{"trigger":"t%d","data":{}}`+"\n", i+1)
	}
	os.WriteFile(file, []byte(lines.String()), 0o644)
	for _, c := range []struct {
		args          []string
		total, gone   int
		firstRefused  string
		stoppedNaming string
	}{
		{[]string{"-n", "100"}, 100, 3, "4 user_mentioned error ", "(events 4 to 8): stopping; events 9 to 100 (92) were not sent"},
		{[]string{file}, 40, 3, "4 t4 error ", "(events 4 to 8): stopping; events 9 to 40 (32) were not sent"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(&env{stdout: &stdout, stderr: &stderr}, append(append([]string{"webhook", "send"}, c.args...), serve(c.gone)))
		if code != exitInvalid {
			t.Errorf("%v: exit %d, want %d\n%s", c.args, code, exitInvalid, stderr.String())
		}
		out := stdout.String()
		if !strings.Contains(out, c.firstRefused) || strings.Count(out, " error ") != maxRefusedInARow {
			t.Errorf("%v: want %d refused events from %q:\n%s", c.args, maxRefusedInARow, c.firstRefused, out)
		}
		notSent := c.total - c.gone - maxRefusedInARow
		if !strings.Contains(out, "8 events sent in ") || !strings.Contains(out, fmt.Sprintf(": 3 answered 2xx, 5 not; %d not sent (the consumer stopped taking connections)", notSent)) {
			t.Errorf("%v: summary:\n%s", c.args, out)
		}
		if !strings.Contains(stderr.String(), "the consumer refused the connection for 5 events in a row "+c.stoppedNaming) ||
			!strings.Contains(stderr.String(), fmt.Sprintf("%d events were not sent", notSent)) {
			t.Errorf("%v: stderr:\n%s", c.args, stderr.String())
		}
	}
}

// --rate is a ceiling: events held back by a slow answer do not go in a
// burst once it comes.
func TestWebhookSendRateIsACeiling(t *testing.T) {
	const interval = 50 * time.Millisecond
	var mu sync.Mutex
	var arrived []time.Time
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		mu.Lock()
		arrived = append(arrived, time.Now())
		first := len(arrived) == 1
		mu.Unlock()
		if first {
			time.Sleep(12 * interval) // the due times of events 2 to 12 pass
		}
	}))
	defer srv.Close()
	if code := run(&env{stdout: io.Discard, stderr: io.Discard}, []string{"webhook", "send", "-n", "6", "--rate", "20", srv.URL}); code != exitOK {
		t.Fatalf("exit %d", code)
	}
	if len(arrived) != 6 {
		t.Fatalf("%d events arrived, want 6", len(arrived))
	}
	for k := 2; k < len(arrived); k++ {
		// The sender spaces its requests by interval; their arrival may
		// jitter by a little.
		if gap := arrived[k].Sub(arrived[k-1]); gap < interval*8/10 {
			t.Errorf("events %d and %d arrived %v apart, at --rate 20 (one each %v)", k, k+1, gap, interval)
		}
	}
}

// send holds one event at a time, not its files: memory stays flat
// however large the files are.
func TestWebhookSendStreamsItsFiles(t *testing.T) {
	const events, size = 240, 100 << 10
	p := filepath.Join(t.TempDir(), "big.ndjson")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	pad := strings.Repeat("x", size)
	for i := range events {
		fmt.Fprintf(f, `{"trigger":"t%d","data":{"pad":"%s"}}`+"\n", i, pad)
	}
	f.Close()
	var held uint64
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if n++; n == events-10 {
			runtime.GC()
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			held = m.HeapAlloc
		}
	}))
	defer srv.Close()
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	if code := run(&env{stdout: io.Discard, stderr: io.Discard}, []string{"webhook", "send", p, srv.URL}); code != exitOK {
		t.Fatalf("exit %d", code)
	}
	if n != events {
		t.Fatalf("%d events arrived, want %d", n, events)
	}
	// The file is 24 MB; a sender that held it would hold all of it here.
	if grown := int64(held) - int64(before.HeapAlloc); grown > events*size/4 {
		t.Errorf("the heap grew by %d MB by the end of a %d MB file", grown>>20, events*size>>20)
	}
}
