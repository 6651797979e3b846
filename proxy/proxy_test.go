package proxy_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/ccconform/ccconform/generate"
	"github.com/ccconform/ccconform/proxy"
	"github.com/ccconform/ccconform/serve"
	"github.com/ccconform/ccconform/types"
	"github.com/ccconform/ccconform/validate"
)

// setup starts a mock API with faults, and a proxy in front of it that
// gathers its verdicts.
func setup(t *testing.T, maxBytes int64) (api *serve.Server, apiURL, proxyURL string, p *proxy.Proxy, verdicts func() []validate.Verdict) {
	t.Helper()
	g, _ := generate.New(generate.Options{Seed: 2})
	w, err := g.World(15, 3, 120)
	if err != nil {
		t.Fatal(err)
	}
	api, err = serve.New(serve.Options{World: w, Seed: 4, Faults: 0.15})
	if err != nil {
		t.Fatal(err)
	}
	upstream := httptest.NewServer(api)
	t.Cleanup(upstream.Close)
	v, _ := validate.New(validate.Options{})
	var mu sync.Mutex
	var got []validate.Verdict
	target, _ := url.Parse(upstream.URL)
	p, err = proxy.New(proxy.Options{Target: target, Validator: v, MaxBytes: maxBytes, Emit: func(vd validate.Verdict) {
		mu.Lock()
		got = append(got, vd)
		mu.Unlock()
	}})
	if err != nil {
		t.Fatal(err)
	}
	front := httptest.NewServer(p)
	t.Cleanup(front.Close)
	return api, upstream.URL, front.URL, p, func() []validate.Verdict {
		p.Wait()
		mu.Lock()
		defer mu.Unlock()
		return append([]validate.Verdict(nil), got...)
	}
}

// plainClient sends requests as they are written: no Accept-Encoding of
// its own, and no transparent decompression.
var plainClient = &http.Transport{DisableCompression: true}

func fetch(t *testing.T, url string, header http.Header) (int, http.Header, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := plainClient.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, b
}

func TestResponsesPassUnchangedAndFaultsAreNamed(t *testing.T) {
	api, direct, via, _, verdicts := setup(t, 0)
	paths := []string{"/v3/users", "/v3/groups", "/v3/messages?limit=1000"}
	docs := 0
	for _, path := range paths {
		s1, h1, b1 := fetch(t, direct+path, nil)
		var env struct{ Data []json.RawMessage }
		if err := json.Unmarshal(b1, &env); err != nil {
			t.Fatal(err)
		}
		docs += len(env.Data)
		s2, h2, b2 := fetch(t, via+path, nil)
		if s1 != s2 || !bytes.Equal(b1, b2) || h1.Get("Content-Type") != h2.Get("Content-Type") {
			t.Errorf("%s: through the proxy %d %q (%d bytes), directly %d %q (%d bytes)", path, s2, h2.Get("Content-Type"), len(b2), s1, h1.Get("Content-Type"), len(b1))
		}
	}
	vds := verdicts()
	var bad []string
	for _, vd := range vds {
		if !vd.OK() {
			bad = append(bad, fmt.Sprintf("%s %s", vd.Location.Source, vd.Violations[0].Rule))
		}
	}
	var want []string
	for _, f := range api.Faults() {
		if strings.Contains(f.Collection, "/members") || f.Collection == "/v3/conversations" {
			continue // not fetched here
		}
		path := f.Collection
		if path == "/v3/messages" {
			path += "?limit=1000"
		}
		want = append(want, fmt.Sprintf("GET %s %s", path, f.Rule))
	}
	sort.Strings(bad)
	sort.Strings(want)
	if len(want) == 0 || strings.Join(bad, "\n") != strings.Join(want, "\n") {
		t.Errorf("the proxy reported\n%s\nthe server injected\n%s", strings.Join(bad, "\n"), strings.Join(want, "\n"))
	}
	if len(vds) != docs {
		t.Errorf("%d verdicts; want one per document of the three lists, %d", len(vds), docs)
	}
}

