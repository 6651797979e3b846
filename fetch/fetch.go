// Package fetch reads the pages of a live JSON endpoint, such as CometChat's
// REST API, for validation: with headers whose values it never shows, a
// timeout per page that covers its retries, retries with backoff on 429,
// 5xx and connections cut before an answer, a cap on the response size,
// and both of the API's pagination styles. Its MaskWriter keeps the header
// values out of whatever a program writes about the pages.
package fetch

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"
)

// Options configure a Client. The zero value is usable: the defaults below
// apply to fields left zero.
type Options struct {
	// Header is sent with every request to the endpoint's own host, and
	// with none to any other host a redirect leads to. Its values never
	// appear in errors or notices, in any of the forms MaskWriter masks;
	// Secrets(Header) are what a MaskWriter around other output needs.
	Header http.Header
	// Timeout bounds the whole fetch of one page: every try, the body of
	// each, and the waits between them (DefaultTimeout). A try that runs
	// out of time is not tried again, and a wait longer than what is left
	// ends the fetch with an error that says so.
	Timeout time.Duration
	// MaxPages bounds how many pages one URL is followed for
	// (DefaultMaxPages). Stopping there while the server announces more
	// is an error: the read was partial.
	MaxPages int
	// MaxBytes bounds one response body (DefaultMaxBytes).
	MaxBytes int64
	// Retries is how many times a request is tried again, within Timeout,
	// when it was answered 429 or 5xx, or when its connection was cut
	// before an answer (DefaultRetries); negative means none. A refused
	// connection, a name that does not resolve, a certificate that does
	// not verify and a timeout are not tried again.
	Retries int
	// Backoff is the first wait between tries, doubled each time up to
	// MaxBackoff, unless the server says Retry-After (DefaultBackoff).
	Backoff time.Duration
	// MaxBackoff caps a wait, Retry-After included (DefaultMaxBackoff).
	MaxBackoff time.Duration
	// Insecure skips verifying the server's TLS certificate.
	Insecure bool
	// Proxy is the HTTP proxy requests go through, as a corporate network
	// needs: nil takes it from the environment (HTTPS_PROXY, HTTP_PROXY
	// and NO_PROXY, as Go reads them; never for loopback addresses), and
	// Direct goes to the endpoint itself. Through an https URL's proxy the
	// request travels in a tunnel the proxy cannot read; through a plain
	// http URL's proxy, the proxy sees the headers, as it sees everything.
	Proxy *url.URL
	// Notify, when set, is told of retries, one line each.
	Notify func(msg string)
}

// Direct, as Options.Proxy, sends requests to the endpoint itself,
// whatever the environment says.
var Direct = &url.URL{Scheme: "direct"}

// ParseProxy reads a proxy as --proxy takes it: an http, https or socks5
// URL, or "direct" for none.
func ParseProxy(s string) (*url.URL, error) {
	if s == "direct" {
		return Direct, nil
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "socks5") {
		return nil, fmt.Errorf("%q is not a proxy: give an http://, https:// or socks5:// URL with a host, or direct", mask(s))
	}
	return u, nil
}

// The defaults of Options.
const (
	DefaultTimeout    = 30 * time.Second
	DefaultMaxPages   = 1000
	DefaultMaxBytes   = 64 << 20
	DefaultRetries    = 3
	DefaultBackoff    = 500 * time.Millisecond
	DefaultMaxBackoff = 30 * time.Second
)

// Page is one response body of a paginated URL.
type Page struct {
	// URL is the page's address, with any password in it masked.
	URL string
	// Number counts the pages of one URL from 1.
	Number int
	// Body is the response body, JSON.
	Body []byte
}

// Client fetches endpoints.
type Client struct {
	opts Options
	http *http.Client
	mask *matcher // the values of opts.Header
}

