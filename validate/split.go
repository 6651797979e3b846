package validate

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Format is the layout of the documents in an input.
type Format uint8

const (
	// FormatAuto detects the layout: a top-level array, NDJSON (a whole
	// value on one of the first lines), or values one after another.
	FormatAuto Format = iota
	// FormatNDJSON is one document a line, as .ndjson and .jsonl files are.
	FormatNDJSON
	// FormatJSON is one JSON value: an object, an array of documents, or a
	// REST envelope. A second value is reported, and checked all the same.
	FormatJSON
	// FormatArray is one top-level array of documents. Anything else is
	// reported, and checked all the same.
	FormatArray
	// FormatConcat is JSON values one after another, separated by any white
	// space or none: pretty-printed documents in a row, say.
	FormatConcat
)

var formatNames = [...]string{"auto", "ndjson", "json", "array", "concat"}

// Formats lists the names ParseFormat reads.
func Formats() []string { return append([]string(nil), formatNames[:]...) }

// String returns the name ParseFormat reads.
func (f Format) String() string {
	if int(f) < len(formatNames) {
		return formatNames[f]
	}
	return fmt.Sprintf("Format(%d)", f)
}

// ParseFormat reads an input format by name: auto, ndjson, json, array or
// concat.
func ParseFormat(s string) (Format, error) {
	for i, n := range formatNames {
		if s == n {
			return Format(i), nil
		}
	}
	return 0, fmt.Errorf("%q is not an input format: use one of %s", s, strings.Join(formatNames[:], ", "))
}

// DefaultMaxDocumentBytes bounds one document when Options.MaxDocumentBytes
// is 0. CometChat's documents are kilobytes; a larger one is most likely a
// whole export on one line, and checking it costs memory several times its
// size.
const DefaultMaxDocumentBytes = 16 << 20

// MaxDocumentBytesLimit is the largest Options.MaxDocumentBytes New takes.
const MaxDocumentBytesLimit = 1 << 30

// A top-level array and a REST envelope's data are the common layouts of a
// large input (an export, a REST dump), so their elements are found by a
// scanner that only follows brackets and strings: the workers parse each
// element anyway, and judge its syntax there. encoding/json's streaming
// decoder, which checks every byte on the reader's goroutine, made arrays
// three times slower than NDJSON, and read an envelope whole.

// split reads in and calls emit with each document and its location, or
// with a verdict for input it cannot read as JSON. It stops when emit
// returns false. No document is larger than max bytes: a larger one is
// skipped, with a verdict, and reading goes on after it. A malformed
// document never ends the reading of the documents after it.
//
// raw may be the reader's own bytes, valid until emit returns. idle is
// called when the input has nothing more ready, and split stops when it
// returns false.
func split(in Input, max int, envelopes bool, emit func(raw []byte, loc Location, pre *Verdict) bool, idle func() bool) error {
	br := bufio.NewReaderSize(in.R, 64<<10)
	if b, _ := br.Peek(3); bytes.Equal(b, bom) {
		br.Discard(3)
	}
	s := &splitter{in: in, max: max, envelopes: envelopes, emit: emit, idle: idle}
	s.a.line = 1
	format := in.Format
	if format == FormatNDJSON {
		return s.lines(br, nil)
	}
	s.single, s.wantArray = format == FormatJSON, format == FormatArray
	// White space before the first value is skipped here, however much
	// of it there is, so that it is neither kept nor read twice.
	first, err := s.skipSpace(br)
	if err != nil {
		if errors.Is(err, io.EOF) {
			s.finish()
			return nil
		}
		return fmt.Errorf("reading %s: %w", in.Name, err)
	}
	var prefix []byte
	if format == FormatAuto && first == '{' {
		var ndjson bool
		prefix, ndjson, err = sniffLines(br, max)
		if err != nil {
			return fmt.Errorf("reading %s: %w", in.Name, err)
		}
		if ndjson {
			return s.lines(br, prefix)
		}
	}
	return s.concat(br, prefix)
}

// skipSpace reads the white space at the start of br, counting its lines,
// and returns the first other byte, unread.
func (s *splitter) skipSpace(br *bufio.Reader) (byte, error) {
	for {
		c, err := br.ReadByte()
		if err != nil {
			return 0, err
		}
		switch c {
		case '\n':
			s.a.line++
		case ' ', '\t', '\r':
		default:
			br.UnreadByte()
			return c, nil
		}
	}
}

