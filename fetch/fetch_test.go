package fetch_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ccconform/ccconform/fetch"
)

const secret = "sk-test-0123456789"

// fast returns options for tests: short waits, and the secret header.
func fast() fetch.Options {
	return fetch.Options{Header: http.Header{"Apikey": {secret}}, Timeout: 2 * time.Second,
		Backoff: 5 * time.Millisecond, MaxBackoff: 2 * time.Second}
}

// pages fetches url and returns the page bodies, or the error.
func pages(t *testing.T, opts fetch.Options, url string) ([]fetch.Page, error) {
	t.Helper()
	var got []fetch.Page
	err := fetch.New(opts).Pages(context.Background(), url, func(p fetch.Page) error {
		got = append(got, p)
		return nil
	})
	if err != nil && strings.Contains(err.Error(), secret) {
		t.Fatalf("the error shows the header's value: %v", err)
	}
	return got, err
}

// wantError checks that err is a *fetch.Error with status, whose message
// has every one of the words.
func wantError(t *testing.T, err error, status int, words ...string) {
	t.Helper()
	var fe *fetch.Error
	if !errors.As(err, &fe) {
		t.Fatalf("error %v (%T), want a *fetch.Error", err, err)
	}
	if fe.Status != status {
		t.Errorf("status %d, want %d (%v)", fe.Status, status, err)
	}
	for _, w := range words {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not say %q", err, w)
		}
	}
}

func TestPagePaginationFollowsEveryPage(t *testing.T) {
	const total, per = 23, 5
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		if r.Header.Get("Apikey") != secret {
			http.Error(w, `{"error":{"code":"AUTH"}}`, http.StatusUnauthorized)
			return
		}
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		page = max(page, 1)
		pp, _ := strconv.Atoi(r.URL.Query().Get("perPage"))
		if pp != per {
			t.Errorf("perPage %d, want %d kept across pages", pp, per)
		}
		var items []string
		for i := (page - 1) * per; i < min(page*per, total); i++ {
			items = append(items, fmt.Sprintf(`{"uid":"u%d"}`, i))
		}
		fmt.Fprintf(w, `{"data":[%s],"meta":{"pagination":{"total":%d,"count":%d,"per_page":%d,"current_page":%d,"total_pages":%d}}}`,
			strings.Join(items, ","), total, len(items), per, page, (total+per-1)/per)
	}))
	defer srv.Close()
	got, err := pages(t, fast(), srv.URL+"/v3/users?perPage=5")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for i, p := range got {
		if p.Number != i+1 {
			t.Errorf("page %d numbered %d", i+1, p.Number)
		}
		for j := 0; j < total; j++ {
			if strings.Contains(string(p.Body), fmt.Sprintf(`"u%d"`, j)) {
				seen[fmt.Sprint(j)]++
			}
		}
	}
	if len(got) != 5 || len(seen) != total || int(requests.Load()) != 5 {
		t.Fatalf("%d pages, %d distinct documents, %d requests; want 5, %d, 5", len(got), len(seen), requests.Load(), total)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("document u%s read %d times", id, n)
		}
	}
}

func TestCursorPaginationFollowsMetaNext(t *testing.T) {
	const total, limit = 12, 5
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		from := 0
		if id := q.Get("id"); id != "" {
			if q.Get("affix") != "append" || q.Get("sentAt") == "" {
				t.Errorf("cursor request without affix=append and sentAt: %s", r.URL.RawQuery)
			}
			n, _ := strconv.Atoi(id)
			from = n + 1
		}
		if q.Get("limit") != "5" {
			t.Errorf("limit %q not kept across pages", q.Get("limit"))
		}
		var items []string
		to := min(from+limit, total)
		for i := from; i < to; i++ {
			items = append(items, fmt.Sprintf(`{"id":"%d"}`, i))
		}
		next := ""
		if to < total {
			next = fmt.Sprintf(`,"next":{"affix":"append","sentAt":%d,"id":"%d"}`, 1600000000+to-1, to-1)
		}
		fmt.Fprintf(w, `{"data":[%s],"meta":{"current":{"limit":%d,"count":%d}%s}}`, strings.Join(items, ","), limit, len(items), next)
	}))
	defer srv.Close()
	got, err := pages(t, fast(), srv.URL+"/v3/messages?limit=5")
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	for _, p := range got {
		all = append(all, string(p.Body))
	}
	joined := strings.Join(all, "\n")
	for i := 0; i < total; i++ {
		if n := strings.Count(joined, fmt.Sprintf(`{"id":"%d"}`, i)); n != 1 {
			t.Errorf("message %d read %d times", i, n)
		}
	}
	if len(got) != 3 {
		t.Errorf("%d pages, want 3", len(got))
	}
}

