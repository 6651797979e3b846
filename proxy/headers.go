package proxy

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ccconform/ccconform/validate"
)

// The headers Options.VerdictHeaders adds to a response.
const (
	// VerdictHeader is "ok" when every document of the body conforms,
	// "invalid" when one does not, and "unchecked" when the body was not
	// checked: not a successful JSON response, too large, or over the
	// budget.
	VerdictHeader = "X-Ccconform-Verdict"
	// ViolationsHeader lists the violations of an invalid body as a
	// compact JSON array of {"index", "pointer", "rule", "message"}: index
	// is the document's place in the array or the REST envelope's data
	// that held it (absent for a lone document), pointer the offending
	// value's within the document. Non-ASCII is \u-escaped.
	ViolationsHeader = "X-Ccconform-Violations"
	// OmittedHeader counts the violations left out of ViolationsHeader to
	// keep it within MaxViolationsHeader bytes.
	OmittedHeader = "X-Ccconform-Violations-Omitted"
)

// MaxViolationsHeader bounds the value of ViolationsHeader: servers and
// clients refuse headers of more than 8 to 16 KiB in all.
const MaxViolationsHeader = 8 << 10

// unchecked marks a response the proxy passes without checking it.
func (p *Proxy) unchecked(h http.Header) {
	if p.opts.VerdictHeaders {
		setVerdict(h, "unchecked")
	}
}

// setVerdict sets VerdictHeader, and names the proxy's headers among those
// a browser page may read when the target lets pages read the response.
func setVerdict(h http.Header, verdict string) {
	h.Set(VerdictHeader, verdict)
	if h.Get("Access-Control-Allow-Origin") == "" {
		return
	}
	names := []string{VerdictHeader}
	if h.Get(ViolationsHeader) != "" {
		names = append(names, ViolationsHeader)
	}
	if h.Get(OmittedHeader) != "" {
		names = append(names, OmittedHeader)
	}
	if old := h.Get("Access-Control-Expose-Headers"); old != "" {
		names = append([]string{old}, names...)
	}
	h.Set("Access-Control-Expose-Headers", strings.Join(names, ", "))
}

// checkBeforeAnswer holds the body of resp, checks it, and adds its
// verdict to resp's headers; resp's body then passes as it came. A body
// that cannot be held whole passes on as it comes, unchecked.
func (p *Proxy) checkBeforeAnswer(resp *http.Response, name string) {
	p.pending.add()
	defer p.pending.done()
	if resp.ContentLength > p.opts.MaxBytes {
		p.skip(name, tooLarge(p.opts.MaxBytes))
		setVerdict(resp.Header, "unchecked")
		return
	}
	copy := &held{budget: &p.budget, max: p.opts.MaxBytes}
	var rest io.Reader = resp.Body // what follows the copy: nothing once it is whole
	switch err := copy.readFrom(resp.Body); err {
	case nil:
		rest = nil
	case errTooLarge:
		p.skip(name, tooLarge(p.opts.MaxBytes))
	case errBudget:
		p.skip(name, fmt.Sprintf("the proxy holds its budget of %d bytes of bodies; this one passed unchecked", p.opts.MaxPending))
	default:
		p.skip(name, fmt.Sprintf("the body was cut off after %d bytes: %v", copy.n, err))
		rest = errReader{err}
	}
	if rest != nil {
		resp.Body = &heldBody{Reader: io.MultiReader(copy.reader(), rest), copy: copy, body: resp.Body}
		setVerdict(resp.Header, "unchecked")
		return
	}
	resp.Body = &heldBody{Reader: copy.reader(), copy: copy, body: resp.Body}
	select {
	case p.inline <- struct{}{}:
		defer func() { <-p.inline }()
	case <-resp.Request.Context().Done():
		setVerdict(resp.Header, "unchecked") // the client has gone
		return
	}
	var vh violationsHeader
	n, why := p.check(name, resp.Header.Get("Content-Encoding"), copy, true, func(vd validate.Verdict) {
		vh.add(vd)
		p.emit(vd)
	})
	if why != "" {
		p.skip(name, why)
		setVerdict(resp.Header, "unchecked")
		return
	}
	p.log("%s: %d document(s) checked before the answer", name, n)
	if !vh.invalid {
		setVerdict(resp.Header, "ok")
		return
	}
	resp.Header.Set(ViolationsHeader, vh.String())
	if vh.omitted > 0 {
		resp.Header.Set(OmittedHeader, strconv.Itoa(vh.omitted))
	}
	setVerdict(resp.Header, "invalid")
}

// heldBody reads a held copy of a body, and what followed it; Close gives
// the copy back and closes the body.
type heldBody struct {
	io.Reader
	copy *held
	body io.Closer
}

func (b *heldBody) Close() error {
	b.copy.release()
	return b.body.Close()
}

// errReader fails every read with err: the target's body was cut off.
type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

// violationsHeader gathers the violations of a body's verdicts, in order,
// while the value stays within MaxViolationsHeader, and counts the rest.
type violationsHeader struct {
	invalid bool
	value   []byte // "[" and the violations so far, without the "]"
	omitted int
}

func (v *violationsHeader) add(vd validate.Verdict) {
	for _, x := range vd.Violations {
		v.invalid = true
		if v.omitted > 0 {
			v.omitted++
			continue
		}
		item := struct {
			Index   *int   `json:"index,omitempty"`
			Pointer string `json:"pointer"`
			Rule    string `json:"rule"`
			Message string `json:"message"`
		}{nil, x.Pointer, x.Rule, x.Message}
		if vd.Location.Index >= 0 {
			item.Index = &vd.Location.Index
		}
		b, err := json.Marshal(item)
		if err != nil {
			v.omitted++
			continue
		}
		b = asciiJSON(b)
		if len(v.value)+1+len(b)+1 > MaxViolationsHeader {
			v.omitted++
			continue
		}
		if len(v.value) == 0 {
			v.value = append(v.value, '[')
		} else {
			v.value = append(v.value, ',')
		}
		v.value = append(v.value, b...)
	}
}

// String returns the header's value: a JSON array.
func (v *violationsHeader) String() string {
	if len(v.value) == 0 {
		return "[]" // each violation alone was too long
	}
	return string(v.value) + "]"
}

// asciiJSON escapes what JSON b holds past ASCII, and DEL, as \u escapes,
// which only strings can hold: header values are ASCII without controls.
func asciiJSON(b []byte) []byte {
	var out []byte
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf && c != 0x7f {
			if out != nil {
				out = append(out, c)
			}
			i++
			continue
		}
		if out == nil {
			out = append(make([]byte, 0, len(b)+16), b[:i]...)
		}
		r, size := utf8.DecodeRune(b[i:])
		i += size
		if r > 0xffff {
			r -= 0x10000
			out = fmt.Appendf(out, `\u%04x\u%04x`, 0xd800+(r>>10), 0xdc00+(r&0x3ff))
			continue
		}
		out = fmt.Appendf(out, `\u%04x`, r)
	}
	if out == nil {
		return b
	}
	return out
}