// sniffLines reads the first lines of br, whose first byte is {, and tells
// whether they look like NDJSON: one of the first four lines that are not
// blank is a whole value, starting in the first column. Pretty-printed
// values indent what they nest, and their first line is not whole. It
// returns the bytes it read, whole lines, for the reading to start with;
// it reads no more than about max bytes and no further than it must to
// decide, so that a live stream's first document is answered at once.
func sniffLines(br *bufio.Reader, max int) (prefix []byte, ndjson bool, err error) {
	for lines := 0; lines < 4; {
		start := len(prefix)
		line, err := br.ReadSlice('\n')
		for errors.Is(err, bufio.ErrBufferFull) {
			prefix = append(prefix, line...)
			if len(prefix) > max {
				return prefix, false, nil
			}
			line, err = br.ReadSlice('\n')
		}
		prefix = append(prefix, line...)
		if err != nil && !errors.Is(err, io.EOF) {
			return prefix, false, err
		}
		if l := bytes.TrimRight(prefix[start:], " \t\r\n"); len(l) > 0 {
			lines++
			if wholeLine(l) {
				return prefix, true, nil
			}
			if lines == 1 && len(l) == 1 {
				return prefix, false, nil // a lone { opens a pretty-printed value
			}
		}
		if err != nil {
			return prefix, false, nil
		}
	}
	return prefix, false, nil
}

// wholeLine reports whether l, a line without its end, is one object or
// array that starts in its first column and closes on its last byte.
func wholeLine(l []byte) bool {
	if l[0] != '{' && l[0] != '[' {
		return false
	}
	depth, inString, escaped := 0, false, false
	for i, c := range l {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			depth--
			if depth == 0 {
				return i == len(l)-1
			}
		}
	}
	return false
}

// splitter is the state of split between chunks of input.
type splitter struct {
	in  Input
	max int
	// envelopes streams a REST envelope's data elements; without it (with
	// a --pointer, which picks its own value out of each) an envelope is
	// one value like any other.
	envelopes bool
	emit      func([]byte, Location, *Verdict) bool
	idle      func() bool

	docs   int // documents and verdicts emitted
	values int // top-level values begun
	// single and wantArray are FormatJSON and FormatArray: a second
	// value, or a first that is not an array, is said once.
	single, wantArray, said bool
	// stray is set once a verdict is made for bytes out of place, and
	// cleared when a value begins: a run of them is one verdict.
	stray bool

	state splitState
	a     arrayScan // the value being scanned, and the current line
	size  int       // its bytes, kept or not
	over  bool      // it is larger than max: its bytes are dropped

	// A top-level object's members, followed at depth 1 to find a REST
	// envelope's data array.
	member  memberState
	key     [8]byte
	keyLen  int
	isData  bool // the member being read is "data"
	docKey  bool // a member that makes the object a document came first
	arrLine int  // the line of the array being streamed
	index   int  // the next element's index
	env     bool // the array is an envelope's data
	envLine int  // the line the envelope starts on
	afterNL bool // the last byte of an object was a newline outside a string
}

type splitState uint8

const (
	atTop     splitState = iota // between top-level values
	inObject                    // in a top-level object, following its members
	inScalar                    // in a top-level value that is no object or array
	wantFirst                   // after an array's [: an element or ]
	wantElem                    // after a comma: an element
	inElem                      // inside an element
	wantComma                   // after an element: a comma or ]
	envTail                     // after an envelope's data array, up to its }
)

type memberState uint8

const (
	wantKey memberState = iota
	inKey
	wantColon
	wantValue
	inValue
)

// arrayScan follows one value through chunks of input by its brackets and
// strings alone.
type arrayScan struct {
	line     int    // the current line, from 1
	elem     []byte // the value's bytes, gathered
	elemLine int    // the line it starts on
	depth    int    // brackets open in it
	inString bool
	escaped  bool // the last byte was a backslash in a string
	scalar   bool // the value is not an object or array
}

