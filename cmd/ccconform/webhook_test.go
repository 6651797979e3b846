package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ccconform/ccconform/types"
	"github.com/ccconform/ccconform/validate"
	"github.com/ccconform/ccconform/validate/report"
)

func TestWebhookSendFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want webhookSendOptions
	}{
		{[]string{"http://h/x"}, webhookSendOptions{args: []string{"http://h/x"}, trigger: "all", n: 10, seed: 1, timeout: 10 * time.Second}},
		{[]string{"--webhook", "call_busy", "-n", "3", "--seed", "7", "--invalid", "--rate", "2.5", "--timeout", "1s", "http://h"},
			webhookSendOptions{args: []string{"http://h"}, trigger: "call_busy", n: 3, seed: 7, invalid: true, rate: 2.5, timeout: time.Second, generated: true}},
		{[]string{"a.ndjson", "b.json", "http://h"}, webhookSendOptions{args: []string{"a.ndjson", "b.json", "http://h"}, trigger: "all", n: 10, seed: 1, timeout: 10 * time.Second}},
	} {
		var got *webhookSendOptions
		e := &env{stdout: io.Discard, stderr: io.Discard}
		c := newWebhookSendCmd(e, func(o *webhookSendOptions) int { got = o; return 0 })
		c.SetArgs(tc.args)
		if err := c.Execute(); err != nil {
			t.Fatalf("%v: %v", tc.args, err)
		}
		if got.trigger != tc.want.trigger || got.n != tc.want.n || got.seed != tc.want.seed || got.invalid != tc.want.invalid ||
			got.rate != tc.want.rate || got.timeout != tc.want.timeout || got.generated != tc.want.generated ||
			strings.Join(got.args, " ") != strings.Join(tc.want.args, " ") {
			t.Errorf("%v: got %+v, want %+v", tc.args, *got, tc.want)
		}
	}
}

func TestWebhookListenFlags(t *testing.T) {
	var got *webhookListenOptions
	e := &env{stdout: io.Discard, stderr: io.Discard}
	c := newWebhookListenCmd(e, func(o *webhookListenOptions) int { got = o; return 0 })
	c.SetArgs([]string{"--addr", "127.0.0.1:0", "--basic-auth", "--max-bytes", "64KiB", "--format", "json", "-o", "r.jsonl", "--coverage", "--url-file", "u"})
	if err := c.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.listenAddr != "127.0.0.1:0" || !got.basicAuth || got.maxBody != 64<<10 || got.format != "json" || got.out != "r.jsonl" || !got.coverage || got.urlFile != "u" {
		t.Errorf("got %+v", *got)
	}
}

func TestReadDeliveries(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, text string
		want       []string // the triggers
	}{
		{"lines.ndjson", "{\"trigger\":\"a\",\"data\":{}}\n\n{\"trigger\":\"b\",\"data\":{}}\nnot json\n", []string{"a", "b", "-"}},
		{"array.json", `[{"trigger":"a","data":{}}, {"trigger":"b","data":{}}]`, []string{"a", "b"}},
		{"one.json", "{\n  \"trigger\": \"call_busy\",\n  \"data\": {}\n}\n", []string{"call_busy"}},
		{"bom.json", "\xEF\xBB\xBF{\"trigger\":\"x\",\"data\":{}}", []string{"x"}},
	} {
		p := filepath.Join(dir, tc.name)
		if err := os.WriteFile(p, []byte(tc.text), 0o644); err != nil {
			t.Fatal(err)
		}
		ds, err := readDeliveries(p)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		var got []string
		for _, d := range ds {
			got = append(got, d.trigger)
		}
		if strings.Join(got, ",") != strings.Join(tc.want, ",") {
			t.Errorf("%s: triggers %v, want %v", tc.name, got, tc.want)
		}
	}
	p := filepath.Join(dir, "empty.ndjson")
	os.WriteFile(p, []byte("\n \n"), 0o644)
	if _, err := readDeliveries(p); err == nil {
		t.Error("a file of blank lines gave no error")
	}
}

