package validate

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/ccconform/ccconform/types"
)

// Input is one source of documents.
type Input struct {
	// Name is how verdicts locate documents: a path, "-" for standard
	// input, or a URL.
	Name string
	// R is read to its end.
	R io.Reader
	// Format is the input's layout; FormatAuto detects it.
	Format Format
	// Page is the page of a paginated URL, from 1, or 0.
	Page int
}

// Stream checks every document of in and calls emit with each verdict, in
// input order, from the calling goroutine. The input may be a single JSON
// value (an object, an array of objects, a REST envelope whose data is
// unwrapped), several concatenated values, or NDJSON. Memory stays bounded
// by the largest document times the number of workers.
//
// Malformed documents get verdicts, not errors. Stream returns an error only
// when the input cannot be read, ctx is done, or emit returns one; verdicts
// already emitted stand.
func (v *Validator) Stream(ctx context.Context, in Input, emit func(Verdict) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	workers := v.opts.Workers
	jobs := make(chan *batch, workers*2)
	order := make(chan *batch, workers*4)

	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range jobs {
				b.res <- b.check(v)
			}
		}()
	}
	readErr := make(chan error, 1)
	ep := endpointOf(in.Name)
	go func() {
		defer close(order)
		defer close(jobs)
		cur := newBatch()
		cur.ep = ep
		// send hands the batch on, in order, to a worker.
		send := func() bool {
			if cur.len() == 0 {
				return true
			}
			b := cur
			cur = newBatch()
			cur.ep = ep
			select {
			case order <- b:
			case <-ctx.Done():
				return false
			}
			select {
			case jobs <- b:
				return true
			case <-ctx.Done():
				b.res <- nil
				return false
			}
		}
		err := split(in, v.opts.MaxDocumentBytes, v.opts.Pointer == "" && v.opts.Kind != types.KindWebhook, func(raw []byte, loc Location, pre *Verdict) bool {
			cur.add(raw, loc, pre)
			return !cur.full() || send()
		}, func() bool { return send() })
		send()
		cur.release() // the empty batch send took for what never came
		readErr <- err
	}()

	var emitErr error
	done := ctx.Done()
	for {
		var b *batch
		select {
		case b = <-order:
		case <-done:
			// Do not wait for a reader that may be blocked in Read (a
			// terminal, a pipe, a FIFO): it ends when its Read returns.
			return ctx.Err()
		}
		if b == nil {
			break
		}
		vds := <-b.res
		b.release()
		if emitErr != nil {
			continue
		}
		for _, vd := range vds {
			if err := emit(vd); err != nil {
				emitErr = err
				done = nil // cancelled by us: drain what is in flight
				cancel()
				break
			}
		}
	}
	wg.Wait()
	if emitErr != nil {
		return emitErr
	}
	if err := <-readErr; err != nil {
		return err
	}
	return ctx.Err()
}

// batch is documents read in a row, checked by one worker: handing
// documents over in batches, rather than one by one, keeps the cost of
// channels and allocation per document small. A batch is sent when full, or
// as soon as the input has nothing more ready, so that a slow stream is
// answered document by document.
type batch struct {
	buf   []byte // the documents' bytes, one after another
	spans [][2]int
	locs  []Location
	pre   []*Verdict // a verdict made while reading (malformed input), or nil
	res   chan []Verdict
	ep    *endpoint // the REST endpoint the documents came from, or nil
}

const (
	batchDocs  = 128
	batchBytes = 256 << 10
)

// batches keeps emptied batches, buffers and all, for reuse.
var batches = sync.Pool{New: func() any {
	return &batch{buf: make([]byte, 0, batchBytes+16<<10), res: make(chan []Verdict, 1)}
}}

func newBatch() *batch { return batches.Get().(*batch) }

// release empties b and keeps it for reuse; its verdicts hold none of its
// bytes.
func (b *batch) release() {
	b.buf, b.spans, b.locs, b.pre, b.ep = b.buf[:0], b.spans[:0], b.locs[:0], b.pre[:0], nil
	batches.Put(b)
}

func (b *batch) len() int   { return len(b.locs) }
func (b *batch) full() bool { return len(b.locs) >= batchDocs || len(b.buf) >= batchBytes }

// add copies raw into the batch: the reader may reuse its bytes.
func (b *batch) add(raw []byte, loc Location, pre *Verdict) {
	start := len(b.buf)
	b.buf = append(b.buf, raw...)
	b.spans = append(b.spans, [2]int{start, len(b.buf)})
	b.locs = append(b.locs, loc)
	b.pre = append(b.pre, pre)
}

// check checks every document of the batch, in order.
func (b *batch) check(v *Validator) []Verdict {
	out := make([]Verdict, 0, len(b.locs))
	for i, loc := range b.locs {
		if b.pre[i] != nil {
			out = append(out, *b.pre[i])
			continue
		}
		out = v.expand(out, b.buf[b.spans[i][0]:b.spans[i][1]], loc, b.ep)
	}
	for i := range out {
		v.suppress.apply(&out[i])
	}
	return out
}