// lines reads one document a line: prefix first, whole lines, then br.
func (s *splitter) lines(br *bufio.Reader, prefix []byte) error {
	for len(prefix) > 0 {
		var line []byte
		if i := bytes.IndexByte(prefix, '\n'); i >= 0 {
			line, prefix = prefix[:i+1], prefix[i+1:]
		} else {
			line, prefix = prefix, nil
		}
		if !s.oneLine(bytes.TrimSpace(line), len(line), false, line[len(line)-1] == '\n') {
			return nil
		}
	}
	if br.Buffered() == 0 && !s.idle() {
		return nil
	}
	var long []byte // a line longer than the reader's buffer, gathered
	for {
		line, err := br.ReadSlice('\n')
		doc, size, over := bytes.TrimSpace(line), len(line), false
		if errors.Is(err, bufio.ErrBufferFull) {
			// A line longer than the buffer is gathered while what it
			// holds, white space around it left out, fits in max; past
			// that, it is only counted.
			size, long = 0, long[:0]
			for {
				size += len(line)
				if len(long) == 0 {
					line = bytes.TrimLeft(line, " \t\r\n")
				}
				if !over && len(long)+len(bytes.TrimRight(line, " \t\r\n")) > s.max {
					over, long = true, long[:0]
				}
				if !over {
					long = append(long, line...)
				}
				if !errors.Is(err, bufio.ErrBufferFull) {
					break
				}
				line, err = br.ReadSlice('\n')
			}
			doc = bytes.TrimSpace(long)
		}
		nl := size > 0 && errors.Is(err, nil) // ReadSlice returned the line through its newline
		if !s.oneLine(doc, size, over, nl) {
			return nil
		}
		if len(doc) == 0 && !over {
			s.skipBlank(br)
		}
		if errors.Is(err, io.EOF) {
			s.finish()
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading %s: %w", s.in.Name, err)
		}
		if br.Buffered() == 0 && !s.idle() {
			return nil
		}
	}
}

// oneLine emits doc, the document on one line of size bytes, unless the
// line is blank; over says the document was larger than max and not kept,
// nl that the line ended with a newline.
func (s *splitter) oneLine(doc []byte, size int, over, nl bool) bool {
	n := s.a.line
	if nl {
		s.a.line++
	}
	if over || len(doc) > s.max {
		s.docs++
		return s.emit(nil, Location{Source: s.in.Name, Line: n, Index: -1, Page: s.in.Page}, s.tooLarge(n, -1, max(size, len(doc))))
	}
	if len(doc) == 0 {
		return true
	}
	s.docs++
	return s.emit(doc, Location{Source: s.in.Name, Line: n, Index: -1, Page: s.in.Page}, nil)
}

// skipBlank passes over the white space br holds buffered, counting its
// lines, so that a run of blank lines costs a scan, not a read each.
func (s *splitter) skipBlank(br *bufio.Reader) {
	for br.Buffered() > 0 {
		b, _ := br.Peek(br.Buffered())
		n := 0
		for n < len(b) && isSpace(b[n]) {
			n++
		}
		s.a.line += bytes.Count(b[:n], []byte{'\n'})
		br.Discard(n)
		if n < len(b) {
			return
		}
	}
}

// tooLarge is the verdict on a document of size bytes, larger than max.
func (s *splitter) tooLarge(line, index, size int) *Verdict {
	loc := Location{Source: s.in.Name, Line: line, Index: index, Page: s.in.Page}
	return &Verdict{Location: loc, Violations: []Violation{{Rule: RuleSize, Message: fmt.Sprintf(
		"a document of %d bytes, over the limit of %d: not checked (raise --max-document-bytes to check it)", size, s.max)}}}
}

// verdict emits a verdict of rule json at line.
func (s *splitter) verdict(line int, msg string) bool {
	loc := Location{Source: s.in.Name, Line: line, Index: -1, Page: s.in.Page}
	s.docs++
	return s.emit(nil, loc, &Verdict{Location: loc, Violations: []Violation{{Rule: RuleJSON, Message: msg}}})
}

// misplaced emits a verdict for a byte out of place, unless one was made
// since the last value began.
func (s *splitter) misplaced(msg string) bool {
	if s.stray {
		return true
	}
	s.stray = true
	return s.verdict(s.a.line, fmt.Sprintf("malformed JSON at line %d: %s", s.a.line, msg))
}

