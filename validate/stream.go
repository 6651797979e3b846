package validate

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
)

// Input is one source of documents.
type Input struct {
	// Name is how verdicts locate documents: a path, "-" for standard
	// input, or a URL.
	Name string
	// R is read to its end.
	R io.Reader
	// NDJSON says the input is one document per line, as .ndjson and .jsonl
	// files are. Without it the layout is detected.
	NDJSON bool
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
	go func() {
		defer close(order)
		defer close(jobs)
		cur := newBatch()
		// send hands the batch on, in order, to a worker.
		send := func() bool {
			if cur.len() == 0 {
				return true
			}
			b := cur
			cur = newBatch()
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
		err := split(in, func(raw []byte, loc Location, pre *Verdict) bool {
			cur.add(raw, loc, pre)
			return !cur.full() || send()
		}, func() bool { return send() })
		send()
		readErr <- err
	}()

	var emitErr error
	for b := range order {
		vds := <-b.res
		b.release()
		if emitErr != nil {
			continue
		}
		for _, vd := range vds {
			if err := emit(vd); err != nil {
				emitErr = err
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
	b.buf, b.spans, b.locs, b.pre = b.buf[:0], b.spans[:0], b.locs[:0], b.pre[:0]
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
		out = v.expand(out, b.buf[b.spans[i][0]:b.spans[i][1]], loc)
	}
	return out
}

// expand checks one value read from an input: the document picked by
// Options.Pointer, or the documents of a REST envelope or an array, or the
// value itself. It appends their verdicts to out.
func (v *Validator) expand(out []Verdict, raw []byte, loc Location) []Verdict {
	check := func(doc []byte, loc Location) Verdict {
		vd := v.Check(doc)
		vd.Location = loc
		v.observe(doc, vd)
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
		switch {
		case !t.parse(doc):
			// The tape cannot read it: let encoding/json tell.
			if data, ok := envelope(doc); ok {
				raw = data
			}
		case isEnvelope(t):
			raw = t.raw(t.member(0, "data"))
		default:
			vd := v.checkParsed(doc, t)
			vd.Location = loc
			v.observe(doc, vd)
			return append(out, vd)
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
	if t.toks[0].kind != tObject || t.member(0, "category") >= 0 || t.member(0, "uid") >= 0 || t.member(0, "guid") >= 0 {
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

// split reads in and calls emit with each top-level value and its location,
// or with a verdict for input it cannot read as JSON. It stops when emit
// returns false.
//
// raw may be the reader's own bytes, valid until emit returns. idle is
// called when the input has nothing more ready, and split stops when it
// returns false.
func split(in Input, emit func(raw []byte, loc Location, pre *Verdict) bool, idle func() bool) error {
	br := bufio.NewReaderSize(in.R, 64<<10)
	if b, _ := br.Peek(3); bytes.Equal(b, bom) {
		br.Discard(3)
	}
	if in.NDJSON || looksNDJSON(br) {
		return splitLines(in, br, emit, idle)
	}
	if startsArray(br) {
		rest, line, stopped, err := splitArray(in, br, emit)
		if stopped || err != nil {
			return err
		}
		return splitValues(in, rest, line, true, emit)
	}
	return splitValues(in, br, 1, false, emit)
}

// startsArray reports whether the first byte of br other than white space
// is [, reading nothing.
func startsArray(br *bufio.Reader) bool {
	for n := 1; n <= br.Size(); n *= 2 {
		b, err := br.Peek(n)
		if t := bytes.TrimLeft(b, " \t\r\n"); len(t) > 0 {
			return t[0] == '['
		}
		if err != nil {
			return false
		}
	}
	return false
}

// looksNDJSON tells NDJSON from a pretty-printed document by its first
// lines: in NDJSON the first or second non-blank line is a whole object.
func looksNDJSON(br *bufio.Reader) bool {
	b, _ := br.Peek(64 << 10)
	lines := 0
	for len(b) > 0 && lines < 2 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			return false
		}
		line := bytes.TrimSpace(b[:i])
		b = b[i+1:]
		if len(line) == 0 {
			continue
		}
		lines++
		if line[0] == '{' && line[len(line)-1] == '}' {
			return true
		}
		if line[0] == '[' {
			return false // an array, its elements on lines of their own
		}
	}
	return false
}

func splitLines(in Input, br *bufio.Reader, emit func([]byte, Location, *Verdict) bool, idle func() bool) error {
	var long []byte // a line longer than the reader's buffer, gathered
	docs := 0
	for n := 1; ; n++ {
		line, err := br.ReadSlice('\n')
		for errors.Is(err, bufio.ErrBufferFull) {
			long = append(long, line...)
			line, err = br.ReadSlice('\n')
		}
		if long != nil {
			line = append(long, line...)
			long = nil
		}
		if t := bytes.TrimSpace(line); len(t) > 0 {
			docs++
			if !emit(t, Location{Source: in.Name, Line: n, Index: -1, Page: in.Page}, nil) {
				return nil
			}
		}
		if errors.Is(err, io.EOF) {
			if docs == 0 {
				loc := Location{Source: in.Name, Index: -1, Page: in.Page}
				emit(nil, loc, &Verdict{Location: loc, Violations: []Violation{{Rule: RuleJSON, Message: "empty input: no JSON document"}}})
			}
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading %s: %w", in.Name, err)
		}
		if br.Buffered() == 0 && !idle() {
			return nil
		}
	}
}

// splitValues reads the top-level values of r, which starts on line line;
// seen says values came before it, so that an empty r is not an empty input.
func splitValues(in Input, r io.Reader, line int, seen bool, emit func([]byte, Location, *Verdict) bool) error {
	lc := &lineCounter{r: r, line: line - 1}
	dec := json.NewDecoder(lc)
	// fail reports the error that stopped the decoder; its position is the
	// decoder's, which has not moved past the value that failed.
	fail := func(err error) error {
		var syn *json.SyntaxError
		var rerr *readError
		loc := Location{Source: in.Name, Line: lc.lineAt(nextValue(dec)), Index: -1, Page: in.Page}
		msg := "malformed JSON: " + strings.TrimPrefix(err.Error(), "json: ")
		switch {
		case errors.As(err, &rerr):
			return fmt.Errorf("reading %s: %w", in.Name, rerr.err)
		case errors.As(err, &syn):
			// A decoder's syntax error counts its offset from the start of
			// the input.
			loc.Line = lc.lineAt(syn.Offset)
			msg = fmt.Sprintf("malformed JSON at line %d: %s", loc.Line, syn.Error())
		case errors.Is(err, io.ErrUnexpectedEOF):
			msg = "truncated JSON: the input ends inside the value that starts here"
		}
		emit(nil, loc, &Verdict{Location: loc, Violations: []Violation{{Rule: RuleJSON,
			Message: msg + "; the rest of the input cannot be read"}}})
		return nil
	}
	total := 0
	if seen {
		total = 1
	}
	for {
		if !dec.More() {
			if _, err := dec.Token(); err != io.EOF {
				if err == nil {
					err = errors.New("unexpected ] or } at the top level")
				}
				return fail(err)
			}
			break
		}
		start := dec.InputOffset()
		var head [1]byte
		n, _ := dec.Buffered().Read(head[:])
		if n == 1 && head[0] == '[' {
			if _, err := dec.Token(); err != nil {
				return fail(err)
			}
			i := 0
			for ; dec.More(); i++ {
				var raw json.RawMessage
				if err := dec.Decode(&raw); err != nil {
					return fail(err)
				}
				at := dec.InputOffset() - int64(len(raw))
				total++
				if !emit(raw, Location{Source: in.Name, Line: lc.lineAt(at), Index: i, Page: in.Page}, nil) {
					return nil
				}
			}
			if _, err := dec.Token(); err != nil {
				return fail(err)
			}
			total++
			if i == 0 {
				loc := Location{Source: in.Name, Line: lc.lineAt(start), Index: -1, Page: in.Page}
				if !emit(nil, loc, &Verdict{Location: loc, Violations: []Violation{{Rule: RuleJSON, Message: "empty array: no document to check"}}}) {
					return nil
				}
			}
			continue
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return fail(err)
		}
		total++
		if !emit(raw, Location{Source: in.Name, Line: lc.lineAt(start), Index: -1, Page: in.Page}, nil) {
			return nil
		}
	}
	if total == 0 {
		loc := Location{Source: in.Name, Index: -1, Page: in.Page}
		emit(nil, loc, &Verdict{Location: loc, Violations: []Violation{{Rule: RuleJSON, Message: "empty input: no JSON document"}}})
	}
	return nil
}

// nextValue returns the offset where the decoder's next value starts: past
// the separator and the white space that follow its position.
func nextValue(dec *json.Decoder) int64 {
	off := dec.InputOffset()
	b, _ := io.ReadAll(dec.Buffered())
	for _, c := range b {
		switch c {
		case ' ', '\t', '\r', '\n', ',', ':':
			off++
			continue
		}
		break
	}
	return off
}

// readError marks an error of the underlying reader, so that it is not
// mistaken for malformed JSON.
type readError struct{ err error }

func (e *readError) Error() string { return e.err.Error() }

// lineCounter counts the lines of what it reads, so that a byte offset
// reached by the decoder can be turned into a line number. It keeps only the
// newlines not yet passed, a window as large as the decoder's read-ahead.
type lineCounter struct {
	r     io.Reader
	pos   int64
	nl    []int64
	line  int
	first int
}

func (c *lineCounter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for i, b := range p[:n] {
		if b == '\n' {
			c.nl = append(c.nl, c.pos+int64(i))
		}
	}
	c.pos += int64(n)
	if err != nil && !errors.Is(err, io.EOF) {
		return n, &readError{err}
	}
	return n, err
}

// lineAt returns the 1-based line of offset off; offsets must not decrease
// between calls.
func (c *lineCounter) lineAt(off int64) int {
	for c.first < len(c.nl) && c.nl[c.first] < off {
		c.first++
		c.line++
	}
	if c.first > 1024 && c.first*2 > len(c.nl) {
		c.nl = append(c.nl[:0], c.nl[c.first:]...)
		c.first = 0
	}
	return c.line + 1
}
