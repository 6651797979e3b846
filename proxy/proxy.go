// Package proxy is a reverse proxy that validates the JSON it passes on.
// Every request goes to the target unchanged and every response comes back
// unchanged, streamed as it arrives; a copy of each successful JSON response
// body is checked once it has passed, off the request's path, and its
// verdicts are handed to the caller. The copies, decompressed ones
// included, stay within a budget of bytes, and a bounded number of
// checkers work through them: under load, bodies pass unchecked, and the
// caller is told which and why, rather than responses waiting.
//
// With Options.VerdictHeaders the proxy instead holds each checkable body,
// checks it, and answers with its verdict in headers, before the body:
// responses then wait for their check.
package proxy

import (
	"compress/gzip"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httputil"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/ccconform/ccconform/validate"
)

// DefaultMaxBytes bounds the body the proxy keeps a copy of to check.
const DefaultMaxBytes = 64 << 20

// DefaultMaxPending bounds the copies of bodies the proxy holds at once.
const DefaultMaxPending = 256 << 20

// Options configure a Proxy.
type Options struct {
	// Target is the server requests are forwarded to.
	Target *url.URL
	// Validator checks the bodies.
	Validator *validate.Validator
	// Emit receives each verdict; calls are never concurrent.
	Emit func(validate.Verdict)
	// MaxBytes bounds the copy kept of one body, and its decompressed copy
	// (DefaultMaxBytes); a larger body passes unchecked, and Skip says so.
	MaxBytes int64
	// MaxPending bounds the copies kept of all bodies passing, waiting to
	// be checked or being checked, decompressed copies included
	// (DefaultMaxPending): past it, bodies pass unchecked, and Skip says
	// so, so that memory stays bounded under load.
	MaxPending int64
	// Checkers bounds how many bodies are checked at once; 0 means one per
	// two cores, at least one, so that checking leaves cores to
	// forwarding. Bodies waiting for a checker count in MaxPending.
	Checkers int
	// Skip, when set, is told of each body that passed unchecked: too
	// large, cut off, encoded in a way the proxy does not decode, or over
	// the budget. It is not a verdict: the traffic, not a document, is at
	// fault.
	Skip func(request, reason string)
	// Log, when set, is told of each response passed, one line each.
	Log func(msg string)
	// VerdictHeaders, when set, holds each successful JSON body of up to
	// MaxBytes (within MaxPending), checks it before the response is
	// answered, and adds its verdict in headers: VerdictHeader, and for an
	// invalid body ViolationsHeader. The body passes as the target sent
	// it, byte for byte, and its verdicts go to Emit as without the
	// option; the response waits for the check. Other responses pass as
	// they come, with VerdictHeader "unchecked".
	VerdictHeaders bool
}

// Proxy is an http.Handler that forwards to Options.Target.
type Proxy struct {
	opts    Options
	rp      *httputil.ReverseProxy
	budget  budget
	pending tracker
	emitMu  sync.Mutex

	mu       sync.Mutex
	queue    []job // bodies that have passed, to check or to say why not
	light    int   // entries of queue that hold no bytes of the budget
	lost     int   // bodies past maxLightWaiting, told as a count
	checkers int   // goroutines working through queue
	peak     int   // most checkers at once, for tests
	maxLight int   // maxLightWaiting, but in tests

	inline chan struct{} // a token for each body checked before its answer, up to Checkers
}

// maxLightWaiting bounds the bodies waiting in the queue that hold no
// bytes of the budget (those skipped, and empty ones), which the budget
// therefore does not bound.
const maxLightWaiting = 4096

// job is one body that has passed: its copy to check, or why there is none.
type job struct {
	name     string
	encoding string
	copy     *held
	skipped  string
}

// light reports whether j holds no bytes of the budget.
func (j job) light() bool { return j.copy == nil || len(j.copy.chunks) == 0 }

