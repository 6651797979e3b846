// Command loadgen drives HTTP load at servers on this machine, for
// scripts/bench-proxy: a fixed number of keep-alive connections, each
// sending one GET after another for a fixed time or request count, after
// a short warm-up that is not counted.
//
//	loadgen -c 50 -d 5s URL                       one JSON line: req/s, p50, p99
//	loadgen -c 50 -d 5s -label L DIRECT VIA       a Markdown row: both, and what VIA adds
//
// It refuses any URL whose host is not a loopback address: it is a
// benchmark of local processes, never a load test of someone's server.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	conns := flag.Int("c", 50, "connections, each sending one request after another")
	dur := flag.Duration("d", 5*time.Second, "how long to measure, after the warm-up")
	warm := flag.Duration("warmup", time.Second, "how long to send before measuring")
	maxReq := flag.Int("n", 2_000_000, "stop after this many measured requests, whatever -d says")
	label := flag.String("label", "", "with two URLs, the first cell of the Markdown row")
	flag.Parse()
	if flag.NArg() < 1 || flag.NArg() > 2 || *conns < 1 || *dur <= 0 {
		fail("usage: loadgen [-c N] [-d DURATION] [-warmup DURATION] [-n N] URL | -label L DIRECT_URL VIA_URL")
	}
	for _, u := range flag.Args() {
		if err := loopback(u); err != nil {
			fail(err.Error())
		}
	}
	if flag.NArg() == 1 {
		r := load(flag.Arg(0), *conns, *warm, *dur, *maxReq)
		b, _ := json.Marshal(r)
		fmt.Println(string(b))
		return
	}
	direct := load(flag.Arg(0), *conns, *warm, *dur, *maxReq)
	via := load(flag.Arg(1), *conns, *warm, *dur, *maxReq)
	fmt.Printf("| %s | %.0f | %.0f | %.2f | %.2f | %.2f | %.2f | %+.2f | %+.2f |\n", *label,
		direct.RPS, via.RPS, direct.P50, via.P50, direct.P99, via.P99, via.P50-direct.P50, via.P99-direct.P99)
	for _, r := range []result{direct, via} {
		if r.Errors > 0 {
			fmt.Fprintf(os.Stderr, "loadgen: %s: %d errors, first: %s\n", r.URL, r.Errors, r.FirstError)
		}
	}
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "loadgen:", msg)
	os.Exit(2)
}

// loopback refuses URLs that leave the machine.
func loopback(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	if u.Scheme != "http" {
		return fmt.Errorf("%s: only http URLs on loopback", raw)
	}
	if ip := net.ParseIP(u.Hostname()); u.Hostname() != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("%s: the host is not a loopback address; loadgen only loads this machine", raw)
	}
	return nil
}

// result is one measured run.
type result struct {
	URL        string         `json:"url"`
	Requests   int            `json:"requests"`
	Seconds    float64        `json:"seconds"`
	RPS        float64        `json:"rps"`
	P50        float64        `json:"p50_ms"`
	P99        float64        `json:"p99_ms"`
	Status     map[string]int `json:"status"`
	Bytes      int64          `json:"bytes"`
	Errors     int            `json:"errors"`
	FirstError string         `json:"first_error,omitempty"`
}

// load sends GETs to u on conns connections for warm, then measures for
// dur or maxReq requests, whichever ends first.
func load(u string, conns int, warm, dur time.Duration, maxReq int) result {
	tr := &http.Transport{
		MaxConnsPerHost:     conns,
		MaxIdleConnsPerHost: conns,
		DisableCompression:  true,
		Proxy:               nil, // loopback only, never through an environment's proxy
	}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}

	var measuring atomic.Bool
	var count atomic.Int64
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	type worker struct {
		lat    []time.Duration
		status map[int]int
		bytes  int64
		errs   int
		first  string
	}
	ws := make([]*worker, conns)
	var wg sync.WaitGroup
	for i := range ws {
		w := &worker{status: map[int]int{}}
		ws[i] = w
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				on := measuring.Load()
				if on && count.Add(1) > int64(maxReq) {
					cancel()
					return
				}
				start := time.Now()
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
				resp, err := client.Do(req)
				var n int64
				if err == nil {
					n, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				took := time.Since(start)
				if !on || ctx.Err() != nil {
					continue
				}
				if err != nil {
					if w.errs == 0 {
						w.first = err.Error()
					}
					w.errs++
					continue
				}
				w.lat = append(w.lat, took)
				w.status[resp.StatusCode]++
				w.bytes += n
			}
		}()
	}
	time.Sleep(warm)
	measuring.Store(true)
	began := time.Now()
	select {
	case <-time.After(dur):
	case <-ctx.Done():
	}
	cancel()
	elapsed := time.Since(began)
	wg.Wait()

	r := result{URL: u, Seconds: elapsed.Seconds(), Status: map[string]int{}}
	var all []time.Duration
	for _, w := range ws {
		all = append(all, w.lat...)
		for s, n := range w.status {
			r.Status[fmt.Sprint(s)] += n
		}
		r.Bytes += w.bytes
		if w.errs > 0 && r.Errors == 0 {
			r.FirstError = w.first
		}
		r.Errors += w.errs
	}
	slices.Sort(all)
	r.Requests = len(all)
	r.RPS = float64(len(all)) / elapsed.Seconds()
	r.P50 = ms(pct(all, 0.50))
	r.P99 = ms(pct(all, 0.99))
	return r
}

func pct(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[int(q*float64(len(sorted)-1))]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