// concat reads JSON values one after another: prefix first, then br.
func (s *splitter) concat(br *bufio.Reader, prefix []byte) error {
	if !s.feed(prefix) || (br.Buffered() == 0 && !s.idle()) {
		return nil
	}
	buf := make([]byte, 64<<10)
	for {
		n, err := br.Read(buf)
		if n > 0 && !s.feed(buf[:n]) {
			return nil
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				return fmt.Errorf("reading %s: %w", s.in.Name, err)
			}
			s.finish()
			return nil
		}
		// A short read: the input has nothing more ready for now.
		if n < len(buf) && br.Buffered() == 0 && !s.idle() {
			return nil
		}
	}
}

// begin starts a value at the current line.
func (s *splitter) begin(state splitState, scalar bool) bool {
	s.state = state
	s.a.elem, s.a.elemLine, s.a.depth = s.a.elem[:0], s.a.line, 0
	s.a.inString, s.a.escaped, s.a.scalar = false, false, scalar
	s.size, s.over, s.stray = 0, false, false
	if state == inObject || state == inScalar {
		s.values++
		return s.second()
	}
	return true
}

// second says, once, that a second top-level value began where
// --input-format json or array expects one.
func (s *splitter) second() bool {
	if s.values != 2 || !(s.single || s.wantArray) || s.said {
		return true
	}
	s.said = true
	format := "json"
	if s.wantArray {
		format = "array"
	}
	return s.verdict(s.a.line, fmt.Sprintf("a second JSON value at line %d, where --input-format %s expects one (use concat or ndjson for several); it is checked all the same", s.a.line, format))
}

// keep adds b to the value being scanned, or only counts it past max.
func (s *splitter) keep(b []byte) {
	s.size += len(b)
	if s.over {
		return
	}
	if s.size > s.max {
		s.over, s.a.elem = true, s.a.elem[:0]
		return
	}
	s.a.elem = append(s.a.elem, b...)
}

// done emits the value just scanned, with its index (or -1).
func (s *splitter) done(index int) bool {
	s.docs++
	loc := Location{Source: s.in.Name, Line: s.a.elemLine, Index: index, Page: s.in.Page}
	if s.over {
		return s.emit(nil, loc, s.tooLarge(s.a.elemLine, index, s.size))
	}
	return s.emit(s.a.elem, loc, nil)
}