// New returns a Client for opts.
func New(opts Options) *Client {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.MaxPages <= 0 {
		opts.MaxPages = DefaultMaxPages
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	if opts.Retries == 0 {
		opts.Retries = DefaultRetries
	}
	if opts.Backoff <= 0 {
		opts.Backoff = DefaultBackoff
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = DefaultMaxBackoff
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	switch {
	case opts.Proxy == nil:
		tr.Proxy = http.ProxyFromEnvironment
	case opts.Proxy == Direct:
		tr.Proxy = nil
	default:
		tr.Proxy = http.ProxyURL(opts.Proxy)
	}
	if opts.Insecure {
		tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true}
	}
	c := &Client{opts: opts, mask: newMatcher(Secrets(opts.Header))}
	c.http = &http.Client{Transport: tr, CheckRedirect: c.redirect}
	return c
}

// redirect follows at most 10 redirects, to http and https only, and strips
// the headers of Options when a redirect leaves the original host, or leaves
// https for http: the credentials are for that host alone, over TLS if they
// came so.
func (c *Client) redirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return fmt.Errorf("%w: more than 10 redirects", errRedirect)
	}
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return fmt.Errorf("%w to %s: only http and https are followed", errRedirect, req.URL.Scheme)
	}
	// Credentials stay with the host they are for, and off plain HTTP once
	// they were sent over TLS.
	if req.URL.Host != via[0].URL.Host || via[0].URL.Scheme == "https" && req.URL.Scheme == "http" {
		for name := range c.opts.Header {
			req.Header.Del(name)
		}
	}
	return nil
}

// Error is a URL that could not be fetched: unreachable, too slow, answered
// with an error status or a body that is not JSON, or too large.
type Error struct {
	URL string // masked
	// Status is the HTTP status, or 0 when there was no response.
	Status int
	Msg    string
}

func (e *Error) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("%s: HTTP %d: %s", e.URL, e.Status, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.URL, e.Msg)
}

// Pages fetches rawURL and each page after it, up to Options.MaxPages, and
// calls fn with each, in order. It follows meta.pagination
// (current_page < total_pages: the next page by the page and perPage query
// parameters) and meta.next (its members as the next request's query
// parameters), as the REST API's lists have them. It stops at the first
// error, fn's included; when it stops at MaxPages with more pages
// announced, it returns an *Error after the pages read.
func (c *Client) Pages(ctx context.Context, rawURL string, fn func(Page) error) error {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return &Error{URL: mask(rawURL), Msg: "not an http or https URL with a host"}
	}
	first := u.Redacted()
	seen := map[string]bool{}
	for n := 1; ; n++ {
		seen[u.String()] = true
		body, err := c.get(ctx, u)
		if err != nil {
			// A cursor can carry an echoed key into the URL.
			err.URL, err.Msg = c.mask.maskString(err.URL), c.mask.maskString(err.Msg)
			return err
		}
		if err := fn(Page{URL: u.Redacted(), Number: n, Body: body}); err != nil {
			return err
		}
		next := nextPage(u, body)
		if next == nil || seen[next.String()] {
			return nil
		}
		if n >= c.opts.MaxPages {
			// A partial read is not a clean one: the pages left unread
			// could hold anything.
			return &Error{URL: c.mask.maskString(first), Msg: fmt.Sprintf("stopped after %d pages, and the server announces more; raise --max-pages to read them all", n)}
		}
		u = next
	}
}

func (c *Client) notify(msg string) {
	if c.opts.Notify != nil {
		c.opts.Notify(c.mask.maskString(msg))
	}
}

