package fetch

import (
	"html"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"unicode/utf16"
	"unicode/utf8"
)

// redacted stands where a secret was.
const redacted = "[redacted]"

// shortSecret is the length, in bytes, under which a secret is masked only
// where it stands as a whole token.
const shortSecret = 4

// maxUnit bounds the bytes one byte of a secret can take in an output, in
// the most roundabout form read: an escape whose own escape character is
// escaped by the longest character reference read, as in &#x5C;ud83d&#x5C;ude00
// with up to maxName bytes in each reference. A match is never longer than
// maxUnit times its secret's length.
const maxUnit = 128

// cutSpan bounds the bytes read after a secret: the one that ends a
// short secret's token, or the broken escape, quote and ellipsis after a
// cut one.
const cutSpan = 512

// maxName bounds the name of a character reference (&name; or &#digits;).
const maxName = 32

// lookbehind is how many bytes already written a MaskWriter keeps, to tell
// whether a short secret starts a token: enough for \u0020.
const lookbehind = 8

// chunk is how much of one Write a MaskWriter takes in at a time.
const chunk = 32 << 10

// Secrets returns the secrets of h, for NewMaskWriter: every value of
// every header, and, of a value with an authentication scheme before a
// space ("Bearer TOKEN"), the credential after it too.
func Secrets(h http.Header) []string {
	var out []string
	for _, vs := range h {
		for _, v := range vs {
			out = append(out, v)
			if _, cred, ok := strings.Cut(strings.TrimSpace(v), " "); ok {
				out = append(out, strings.TrimSpace(cred))
			}
		}
	}
	return out
}

// MaskWriter writes to another writer with secrets masked: each place a
// secret appears is written as "[redacted]". It masks a secret in every
// form a report or a message can carry it in, and any mix of them from one
// character to the next:
//
//   - as it is;
//   - with JSON's and Go's string escapes: \" \\ \/ \n \t and the others,
//     \u00XX (as encoding/json writes control characters and, by default,
//     < > &), surrogate pairs, \UXXXXXXXX and \xXX, or every character
//     \u-escaped as some servers echo a key;
//   - with HTML and XML character references, named or numeric (&quot;
//     &apos; &amp; &lt; &#34; &#39; &#xD; &#x2D;), as html/template,
//     html.EscapeString and encoding/xml write them;
//   - percent-encoded (%2D, and + for a space), as in a URL's query;
//   - with JSON Pointer's ~0 and ~1;
//   - quoted twice: one escape whose own escape character is escaped, as a
//     JSON string quotes a \u escape (\\u0073) or a page escapes a
//     character reference (&amp;#39;).
//
// A secret shorter than 4 bytes is masked only where it stands as a whole
// token: where neither the byte before it nor the byte after it is an
// ASCII letter, a digit or an underscore (an escape such as \n or %20
// before it counts as a boundary, as does the start or end of the output).
// So a 3-byte key "k3y" is masked in "k3y", /k3y, id=k3y&... and
// {"k3y":1}, but not in "k3yboard"; and a report keeps its own words and
// numbers unless a header's value is one of them: a header "X-Version: 3"
// masks every 3 that stands alone.
//
// A secret cut short, as a report cuts a long value it quotes, is masked
// from its fourth byte on: its first bytes, in any of the forms above,
// followed by an ellipsis (… or ..., in any form), directly, after a
// closing quote or after the start of an escape the cut broke. So
// "sk-live-01"… (a string of 90 characters) shows "[redacted]"….
//
// A MaskWriter holds back at most the last 128 times the longest secret's
// length in bytes, plus 512, between writes, and only while those bytes could begin a
// secret, so that a secret split between two writes is still masked; its
// memory does not grow with the output. Flush writes what it holds: call
// it when the output is complete, after the last write, and before the
// underlying writer is flushed or closed. A secret that straddles a Flush
// is not masked. A MaskWriter is safe for concurrent use; with no secrets
// it writes through.
type MaskWriter struct {
	mu      sync.Mutex
	w       io.Writer
	m       *matcher
	s       scan
	buf     []byte // buf[:back] were written, kept to look behind; buf[back:] are held
	back    int
	maskEnd int // the end of the last mask in buf, or -1
	err     error
}

// NewMaskWriter returns a MaskWriter that writes to w with secrets masked.
// Empty secrets are ignored.
func NewMaskWriter(w io.Writer, secrets []string) *MaskWriter {
	m := newMatcher(secrets)
	mw := &MaskWriter{w: w, m: m, s: scan{m: m}, maskEnd: -1}
	if len(m.secrets) > 0 {
		mw.buf = make([]byte, 0, lookbehind+m.span+chunk)
	}
	return mw
}