// TestWebhookSendAsCometChat checks what a delivery looks like on the
// wire, and that a consumer echoing the credentials cannot make send show
// them.
func TestWebhookSendAsCometChat(t *testing.T) {
	var got []*http.Request
	var bodies [][]byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got, bodies = append(got, r), append(bodies, b)
		user, pass, _ := r.BasicAuth()
		http.Error(w, "who is "+user+":"+pass+"? "+r.Header.Get("Authorization"), http.StatusForbidden)
	}))
	defer srv.Close()
	t.Setenv(webhookAuthEnv, "hooks:sesame-street-secret")
	var stdout, stderr bytes.Buffer
	code := run(&env{stdout: &stdout, stderr: &stderr}, []string{"webhook", "send", "--webhook", "message_sent", "-n", "2", srv.URL + "/hooks"})
	if code != exitInvalid {
		t.Errorf("exit %d, want %d\n%s", code, exitInvalid, stderr.String())
	}
	if len(got) != 2 {
		t.Fatalf("%d requests, want 2", len(got))
	}
	r := got[0]
	if r.Method != http.MethodPost || r.URL.Path != "/hooks" || r.Header["Content-Type"][0] != "Application/json" {
		t.Errorf("request %s %s, Content-Type %q", r.Method, r.URL.Path, r.Header["Content-Type"])
	}
	var d map[string]any
	if err := json.Unmarshal(bodies[0], &d); err != nil || d["trigger"] != "message_sent" {
		t.Errorf("body %s: %v", bodies[0], err)
	}
	for _, out := range []string{stdout.String(), stderr.String()} {
		if strings.Contains(out, "sesame") || strings.Contains(out, "aG9va3M6c2VzYW1l") {
			t.Errorf("the output shows the secret:\n%s", out)
		}
	}
	if !strings.Contains(stderr.String(), "event 1 (message_sent): HTTP 403 Forbidden: who is [redacted]? Basic [redacted]") {
		t.Errorf("stderr:\n%s", stderr.String())
	}
	if !strings.Contains(stdout.String(), "1 message_sent 403 ") {
		t.Errorf("stdout:\n%s", stdout.String())
	}
}

// TestWebhookSendRate checks that --rate spaces the events.
func TestWebhookSendRate(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	start := time.Now()
	code := run(&env{stdout: io.Discard, stderr: io.Discard}, []string{"webhook", "send", "-n", "4", "--rate", "20", srv.URL})
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Errorf("4 events at 20/s took %v, want at least 150ms", d)
	}
}

// newTestListener returns a listener whose report goes to buf.
func newTestListener(t *testing.T, maxBody int64, auth webhookAuth, buf *bytes.Buffer) *hookListener {
	t.Helper()
	v, err := validate.New(validate.Options{Workers: 1, Kind: types.KindWebhook})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := report.New("json", buf, report.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cov, err := validate.NewCoverage()
	if err != nil {
		t.Fatal(err)
	}
	h := &hookListener{v: v, maxBody: maxBody, auth: auth, log: io.Discard, seen: map[[32]byte]int{},
		cov: cov, sum: report.NewSummary(), rep: &flushedReport{rep: rep}}
	if auth.set {
		h.want = sha256.Sum256([]byte(auth.user + ":" + auth.password))
	}
	return h
}

func TestWebhookListener(t *testing.T) {
	var buf bytes.Buffer
	h := newTestListener(t, 64, webhookAuth{user: "u", password: "p4ss", set: true}, &buf)
	post := func(body string, user, pass string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodPost, "/hook", strings.NewReader(body))
		if user != "" {
			r.SetBasicAuth(user, pass)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	small := `{"trigger":"nope","data":{}}`
	for _, tc := range []struct {
		body, user, pass string
		code             int
		verdict          string
	}{
		{small, "", "", http.StatusUnauthorized, ""},
		{small, "u", "wrong", http.StatusUnauthorized, ""},
		{small, "u", "p4ss", http.StatusOK, "invalid"},
		{`{"uid":"a","name":"A","status":"online"}`, "u", "p4ss", http.StatusOK, "invalid"},
		{strings.Repeat(" ", 65), "u", "p4ss", http.StatusRequestEntityTooLarge, "invalid"},
		{small, "u", "p4ss", http.StatusOK, "invalid"},
	} {
		w := post(tc.body, tc.user, tc.pass)
		if w.Code != tc.code || w.Header().Get("X-Ccconform-Verdict") != tc.verdict {
			t.Errorf("%.20s as %s:%s: %d %q, want %d %q", tc.body, tc.user, tc.pass, w.Code, w.Header().Get("X-Ccconform-Verdict"), tc.code, tc.verdict)
		}
	}
	r := httptest.NewRequest(http.MethodGet, "/hook", nil)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET: %d", w.Code)
	}
	if err := h.rep.Close(h.sum); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		`"source":"POST /hook #2"},"kind":"webhook"`,
		`has no trigger and no data: a webhook delivery is an object with both; it looks like a document of the model (it has uid), not a delivery`,
		`"kind":"webhook","violations":[{"pointer":"","rule":"size","message":"a delivery of 65 bytes, over the limit of 64 (--max-bytes): answered 413, not checked (raise --max-bytes to check it)"}]`,
		`"note":"duplicate delivery (the same body as #1)"`,
		`"documents":4,"valid":0,"invalid":4`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the report lacks %s:\n%s", want, out)
		}
	}
	if h.refused != 2 {
		t.Errorf("refused %d, want 2", h.refused)
	}
}