// expand checks one value read from an input: the document picked by
// Options.Pointer, or the documents of a REST envelope or an array, or the
// value itself. It appends their verdicts to out.
func (v *Validator) expand(out []Verdict, raw []byte, loc Location, ep *endpoint) []Verdict {
	check := func(doc []byte, loc Location) Verdict {
		vd := v.Check(doc)
		vd.Location = loc
		v.atEndpoint(ep, doc, &vd)
		v.observe(doc, &vd)
		return vd
	}
	if v.opts.Pointer != "" {
		sub, err := resolve(raw, v.opts.Pointer)
		if err != nil {
			if _, bad := err.(*json.SyntaxError); bad || !json.Valid(raw) {
				return append(out, check(raw, loc))
			}
			return append(out, Verdict{Location: loc, Violations: []Violation{{Pointer: v.opts.Pointer, Rule: RulePointer, Message: err.Error()}}})
		}
		raw = sub
	} else if doc := bytes.TrimSpace(raw); len(doc) > 0 && doc[0] == '{' {
		// The common case, one object: on one tape, tell an envelope from
		// a document, and check the document.
		t := tapes.Get().(*tape)
		defer t.release()
		// Read as deliveries (Options.Kind webhook), an object is never
		// a REST envelope.
		delivery := v.opts.Kind == types.KindWebhook
		switch {
		case !t.parse(doc):
			// The tape cannot read it: let encoding/json tell.
			if data, ok := envelope(doc); ok && !delivery {
				raw = data
			}
		case !delivery && isEnvelope(t):
			data := t.member(0, "data")
			if t.toks[data].kind == tArray {
				// The elements are read off the tape, not copied.
				return v.elements(out, t, data, loc, ep)
			}
			raw = t.raw(data)
		default:
			// The verdict is made in its place in out, not copied there.
			out = append(out, v.checkParsed(doc, t))
			vd := &out[len(out)-1]
			vd.Location = loc
			v.atEndpoint(ep, doc, vd)
			v.observe(doc, vd)
			return out
		}
	}
	items, ok := array(raw)
	if !ok {
		return append(out, check(raw, loc))
	}
	for i, it := range items {
		l := loc
		l.Index = i
		out = append(out, check(it, l))
	}
	if len(items) == 0 {
		out = append(out, Verdict{Location: loc, Violations: []Violation{{Rule: RuleJSON,
			Message: "empty array: no document to check"}}})
	}
	return out
}

// elements checks the elements of the array at token k of t.
func (v *Validator) elements(out []Verdict, t *tape, k int32, loc Location, ep *endpoint) []Verdict {
	n := 0
	for e := k + 1; e < t.toks[k].next; e = t.toks[e].next {
		l := loc
		l.Index = n
		doc := t.raw(e)
		vd := v.Check(doc)
		vd.Location = l
		v.atEndpoint(ep, doc, &vd)
		v.observe(doc, &vd)
		out = append(out, vd)
		n++
	}
	if n == 0 {
		out = append(out, Verdict{Location: loc, Violations: []Violation{{Rule: RuleJSON,
			Message: "empty array: no document to check"}}})
	}
	return out
}

// envelope returns the data of a REST envelope {"data": ..., "meta": ...}
// that the tape could not read: an object with a data member, an object or
// an array, and no member that makes it a document of the model.
func envelope(raw []byte) (json.RawMessage, bool) {
	var top map[string]json.RawMessage
	if json.Unmarshal(raw, &top) != nil {
		return nil, false
	}
	data, ok := top["data"]
	if !ok {
		return nil, false
	}
	for _, k := range []string{"category", "uid", "guid"} {
		if _, doc := top[k]; doc {
			return nil, false
		}
	}
	if t := bytes.TrimSpace(data); len(t) == 0 || (t[0] != '{' && t[0] != '[') {
		return nil, false
	}
	return data, true
}

// isEnvelope reports whether the object on t is a REST envelope: it has a
// data member, an object or an array, and no member that makes it a
// document of the model.
func isEnvelope(t *tape) bool {
	if t.toks[0].kind != tObject || t.member(0, "category") >= 0 || t.member(0, "uid") >= 0 || t.member(0, "guid") >= 0 || isWebhook(t) {
		return false
	}
	k := t.member(0, "data")
	return k >= 0 && (t.toks[k].kind == tObject || t.toks[k].kind == tArray)
}

// array returns the elements of raw when it is a JSON array.
func array(raw []byte) ([]json.RawMessage, bool) {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || t[0] != '[' {
		return nil, false
	}
	var items []json.RawMessage
	if json.Unmarshal(t, &items) != nil {
		return nil, false
	}
	return items, true
}

// resolve returns the value at JSON Pointer p in raw.
func resolve(raw []byte, p string) ([]byte, error) {
	cur := json.RawMessage(bytes.TrimSpace(raw))
	at := ""
	for _, tok := range strings.Split(p[1:], "/") {
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		switch {
		case len(cur) > 0 && cur[0] == '{':
			var m map[string]json.RawMessage
			if err := json.Unmarshal(cur, &m); err != nil {
				return nil, err
			}
			next, ok := m[tok]
			if !ok {
				return nil, fmt.Errorf("no member %q at %q: check --pointer", tok, at+"/")
			}
			cur = next
		case len(cur) > 0 && cur[0] == '[':
			var a []json.RawMessage
			if err := json.Unmarshal(cur, &a); err != nil {
				return nil, err
			}
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(a) {
				return nil, fmt.Errorf("no element %q in the array at %q (it has %d): check --pointer", tok, at, len(a))
			}
			cur = a[i]
		default:
			return nil, fmt.Errorf("nothing at %s: the value at %q is not an object or array; check --pointer", p, at)
		}
		at += "/" + escape(tok)
	}
	return cur, nil
}