// tracker counts the bodies being copied or checked; unlike a WaitGroup,
// it may be waited on while bodies still come, and the wait can end early.
type tracker struct {
	mu   sync.Mutex
	n    int
	zero chan struct{}
}

func (t *tracker) add() {
	t.mu.Lock()
	if t.n == 0 {
		t.zero = make(chan struct{})
	}
	t.n++
	t.mu.Unlock()
}

func (t *tracker) done() {
	t.mu.Lock()
	t.n--
	if t.n == 0 {
		close(t.zero)
	}
	t.mu.Unlock()
}

// wait returns how many bodies were still unchecked when it ended: when
// none are left, or when ctx is done.
func (t *tracker) wait(ctx context.Context) int {
	for {
		t.mu.Lock()
		if t.n == 0 {
			t.mu.Unlock()
			return 0
		}
		zero := t.zero
		t.mu.Unlock()
		select {
		case <-zero:
		case <-ctx.Done():
			t.mu.Lock()
			defer t.mu.Unlock()
			return t.n
		}
	}
}

// New returns a Proxy for opts.
func New(opts Options) (*Proxy, error) {
	if opts.Target == nil || (opts.Target.Scheme != "http" && opts.Target.Scheme != "https") || opts.Target.Host == "" {
		return nil, fmt.Errorf("the target must be an http or https URL with a host, such as https://APPID.api-us.cometchat.io")
	}
	if opts.Validator == nil || opts.Emit == nil {
		return nil, fmt.Errorf("proxy: a Validator and an Emit function are needed")
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	if opts.MaxPending <= 0 {
		opts.MaxPending = DefaultMaxPending
	}
	if opts.Checkers <= 0 {
		opts.Checkers = max(1, runtime.GOMAXPROCS(0)/2)
	}
	p := &Proxy{opts: opts, budget: budget{limit: opts.MaxPending}, maxLight: maxLightWaiting, inline: make(chan struct{}, opts.Checkers)}
	target := opts.Target
	p.rp = &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(target)
			r.Out.Host = target.Host
			// ReverseProxy drops these before Rewrite, against spoofing
			// behind a trusted proxy; this one passes requests on as
			// they came.
			for _, h := range forwardedHeaders {
				if v, ok := r.In.Header[h]; ok {
					r.Out.Header[h] = v
				}
			}
		},
		Transport:      transport(),
		BufferPool:     copyBuffers{},
		ModifyResponse: p.watch,
		// Bodies of unknown length (and event streams) pass on at once,
		// piece by piece, whatever this says. Others pass on within 10ms:
		// flushing after every write (-1) costs a system call and a timer
		// goroutine for each response, for headers sent apart from a body
		// that is usually right behind them.
		FlushInterval: 10 * time.Millisecond,
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			p.log("%s %s: the target did not answer: %v", r.Method, r.URL.RequestURI(), err)
			http.Error(w, "ccconform proxy: the target did not answer: "+err.Error(), http.StatusBadGateway)
		},
	}
	return p, nil
}

var forwardedHeaders = []string{"Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto"}

// transport is http.DefaultTransport, but for two things. It never asks
// for gzip on its own, nor decodes what comes back: without that, a client
// that sent no Accept-Encoding would get the body decompressed and
// re-chunked, not what the server sent. And it keeps as many idle
// connections to the target as clients keep to the proxy: with the
// default two, every other request under load opens a new connection.
func transport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DisableCompression = true
	t.MaxIdleConns = 0
	t.MaxIdleConnsPerHost = 1024
	return t
}

// copyBuffers are the buffers responses are copied through, reused rather
// than made for each response.
type copyBuffers struct{}

var copyBufferPool = sync.Pool{New: func() any { return new([32 << 10]byte) }}

func (copyBuffers) Get() []byte { return copyBufferPool.Get().(*[32 << 10]byte)[:] }

func (copyBuffers) Put(b []byte) {
	if cap(b) == 32<<10 {
		copyBufferPool.Put((*[32 << 10]byte)(b[:32<<10]))
	}
}