// get fetches u, retrying as Options say within one Timeout for it all,
// and returns the body of a 2xx answer that is JSON.
func (c *Client) get(ctx context.Context, u *url.URL) ([]byte, *Error) {
	where := u.Redacted()
	page, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	deadline, _ := page.Deadline()
	for try := 0; ; try++ {
		body, status, retryAfter, err := c.once(page, u)
		if err != nil && status == 0 {
			switch {
			case ctx.Err() != nil:
				return nil, &Error{URL: where, Msg: "stopped: " + ctx.Err().Error()}
			case page.Err() != nil:
				return nil, &Error{URL: where, Msg: c.timedOut(try + 1)}
			}
		}
		retry := err != nil && status == 0 && !errors.Is(err, errTooLarge) && !isTimeout(err) && transient(err) ||
			status == http.StatusTooManyRequests || status >= 500
		if !retry || try >= c.opts.Retries {
			return c.answer(where, body, status, err, try+1)
		}
		wait := c.opts.Backoff << min(try, 20)
		if retryAfter >= 0 {
			wait = retryAfter
		}
		wait = min(wait, c.opts.MaxBackoff)
		if left := time.Until(deadline); wait >= left {
			_, e := c.answer(where, body, status, err, try+1)
			e.Msg += fmt.Sprintf("; not tried again: the wait of %s before the next try would outlast --timeout %s, which bounds a page's tries and waits together (raise it to wait)", wait, c.opts.Timeout)
			return nil, e
		}
		what := fmt.Sprintf("HTTP %d", status)
		if status == 0 {
			what = describe(err, c.opts.Timeout)
		}
		c.notify(fmt.Sprintf("%s: %s; trying again in %s (%d of %d)", where, what, wait, try+1, c.opts.Retries))
		select {
		case <-time.After(wait):
		case <-page.Done():
			if ctx.Err() != nil {
				return nil, &Error{URL: where, Msg: "stopped: " + ctx.Err().Error()}
			}
			return nil, &Error{URL: where, Msg: c.timedOut(try + 1)}
		}
	}
}

// answer turns the outcome of the last of the tries made into the body,
// or the error. A body is masked before its preview cuts it, so that no
// part of a key survives the cut.
func (c *Client) answer(where string, body []byte, status int, err error, made int) ([]byte, *Error) {
	switch {
	case err != nil && status == 0:
		return nil, &Error{URL: where, Msg: describe(err, c.opts.Timeout)}
	case err != nil:
		return nil, &Error{URL: where, Status: status, Msg: err.Error()}
	case status < 200 || status > 299:
		msg := "the server answered an error: " + preview(c.mask.mask(body)) + hint(status)
		if made > 1 {
			msg += fmt.Sprintf(" (%d tries)", made)
		}
		return nil, &Error{URL: where, Status: status, Msg: msg}
	}
	if t := bytes.TrimSpace(body); len(t) == 0 || (t[0] != '{' && t[0] != '[') {
		return nil, &Error{URL: where, Status: status, Msg: "the response is not JSON; it begins " + preview(c.mask.mask(body))}
	}
	return body, nil
}

// timedOut says that Timeout ran out, after the tries made.
func (c *Client) timedOut(made int) string {
	after := ""
	if made > 1 {
		after = fmt.Sprintf(", after %d tries", made)
	}
	return fmt.Sprintf("no answer within %s%s; check that the server is up, or raise --timeout", c.opts.Timeout, after)
}

var (
	errTooLarge = errors.New("response too large")
	errRedirect = errors.New("a redirect")
)

// once makes one request. retryAfter is the server's Retry-After, or -1.
func (c *Client) once(ctx context.Context, u *url.URL) (body []byte, status int, retryAfter time.Duration, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, 0, -1, err
	}
	for name, vs := range c.opts.Header {
		for _, v := range vs {
			req.Header.Add(name, v)
		}
	}
	if req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, 0, -1, err
	}
	defer resp.Body.Close()
	retryAfter = parseRetryAfter(resp.Header.Get("Retry-After"))
	if resp.ContentLength > c.opts.MaxBytes {
		return nil, resp.StatusCode, retryAfter, fmt.Errorf("the response is %d bytes, more than the limit of %d; raise --max-bytes to read it", resp.ContentLength, c.opts.MaxBytes)
	}
	body, err = io.ReadAll(io.LimitReader(resp.Body, c.opts.MaxBytes+1))
	if err != nil {
		return nil, 0, retryAfter, err
	}
	if int64(len(body)) > c.opts.MaxBytes {
		return nil, resp.StatusCode, retryAfter, fmt.Errorf("%w: more than the limit of %d bytes; raise --max-bytes to read it", errTooLarge, c.opts.MaxBytes)
	}
	return body, resp.StatusCode, retryAfter, nil
}

// parseRetryAfter reads a Retry-After header: seconds, or an HTTP date.
func parseRetryAfter(v string) time.Duration {
	if v == "" {
		return -1
	}
	if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && s >= 0 {
		return time.Duration(min(s, 1<<20)) * time.Second // the cap is MaxBackoff's; this keeps the product in range
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0)
	}
	return -1
}