func TestGzipBodiesAreChecked(t *testing.T) {
	body := `{"data":[{"uid":"a","name":"A","status":"online","role":"default"},{"uid":"b"}]}`
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		zw.Write([]byte(body))
		zw.Close()
	}))
	defer upstream.Close()
	var got []validate.Verdict
	var mu sync.Mutex
	v, _ := validate.New(validate.Options{})
	target, _ := url.Parse(upstream.URL)
	p, _ := proxy.New(proxy.Options{Target: target, Validator: v, Emit: func(vd validate.Verdict) { mu.Lock(); got = append(got, vd); mu.Unlock() }})
	front := httptest.NewServer(p)
	defer front.Close()
	_, h, b := fetch(t, front.URL+"/v3/users", http.Header{"Accept-Encoding": {"gzip"}})
	if h.Get("Content-Encoding") != "gzip" || len(b) == 0 || b[0] != 0x1f {
		t.Fatalf("the client did not get the gzip body as sent: %q", h.Get("Content-Encoding"))
	}
	p.Wait()
	if len(got) != 2 || got[0].Location.Index != 0 || got[1].Location.Index != 1 || got[1].OK() {
		t.Fatalf("verdicts %+v; want two, the second missing its name", got)
	}
}

func TestWhatIsNotCheckedIsSaid(t *testing.T) {
	big := `{"data":[` + strings.Repeat(`{"uid":"x","name":"X"},`, 500) + `{"uid":"y","name":"Y"}]}`
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/big":
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, big)
		case "/image":
			w.Header().Set("Content-Type", "image/png")
			w.Write([]byte{0x89, 'P', 'N', 'G'})
		case "/error":
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"error":{"code":"ERR_UID_NOT_FOUND"}}`)
		case "/broken":
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"data":[{"uid":"a",`)
		}
	}))
	defer upstream.Close()
	var got []validate.Verdict
	var logs []string
	skips := map[string]string{}
	var mu sync.Mutex
	v, _ := validate.New(validate.Options{})
	target, _ := url.Parse(upstream.URL)
	p, _ := proxy.New(proxy.Options{Target: target, Validator: v, MaxBytes: 1000,
		Emit: func(vd validate.Verdict) { mu.Lock(); got = append(got, vd); mu.Unlock() },
		Skip: func(r, why string) { mu.Lock(); skips[r] = why; mu.Unlock() },
		Log:  func(m string) { mu.Lock(); logs = append(logs, m); mu.Unlock() }})
	front := httptest.NewServer(p)
	defer front.Close()
	for _, path := range []string{"/big", "/image", "/error", "/broken"} {
		s1, _, b1 := fetch(t, upstream.URL+path, nil)
		s2, _, b2 := fetch(t, front.URL+path, nil)
		if s1 != s2 || !bytes.Equal(b1, b2) {
			t.Errorf("%s: the proxy changed the response", path)
		}
	}
	p.Wait()
	byPath := map[string]string{}
	for _, vd := range got {
		byPath[vd.Location.Source] = vd.Violations[0].Message
	}
	// Too large is the traffic's matter, not a document's: said, not a
	// verdict. A body that is not JSON is a document that fails.
	if !strings.Contains(skips["GET /big"], "larger than 1000 bytes") {
		t.Errorf("the big body: %q", skips["GET /big"])
	}
	if !strings.Contains(byPath["GET /broken"], "JSON") {
		t.Errorf("the broken body: %q", byPath["GET /broken"])
	}
	if len(got) != 1 || len(skips) != 1 {
		t.Errorf("%d verdicts and %d skipped, want 1 and 1 (the image and the error are not documents)", len(got), len(skips))
	}
	joined := strings.Join(logs, "\n")
	if !strings.Contains(joined, "GET /image: image/png, not checked") || !strings.Contains(joined, "GET /error: 404, not checked") {
		t.Errorf("the log does not say what was skipped:\n%s", joined)
	}
}