// Write masks p and writes what can be told to hold no secret; it holds
// back a tail that could begin one until the next Write or Flush.
func (mw *MaskWriter) Write(p []byte) (int, error) {
	mw.mu.Lock()
	defer mw.mu.Unlock()
	if mw.err != nil {
		return 0, mw.err
	}
	if len(mw.m.secrets) == 0 {
		return mw.w.Write(p)
	}
	n := 0
	for n < len(p) {
		k := min(len(p)-n, cap(mw.buf)-len(mw.buf))
		mw.buf = append(mw.buf, p[n:n+k]...)
		n += k
		if err := mw.process(false); err != nil {
			mw.err = err
			return n, err
		}
	}
	return n, nil
}

// Flush writes, masked, what the MaskWriter holds.
func (mw *MaskWriter) Flush() error {
	mw.mu.Lock()
	defer mw.mu.Unlock()
	if mw.err != nil {
		return mw.err
	}
	if len(mw.m.secrets) == 0 {
		return nil
	}
	mw.err = mw.process(true)
	return mw.err
}

// process writes the held bytes that can be told apart, masked, and keeps
// the rest, from the first that could begin a secret not yet complete.
func (mw *MaskWriter) process(final bool) error {
	b := mw.buf
	from, p := mw.back, mw.back
	var err error
	write := func(s []byte) {
		if err == nil && len(s) > 0 {
			_, err = mw.w.Write(s)
		}
	}
	for p < len(b) {
		if !mw.m.first[b[p]] {
			p++
			continue
		}
		n, more := mw.s.matchAt(b, p, p == mw.maskEnd || leftBoundary(b, p), final)
		if more && len(b)-p < mw.m.span { // never more than span: a guard, so the buffer cannot fill
			break
		}
		if n == 0 {
			p++
			continue
		}
		write(b[from:p])
		write(replacement(b[p : p+n]))
		p += n
		from, mw.maskEnd = p, p
	}
	write(b[from:p])
	if err != nil {
		return err
	}
	// Keep a little of what was written, to look behind, and what is held.
	keep := max(p-lookbehind, 0)
	if mw.maskEnd >= keep {
		mw.maskEnd -= keep
	} else {
		mw.maskEnd = -1
	}
	mw.buf = mw.buf[:copy(mw.buf, b[keep:])]
	mw.back = p - keep
	return nil
}

var (
	redactedBytes  = []byte(redacted)
	quotedRedacted = []byte(`"` + redacted + `"`)
)

// replacement is what stands for match: "[redacted]", quoted when the
// match is a quoted string (a secret given with its quotes, as a short user
// name is), so that a JSON value stays a JSON value.
func replacement(match []byte) []byte {
	if len(match) >= 2 && match[0] == '"' && match[len(match)-1] == '"' {
		return quotedRedacted
	}
	return redactedBytes
}

// matcher finds secrets in their forms.
type matcher struct {
	secrets []string // distinct, non-empty
	// first marks the bytes a match can start with: a secret's first byte,
	// or one that begins an escape.
	first [256]bool
	// span bounds the bytes a match reads: its own, and those after it
	// that tell where it ends.
	span int
}

func newMatcher(secrets []string) *matcher {
	m := &matcher{}
	seen := map[string]bool{}
	for _, s := range secrets {
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		m.secrets = append(m.secrets, s)
		m.first[s[0]] = true
		m.span = max(m.span, maxUnit*len(s)+cutSpan)
	}
	sort.Strings(m.secrets) // a fixed order, for the same output every run
	for c, ok := range escapeStarts {
		m.first[c] = m.first[c] || ok && len(m.secrets) > 0
	}
	return m
}

// mask returns b with every secret masked.
func (m *matcher) mask(b []byte) []byte {
	if len(m.secrets) == 0 {
		return b
	}
	s := scan{m: m}
	var out []byte
	from, maskEnd := 0, -1
	for p := 0; p < len(b); {
		if !m.first[b[p]] {
			p++
			continue
		}
		n, _ := s.matchAt(b, p, p == maskEnd || leftBoundary(b, p), true)
		if n == 0 {
			p++
			continue
		}
		out = append(append(out, b[from:p]...), replacement(b[p:p+n])...)
		p += n
		from, maskEnd = p, p
	}
	if out == nil {
		return b
	}
	return append(out, b[from:]...)
}