// transient reports whether a request that failed without a response may
// succeed when tried again: a reset or cut connection, not a refused one or
// a name that does not resolve.
func transient(err error) bool {
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return dns.IsTemporary
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return false
	}
	var cert *tls.CertificateVerificationError
	return !errors.As(err, &cert) && !errors.Is(err, errRedirect)
}

// describe says what went wrong with a request that got no response, and
// what to check.
func describe(err error, timeout time.Duration) string {
	var dns *net.DNSError
	var op *net.OpError
	var cert *tls.CertificateVerificationError
	switch {
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return fmt.Sprintf("no answer within %s; check that the server is up, or raise --timeout", timeout)
	case errors.As(err, &dns):
		return fmt.Sprintf("the host name %s does not resolve; check the URL", dns.Name)
	case errors.As(err, &cert):
		return "the server's TLS certificate does not verify: " + cert.Err.Error() + "; fix the certificate, or pass --insecure for a test server"
	case errors.As(err, &op) && op.Op == "dial":
		return "cannot connect: " + op.Err.Error() + "; check the host and port, and that the server is running"
	case errors.Is(err, errTooLarge):
		return err.Error()
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET):
		return "the server closed the connection before its answer was complete; check the server's logs"
	}
	var uerr *url.Error
	if errors.As(err, &uerr) {
		return uerr.Err.Error()
	}
	return err.Error()
}

// isTimeout reports whether err is a network timeout.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// hint says what an error status usually means.
func hint(status int) string {
	switch status {
	case http.StatusUnauthorized, http.StatusForbidden:
		return " (check the apikey and appid headers: --header 'apikey: $CC_APIKEY')"
	case http.StatusNotFound:
		return " (check the URL's path)"
	case http.StatusTooManyRequests:
		return " (rate limited)"
	}
	return ""
}

// preview shows the first bytes of a body, quoted, for an error message.
func preview(body []byte) string {
	const n = 120
	b := body
	if len(b) > n {
		b = b[:n]
		for len(b) > 0 && !utf8.Valid(b) {
			b = b[:len(b)-1]
		}
	}
	s := strconv.Quote(string(b))
	if len(body) > n {
		s += "..."
	}
	if len(body) == 0 {
		s = "(an empty body)"
	}
	return s
}

// mask hides the password of a URL that may not parse.
func mask(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Redacted()
	}
	return "the URL"
}

// nextPage returns the URL of the page after body, fetched from u, or nil
// when it is the last.
func nextPage(u *url.URL, body []byte) *url.URL {
	var env struct {
		Data json.RawMessage `json:"data"`
		Meta struct {
			Pagination *struct {
				CurrentPage json.Number `json:"current_page"`
				TotalPages  json.Number `json:"total_pages"`
				PerPage     json.Number `json:"per_page"`
			} `json:"pagination"`
			Next map[string]any `json:"next"`
		} `json:"meta"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if dec.Decode(&env) != nil {
		return nil
	}
	// A page with no documents ends the list, whatever its meta says.
	if d := bytes.TrimSpace(env.Data); len(d) == 0 || bytes.Equal(d, []byte("[]")) {
		return nil
	}
	q := u.Query()
	switch {
	case env.Meta.Pagination != nil:
		p := env.Meta.Pagination
		cur, err1 := p.CurrentPage.Int64()
		total, err2 := p.TotalPages.Int64()
		if err1 != nil || err2 != nil || cur >= total {
			return nil
		}
		q.Set("page", strconv.FormatInt(cur+1, 10))
		if per, err := p.PerPage.Int64(); err == nil && per > 0 {
			q.Set("perPage", strconv.FormatInt(per, 10))
		}
	case len(env.Meta.Next) > 0:
		for k, v := range env.Meta.Next {
			switch x := v.(type) {
			case string:
				q.Set(k, x)
			case json.Number:
				q.Set(k, x.String())
			case bool:
				q.Set(k, strconv.FormatBool(x))
			default:
				return nil // not a cursor this client understands
			}
		}
	default:
		return nil
	}
	next := *u
	next.RawQuery = q.Encode()
	return &next
}
