package validate

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// A top-level array is the other common layout of a large input (an export,
// a REST dump), so its elements are found by a scanner that only follows
// brackets and strings: the workers parse each element anyway, and judge its
// syntax there. encoding/json's streaming decoder, which checks every byte
// on the reader's goroutine, made arrays three times slower than NDJSON.

// arrayScan is the state of splitArray between chunks of input.
type arrayScan struct {
	line     int    // the current line, from 1
	elem     []byte // the element being gathered
	elemLine int    // the line it starts on
	depth    int    // brackets open in it
	inString bool
	escaped  bool // the last byte was a backslash in a string
	scalar   bool // the element is not an object or array
	state    arrayState
	index    int
}

type arrayState uint8

const (
	wantFirst arrayState = iota // after [: an element or ]
	wantElem                    // after a comma: an element
	inElem                      // inside an element
	wantComma                   // after an element: a comma or ]
	closed                      // after the closing ]
)

// splitArray reads a top-level array whose [ is the next byte of br other
// than white space, and emits each element with its line and index. What
// follows the array, if anything, it returns unread (rest), with the line
// it starts on, for splitValues. A malformed element is emitted all the
// same and judged by its worker; the array stops only where its own commas
// and brackets are broken, with a verdict that says so.
func splitArray(in Input, br *bufio.Reader, emit func([]byte, Location, *Verdict) bool) (rest io.Reader, line int, stopped bool, err error) {
	s := &arrayScan{line: 1}
	buf := make([]byte, 64<<10)
	fail := func(msg string) {
		loc := Location{Source: in.Name, Line: s.line, Index: -1, Page: in.Page}
		emit(nil, loc, &Verdict{Location: loc, Violations: []Violation{{Rule: RuleJSON,
			Message: msg + "; the rest of the input cannot be read"}}})
	}
	// Skip to the [.
	for {
		c, err := br.ReadByte()
		if err != nil {
			return nil, 0, true, fmt.Errorf("reading %s: %w", in.Name, err)
		}
		if c == '\n' {
			s.line++
		}
		if c == '[' {
			break
		}
	}
	arrayLine := s.line
	for {
		n, rerr := br.Read(buf)
		chunk := buf[:n]
		i := 0
		for i < len(chunk) {
			c := chunk[i]
			switch s.state {
			case wantFirst, wantElem, wantComma:
				switch {
				case c == '\n':
					s.line++
				case c == ' ' || c == '\t' || c == '\r':
				case c == ']' && s.state != wantElem:
					if s.state == wantFirst {
						loc := Location{Source: in.Name, Line: arrayLine, Index: -1, Page: in.Page}
						if !emit(nil, loc, &Verdict{Location: loc, Violations: []Violation{{Rule: RuleJSON,
							Message: "empty array: no document to check"}}}) {
							return nil, 0, true, nil
						}
					}
					s.state = closed
				case c == ',' && s.state == wantComma:
					s.state = wantElem
				case s.state == wantComma:
					fail(fmt.Sprintf("malformed JSON at line %d: invalid character %q after array element", s.line, c))
					return nil, 0, true, nil
				case c == ',' || c == ']' || c == '}':
					fail(fmt.Sprintf("malformed JSON at line %d: invalid character %q looking for beginning of value", s.line, c))
					return nil, 0, true, nil
				default:
					s.state, s.elem, s.elemLine, s.depth = inElem, s.elem[:0], s.line, 0
					s.inString, s.escaped = false, false
					s.scalar = c != '{' && c != '['
					continue // the element's first byte, read as part of it
				}
				i++
			case inElem:
				end, done := s.scan(chunk[i:])
				s.elem = append(s.elem, chunk[i:i+end]...)
				i += end
				if !done {
					continue
				}
				loc := Location{Source: in.Name, Line: s.elemLine, Index: s.index, Page: in.Page}
				if !emit(s.elem, loc, nil) {
					return nil, 0, true, nil
				}
				s.index++
				s.state = wantComma
			case closed:
				// What follows the array goes to splitValues.
				rest := append([]byte(nil), chunk[i:]...)
				return io.MultiReader(bytes.NewReader(rest), br), s.line, false, nil
			}
		}
		if rerr != nil {
			if !errors.Is(rerr, io.EOF) {
				return nil, 0, true, fmt.Errorf("reading %s: %w", in.Name, rerr)
			}
			switch s.state {
			case closed:
				return nil, 0, true, nil
			case inElem:
				if s.scalar && s.depth == 0 && !s.inString && len(s.elem) > 0 {
					// A scalar runs to the end: emit it, then say the
					// array is unclosed.
					if !emit(s.elem, Location{Source: in.Name, Line: s.elemLine, Index: s.index, Page: in.Page}, nil) {
						return nil, 0, true, nil
					}
				} else {
					s.line = s.elemLine
					fail("truncated JSON: the input ends inside the value that starts here")
					return nil, 0, true, nil
				}
			}
			fail("truncated JSON: the input ends inside the array, before its ]")
			return nil, 0, true, nil
		}
	}
}

// scan follows an element through b and returns how many of its bytes
// belong to it, and whether it ended there. Newlines are counted.
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