// feed scans a chunk of input.
func (s *splitter) feed(chunk []byte) bool {
	i := 0
	for i < len(chunk) {
		c := chunk[i]
		switch s.state {
		case atTop:
			switch c {
			case '\n':
				s.a.line++
				i++
				continue
			case ' ', '\t', '\r':
				i++
				continue
			case ']', '}', ',', ':':
				if !s.misplaced(fmt.Sprintf("unexpected %q at the top level", c)) {
					return false
				}
				i++
				continue
			}
			if s.wantArray && s.values == 0 && c != '[' && !s.said {
				s.said = true
				if !s.verdict(s.a.line, "not a JSON array, where --input-format array expects one; the values are checked all the same") {
					return false
				}
			}
			switch c {
			case '{':
				if !s.begin(inObject, false) {
					return false
				}
				s.member, s.docKey, s.isData, s.afterNL = wantKey, false, false, false
			case '[':
				s.values++
				if !s.second() {
					return false
				}
				s.state, s.arrLine, s.index, s.env, s.stray = wantFirst, s.a.line, 0, false, false
				i++
			default:
				if !s.begin(inScalar, true) {
					return false
				}
			}
			// The first byte of an object or a scalar is read as part of it.
		case inObject:
			end, closed, data, cut := s.scanObject(chunk[i:])
			s.keep(chunk[i : i+end])
			i += end
			if cut {
				// A value past the limit is lost anyway: a line that
				// starts a new value in its first column ends it, so that
				// what follows is read.
				if !s.verdict(s.a.elemLine, fmt.Sprintf("truncated JSON: the value that starts here, over the limit of %d bytes, is not closed before line %d, where another begins", s.max, s.a.line)) {
					return false
				}
				s.state, s.stray = atTop, false
				continue
			}
			switch {
			case data:
				// An envelope: its data's elements are the documents,
				// and what came before them is not one.
				s.state, s.arrLine, s.index, s.env, s.envLine = wantFirst, s.a.line, 0, true, s.a.elemLine
				s.a.elem = s.a.elem[:0]
			case closed:
				s.state = atTop
				if !s.done(-1) {
					return false
				}
			}
		case inScalar:
			end, closed := s.a.scan(chunk[i:])
			s.keep(chunk[i : i+end])
			i += end
			if closed {
				s.state = atTop
				if !s.done(-1) {
					return false
				}
			}
		case wantFirst, wantElem, wantComma:
			switch {
			case c == '\n':
				s.a.line++
			case c == ' ' || c == '\t' || c == '\r':
			case c == ']':
				switch {
				case s.state == wantFirst && !s.stray:
					if !s.verdict(s.arrLine, "empty array: no document to check") {
						return false
					}
				case s.state == wantElem:
					if !s.misplaced("a comma before ]") {
						return false
					}
				}
				s.state = atTop
				if s.env {
					s.state, s.a.depth, s.a.inString, s.a.escaped, s.a.scalar = envTail, 1, false, false, false
				}
			case c == ',' && s.state == wantComma:
				s.state = wantElem
			case c == ',' || c == '}' || c == ':':
				if !s.misplaced(fmt.Sprintf("invalid character %q looking for beginning of value", c)) {
					return false
				}
			default:
				if s.state == wantComma {
					// A missing comma: said, and the element read all the
					// same, so that no document is lost.
					if !s.misplaced(fmt.Sprintf("invalid character %q after array element (a missing comma?)", c)) {
						return false
					}
				}
				s.begin(inElem, c != '{' && c != '[')
				continue // the element's first byte, read as part of it
			}
			i++
		case inElem:
			end, closed := s.a.scan(chunk[i:])
			s.keep(chunk[i : i+end])
			i += end
			if closed {
				if !s.done(s.index) {
					return false
				}
				s.index++
				s.state = wantComma
			}
		case envTail:
			end, closed := s.a.scan(chunk[i:])
			i += end
			if closed {
				s.state = atTop
			}
		}
	}
	return true
}

// scanObject follows a top-level object through b, and its members at
// depth 1. It returns how many bytes of b it read, and stops after the
// object's closing brace (closed), or after the [ that opens a member
// "data" when no member that makes the object a document (category, uid,
// guid) came before it (data): the object is then a REST envelope, whose
// documents are read one by one, however large the envelope.
func (s *splitter) scanObject(b []byte) (n int, closed, data, cut bool) {
	a := &s.a
	for i := 0; i < len(b); i++ {
		c := b[i]
		if s.afterNL && (c == '{' || c == '[') && (s.over || s.size+i > s.max) {
			s.afterNL = false
			return i, false, false, true
		}
		s.afterNL = c == '\n' && !a.inString
		if a.inString {
			switch {
			case a.escaped:
				a.escaped = false
			case c == '\\':
				a.escaped = true
			case c == '"':
				a.inString = false
				if a.depth == 1 && s.member == inKey {
					s.member = wantColon
				}
				continue
			case c == '\n':
				a.line++
			}
			if a.depth == 1 && s.member == inKey {
				if s.keyLen < len(s.key) {
					s.key[s.keyLen] = c
				}
				s.keyLen++
			}
			continue
		}
		switch c {
		case '"':
			a.inString = true
			if a.depth == 1 {
				switch s.member {
				case wantKey:
					s.member, s.keyLen = inKey, 0
				case wantValue:
					s.member = inValue
				}
			}
		case ':':
			if a.depth == 1 && s.member == wantColon {
				s.member = wantValue
				k := ""
				if s.keyLen <= len(s.key) {
					k = string(s.key[:s.keyLen])
				}
				s.isData = k == "data"
				if k == "category" || k == "uid" || k == "guid" {
					s.docKey = true
				}
			}
		case ',':
			if a.depth == 1 {
				s.member = wantKey
			}
		case '{', '[':
			if a.depth == 1 && s.member == wantValue {
				s.member = inValue
				if c == '[' && s.isData && !s.docKey && s.envelopes {
					return i + 1, false, true, false
				}
			}
			a.depth++
		case '}', ']':
			a.depth--
			if a.depth == 0 {
				return i + 1, true, false, false
			}
		case '\n':
			a.line++
		case ' ', '\t', '\r':
		default:
			if a.depth == 1 && s.member == wantValue {
				s.member = inValue
			}
		}
	}
	return len(b), false, false, false
}

