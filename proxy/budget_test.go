package proxy_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/ccconform/ccconform/proxy"
	"github.com/ccconform/ccconform/validate"
)

// users is a valid REST list of n users, about 60 bytes each.
func users(n int) string {
	return `{"data":[` + strings.Repeat(`{"uid":"u","name":"User","status":"online"},`, n-1) + `{"uid":"v","name":"User","status":"online"}]}`
}

func gzipped(s string) []byte {
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	zw.Write([]byte(s))
	zw.Close()
	return b.Bytes()
}

// bodies serves the shapes that strain the budget: large bodies sent
// chunked, gzip bodies that grow tenfold and more, and gzip bombs.
func bodies(t *testing.T) (srv *httptest.Server, want map[string][]byte) {
	t.Helper()
	large := users(10000) // ~ 450 kB
	bomb := `{"data":[` + strings.Repeat(" ", 64<<20) + `]}`
	want = map[string][]byte{
		"/large": []byte(large),
		"/gzip":  gzipped(large),
		"/bomb":  gzipped(bomb),
		// Two gzip members, the last one small: the size at the end of
		// the stream does not give the bomb away; decompressing it stops
		// at MaxBytes.
		"/multi": append(gzipped(bomb[:len(bomb)-2]), gzipped("]}")...),
	}
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		b := want[r.URL.Path]
		if r.URL.Path != "/large" {
			w.Header().Set("Content-Encoding", "gzip")
		}
		for len(b) > 0 { // in pieces, without a length: chunked
			n := min(len(b), 7000)
			w.Write(b[:n])
			w.(http.Flusher).Flush()
			b = b[n:]
		}
	}))
	t.Cleanup(srv.Close)
	return srv, want
}

// TestBudgetHoldsUnderParallelLoad: many large, gzip and gzip-bomb bodies
// at once never make the proxy hold more than its budget, decompressed
// copies included, nor check more bodies at once than it was given
// checkers; every response passes whole, and every body is checked or
// said to be skipped, with the reason.
func TestBudgetHoldsUnderParallelLoad(t *testing.T) {
	upstream, want := bodies(t)
	const budget = 2 << 20
	var mu sync.Mutex
	verdicts := 0
	skips := map[string]int{}
	v, _ := validate.New(validate.Options{})
	target, _ := url.Parse(upstream.URL)
	p, _ := proxy.New(proxy.Options{Target: target, Validator: v, MaxBytes: 1 << 20, MaxPending: budget, Checkers: 2,
		Emit: func(validate.Verdict) { mu.Lock(); verdicts++; mu.Unlock() },
		Skip: func(r, why string) {
			mu.Lock()
			defer mu.Unlock()
			switch {
			case strings.Contains(why, "budget"):
				skips[r+": budget"]++
			case strings.Contains(why, "larger than 1048576 bytes once decompressed"):
				skips[r+": too large decompressed"]++
			default:
				t.Errorf("%s: skipped: %s", r, why)
			}
		}})
	front := httptest.NewServer(p)
	defer front.Close()

	const each = 20
	var wg sync.WaitGroup
	for i := 0; i < each; i++ {
		for path := range want {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, h, b := fetch(t, front.URL+path, nil)
				if !bytes.Equal(b, want[path]) || (path != "/large") != (h.Get("Content-Encoding") == "gzip") {
					t.Errorf("%s: the response changed on its way (%d bytes of %d)", path, len(b), len(want[path]))
				}
			}()
		}
	}
	wg.Wait()
	p.Wait()
	if peak := p.PeakHeldBytes(); peak > budget || peak == 0 {
		t.Errorf("the proxy held %d bytes at most; its budget is %d", peak, budget)
	}
	if p.HeldBytes() != 0 {
		t.Errorf("%d bytes still held after every body was checked", p.HeldBytes())
	}
	if n := p.PeakCheckers(); n > 2 || n == 0 {
		t.Errorf("%d bodies checked at once; 2 checkers were allowed", n)
	}
	// No bomb is checked: each is skipped, as too large once decompressed
	// or, when the budget is already full under load, for the budget.
	// Which of the two depends on timing; TestDecompressedCopyCounts pins
	// the first alone.
	for _, bomb := range []string{"GET /bomb", "GET /multi"} {
		n := 0
		for k, c := range skips {
			if strings.HasPrefix(k, bomb+": ") {
				n += c
			}
		}
		if n != each {
			t.Errorf("%s: %d of %d bombs skipped: %v", bomb, n, each, skips)
		}
	}
	if skips["GET /bomb: too large decompressed"]+skips["GET /multi: too large decompressed"] == 0 {
		t.Errorf("no gzip bomb was said to be too large once decompressed: %v", skips)
	}
	checked := (verdicts) / 10000
	total := checked
	for _, n := range skips {
		total += n
	}
	if checked == 0 || total != len(want)*each {
		t.Errorf("%d bodies checked (%d verdicts), skipped %v; want all %d accounted for", checked, verdicts, skips, len(want)*each)
	}
}