// A consumer's answer is cut at 200 bytes: a secret at the cut must not show
// in part.
func TestWebhookSendCutsAnswersWithoutShowingSecrets(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, pass, _ := r.BasicAuth()
		http.Error(w, strings.Repeat("x", 190)+"hooks:"+pass, http.StatusInternalServerError)
	}))
	defer srv.Close()
	t.Setenv(webhookAuthEnv, "hooks:s3<cr&t-passphrase")
	var stdout, stderr bytes.Buffer
	code := run(&env{stdout: &stdout, stderr: &stderr}, []string{"webhook", "send", "--webhook", "message_sent", "-n", "1", srv.URL})
	if code != exitInvalid {
		t.Errorf("exit %d, want %d", code, exitInvalid)
	}
	for _, out := range []string{stdout.String(), stderr.String()} {
		if strings.Contains(out, "s3<c") || strings.Contains(out, "s3") && strings.Contains(out, "hooks:s") {
			t.Errorf("a part of the secret shows:\n%s", out)
		}
	}
}

// A flood of deliveries slow to send their bodies: at most N are read and
// checked at once, 4N wait with only their headers read, and the rest are
// answered 503 with Retry-After at once. None is lost or counted twice, and
// the listener holds nothing once the flood is over.
func TestWebhookListenerBoundsAFlood(t *testing.T) {
	const slots, sent = 3, 40
	const waiting, turnedAway = waitingPerSlot * slots, sent - slots - waitingPerSlot*slots
	var buf bytes.Buffer
	h := newTestListener(t, 1<<20, webhookAuth{}, &buf)
	h.limit(slots)
	baseline := runtime.NumGoroutine()
	srv := httptest.NewServer(h)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: sent}}
	type answer struct {
		code       int
		retryAfter string
	}
	answers := make(chan answer, sent)
	rest := make([]func(), sent)
	for i := range sent {
		pr, pw := io.Pipe()
		head := `{"trigger":"group_deleted","data":{"group":`
		tail := fmt.Sprintf(`{"guid":"g%d","name":"G","type":"public","createdAt":1638361550}}}`, i)
		go pw.Write([]byte(head)) // the first half now; the rest when let go
		rest[i] = func() { pw.Write([]byte(tail)); pw.Close() }
		go func() {
			resp, err := client.Post(srv.URL+"/hook", "Application/json", pr)
			if err != nil {
				answers <- answer{code: -1}
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			answers <- answer{resp.StatusCode, resp.Header.Get("Retry-After")}
		}()
	}
	// The flood settles: N read, 4N wait, the rest turned away.
	state := func() (int, int64, int) {
		h.mu.Lock()
		defer h.mu.Unlock()
		return len(h.slots), h.waiting.Load(), h.busy
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		r, w, b := state()
		if r == slots && w == waiting && b == turnedAway {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("reading %d, waiting %d, turned away %d; want %d, %d, %d", r, w, b, slots, waiting, turnedAway)
		}
		time.Sleep(5 * time.Millisecond)
	}
	for _, f := range rest {
		go f()
	}
	codes := map[int]int{}
	for range sent {
		a := <-answers
		codes[a.code]++
		if a.code == http.StatusServiceUnavailable && a.retryAfter != "1" {
			t.Errorf("a 503 with Retry-After %q", a.retryAfter)
		}
	}
	if codes[http.StatusOK] != slots+waiting || codes[http.StatusServiceUnavailable] != turnedAway || len(codes) != 2 {
		t.Errorf("answers %v, want %d 200 and %d 503", codes, slots+waiting, turnedAway)
	}
	srv.Close()
	client.CloseIdleConnections()
	if err := h.rep.Close(h.sum); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	// Each delivery checked is reported once, valid, and none twice.
	for i := 1; i <= slots+waiting; i++ {
		if n := strings.Count(out, fmt.Sprintf(`"source":"POST /hook #%d"}`, i)); n != 1 {
			t.Errorf("delivery #%d is reported %d times", i, n)
		}
	}
	if h.sum.Documents != slots+waiting || h.sum.Invalid != 0 || strings.Contains(out, "duplicate") {
		t.Errorf("%d documents, %d invalid; want %d valid, no duplicate:\n%s", h.sum.Documents, h.sum.Invalid, slots+waiting, out)
	}
	if len(h.slots) != 0 || h.waiting.Load() != 0 {
		t.Errorf("after the flood: %d slots held, %d waiting", len(h.slots), h.waiting.Load())
	}
	for deadline := time.Now().Add(10 * time.Second); runtime.NumGoroutine() > baseline+2; {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines after the flood, %d before", runtime.NumGoroutine(), baseline)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestWebhookListenCoverage: --coverage writes, from the coverage report,
// the triggers seen and never seen, the fields of their entities, and per
// part the fields other triggers' entities at the same place had at times.
func TestWebhookListenCoverage(t *testing.T) {
	var buf bytes.Buffer
	h := newTestListener(t, 1<<20, webhookAuth{}, &buf)
	for _, f := range []string{"message_sent.json", "group_member_added.json", "group_member_added.json",
		"moderation_engine_approved-live.json", "moderation_engine_approved-docs.json"} {
		body, err := os.ReadFile(filepath.Join("..", "..", "fixtures", "webhooks", f))
		if err != nil {
			t.Fatal(err)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/hook", bytes.NewReader(body)))
	}
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/hook", strings.NewReader(`{"trigger":"nope","data":{}}`)))
	var out bytes.Buffer
	h.writeCoverage(&out)
	got := out.String()
	for _, want := range []string{
		"triggers seen: group_member_added 2, message_sent 1, moderation_engine_approved 2, nope 1\n",
		"triggers of the model never seen (33 of 36): message_edited, ",
		"\nuser (rest, in webhook deliveries): ",
		"\ntextMessage (rest, in webhook deliveries): 3 entities, ",
		"\ngroup (rest, in webhook deliveries): 2 entities, ",
		// The part that never had what another trigger's messages
		// had at times: a moderation's rules, in one approval of two.
		"\nmessage_sent /data/message (textMessage): 1 entities; never seen /data/moderation, which other triggers' textMessage entities at /data/message had at times\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("coverage lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "(rest): ") {
		t.Errorf("coverage lists documents where deliveries came:\n%s", got)
	}
}

// A delivery is answered 200 only once its verdict is written out: with a
// report that cannot be written (a full disk), deliveries are answered
// 500, so that CometChat retries them, and the log says why, once.
func TestWebhookListenerAnswers500WhenItCannotRecord(t *testing.T) {
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skip("no /dev/full here:", err)
	}
	defer full.Close()
	var unused bytes.Buffer
	h := newTestListener(t, 1<<20, webhookAuth{}, &unused)
	rep, err := report.New("json", full, report.Options{})
	if err != nil {
		t.Fatal(err)
	}
	h.rep = &flushedReport{rep: rep}
	var log bytes.Buffer
	h.log = &syncWriter{w: &log}
	body, err := os.ReadFile(filepath.Join("..", "..", "fixtures", "webhooks", "message_sent.json"))
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/hook", bytes.NewReader(body)))
		if w.Code != http.StatusInternalServerError {
			t.Errorf("answered %d to a delivery the report could not take, want 500", w.Code)
		}
	}
	if h.unrecorded != 3 || h.sum.Documents != 0 {
		t.Errorf("%d unrecorded, %d in the summary; want 3 and 0", h.unrecorded, h.sum.Documents)
	}
	if n := strings.Count(log.String(), "cannot write the report: write /dev/full: no space left on device: answering 500"); n != 1 {
		t.Errorf("the report's failure is said %d times:\n%s", n, log.String())
	}
	if n := strings.Count(log.String(), ": answered 500: the report cannot be written"); n != 3 {
		t.Errorf("%d deliveries said to be answered 500:\n%s", n, log.String())
	}
}

// Every delivery answered 200 is in the report: one whose body is still
// coming when the report closes (the shutdown's grace is over) is
// answered 503 with Retry-After, not 200 with its verdict dropped.
func TestWebhookListenerAnswers200OnlyWhenReported(t *testing.T) {
	var buf bytes.Buffer
	h := newTestListener(t, 1<<20, webhookAuth{}, &buf)
	h.limit(4)
	srv := httptest.NewServer(h)
	defer srv.Close()
	body := `{"trigger":"group_deleted","data":{"group":{"guid":"g1","name":"G","type":"public","createdAt":1638361550}}}`
	resp, err := http.Post(srv.URL+"/hook", "Application/json", strings.NewReader(body))
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("the first delivery: %v %v", resp, err)
	}
	resp.Body.Close()

	// The second's headers and half its body come; the report closes
	// while the listener reads the rest.
	c, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	late := strings.Replace(body, "g1", "g2", 1)
	fmt.Fprintf(c, "POST /hook HTTP/1.1\r\nHost: x\r\nContent-Type: Application/json\r\nContent-Length: %d\r\n\r\n%s", len(late), late[:20])
	for deadline := time.Now().Add(10 * time.Second); len(h.slots) != 1; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the second delivery is not being read")
		}
	}
	h.mu.Lock()
	h.closed = true // as runWebhookListen does once the server has stopped
	if err := h.rep.Close(h.sum); err != nil {
		t.Fatal(err)
	}
	h.mu.Unlock()
	io.WriteString(c, late[20:])
	answer, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	if answer.StatusCode != http.StatusServiceUnavailable || answer.Header.Get("Retry-After") == "" {
		t.Errorf("a delivery that came after the report closed: answered %s (Retry-After %q), want 503 with Retry-After",
			answer.Status, answer.Header.Get("Retry-After"))
	}
	if h.late != 1 || h.sum.Documents != 1 || strings.Count(buf.String(), `"source":`) != 1 {
		t.Errorf("%d late, %d in the summary; report:\n%s", h.late, h.sum.Documents, buf.String())
	}
}