// finish says what the end of the input left open.
func (s *splitter) finish() {
	switch s.state {
	case atTop:
		if s.docs == 0 {
			s.verdict(0, "empty input: no JSON document")
		}
	case inObject:
		if s.over {
			s.verdict(s.a.elemLine, fmt.Sprintf("truncated JSON: the input ends inside the value that starts here, after %d bytes", s.size))
			return
		}
		s.resync()
	case inScalar:
		if s.a.inString {
			s.verdict(s.a.elemLine, "truncated JSON: the input ends inside the value that starts here")
			return
		}
		s.done(-1)
	case wantFirst, wantElem, wantComma:
		s.verdict(s.a.line, "truncated JSON: the input ends inside the array, before its ]")
	case inElem:
		if s.a.scalar && s.a.depth == 0 && !s.a.inString && len(s.a.elem) > 0 {
			// A scalar runs to the end: emit it, then say the array is
			// unclosed.
			if s.done(s.index) {
				s.verdict(s.a.line, "truncated JSON: the input ends inside the array, before its ]")
			}
			return
		}
		s.verdict(s.a.elemLine, "truncated JSON: the input ends inside the value that starts here")
	case envTail:
		s.verdict(s.envLine, "truncated JSON: the input ends inside the envelope that starts here, after its data")
	}
}

// resync ends an object the input left open. Each line inside it that
// starts with { or [ in its first column begins a value of its own (NDJSON
// with truncated lines, read as values one after another): the object is
// reported up to the first such line, and each part from one such line to
// the next is a document, checked by a worker, so that the documents after
// a broken one are not lost. One pass: the input is read once more at most.
func (s *splitter) resync() {
	val, start := s.a.elem, s.a.elemLine
	var cuts []int
	for i := 0; i+1 < len(val); i++ {
		if val[i] == '\n' && (val[i+1] == '{' || val[i+1] == '[') {
			cuts = append(cuts, i+1)
		}
	}
	if len(cuts) == 0 {
		s.verdict(start, "truncated JSON: the input ends inside the value that starts here")
		return
	}
	line := start + bytes.Count(val[:cuts[0]], []byte{'\n'})
	if !s.verdict(start, fmt.Sprintf("truncated JSON: the value that starts here is not closed before line %d, where another begins", line)) {
		return
	}
	for k, from := range cuts {
		to := len(val)
		if k+1 < len(cuts) {
			to = cuts[k+1]
		}
		s.docs++
		if !s.emit(bytes.TrimSpace(val[from:to]), Location{Source: s.in.Name, Line: line, Index: -1, Page: s.in.Page}, nil) {
			return
		}
		line += bytes.Count(val[from:to], []byte{'\n'})
	}
}

// scan follows a value through b and returns how many of its bytes belong
// to it, and whether it ended there. Newlines are counted.
func (s *arrayScan) scan(b []byte) (int, bool) {
	for i := 0; i < len(b); i++ {
		c := b[i]
		if s.inString {
			switch {
			case s.escaped:
				s.escaped = false
			case c == '\\':
				s.escaped = true
			case c == '"':
				s.inString = false
				if s.scalar && s.depth == 0 {
					return i + 1, true
				}
			case c == '\n':
				s.line++
			}
			continue
		}
		switch c {
		case '"':
			s.inString = true
		case '{', '[':
			s.depth++
		case '}', ']':
			if s.scalar && s.depth == 0 {
				return i, true // the array's ], not the element's
			}
			s.depth--
			if s.depth == 0 && !s.scalar {
				return i + 1, true
			}
		case ',', ' ', '\t', '\r', '\n':
			if s.scalar && s.depth == 0 && (len(s.elem) > 0 || i > 0) {
				return i, true
			}
			if c == '\n' {
				s.line++
			}
		}
	}
	return len(b), false
}