// ServeHTTP forwards r to the target and streams the answer back.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) { p.rp.ServeHTTP(w, r) }

// Wait waits until every body that has passed is checked.
func (p *Proxy) Wait() { p.pending.wait(context.Background()) }

// WaitContext waits until every body that has passed is checked, or ctx is
// done; it returns how many were left unchecked.
func (p *Proxy) WaitContext(ctx context.Context) int { return p.pending.wait(ctx) }

func (p *Proxy) skip(request, reason string) {
	if p.opts.Skip != nil {
		p.opts.Skip(request, reason)
	}
}

// log formats only when someone listens: it runs for every response.
func (p *Proxy) log(format string, args ...any) {
	if p.opts.Log != nil {
		p.opts.Log(fmt.Sprintf(format, args...))
	}
}

// watch keeps a copy of a successful JSON response's body as it passes,
// to check when it is done.
func (p *Proxy) watch(resp *http.Response) error {
	req := resp.Request
	if req.Method == http.MethodHead || resp.StatusCode < 200 || resp.StatusCode > 299 || resp.StatusCode == http.StatusNoContent {
		p.log("%s %s: %d, not checked (only successful responses carry documents)", req.Method, req.URL.RequestURI(), resp.StatusCode)
		p.unchecked(resp.Header)
		return nil
	}
	ct := resp.Header.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(ct); ct != "" && (err != nil || !strings.Contains(mt, "json")) {
		p.log("%s %s: %s, not checked (not JSON)", req.Method, req.URL.RequestURI(), ct)
		p.unchecked(resp.Header)
		return nil
	}
	name := req.Method + " " + req.URL.RequestURI()
	if p.opts.VerdictHeaders {
		p.checkBeforeAnswer(resp, name)
		return nil
	}
	p.pending.add()
	t := &tee{rc: resp.Body, copy: &held{budget: &p.budget, max: p.opts.MaxBytes}}
	if resp.ContentLength > p.opts.MaxBytes {
		t.copy, t.skipped = nil, tooLarge(p.opts.MaxBytes)
	}
	encoding := resp.Header.Get("Content-Encoding")
	t.done = func(copy *held, complete bool, skipped string) {
		if skipped == "" && !complete {
			skipped = fmt.Sprintf("the body was cut off after %d bytes (the client or the server went away)", copy.n)
		}
		if skipped != "" && copy != nil {
			copy.release()
			copy = nil
		}
		p.enqueue(job{name: name, encoding: encoding, copy: copy, skipped: skipped})
	}
	resp.Body = t
	return nil
}

func tooLarge(max int64) string {
	return fmt.Sprintf("the body is larger than %d bytes (raise --max-bytes)", max)
}

func tooLargeDecompressed(max int64) string {
	return fmt.Sprintf("the body is larger than %d bytes once decompressed (raise --max-bytes)", max)
}

// enqueue hands a body that has passed to the checkers, starting one if
// fewer than Options.Checkers are at work. It never waits: it runs on the
// request's path.
func (p *Proxy) enqueue(j job) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if j.light() {
		if p.light >= p.maxLight {
			p.lost++
			p.pending.done()
			return
		}
		p.light++
	}
	p.queue = append(p.queue, j)
	if p.checkers < p.opts.Checkers {
		p.checkers++
		p.peak = max(p.peak, p.checkers)
		go p.checkLoop()
	}
}

// checkLoop checks bodies from the queue until it is empty.
func (p *Proxy) checkLoop() {
	for {
		p.mu.Lock()
		if len(p.queue) == 0 {
			p.checkers--
			p.mu.Unlock()
			return
		}
		j := p.queue[0]
		p.queue[0] = job{}
		p.queue = p.queue[1:]
		lost := 0
		if j.light() {
			p.light--
			lost, p.lost = p.lost, 0
		}
		p.mu.Unlock()
		if lost > 0 {
			p.skip(fmt.Sprintf("%d more responses", lost), "they passed unchecked while too many others waited for a checker")
		}
		p.run(j)
		p.pending.done()
	}
}