// TestMaxPagesStopsAndSaysSo: stopping at MaxPages with pages unread is
// an error after the pages read, not a clean end; reading the last page
// exactly at MaxPages is one.
func TestMaxPagesStopsAndSaysSo(t *testing.T) {
	for _, total := range []int{100, 3} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			page, _ := strconv.Atoi(r.URL.Query().Get("page"))
			fmt.Fprintf(w, `{"data":[{"uid":"u"}],"meta":{"pagination":{"current_page":%d,"total_pages":%d,"per_page":1}}}`, max(page, 1), total)
		}))
		opts := fast()
		opts.MaxPages = 3
		got, err := pages(t, opts, srv.URL+"/v3/users")
		srv.Close()
		if len(got) != 3 {
			t.Fatalf("%d pages of %d, want 3", len(got), total)
		}
		if total == 3 {
			if err != nil {
				t.Errorf("all 3 pages read, yet %v", err)
			}
			continue
		}
		wantError(t, err, 0, srv.URL+"/v3/users: ", "stopped after 3 pages", "raise --max-pages")
	}
}

func TestSlowServerTimesOut(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	opts := fast()
	opts.Timeout = 100 * time.Millisecond
	start := time.Now()
	_, err := pages(t, opts, srv.URL)
	wantError(t, err, 0, "no answer within 100ms", "--timeout")
	if time.Since(start) > 5*time.Second {
		t.Errorf("gave up after %s", time.Since(start))
	}
}

// silent starts a server that answers nothing and returns its URL and the
// count of requests it saw.
func silent(t *testing.T) (string, *atomic.Int32) {
	var n atomic.Int32
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	return srv.URL, &n
}

// cutter starts a server that reads each request and closes the connection
// without an answer, and returns its URL and the count of connections.
func cutter(t *testing.T) (string, *atomic.Int32) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	var n atomic.Int32
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			n.Add(1)
			conn.SetReadDeadline(time.Now().Add(5 * time.Second))
			var req []byte
			buf := make([]byte, 4096)
			for !strings.Contains(string(req), "\r\n\r\n") {
				k, err := conn.Read(buf)
				req = append(req, buf[:k]...)
				if err != nil {
					break
				}
			}
			conn.Close()
		}
	}()
	return "http://" + ln.Addr().String() + "/v3/users", &n
}

// TestTimeoutIsNotRetried: Timeout bounds the whole fetch of a page, so a
// try that ran out of it is the last, whatever Retries says.
func TestTimeoutIsNotRetried(t *testing.T) {
	url, n := silent(t)
	opts := fast()
	opts.Timeout = 300 * time.Millisecond
	opts.Retries = 3
	var notes []string
	opts.Notify = func(m string) { notes = append(notes, m) }
	_, err := pages(t, opts, url)
	wantError(t, err, 0, "no answer within 300ms", "raise --timeout")
	if n.Load() != 1 || len(notes) != 0 {
		t.Errorf("%d requests, notes %q; want 1 and none: a timeout is not tried again", n.Load(), notes)
	}
}

// TestCutConnectionIsRetried: a connection closed before an answer is
// tried again, Retries times, while Timeout allows.
func TestCutConnectionIsRetried(t *testing.T) {
	url, n := cutter(t)
	opts := fast()
	opts.Timeout = 10 * time.Second
	opts.Retries = 2
	_, err := pages(t, opts, url)
	wantError(t, err, 0, "closed the connection before its answer was complete")
	if n.Load() != 3 {
		t.Errorf("%d connections, want 3 (one and two retries)", n.Load())
	}
}

// TestRetriesStopAtTimeout: the waits between tries count against
// Timeout; a wait that would outlast it ends the fetch, with the last
// try's error and what stopped the retries.
func TestRetriesStopAtTimeout(t *testing.T) {
	// Tries at 0 and 0.7 s; the next wait, 1.4 s, is more than is left
	// of 2 s.
	url, n := cutter(t)
	opts := fast()
	opts.Timeout = 2 * time.Second
	opts.Backoff = 700 * time.Millisecond
	opts.MaxBackoff = time.Minute
	opts.Retries = 5
	_, err := pages(t, opts, url)
	wantError(t, err, 0, "closed the connection", "would outlast --timeout 2s")
	if n.Load() != 2 {
		t.Errorf("%d connections, want 2", n.Load())
	}
}