func TestTargetDown(t *testing.T) {
	upstream := httptest.NewServer(http.NotFoundHandler())
	target, _ := url.Parse(upstream.URL)
	upstream.Close()
	v, _ := validate.New(validate.Options{})
	p, _ := proxy.New(proxy.Options{Target: target, Validator: v, Emit: func(validate.Verdict) {}})
	front := httptest.NewServer(p)
	defer front.Close()
	status, _, body := fetch(t, front.URL+"/v3/users", nil)
	if status != http.StatusBadGateway || !strings.Contains(string(body), "did not answer") {
		t.Errorf("%d %s; want 502 saying the target did not answer", status, body)
	}
	if _, err := proxy.New(proxy.Options{Target: &url.URL{Scheme: "ftp", Host: "x"}, Validator: v, Emit: func(validate.Verdict) {}}); err == nil {
		t.Error("an ftp target: no error")
	}
}

// TestBudgetBoundsMemory: past the budget of bodies held, bodies pass
// unchecked, unchanged, and the proxy says so.
func TestBudgetBoundsMemory(t *testing.T) {
	body := `{"data":[` + strings.Repeat(`{"uid":"x","name":"X","status":"online"},`, 200) + `{"uid":"y","name":"Y","status":"online"}]}`
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, body)
	}))
	defer upstream.Close()
	var mu sync.Mutex
	var skips []string
	verdicts := 0
	v, _ := validate.New(validate.Options{})
	target, _ := url.Parse(upstream.URL)
	p, _ := proxy.New(proxy.Options{Target: target, Validator: v, MaxPending: 1000,
		Emit: func(validate.Verdict) { mu.Lock(); verdicts++; mu.Unlock() },
		Skip: func(_, why string) { mu.Lock(); skips = append(skips, why); mu.Unlock() }})
	front := httptest.NewServer(p)
	defer front.Close()
	_, _, b := fetch(t, front.URL+"/v3/users", nil)
	p.Wait()
	if string(b) != body {
		t.Fatal("the body changed")
	}
	if verdicts != 0 || len(skips) != 1 || !strings.Contains(skips[0], "budget") {
		t.Errorf("%d verdicts, skips %q; want none checked and the budget named", verdicts, skips)
	}
}

// TestNoAcceptEncodingPassesAsSent: a client that asks for no encoding gets
// the bytes and headers the server sends for that request, not a body the
// proxy asked gzip for and decompressed; the check still reads the
// documents inside the gzip.
func TestNoAcceptEncodingPassesAsSent(t *testing.T) {
	body := `{"data":[{"uid":"a","name":"A","status":"online","role":"default"},{"uid":"b"}]}`
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(body))
	zw.Close()
	var mu sync.Mutex
	var asked []string // the Accept-Encoding of each request the server got
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		asked = append(asked, strings.Join(r.Header.Values("Accept-Encoding"), ","))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/always-gzip" || strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			// Some servers gzip whatever the client asks.
			w.Header().Set("Content-Encoding", "gzip")
			w.Header().Set("Content-Length", fmt.Sprint(gz.Len()))
			w.Write(gz.Bytes())
			return
		}
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		io.WriteString(w, body)
	}))
	defer upstream.Close()
	var got []validate.Verdict
	v, _ := validate.New(validate.Options{})
	target, _ := url.Parse(upstream.URL)
	p, _ := proxy.New(proxy.Options{Target: target, Validator: v, Emit: func(vd validate.Verdict) { mu.Lock(); got = append(got, vd); mu.Unlock() }})
	front := httptest.NewServer(p)
	defer front.Close()

	for _, tc := range []struct {
		path, encoding string
		want           []byte
	}{
		{"/always-gzip", "gzip", gz.Bytes()},
		{"/negotiated", "", []byte(body)},
	} {
		mu.Lock()
		asked, got = nil, nil
		mu.Unlock()
		status, h, b := fetch(t, front.URL+tc.path, nil)
		p.Wait()
		mu.Lock()
		if status != 200 || !bytes.Equal(b, tc.want) || h.Get("Content-Encoding") != tc.encoding ||
			h.Get("Content-Length") != fmt.Sprint(len(tc.want)) {
			t.Errorf("%s: the client got %d, Content-Encoding %q, Content-Length %q, %d bytes; the server sent Content-Encoding %q, %d bytes with their length",
				tc.path, status, h.Get("Content-Encoding"), h.Get("Content-Length"), len(b), tc.encoding, len(tc.want))
		}
		if len(asked) != 1 || asked[0] != "" {
			t.Errorf("%s: the server was asked for Accept-Encoding %q; the client asked for none", tc.path, asked)
		}
		if len(got) != 2 || !got[0].OK() || got[1].OK() {
			t.Errorf("%s: %d verdicts; want two, the second missing its name", tc.path, len(got))
		}
		mu.Unlock()
	}
}

