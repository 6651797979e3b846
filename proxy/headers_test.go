package proxy_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/ccconform/ccconform/generate"
	"github.com/ccconform/ccconform/proxy"
	"github.com/ccconform/ccconform/serve"
	"github.com/ccconform/ccconform/types"
	"github.com/ccconform/ccconform/validate"
)

// headerItem is one violation as proxy.ViolationsHeader lists it.
type headerItem struct {
	Index   *int   `json:"index"`
	Pointer string `json:"pointer"`
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

func violationsOf(t *testing.T, h http.Header) []headerItem {
	t.Helper()
	v := h.Get(proxy.ViolationsHeader)
	if v == "" {
		return nil
	}
	var items []headerItem
	if err := json.Unmarshal([]byte(v), &items); err != nil {
		t.Fatalf("%s is not a JSON array: %v: %s", proxy.ViolationsHeader, err, v)
	}
	return items
}

// TestVerdictHeaders: with VerdictHeaders, each answer says whether its
// body conforms, and how it does not, before the body, which passes byte
// for byte; the verdicts also reach Emit. Without it, no header is added.
func TestVerdictHeaders(t *testing.T) {
	g, _ := generate.New(generate.Options{Seed: 2})
	w, err := g.World(15, 3, 60)
	if err != nil {
		t.Fatal(err)
	}
	api, err := serve.New(serve.Options{World: w, Seed: 4, Faults: 0.3, CORS: true})
	if err != nil {
		t.Fatal(err)
	}
	upstream := httptest.NewServer(api)
	defer upstream.Close()
	v, _ := validate.New(validate.Options{Profile: types.ProfileREST})
	target, _ := url.Parse(upstream.URL)
	var mu sync.Mutex
	emitted := 0
	p, _ := proxy.New(proxy.Options{Target: target, Validator: v, VerdictHeaders: true,
		Emit: func(validate.Verdict) { mu.Lock(); emitted++; mu.Unlock() }})
	front := httptest.NewServer(p)
	defer front.Close()
	plain, _ := proxy.New(proxy.Options{Target: target, Validator: v, Emit: func(validate.Verdict) {}})
	plainFront := httptest.NewServer(plain)
	defer plainFront.Close()

	broken := map[string]string{} // uid: the rule of its fault
	for _, f := range api.Faults() {
		if f.Collection == "/v3/users" {
			broken[f.ID] = f.Rule
		}
	}
	if len(broken) == 0 || len(broken) == len(w.Users) {
		t.Fatalf("%d of %d users broken; the test wants some of each", len(broken), len(w.Users))
	}
	for _, u := range w.Users {
		path := "/v3/users/" + url.PathEscape(u.UID)
		_, _, direct := fetch(t, upstream.URL+path, nil)
		status, h, body := fetch(t, front.URL+path, nil)
		if status != 200 || !bytes.Equal(body, direct) {
			t.Errorf("%s: %d, %d bytes; the target sent 200, %d bytes", path, status, len(body), len(direct))
		}
		items := violationsOf(t, h)
		rule, bad := broken[u.UID]
		switch {
		case !bad && (h.Get(proxy.VerdictHeader) != "ok" || items != nil):
			t.Errorf("%s conforms: %s %q, %s %q", path, proxy.VerdictHeader, h.Get(proxy.VerdictHeader), proxy.ViolationsHeader, h.Get(proxy.ViolationsHeader))
		case bad && (h.Get(proxy.VerdictHeader) != "invalid" || len(items) == 0 || items[0].Rule != rule || items[0].Index != nil):
			t.Errorf("%s has a fault of rule %s: %s %q, %s %q", path, rule, proxy.VerdictHeader, h.Get(proxy.VerdictHeader), proxy.ViolationsHeader, h.Get(proxy.ViolationsHeader))
		}
		_, ph, pbody := fetch(t, plainFront.URL+path, nil)
		if ph.Get(proxy.VerdictHeader) != "" || ph.Get(proxy.ViolationsHeader) != "" || !bytes.Equal(pbody, body) {
			t.Errorf("%s: without VerdictHeaders the proxy added %q, %q", path, ph.Get(proxy.VerdictHeader), ph.Get(proxy.ViolationsHeader))
		}
	}
	// A list names each violation's document by its index in data.
	_, h, _ := fetch(t, front.URL+"/v3/users", nil)
	items := violationsOf(t, h)
	if h.Get(proxy.VerdictHeader) != "invalid" || len(items) < len(broken) {
		t.Fatalf("the list: %s %q with %d violations; want invalid, at least %d", proxy.VerdictHeader, h.Get(proxy.VerdictHeader), len(items), len(broken))
	}
	for _, it := range items {
		if it.Index == nil || *it.Index >= len(w.Users) || broken[w.Users[*it.Index].UID] == "" {
			t.Errorf("the list: a violation of a document that has no fault: %+v", it)
		}
	}
	// A page of another origin may read the headers when it may read the
	// response.
	_, h, _ = fetch(t, front.URL+"/v3/users", http.Header{"Origin": {"http://app.example"}})
	if got := h.Get("Access-Control-Expose-Headers"); !strings.Contains(got, proxy.VerdictHeader) || !strings.Contains(got, proxy.ViolationsHeader) {
		t.Errorf("Access-Control-Expose-Headers %q; want the verdict headers named", got)
	}
	// Not checked: an error, and a path that is not there.
	if _, h, _ := fetch(t, front.URL+"/v3/users/nobody", nil); h.Get(proxy.VerdictHeader) != "unchecked" {
		t.Errorf("a 404: %s %q, want unchecked", proxy.VerdictHeader, h.Get(proxy.VerdictHeader))
	}
	p.Wait()
	if emitted != len(w.Users)*3 {
		t.Errorf("%d verdicts reached Emit; want one per user, three times (alone, and in two lists): %d", emitted, 3*len(w.Users))
	}
	if p.HeldBytes() != 0 {
		t.Errorf("%d bytes still held after every answer", p.HeldBytes())
	}
}

// TestVerdictHeadersBounds: a body too large to hold, one that is not
// JSON, and a gzip body pass byte for byte; only the gzip one is checked.
// The violations header stays within its bound, counts the rest, and is
// ASCII.
func TestVerdictHeadersBounds(t *testing.T) {
	var many strings.Builder
	many.WriteString(`{"data":[`)
	for i := range 500 {
		if i > 0 {
			many.WriteString(",")
		}
		fmt.Fprintf(&many, `{"uid":"u%d","name":"U","status":"ünknown ☃ 𝄞"}`, i)
	}
	many.WriteString("]}")
	bodies := map[string][]byte{
		"/many":  []byte(many.String()),
		"/large": []byte(users(5000)),
		"/gzip":  gzipped(`{"data":[{"uid":"a","name":"A","status":"online"},{"uid":"b"}]}`),
		"/png":   {0x89, 'P', 'N', 'G'},
	}
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/png":
			w.Header().Set("Content-Type", "image/png")
		case "/gzip":
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Encoding", "gzip")
		default:
			w.Header().Set("Content-Type", "application/json")
		}
		b := bodies[r.URL.Path]
		w.Write(b[:len(b)/2]) // in two pieces, without a length
		w.(http.Flusher).Flush()
		w.Write(b[len(b)/2:])
	}))
	defer upstream.Close()
	v, _ := validate.New(validate.Options{})
	target, _ := url.Parse(upstream.URL)
	var mu sync.Mutex
	skipped := map[string]string{}
	p, _ := proxy.New(proxy.Options{Target: target, Validator: v, VerdictHeaders: true, MaxBytes: 100 << 10,
		Emit: func(validate.Verdict) {}, Skip: func(r, why string) { mu.Lock(); skipped[r] = why; mu.Unlock() }})
	front := httptest.NewServer(p)
	defer front.Close()

	want := map[string]string{"/many": "invalid", "/large": "unchecked", "/gzip": "invalid", "/png": "unchecked"}
	for path, verdict := range want {
		_, h, b := fetch(t, front.URL+path, http.Header{"Accept-Encoding": {"gzip"}})
		if !bytes.Equal(b, bodies[path]) {
			t.Errorf("%s: %d bytes passed; the target sent %d", path, len(b), len(bodies[path]))
		}
		if h.Get(proxy.VerdictHeader) != verdict {
			t.Errorf("%s: %s %q, want %q", path, proxy.VerdictHeader, h.Get(proxy.VerdictHeader), verdict)
		}
	}
	if !strings.Contains(skipped["GET /large"], "larger than 102400 bytes") {
		t.Errorf("the large body: skipped %q; want too large said", skipped["GET /large"])
	}

	_, h, _ := fetch(t, front.URL+"/many", nil)
	value := h.Get(proxy.ViolationsHeader)
	items := violationsOf(t, h)
	omitted, _ := strconv.Atoi(h.Get(proxy.OmittedHeader))
	if len(value) > proxy.MaxViolationsHeader || len(items) == 0 || omitted == 0 || len(items)+omitted != 500 {
		t.Errorf("%d bytes listing %d violations, %d omitted; want at most %d bytes, and 500 in all", len(value), len(items), omitted, proxy.MaxViolationsHeader)
	}
	for _, c := range value {
		if c < 0x20 || c >= 0x7f {
			t.Fatalf("%s holds %q: header values are ASCII", proxy.ViolationsHeader, c)
		}
	}
	if len(items) > 0 && !strings.Contains(items[0].Message, "ünknown ☃ 𝄞") {
		t.Errorf("the message does not decode to the value: %q", items[0].Message)
	}
	if p.HeldBytes() != 0 {
		t.Errorf("%d bytes still held after every answer", p.HeldBytes())
	}
}