// maskString returns s with every secret masked.
func (m *matcher) maskString(s string) string {
	if len(m.secrets) == 0 {
		return s
	}
	return string(m.mask([]byte(s)))
}

// scan is the working memory of one matching goroutine.
type scan struct {
	m              *matcher
	states, next   []state
	lstates, lnext []state // of literal
	stack          []unit
}

// state is a partial match: the secret's first i bytes end at pos.
type state struct{ pos, i int }

// matchAt returns the length of the longest secret, in any of its forms,
// that starts at b[p], or 0. leftOK says whether p starts a token. more
// says that b ends too soon to tell, unless final says nothing follows.
func (s *scan) matchAt(b []byte, p int, leftOK, final bool) (n int, more bool) {
	for _, sec := range s.m.secrets {
		short := len(sec) < shortSecret
		if short && !leftOK || b[p] != sec[0] && !escapeStart(b[p]) {
			continue
		}
		s.states = append(s.states[:0], state{p, 0})
		for len(s.states) > 0 {
			s.next = s.next[:0]
			for _, st := range s.states {
				if st.i == len(sec) {
					switch {
					case !short:
						n = max(n, st.pos-p)
					case st.pos < len(b):
						if !isWord(b[st.pos]) {
							n = max(n, st.pos-p)
						}
					case final:
						n = max(n, st.pos-p)
					default:
						more = true
					}
					continue
				}
				if st.i >= shortSecret && st.pos < len(b) && cutStarts[b[st.pos]] {
					cut, m := s.cutAt(b, st.pos, final)
					more = more || m
					if cut {
						n = max(n, st.pos-p)
					}
				}
				more = s.units(b, st.pos, 2, final) || more
				for _, u := range s.stack {
					if strings.HasPrefix(sec[st.i:], u.val) {
						s.next = addState(s.next, state{u.next, st.i + len(u.val)})
					}
				}
				s.stack = s.stack[:0]
			}
			s.states, s.next = s.next, s.states
		}
	}
	return n, more
}

// cutStarts marks the bytes a cut mark can begin with: a partial escape,
// a closing quote, an ellipsis.
var cutStarts = [256]bool{'\\': true, '&': true, '%': true, '"': true, '.': true, 0xE2: true} // 0xE2 begins …

// cutAt reports whether b[p:] is where a report cut a long value short: an
// ellipsis (… or ...), in any form, after an optional closing quote and
// the start of an escape the cut broke (&#3, \u00, %E; its first
// character in any form, as in &amp;#3).
func (s *scan) cutAt(b []byte, p int, final bool) (cut, more bool) {
	var fb [8]int
	froms := append(fb[:0], p)
	base := len(s.stack)
	more = s.units(b, p, 2, final)
	for _, u := range s.stack[base:] {
		if len(u.val) != 1 || !escapeStart(u.val[0]) || len(froms) == cap(froms) {
			continue
		}
		q := u.next
		for q < len(b) && q-u.next < maxName && isName(b[q]) {
			q++
		}
		froms = append(froms, q)
	}
	s.stack = s.stack[:base]
	for _, from := range froms {
		for _, quoted := range [...]bool{false, true} {
			at, m := from, false
			if quoted {
				if at, m = s.literal(b, from, `"`, final); at < 0 {
					more = more || m
					continue
				}
			}
			for _, mark := range [...]string{"…", "..."} {
				end, m := s.literal(b, at, mark, final)
				more = more || m
				if end >= 0 {
					return true, false
				}
			}
		}
	}
	return false, more
}

// literal returns where lit, in any of its forms, ends when it starts at
// b[p], or -1; the longest ending when there are several.
func (s *scan) literal(b []byte, p int, lit string, final bool) (end int, more bool) {
	end = -1
	s.lstates = append(s.lstates[:0], state{p, 0})
	for len(s.lstates) > 0 {
		s.lnext = s.lnext[:0]
		for _, st := range s.lstates {
			if st.i == len(lit) {
				end = max(end, st.pos)
				continue
			}
			base := len(s.stack)
			more = s.units(b, st.pos, 2, final) || more
			for _, u := range s.stack[base:] {
				if strings.HasPrefix(lit[st.i:], u.val) {
					s.lnext = addState(s.lnext, state{u.next, st.i + len(u.val)})
				}
			}
			s.stack = s.stack[:base]
		}
		s.lstates, s.lnext = s.lnext, s.lstates
	}
	return end, more
}