// TestRetryAfterBeyondTimeout: a Retry-After longer than what is left of
// Timeout is not waited for.
func TestRetryAfterBeyondTimeout(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Retry-After", "30")
		http.Error(w, "overloaded", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	opts := fast()
	opts.Timeout = time.Second
	opts.MaxBackoff = time.Minute
	_, err := pages(t, opts, srv.URL)
	wantError(t, err, 503, "overloaded", "the wait of 30s", "would outlast --timeout 1s")
	if n.Load() != 1 {
		t.Errorf("%d requests, want 1", n.Load())
	}
}

func TestServerErrorIsRetried(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			http.Error(w, "boom", http.StatusInternalServerError)
			return
		}
		fmt.Fprint(w, `{"data":[{"uid":"a"}]}`)
	}))
	defer srv.Close()
	var notes []string
	opts := fast()
	opts.Notify = func(m string) { notes = append(notes, m) }
	got, err := pages(t, opts, srv.URL)
	if err != nil || len(got) != 1 || n.Load() != 2 {
		t.Fatalf("%d pages, %d requests, %v; want 1 page after 2 requests", len(got), n.Load(), err)
	}
	if len(notes) != 1 || !strings.Contains(notes[0], "HTTP 500") {
		t.Errorf("notes %q, want one retry notice naming HTTP 500", notes)
	}
}

func TestServerErrorGivesUp(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		http.Error(w, "still down", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	opts := fast()
	opts.Retries = 2
	_, err := pages(t, opts, srv.URL)
	wantError(t, err, 503, "still down", "(3 tries)")
	if n.Load() != 3 {
		t.Errorf("%d requests, want 3 (one and two retries)", n.Load())
	}
}

func TestTooManyRequestsHonoursRetryAfter(t *testing.T) {
	var first time.Time
	var wait time.Duration
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			first = time.Now()
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		wait = time.Since(first)
		fmt.Fprint(w, `{"data":[]}`)
	}))
	defer srv.Close()
	if _, err := pages(t, fast(), srv.URL); err != nil {
		t.Fatal(err)
	}
	if n.Load() != 2 || wait < 900*time.Millisecond {
		t.Errorf("%d requests, the second after %s; want 2, after the 1 s the server asked", n.Load(), wait)
	}
}

func TestNonJSONBody(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<html><body>Please log in</body></html>")
	}))
	defer srv.Close()
	_, err := pages(t, fast(), srv.URL)
	wantError(t, err, 200, "not JSON", "<html><body>Please log in")
}

func TestOversizedBody(t *testing.T) {
	for _, declared := range []bool{true, false} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body := `{"data":[` + strings.Repeat(`{"uid":"x"},`, 1000) + `{"uid":"y"}]}`
			if declared {
				w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			} else {
				w.(http.Flusher).Flush() // chunked: no length up front
			}
			fmt.Fprint(w, body)
		}))
		opts := fast()
		opts.MaxBytes = 1000
		_, err := pages(t, opts, srv.URL)
		wantError(t, err, 200, "1000", "--max-bytes")
		srv.Close()
	}
}

func TestRedirectToAnotherHostDropsCredentials(t *testing.T) {
	var mu sync.Mutex
	var leaked []string
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		for name, vs := range r.Header {
			for _, v := range vs {
				if strings.Contains(v, secret) {
					leaked = append(leaked, name)
				}
			}
		}
		fmt.Fprint(w, `{"data":[{"uid":"moved"}]}`)
	}))
	defer other.Close()
	// The same server, reached as localhost: another host to the client.
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(other.URL, "http://"))
	var sameHostGotKey atomic.Bool
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/same" {
			sameHostGotKey.Store(r.Header.Get("Apikey") == secret)
			fmt.Fprint(w, `{"data":[]}`)
			return
		}
		if r.URL.Path == "/here" {
			http.Redirect(w, r, "/same", http.StatusFound)
			return
		}
		http.Redirect(w, r, "http://localhost:"+port+"/elsewhere", http.StatusFound)
	}))
	defer origin.Close()

	got, err := pages(t, fast(), origin.URL+"/away")
	if err != nil || len(got) != 1 || !strings.Contains(string(got[0].Body), "moved") {
		t.Fatalf("%d pages, %v; want the moved page", len(got), err)
	}
	if len(leaked) > 0 {
		t.Errorf("the other host received the key in %v", leaked)
	}
	if _, err := pages(t, fast(), origin.URL+"/here"); err != nil {
		t.Fatal(err)
	}
	if !sameHostGotKey.Load() {
		t.Error("a redirect within the same host lost the key")
	}
}

func TestConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	opts := fast()
	_, err = pages(t, opts, "http://"+addr+"/v3/users")
	wantError(t, err, 0, "cannot connect", "check the host and port")
}