// TestViolationsHeaderOfOneLongViolation: a violation too long for the
// header alone (the pointer of a field with a 9000-byte name) leaves an
// empty list, and is counted.
func TestViolationsHeaderOfOneLongViolation(t *testing.T) {
	body := `{"data":{"uid":"u","name":"U","status":"online","` + strings.Repeat("k", 9000) + `":1}}`
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, body)
	}))
	defer upstream.Close()
	v, _ := validate.New(validate.Options{Strict: true})
	target, _ := url.Parse(upstream.URL)
	p, _ := proxy.New(proxy.Options{Target: target, Validator: v, VerdictHeaders: true, Emit: func(validate.Verdict) {}})
	front := httptest.NewServer(p)
	defer front.Close()
	_, h, b := fetch(t, front.URL+"/v3/users/u", nil)
	if string(b) != body {
		t.Fatal("the body changed")
	}
	items := violationsOf(t, h)
	omitted, _ := strconv.Atoi(h.Get(proxy.OmittedHeader))
	if h.Get(proxy.VerdictHeader) != "invalid" || len(items) != 0 || omitted != 1 {
		t.Errorf("%s %q, %d violations listed, %d omitted (%d bytes)", proxy.VerdictHeader, h.Get(proxy.VerdictHeader), len(items), omitted, len(h.Get(proxy.ViolationsHeader)))
	}
}
