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
	// body passes unchecked, and a verdict says so.
	MaxBytes int64
	// Log, when set, is told of each response passed and of anything the
	// proxy could not check, one line each.
	Log func(msg string)
}

// Proxy is an http.Handler that forwards to Options.Target.
type Proxy struct {
	opts    Options
	rp      *httputil.ReverseProxy
	pending sync.WaitGroup
	emitMu  sync.Mutex
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
func (p *Proxy) Wait() { p.pending.Wait() }

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
	p.pending.Add(1)
	resp.Body = &tee{rc: resp.Body, max: p.opts.MaxBytes, done: func(body []byte, complete, tooLarge bool) {
		go func() {
			defer p.pending.Done()
			p.check(name, resp.Header.Get("Content-Encoding"), body, complete, tooLarge)
		}()
	}}
	return nil
}

// check validates one body that passed.
func (p *Proxy) check(name, encoding string, body []byte, complete, tooLarge bool) {
	loc := validate.Location{Source: name, Index: -1}
	note := func(msg string) {
		p.emit(validate.Verdict{Location: loc, Violations: []validate.Violation{{Rule: validate.RuleJSON, Message: msg}}})
	}
	switch {
	case tooLarge:
		note(fmt.Sprintf("not checked: the body is larger than %d bytes (raise --max-bytes)", p.opts.MaxBytes))
		return
	case !complete:
		note(fmt.Sprintf("not checked: the body was cut off after %d bytes (the client or the server went away)", len(body)))
		return
	}
	switch strings.ToLower(encoding) {
	case "", "identity":
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err == nil {
			body, err = io.ReadAll(io.LimitReader(zr, p.opts.MaxBytes+1))
		}
		if err != nil {
			note("not checked: the gzip body does not decompress: " + err.Error())
			return
		}
		if int64(len(body)) > p.opts.MaxBytes {
			note(fmt.Sprintf("not checked: the body is larger than %d bytes once decompressed (raise --max-bytes)", p.opts.MaxBytes))
			return
		}
	default:
		note(fmt.Sprintf("not checked: the body is %s-encoded, which the proxy does not decode; ask the client to accept gzip or none", encoding))
		return
	}
	n := 0
	err := p.opts.Validator.Stream(context.Background(), validate.Input{Name: name, R: bytes.NewReader(body)}, func(vd validate.Verdict) error {
		n++
		p.emit(vd)
		return nil
	})
	if err != nil {
		note("not checked: " + err.Error())
		return
	}
	p.log(fmt.Sprintf("%s: %d document(s) checked", name, n))
}

func (p *Proxy) emit(vd validate.Verdict) {
	p.emitMu.Lock()
	defer p.emitMu.Unlock()
	p.opts.Emit(vd)
}

// tee passes a body through and keeps a copy of it, up to max bytes; done
// is called once, when the body is closed.
type tee struct {
	rc       io.ReadCloser
	buf      bytes.Buffer
	max      int64
	eof      bool
	tooLarge bool
	once     sync.Once
	done     func(body []byte, complete, tooLarge bool)
}

func (t *tee) Read(p []byte) (int, error) {
	n, err := t.rc.Read(p)
	if n > 0 && !t.tooLarge {
		if int64(t.buf.Len()+n) > t.max {
			t.tooLarge = true
			t.buf = bytes.Buffer{}
		} else {
			t.buf.Write(p[:n])
		}
	}
	if err == io.EOF {
		t.eof = true
	}
	return n, err
}

func (t *tee) Close() error {
	err := t.rc.Close()
	t.once.Do(func() { t.done(t.buf.Bytes(), t.eof, t.tooLarge) })
	return err
}