func TestUnauthorizedSaysWhatToCheck(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"error":{"message":"bad key `+r.Header.Get("Apikey")+`"}}`)
	}))
	defer srv.Close()
	_, err := pages(t, fast(), srv.URL)
	var fe *fetch.Error
	if !errors.As(err, &fe) || fe.Status != 401 || !strings.Contains(err.Error(), "apikey") {
		t.Fatalf("error %v, want a 401 that says to check the apikey", err)
	}
}

// TestEchoedKeyIsMasked: a key echoed back is masked whole, wherever the
// preview cuts the body, in its JSON-escaped, \u-escaped and HTML-escaped
// forms, and when it is short.
func TestEchoedKeyIsMasked(t *testing.T) {
	uescape := func(s string) string {
		var b strings.Builder
		for _, r := range s {
			fmt.Fprintf(&b, "\\u%04x", r)
		}
		return b.String()
	}
	echoes := map[string]func(string) string{
		"json": func(k string) string { b, _ := json.Marshal(k); return string(b[1 : len(b)-1]) },
		"\\u":  uescape,
		"html": html.EscapeString,
		"entities": func(k string) string {
			var b strings.Builder
			for _, r := range k {
				fmt.Fprintf(&b, "&#%d;", r)
			}
			return b.String()
		},
	}
	keys := map[string]string{secret: "sk-test", `sk"quoted\back<&>`: "quoted", "k3y": "k3y"}
	for key, telltale := range keys {
		for name, echo := range echoes {
			for _, pad := range []int{0, 100, 110, 118} {
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					w.WriteHeader(http.StatusUnauthorized)
					fmt.Fprintf(w, `{"error":"%s %s"}`, strings.Repeat("x", pad), echo(r.Header.Get("Apikey")))
				}))
				opts := fast()
				opts.Header = http.Header{"Apikey": {key}}
				err := fetch.New(opts).Pages(context.Background(), srv.URL, func(fetch.Page) error { return nil })
				srv.Close()
				if err == nil || !strings.Contains(err.Error(), "HTTP 401") {
					t.Fatalf("key %q, %s, pad %d: %v, want a 401", key, name, pad, err)
				}
				if shown := strings.ReplaceAll(err.Error(), `\\`, `\`); strings.Contains(shown, echo(telltale)) || strings.Contains(shown, telltale) {
					t.Errorf("key %q, %s, pad %d: the error shows part of the key: %v", key, name, pad, err)
				}
			}
		}
	}
	// Glued to other letters, a long key is masked too; a short one is
	// masked only as a whole token (above).
	for key, telltale := range keys {
		if len(key) < 4 {
			continue
		}
		for _, pad := range []int{0, 100, 110, 118} {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusUnauthorized)
				b, _ := json.Marshal(map[string]string{"error": strings.Repeat("x", pad) + r.Header.Get("Apikey")})
				w.Write(b)
			}))
			opts := fast()
			opts.Header = http.Header{"Apikey": {key}}
			err := fetch.New(opts).Pages(context.Background(), srv.URL, func(fetch.Page) error { return nil })
			srv.Close()
			if err == nil || !strings.Contains(err.Error(), "HTTP 401") {
				t.Fatalf("key %q, pad %d: %v, want a 401", key, pad, err)
			}
			if strings.Contains(err.Error(), telltale) {
				t.Errorf("key %q, pad %d: the error shows part of the key: %v", key, pad, err)
			}
		}
	}
}

func TestBadURL(t *testing.T) {
	for _, u := range []string{"ftp://example.com/x", "http://", "not a url", "https://user:hunter2@/x"} {
		_, err := pages(t, fast(), u)
		wantError(t, err, 0, "http or https")
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("the error shows the URL's password: %v", err)
		}
	}
}

// TestHugeWaitsAreCapped: a Retry-After far in the future, and many
// retries, wait MaxBackoff at most, never a negative (overflowed) time.
func TestHugeWaitsAreCapped(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("Retry-After", "9300000000")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		fmt.Fprint(w, `{"data":[]}`)
	}))
	defer srv.Close()
	opts := fast()
	opts.MaxBackoff = 300 * time.Millisecond
	start := time.Now()
	if _, err := pages(t, opts, srv.URL); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 250*time.Millisecond || d > 5*time.Second {
		t.Errorf("waited %s; want about MaxBackoff (300ms)", d)
	}
}

// TestRedirectLoopIsNotRetried: a redirect the client refuses is an
// answer, not a network fault to try again.
func TestRedirectLoopIsNotRetried(t *testing.T) {
	var n atomic.Int32
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		http.Redirect(w, r, srv.URL+"/again", http.StatusFound)
	}))
	defer srv.Close()
	_, err := pages(t, fast(), srv.URL)
	wantError(t, err, 0, "more than 10 redirects")
	if n.Load() != 10 {
		t.Errorf("%d requests, want 10: the loop was tried again", n.Load())
	}
}