// TestDecompressedCopyCounts: the copy a gzip body decompresses to counts
// in the budget: one that would pass it is skipped, and said so.
func TestDecompressedCopyCounts(t *testing.T) {
	upstream, want := bodies(t)
	var skipped []string
	verdicts := 0
	v, _ := validate.New(validate.Options{})
	target, _ := url.Parse(upstream.URL)
	// 300 kB fits the compressed copy (a few kB), not the decompressed one.
	p, _ := proxy.New(proxy.Options{Target: target, Validator: v, MaxPending: 300 << 10,
		Emit: func(validate.Verdict) { verdicts++ },
		Skip: func(r, why string) { skipped = append(skipped, r+": "+why) }})
	front := httptest.NewServer(p)
	defer front.Close()
	if _, _, b := fetch(t, front.URL+"/gzip", nil); !bytes.Equal(b, want["/gzip"]) {
		t.Fatal("the gzip body changed")
	}
	p.Wait()
	if verdicts != 0 || len(skipped) != 1 || !strings.Contains(skipped[0], "decompressed") || !strings.Contains(skipped[0], "budget") {
		t.Errorf("%d verdicts, skipped %q; want the body skipped, its decompressed copy over the budget", verdicts, skipped)
	}
}

// TestCheckingNeverHoldsResponses: while checking is stuck (a report that
// does not take verdicts), responses still pass, and bodies wait for a
// checker, counted in the budget, rather than each getting a goroutine.
func TestCheckingNeverHoldsResponses(t *testing.T) {
	body := users(20)
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, body)
	}))
	defer upstream.Close()
	stuck := make(chan struct{})
	var mu sync.Mutex
	verdicts := 0
	v, _ := validate.New(validate.Options{})
	target, _ := url.Parse(upstream.URL)
	p, _ := proxy.New(proxy.Options{Target: target, Validator: v, Checkers: 2,
		Emit: func(validate.Verdict) { <-stuck; mu.Lock(); verdicts++; mu.Unlock() }})
	front := httptest.NewServer(p)
	defer front.Close()
	const requests = 40
	var wg sync.WaitGroup
	for i := 0; i < requests; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, _, b := fetch(t, front.URL+"/v3/users", nil); string(b) != body {
				t.Error("the body changed")
			}
		}()
	}
	wg.Wait() // every response has passed, though no verdict has been taken
	buf := make([]byte, 1<<20)
	stacks := string(buf[:runtime.Stack(buf, true)])
	emitting := 0
	for _, g := range strings.Split(stacks, "\n\n") {
		if strings.Contains(g, "/proxy.(*Proxy).emit(") {
			emitting++
		}
	}
	if emitting > 2 || p.PeakCheckers() > 2 {
		t.Errorf("%d goroutines checking bodies at once (%d at most); 2 checkers were allowed", emitting, p.PeakCheckers())
	}
	if p.HeldBytes() == 0 {
		t.Error("the bodies waiting to be checked are not counted in the budget")
	}
	close(stuck)
	p.Wait()
	if verdicts != requests*20 {
		t.Errorf("%d verdicts; want %d", verdicts, requests*20)
	}
}

// TestSkipsWaitingAreBounded: bodies that pass unchecked hold no bytes, so
// the budget does not bound how many wait to be told of; past a bound they
// are counted, and told as a count.
func TestSkipsWaitingAreBounded(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, users(3))
	}))
	defer upstream.Close()
	stuck := make(chan struct{})
	var mu sync.Mutex
	var told []string
	v, _ := validate.New(validate.Options{})
	target, _ := url.Parse(upstream.URL)
	p, _ := proxy.New(proxy.Options{Target: target, Validator: v, Checkers: 1, MaxBytes: 10, Emit: func(validate.Verdict) {},
		Skip: func(r, why string) {
			mu.Lock()
			first := len(told) == 0
			told = append(told, r)
			mu.Unlock()
			if first {
				<-stuck
			}
		}})
	p.SetMaxLightWaiting(5)
	front := httptest.NewServer(p)
	defer front.Close()
	for i := 0; i < 20; i++ {
		fetch(t, front.URL+"/v3/users", nil)
	}
	close(stuck)
	p.Wait()
	counted := 0
	for _, r := range told {
		n := 1
		if r != "GET /v3/users" {
			if _, err := fmt.Sscanf(r, "%d more responses", &n); err != nil {
				t.Errorf("told of %q", r)
			}
		}
		counted += n
	}
	if len(told) > 1+5+1 || counted != 20 {
		t.Errorf("told %q: want at most 7 calls, for 20 bodies in all", told)
	}
}