func addState(set []state, st state) []state {
	for _, x := range set {
		if x == st {
			return set
		}
	}
	return append(set, st)
}

// unit is one reading of the bytes at a place: what they stand for, and
// where they end.
type unit struct {
	val  string
	next int
}

// units appends to s.stack the readings of b at p: the byte itself, and,
// when depth > 0, each escape that starts there, whose own escape
// character (the \ of \u0073, the & of &#39;, the % of %2D) is read at
// depth-1. more says that b ends before an escape could be told complete.
// The readings of nested calls go on s.stack after the caller's, as on a
// stack, so that reading allocates nothing.
func (s *scan) units(b []byte, p, depth int, final bool) (more bool) {
	if p >= len(b) {
		return !final
	}
	c := b[p]
	s.stack = append(s.stack, unit{byteString[c], p + 1})
	if depth == 0 || !escapeStart(c) {
		return false
	}
	switch c {
	case '+':
		s.stack = append(s.stack, unit{" ", p + 1})
	case '~':
		switch {
		case p+1 >= len(b):
			more = !final
		case b[p+1] == '0':
			s.stack = append(s.stack, unit{"~", p + 2})
		case b[p+1] == '1':
			s.stack = append(s.stack, unit{"/", p + 2})
		}
	}
	tmp := len(s.stack)
	more = s.units(b, p, depth-1, final) || more
	end := len(s.stack)
	for k := tmp; k < end; k++ {
		in := s.stack[k]
		switch in.val {
		case `\`:
			more = s.backslash(b, in.next, depth-1, final) || more
		case "&":
			more = s.reference(b, in.next, final) || more
		case "%":
			more = s.percent(b, in.next, final) || more
		}
	}
	s.drop(tmp, end)
	return more
}

// drop removes s.stack[from:to], the working readings of a call, keeping
// its results after them.
func (s *scan) drop(from, to int) {
	if to == len(s.stack) {
		s.stack = s.stack[:from]
		return
	}
	s.stack = s.stack[:from+copy(s.stack[from:], s.stack[to:])]
}

// backslash reads the escape after a \ at p: JSON's and Go's.
func (s *scan) backslash(b []byte, p, depth int, final bool) (more bool) {
	tmp := len(s.stack)
	more = s.units(b, p, depth, final)
	end := len(s.stack)
	for k := tmp; k < end; k++ {
		l := s.stack[k]
		if len(l.val) != 1 {
			continue
		}
		q := l.next
		switch e := l.val[0]; e {
		case '"', '\\', '/', '\'':
			s.stack = append(s.stack, unit{l.val, q})
		case 'a', 'b', 'f', 'n', 'r', 't', 'v':
			s.stack = append(s.stack, unit{byteString["\a\b\f\n\r\t\v"[strings.IndexByte("abfnrtv", e)]], q})
		case 'x':
			v, ok, m := hexAt(b, q, 2, final)
			more = more || m
			if ok {
				s.stack = append(s.stack, unit{byteString[v], q + 2})
			}
		case 'U':
			v, ok, m := hexAt(b, q, 8, final)
			more = more || m
			if ok && utf8.ValidRune(rune(v)) {
				s.stack = append(s.stack, unit{runeString(rune(v)), q + 8})
			}
		case 'u':
			v, ok, m := hexAt(b, q, 4, final)
			more = more || m
			if !ok {
				continue
			}
			if r := rune(v); !utf16.IsSurrogate(r) {
				s.stack = append(s.stack, unit{runeString(r), q + 4})
			} else {
				more = s.lowSurrogate(b, q+4, r, depth, final) || more
			}
		}
	}
	s.drop(tmp, end)
	return more
}

// lowSurrogate reads the second half of a surrogate pair whose first half
// is hi, at p: \uXXXX, its \ written as the first's could be.
func (s *scan) lowSurrogate(b []byte, p int, hi rune, depth int, final bool) (more bool) {
	tmp := len(s.stack)
	more = s.units(b, p, depth, final)
	end := len(s.stack)
	for k := tmp; k < end; k++ {
		sl := s.stack[k]
		switch {
		case sl.val != `\`:
			continue
		case sl.next >= len(b):
			more = more || !final
			continue
		case b[sl.next] != 'u':
			continue
		}
		lo, ok, m := hexAt(b, sl.next+1, 4, final)
		more = more || m
		if r := utf16.DecodeRune(hi, rune(lo)); ok && r != utf8.RuneError {
			s.stack = append(s.stack, unit{runeString(r), sl.next + 5})
		}
	}
	s.drop(tmp, end)
	return more
}

// reference reads a character reference after an & at p: &name; or
// &#digits; or &#xhex;.
func (s *scan) reference(b []byte, p int, final bool) (more bool) {
	end := p
	for end < len(b) && end-p < maxName && isName(b[end]) {
		end++
	}
	switch {
	case end == len(b) && end-p < maxName:
		return !final
	case end == p || end >= len(b) || b[end] != ';':
		return false
	}
	name := b[p:end]
	if name[0] == '#' {
		var v uint32
		digits, base := name[1:], uint32(10)
		if len(digits) > 0 && (digits[0] == 'x' || digits[0] == 'X') {
			digits, base = digits[1:], 16
		}
		for _, d := range digits {
			x, ok := hexDigit(d)
			if !ok || x >= base || v > utf8.MaxRune {
				return false
			}
			v = v*base + x
		}
		if len(digits) == 0 || !utf8.ValidRune(rune(v)) {
			return false
		}
		s.stack = append(s.stack, unit{runeString(rune(v)), end + 1})
		return false
	}
	if v, ok := namedRefs[string(name)]; ok {
		s.stack = append(s.stack, unit{v, end + 1})
		return false
	}
	ref := "&" + string(name) + ";"
	if v := html.UnescapeString(ref); v != ref {
		s.stack = append(s.stack, unit{v, end + 1})
	}
	return false
}

// namedRefs are the references the report formats write; html knows the
// rest.
var namedRefs = map[string]string{"quot": `"`, "apos": "'", "amp": "&", "lt": "<", "gt": ">"}

// percent reads the two hex digits after a % at p.
func (s *scan) percent(b []byte, p int, final bool) (more bool) {
	v, ok, more := hexAt(b, p, 2, final)
	if ok {
		s.stack = append(s.stack, unit{byteString[v], p + 2})
	}
	return more
}

// hexAt reads n hex digits at b[p]. more says that b ends in the middle
// of them.
func hexAt(b []byte, p, n int, final bool) (v uint32, ok, more bool) {
	for i := range n {
		if p+i >= len(b) {
			return 0, false, !final
		}
		x, ok := hexDigit(b[p+i])
		if !ok {
			return 0, false, false
		}
		v = v<<4 | x
	}
	return v, true, false
}

func hexDigit(c byte) (uint32, bool) {
	switch {
	case '0' <= c && c <= '9':
		return uint32(c - '0'), true
	case 'a' <= c && c <= 'f':
		return uint32(c-'a') + 10, true
	case 'A' <= c && c <= 'F':
		return uint32(c-'A') + 10, true
	}
	return 0, false
}

func isName(c byte) bool { return c == '#' || isWord(c) && c != '_' }

// isWord reports whether c continues a token: a letter, a digit or _.
func isWord(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_'
}

func escapeStart(c byte) bool { return escapeStarts[c] }

// escapeStarts marks the bytes an escape can begin with.
var escapeStarts = [256]bool{'\\': true, '&': true, '%': true, '~': true, '+': true}

// leftBoundary reports whether a token may start at b[p]: nothing, or
// neither a letter, a digit nor _, comes before it, as written or as an
// escape ends there (\n, %20, \x20, \u0020).
func leftBoundary(b []byte, p int) bool {
	switch {
	case p == 0 || !isWord(b[p-1]):
		return true
	case p >= 2 && b[p-2] == '\\':
		return true
	case p >= 3 && b[p-3] == '%' && isHex(b[p-2]) && isHex(b[p-1]):
		return true
	case p >= 4 && b[p-4] == '\\' && b[p-3] == 'x' && isHex(b[p-2]) && isHex(b[p-1]):
		return true
	case p >= 6 && b[p-6] == '\\' && b[p-5] == 'u' && isHex(b[p-4]) && isHex(b[p-3]) && isHex(b[p-2]) && isHex(b[p-1]):
		return true
	}
	return false
}

func isHex(c byte) bool { _, ok := hexDigit(c); return ok }

// byteString holds each byte as a one-byte string, so that reading a byte
// allocates nothing.
var byteString [256]string

func init() {
	for i := range byteString {
		byteString[i] = string([]byte{byte(i)})
	}
}

func runeString(r rune) string {
	if r < utf8.RuneSelf {
		return byteString[r]
	}
	return string(r)
}