// Under load, with the report closing at some point: every delivery is
// answered 200 or 503, and the 200s are exactly the verdicts in the
// report.
func TestWebhookListenerReportsEvery200(t *testing.T) {
	var buf bytes.Buffer
	h := newTestListener(t, 1<<20, webhookAuth{}, &buf)
	h.limit(8)
	srv := httptest.NewServer(h)
	defer srv.Close()
	const senders, each = 8, 40
	var ok, retry, other atomic.Int64
	var wg sync.WaitGroup
	for s := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				body := fmt.Sprintf(`{"trigger":"group_deleted","data":{"group":{"guid":"g%d-%d","name":"G","type":"public","createdAt":1638361550}}}`, s, i)
				resp, err := http.Post(srv.URL+"/hook", "Application/json", strings.NewReader(body))
				if err != nil {
					other.Add(1)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				switch resp.StatusCode {
				case http.StatusOK:
					ok.Add(1)
				case http.StatusServiceUnavailable:
					retry.Add(1)
				default:
					other.Add(1)
				}
			}
		}()
	}
	for ok.Load() < senders*each/3 {
		time.Sleep(time.Millisecond)
	}
	h.mu.Lock()
	h.closed = true
	if err := h.rep.Close(h.sum); err != nil {
		t.Fatal(err)
	}
	h.mu.Unlock()
	wg.Wait()
	reported := strings.Count(buf.String(), `"source":`)
	if other.Load() != 0 || ok.Load()+retry.Load() != senders*each || int64(reported) != ok.Load() || int64(h.sum.Documents) != ok.Load() {
		t.Errorf("%d answered 200, %d 503, %d otherwise; %d verdicts reported, %d in the summary", ok.Load(), retry.Load(), other.Load(), reported, h.sum.Documents)
	}
}
