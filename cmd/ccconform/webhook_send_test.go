package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

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