// run checks one body that passed, or says why it is not checked.
func (p *Proxy) run(j job) {
	if j.copy == nil {
		p.skip(j.name, j.skipped)
		return
	}
	defer j.copy.release()
	n, why := p.check(j.name, j.encoding, j.copy, false, p.emit)
	if why != "" {
		p.skip(j.name, why)
		return
	}
	p.log("%s: %d document(s) checked", j.name, n)
}

// check checks the copy of a body, encoded as encoding says, and hands
// each verdict to emit; it returns how many documents the body held, or
// why it could not be checked. Unless keep, a compressed copy is released
// once it is decompressed, to leave its bytes to other bodies.
func (p *Proxy) check(name, encoding string, copy *held, keep bool, emit func(validate.Verdict)) (int, string) {
	r := io.Reader(copy.reader())
	switch strings.ToLower(encoding) {
	case "", "identity":
	case "gzip":
		// A gzip stream ends with the size of its last member, mod 2^32:
		// the whole is at least that large. A body that says it is too
		// large need not be decompressed to find out.
		if tail := copy.tail(4); len(tail) == 4 && int64(binary.LittleEndian.Uint32(tail)) > p.opts.MaxBytes {
			return 0, tooLargeDecompressed(p.opts.MaxBytes)
		}
		zr, err := gzip.NewReader(r)
		if err != nil {
			return 0, "the gzip body does not decompress: " + err.Error()
		}
		plain := &held{budget: &p.budget, max: p.opts.MaxBytes}
		defer plain.release()
		err = plain.readFrom(zr)
		if !keep {
			copy.release() // only the decompressed copy is checked
		}
		switch err {
		case nil:
		case errTooLarge:
			return 0, tooLargeDecompressed(p.opts.MaxBytes)
		case errBudget:
			return 0, fmt.Sprintf("decompressed, the body would pass the proxy's budget of %d bytes held; it passed unchecked", p.opts.MaxPending)
		default:
			return 0, "the gzip body does not decompress: " + err.Error()
		}
		r = plain.reader()
	default:
		return 0, fmt.Sprintf("the body is %s-encoded, which the proxy does not decode", encoding)
	}
	n := 0
	err := p.opts.Validator.Stream(context.Background(), validate.Input{Name: name, R: r}, func(vd validate.Verdict) error {
		n++
		emit(vd)
		return nil
	})
	if err != nil {
		return n, err.Error()
	}
	return n, ""
}

func (p *Proxy) emit(vd validate.Verdict) {
	p.emitMu.Lock()
	defer p.emitMu.Unlock()
	p.opts.Emit(vd)
}

// tee passes a body through and keeps a copy of it; done is called once,
// when the body is closed, with the copy, or with why it was given up.
type tee struct {
	rc      io.ReadCloser
	copy    *held // nil once given up
	eof     bool
	skipped string
	once    sync.Once
	done    func(copy *held, complete bool, skipped string)
}

func (t *tee) Read(p []byte) (int, error) {
	n, err := t.rc.Read(p)
	if n > 0 && t.copy != nil {
		switch t.copy.write(p[:n]) {
		case errTooLarge:
			t.skipped = tooLarge(t.copy.max)
		case errBudget:
			t.skipped = fmt.Sprintf("the proxy holds its budget of %d bytes of bodies waiting to be checked; this one passed unchecked", t.copy.budget.limit)
		}
		if t.skipped != "" {
			t.copy.release()
			t.copy = nil
		}
	}
	if err == io.EOF {
		t.eof = true
	}
	return n, err
}

func (t *tee) Close() error {
	err := t.rc.Close()
	t.once.Do(func() { t.done(t.copy, t.eof, t.skipped) })
	return err
}