// TestRequestsPassAsSent: the target gets the client's method, path,
// query, headers (those of a previous proxy included) and body.
func TestRequestsPassAsSent(t *testing.T) {
	type seen struct {
		method, uri, body string
		header            http.Header
	}
	got := make(chan seen, 1)
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- seen{r.Method, r.URL.RequestURI(), string(b), r.Header}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer upstream.Close()
	v, _ := validate.New(validate.Options{})
	target, _ := url.Parse(upstream.URL)
	p, _ := proxy.New(proxy.Options{Target: target, Validator: v, Emit: func(validate.Verdict) {}})
	front := httptest.NewServer(p)
	defer front.Close()

	header := http.Header{
		"Apikey":            {"k3y"},
		"Content-Type":      {"application/json"},
		"X-Forwarded-For":   {"203.0.113.7"},
		"X-Forwarded-Proto": {"https"},
		"Forwarded":         {"for=203.0.113.7;proto=https"},
	}
	req, _ := http.NewRequest(http.MethodPost, front.URL+"/v3/messages?x=1&y=%2F", strings.NewReader(`{"text":"hi"}`))
	req.Header = header.Clone()
	resp, err := plainClient.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	s := <-got
	if s.method != http.MethodPost || s.uri != "/v3/messages?x=1&y=%2F" || s.body != `{"text":"hi"}` {
		t.Errorf("the target got %s %s %q", s.method, s.uri, s.body)
	}
	for k, vs := range header {
		if strings.Join(s.header[k], ",") != strings.Join(vs, ",") {
			t.Errorf("%s: the target got %q, the client sent %q", k, s.header[k], vs)
		}
	}
	if s.header.Get("Accept-Encoding") != "" {
		t.Errorf("the target was asked for Accept-Encoding %q", s.header.Get("Accept-Encoding"))
	}
}

// The path of a proxied request says which kind its documents are, as it
// does for a URL given to validate: a user in a group list is a violation,
// and a document whose kind cannot be told is checked as a conversation at
// /v3/conversations.
func TestProxiedPathSaysTheKind(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/v3/groups":
			io.WriteString(w, `{"data":[{"uid":"ada","name":"Ada","status":"online"}],"meta":{}}`)
		case "/v3/conversations":
			io.WriteString(w, `{"data":[{"unreadMessageCount":2}],"meta":{}}`)
		}
	}))
	t.Cleanup(upstream.Close)
	v, _ := validate.New(validate.Options{})
	var mu sync.Mutex
	var got []validate.Verdict
	target, _ := url.Parse(upstream.URL)
	p, err := proxy.New(proxy.Options{Target: target, Validator: v, Emit: func(vd validate.Verdict) {
		mu.Lock()
		got = append(got, vd)
		mu.Unlock()
	}})
	if err != nil {
		t.Fatal(err)
	}
	front := httptest.NewServer(p)
	t.Cleanup(front.Close)
	fetch(t, front.URL+"/v3/groups", nil)
	fetch(t, front.URL+"/v3/conversations", nil)
	p.Wait()
	mu.Lock()
	defer mu.Unlock()
	rules := map[string][]string{}
	for _, vd := range got {
		for _, x := range vd.Violations {
			rules[vd.Location.Source] = append(rules[vd.Location.Source], x.Rule)
		}
		if strings.Contains(vd.Location.Source, "conversations") && vd.Kind != types.KindConversation {
			t.Errorf("%s: kind %q, want conversation", vd.Location.Source, vd.Kind)
		}
	}
	if r := rules["GET /v3/groups"]; len(r) != 1 || r[0] != validate.RuleEndpointKind {
		t.Errorf("a user in /v3/groups: rules %v, want endpoint-kind", r)
	}
	if r := rules["GET /v3/conversations"]; len(r) == 0 || slices.Contains(r, validate.RuleKind) {
		t.Errorf("an untellable conversation: rules %v, want the conversation's required fields", r)
	}
}
