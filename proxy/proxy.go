// Package proxy is a reverse proxy that validates the JSON it passes on.
// Every request goes to the target unchanged and every response comes back
// unchanged, streamed as it arrives; a copy of each successful JSON response
// body is checked once it has passed, off the request's path, and its
// verdicts are handed to the caller.
package proxy

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/ccconform/ccconform/validate"
)

// DefaultMaxBytes bounds the body the proxy keeps a copy of to check.
const DefaultMaxBytes = 64 << 20

// Options configure a Proxy.
type Options struct {
	// Target is the server requests are forwarded to.
	Target *url.URL
	// Validator checks the bodies.
	Validator *validate.Validator
	// Emit receives each verdict; calls are never concurrent.
	Emit func(validate.Verdict)
	// MaxBytes bounds the copy kept of one body (DefaultMaxBytes); a larger
	// body passes unchecked, and Skip says so.
	MaxBytes int64
	// MaxPending bounds the copies kept of all bodies in flight or waiting
	// to be checked (DefaultMaxPending): past it, bodies pass unchecked,
	// and Skip says so, so that memory stays bounded under load.
	MaxPending int64
	// Skip, when set, is told of each body that passed unchecked: too
	// large, cut off, encoded in a way the proxy does not decode, or over
	// the budget. It is not a verdict: the traffic, not a document, is at
	// fault.
	Skip func(request, reason string)
	// Log, when set, is told of each response passed, one line each.
	Log func(msg string)
}

// DefaultMaxPending bounds the copies of bodies the proxy holds at once.
const DefaultMaxPending = 256 << 20

// Proxy is an http.Handler that forwards to Options.Target.
type Proxy struct {
	opts    Options
	rp      *httputil.ReverseProxy
	pending tracker
	emitMu  sync.Mutex
	held    atomic.Int64 // bytes of bodies copied and not yet checked
}

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
	p := &Proxy{opts: opts}
	target := opts.Target
	p.rp = &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(target)
			r.Out.Host = target.Host
		},
		ModifyResponse: p.watch,
		FlushInterval:  -1, // pass each chunk on as it comes
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			p.log(fmt.Sprintf("%s %s: the target did not answer: %v", r.Method, r.URL.RequestURI(), err))
			http.Error(w, "ccconform proxy: the target did not answer: "+err.Error(), http.StatusBadGateway)
		},
	}
	return p, nil
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

func (p *Proxy) log(msg string) {
	if p.opts.Log != nil {
		p.opts.Log(msg)
	}
}

// watch keeps a copy of a successful JSON response's body as it passes,
// to check when it is done.
func (p *Proxy) watch(resp *http.Response) error {
	req := resp.Request
	name := req.Method + " " + req.URL.RequestURI()
	if req.Method == http.MethodHead || resp.StatusCode < 200 || resp.StatusCode > 299 || resp.StatusCode == http.StatusNoContent {
		p.log(fmt.Sprintf("%s: %d, not checked (only successful responses carry documents)", name, resp.StatusCode))
		return nil
	}
	ct := resp.Header.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(ct); ct != "" && (err != nil || !strings.Contains(mt, "json")) {
		p.log(fmt.Sprintf("%s: %s, not checked (not JSON)", name, ct))
		return nil
	}
	p.pending.add()
	t := &tee{rc: resp.Body, max: p.opts.MaxBytes, budget: &p.held, limit: p.opts.MaxPending}
	t.done = func(body []byte, complete bool, skipped string) {
		go func() {
			defer p.pending.done()
			defer p.held.Add(-int64(cap(body)))
			if skipped != "" {
				p.skip(name, skipped)
				return
			}
			if !complete {
				p.skip(name, fmt.Sprintf("the body was cut off after %d bytes (the client or the server went away)", len(body)))
				return
			}
			p.check(name, resp.Header.Get("Content-Encoding"), body)
		}()
	}
	resp.Body = t
	return nil
}

// check validates one body that passed.
func (p *Proxy) check(name, encoding string, body []byte) {
	switch strings.ToLower(encoding) {
	case "", "identity":
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err == nil {
			body, err = io.ReadAll(io.LimitReader(zr, p.opts.MaxBytes+1))
		}
		if err != nil {
			p.skip(name, "the gzip body does not decompress: "+err.Error())
			return
		}
		if int64(len(body)) > p.opts.MaxBytes {
			p.skip(name, fmt.Sprintf("the body is larger than %d bytes once decompressed (raise --max-bytes)", p.opts.MaxBytes))
			return
		}
	default:
		p.skip(name, fmt.Sprintf("the body is %s-encoded, which the proxy does not decode", encoding))
		return
	}
	n := 0
	err := p.opts.Validator.Stream(context.Background(), validate.Input{Name: name, R: bytes.NewReader(body)}, func(vd validate.Verdict) error {
		n++
		p.emit(vd)
		return nil
	})
	if err != nil {
		p.skip(name, err.Error())
		return
	}
	p.log(fmt.Sprintf("%s: %d document(s) checked", name, n))
}

func (p *Proxy) emit(vd validate.Verdict) {
	p.emitMu.Lock()
	defer p.emitMu.Unlock()
	p.opts.Emit(vd)
}

// tee passes a body through and keeps a copy of it, up to max bytes and
// within the proxy's budget; done is called once, when the body is closed,
// with why the copy was given up, if it was.
type tee struct {
	rc      io.ReadCloser
	buf     []byte
	max     int64
	budget  *atomic.Int64
	limit   int64
	eof     bool
	skipped string
	once    sync.Once
	done    func(body []byte, complete bool, skipped string)
}

func (t *tee) Read(p []byte) (int, error) {
	n, err := t.rc.Read(p)
	if n > 0 && t.skipped == "" {
		switch {
		case int64(len(t.buf)+n) > t.max:
			t.skipped = fmt.Sprintf("the body is larger than %d bytes (raise --max-bytes)", t.max)
		case t.budget.Load()+int64(n) > t.limit:
			t.skipped = "the proxy holds its budget of bodies waiting to be checked; this one passed unchecked"
		}
		if t.skipped != "" {
			t.budget.Add(-int64(cap(t.buf)))
			t.buf = nil
		} else {
			before := cap(t.buf)
			t.buf = append(t.buf, p[:n]...)
			t.budget.Add(int64(cap(t.buf) - before))
		}
	}
	if err == io.EOF {
		t.eof = true
	}
	return n, err
}

func (t *tee) Close() error {
	err := t.rc.Close()
	t.once.Do(func() { t.done(t.buf, t.eof, t.skipped) })
	return err
}
