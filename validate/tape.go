package validate

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// A tape is a document parsed in one pass into a flat list of tokens, each
// with its byte span and the index of the token after its subtree, so that
// the fast path can look values up and skip them without building an any
// tree. It is strict: what it accepts, encoding/json accepts as the same
// value; anything it is unsure of makes it give up, and the reference path
// decides.
type tape struct {
	data []byte
	toks []tok
	// long holds the end of each value too long for its token's size, by
	// token: strings and containers of 64 KiB or more.
	long map[int32]int32
	// rootN is how many members the top-level object has.
	rootN int32
	// top indexes the members of the top-level object by a hash of their
	// keys, built on the first lookup: the rules and the detection look up
	// dozens of its members per document.
	top      []int32
	topBuilt bool
	// suspects are the objects that may repeat a key: two of their keys
	// share a fingerprint, or one has escapes.
	suspects []int32
	// rules and ts are the cross-field rules' view of the tape and their
	// timestamp walk, kept with the tape so that they are not allocated
	// for every document.
	rules doc
	ts    tsWalk
	// root is the root object as types.DetectObject reads it.
	root tapeObject
	// depth is the deepest nesting parse reached: 1 for a flat object.
	depth int
}

type tokKind uint8

const (
	tObject tokKind = iota + 1
	tArray
	tString
	tNumber
	tTrue
	tFalse
	tNull
)

type tokFlags uint8

const (
	escaped tokFlags = 1 << iota // a string with backslash escapes
	integer                      // a number written as an integer: no fraction, no exponent
)

// A tok is one value on the tape, in 12 bytes: a document of small values
// (an array of numbers, "1,1,1") holds one token for every two bytes, so
// that the tape, not the document, sets the memory a large document takes.
// What can be derived is not stored: an object's member count is found by
// walking it (rootN keeps the top level's), and a value's end from its
// start and size.
type tok struct {
	kind  tokKind
	flags tokFlags
	// size is the length of the value's bytes, quotes and brackets
	// included, or sizeLong when it is 64 KiB or more: then t.long has its
	// end.
	size  uint16
	start int32 // the value's first byte; documents are capped well below 2 GiB
	next  int32 // the index of the token after this value and its children
}

const sizeLong = 1<<16 - 1

// setEnd records that token k's bytes end at end.
func (t *tape) setEnd(k int32, end int) {
	tk := &t.toks[k]
	if n := end - int(tk.start); n < sizeLong {
		tk.size = uint16(n)
		return
	}
	tk.size = sizeLong
	if t.long == nil {
		t.long = map[int32]int32{}
	}
	t.long[k] = int32(end)
}

// end returns the offset just past token k's bytes.
func (t *tape) end(k int32) int32 {
	tk := &t.toks[k]
	if tk.size != sizeLong {
		return tk.start + int32(tk.size)
	}
	return t.long[k]
}

// escaped reports whether string token k has backslash escapes.
func (t *tape) escaped(k int32) bool { return t.toks[k].flags&escaped != 0 }

// key returns the bytes of key token k between its quotes, escapes as
// written.
func (t *tape) key(k int32) []byte { return t.data[t.toks[k].start+1 : t.end(k)-1] }

// count returns how many members object token k has, or elements array
// token k.
func (t *tape) count(k int32) int {
	n, step := 0, int32(1)
	if t.toks[k].kind == tObject {
		step = 2 // a key, then its value
	}
	for e := k + 1; e < t.toks[k].next; e = t.toks[e+step-1].next {
		n++
	}
	return n
}

// maxPooledTokens bounds the tapes kept for reuse: one that held a huge
// document is dropped after it, rather than holding its memory for the
// rest of the run. Documents of the model take a few hundred tokens.
const maxPooledTokens = 1 << 16

// maxTapeDepth is where the tape gives up; encoding/json refuses more than
// 10,000 levels, and no document of the model nests beyond a few dozen.
const maxTapeDepth = 512

// parse fills t from data, reusing its buffer, and reports whether data is
// one JSON value the tape can read exactly.
func (t *tape) parse(data []byte) bool {
	t.data = data
	t.toks = t.toks[:0]
	t.suspects = t.suspects[:0]
	t.topBuilt = false
	t.rootN = 0
	t.depth = 0
	clear(t.long)
	if len(data) > 1<<30 {
		return false
	}
	// A large document gets its tokens reserved at once: grown by
	// appending, the list would be copied at each step and leave up to
	// twice its size as garbage.
	if len(data) >= 1<<20 {
		if n := maxTokens(data); cap(t.toks) < n {
			t.toks = make([]tok, 0, n)
		}
	}
	i := skipSpace(data, 0)
	i, ok := t.value(i, 0)
	if !ok {
		return false
	}
	return skipSpace(data, i) == len(data)
}

// maxTokens returns how many tokens data can make at most: every value but
// the first follows a bracket, a comma or a colon outside a string.
func maxTokens(data []byte) int {
	n := 1
	in, esc := false, false
	for _, c := range data {
		switch {
		case esc:
			esc = false
		case in:
			switch c {
			case '\\':
				esc = true
			case '"':
				in = false
			}
		default:
			switch c {
			case '"':
				in = true
			case '[', '{', ',', ':':
				n++
			}
		}
	}
	return n
}

// checkedDepth returns how deeply the value at token k nests outside
// free-form values, counting from depth, and stops counting past
// MaxDocumentDepth. parse measures the raw depth as it goes; this walk is
// for the rare document deeper than the limit.
func (t *tape) checkedDepth(k int32, depth int) int {
	if depth > MaxDocumentDepth {
		return depth
	}
	deepest := depth
	switch t.toks[k].kind {
	case tObject:
		deepest = depth + 1
		for key := k + 1; key < t.toks[k].next; key = t.toks[key+1].next {
			if !freeForm(t.key(key)) {
				deepest = max(deepest, t.checkedDepth(key+1, depth+1))
			}
		}
	case tArray:
		deepest = depth + 1
		for e := k + 1; e < t.toks[k].next; e = t.toks[e].next {
			deepest = max(deepest, t.checkedDepth(e, depth+1))
		}
	}
	return deepest
}

// freeForm reports whether key names a value the model leaves free:
// nesting there costs no check, and does not count towards
// MaxDocumentDepth.
func freeForm(key []byte) bool {
	switch len(key) {
	case 8:
		return string(key) == "metadata"
	case 10:
		return string(key) == "customData" || string(key) == "rawMessage"
	case 13:
		return string(key) == "quotedMessage"
	}
	return false
}

func skipSpace(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

func (t *tape) value(i, depth int) (int, bool) {
	b := t.data
	if i >= len(b) || depth > maxTapeDepth {
		return i, false
	}
	if depth >= t.depth {
		t.depth = depth + 1
	}
	at := len(t.toks)
	switch c := b[i]; {
	case c == '{':
		t.toks = append(t.toks, tok{kind: tObject, start: int32(i)})
		i = skipSpace(b, i+1)
		n := int32(0)
		// A cheap fingerprint of each key picks the objects worth
		// checking for a repeated key.
		var seen uint64
		suspect := false
		if i < len(b) && b[i] == '}' {
			i++
		} else {
			for {
				if i >= len(b) || b[i] != '"' {
					return i, false
				}
				var ok bool
				if i, ok = t.str(i); !ok {
					return i, false
				}
				key := int32(len(t.toks) - 1)
				bit := uint64(1) << (fingerprint(b[t.toks[key].start+1:i-1]) & 63)
				suspect = suspect || t.escaped(key) || seen&bit != 0
				seen |= bit
				i = skipSpace(b, i)
				if i >= len(b) || b[i] != ':' {
					return i, false
				}
				if i, ok = t.value(skipSpace(b, i+1), depth+1); !ok {
					return i, false
				}
				n++
				i = skipSpace(b, i)
				if i < len(b) && b[i] == ',' {
					i = skipSpace(b, i+1)
					continue
				}
				if i < len(b) && b[i] == '}' {
					i++
					break
				}
				return i, false
			}
		}
		t.setEnd(int32(at), i)
		t.toks[at].next = int32(len(t.toks))
		if depth == 0 {
			t.rootN = n
		}
		if suspect {
			t.suspects = append(t.suspects, int32(at))
		}
		return i, true
	case c == '[':
		t.toks = append(t.toks, tok{kind: tArray, start: int32(i)})
		i = skipSpace(b, i+1)
		if i < len(b) && b[i] == ']' {
			i++
		} else {
			for {
				var ok bool
				if i, ok = t.value(i, depth+1); !ok {
					return i, false
				}
				i = skipSpace(b, i)
				if i < len(b) && b[i] == ',' {
					i = skipSpace(b, i+1)
					continue
				}
				if i < len(b) && b[i] == ']' {
					i++
					break
				}
				return i, false
			}
		}
		t.setEnd(int32(at), i)
		t.toks[at].next = int32(len(t.toks))
		return i, true
	case c == '"':
		return t.str(i)
	case c == '-' || c >= '0' && c <= '9':
		return t.number(i)
	case c == 't':
		return t.literal(i, "true", tTrue)
	case c == 'f':
		return t.literal(i, "false", tFalse)
	case c == 'n':
		return t.literal(i, "null", tNull)
	}
	return i, false
}

func (t *tape) literal(i int, word string, k tokKind) (int, bool) {
	if !bytes.HasPrefix(t.data[i:], []byte(word)) {
		return i, false
	}
	end := i + len(word)
	t.toks = append(t.toks, tok{kind: k, size: uint16(len(word)), start: int32(i), next: int32(len(t.toks) + 1)})
	return end, true
}

// plain marks the bytes a string may hold as they are: printable ASCII but
// the quote and the backslash.
var plain = func() (p [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		p[c] = c != '"' && c != '\\'
	}
	return p
}()

// str reads a string whose opening quote is at i. It accepts only valid
// UTF-8 and escapes JSON allows.
func (t *tape) str(i int) (int, bool) {
	b := t.data
	start := i
	var flags tokFlags
	for i++; i < len(b); {
		c := b[i]
		if plain[c] {
			i++
			continue
		}
		switch {
		case c == '"':
			k := int32(len(t.toks))
			t.toks = append(t.toks, tok{kind: tString, flags: flags, size: uint16(min(i+1-start, sizeLong)), start: int32(start), next: k + 1})
			if i+1-start >= sizeLong {
				t.setEnd(k, i+1)
			}
			return i + 1, true
		case c == '\\':
			flags = escaped
			if i+1 >= len(b) {
				return i, false
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(b) {
					return i, false
				}
				for _, h := range b[i+2 : i+6] {
					if !(h >= '0' && h <= '9' || h >= 'a' && h <= 'f' || h >= 'A' && h <= 'F') {
						return i, false
					}
				}
				i += 6
			default:
				return i, false
			}
		case c < 0x20:
			return i, false
		case c < utf8.RuneSelf:
			i++
		default:
			r, size := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && size <= 1 {
				return i, false
			}
			i += size
		}
	}
	return i, false
}

// number reads a number by JSON's grammar.
func (t *tape) number(i int) (int, bool) {
	b := t.data
	start := i
	if b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	default:
		return i, false
	}
	flags := integer
	if i < len(b) && b[i] == '.' {
		flags = 0
		i++
		d := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == d {
			return i, false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		flags = 0
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		d := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == d {
			return i, false
		}
	}
	k := int32(len(t.toks))
	t.toks = append(t.toks, tok{kind: tNumber, flags: flags, size: uint16(min(i-start, sizeLong)), start: int32(start), next: k + 1})
	if i-start >= sizeLong {
		t.setEnd(k, i)
	}
	return i, true
}

// raw returns the bytes of token k.
func (t *tape) raw(k int32) []byte { return t.data[t.toks[k].start:t.end(k)] }

// text returns the content of string token k, unescaped, and whether it
// could be read.
func (t *tape) text(k int32) (string, bool) {
	if k < 0 || int(k) >= len(t.toks) {
		return "", false
	}
	tk := t.toks[k]
	if tk.kind != tString {
		return "", false
	}
	inner := t.key(k)
	if tk.flags&escaped == 0 {
		if len(inner) == 0 {
			return "", true
		}
		// A view of the document's bytes, not a copy: the checks that read
		// it end before the document is released, and what they keep (a
		// message) is formatted anew.
		return unsafe.String(&inner[0], len(inner)), true
	}
	// JSON's escapes, not Go's: \/ and surrogate pairs are JSON's alone.
	var s string
	if err := json.Unmarshal(t.raw(k), &s); err != nil {
		return "", false
	}
	return s, true
}

// member returns the value token of the member named key in object token
// obj, or -1. It needs no allocation for keys without escapes.
func (t *tape) member(obj int32, key string) int32 {
	if obj < 0 || t.toks[obj].kind != tObject {
		return -1
	}
	if obj == 0 && t.rootN >= 6 {
		return t.topMember(key)
	}
	for k := obj + 1; k < t.toks[obj].next; {
		v := k + 1
		if t.keyIs(k, key) {
			return v
		}
		k = t.toks[v].next
	}
	return -1
}

// keyIs reports whether string token k spells key.
func (t *tape) keyIs(k int32, key string) bool {
	if !t.escaped(k) {
		return string(t.key(k)) == key
	}
	s, ok := t.text(k)
	return ok && s == key
}

// int returns the value of number token k when it is an integer that fits
// in int64.
func (t *tape) int(k int32) (int64, bool) {
	if k < 0 || t.toks[k].kind != tNumber || t.toks[k].flags&integer == 0 {
		return 0, false
	}
	return parseInt(t.raw(k))
}

// parseInt reads an integer that the tape has checked is one, without
// allocating.
func parseInt(b []byte) (int64, bool) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 19 {
		return 0, false
	}
	var n uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	if neg {
		if n > 1<<63 {
			return 0, false
		}
		return -int64(n), true
	}
	if n > 1<<63-1 {
		return 0, false
	}
	return int64(n), true
}

// pointer returns the JSON Pointer of the member whose key is token key.
func (t *tape) pointer(key int32) string {
	var parts []string
	// Walk down from the root to the token, through the container that
	// holds it at each level.
	k := int32(0)
	for k != key {
		tk := t.toks[k]
		switch tk.kind {
		case tObject:
			for m := k + 1; m < tk.next; m = t.toks[m+1].next {
				name, _ := t.text(m)
				if m == key {
					return pointer(append(parts, name))
				}
				if v := m + 1; key > v && key < t.toks[v].next {
					parts = append(parts, name)
					k = v
					break
				}
			}
		case tArray:
			i := 0
			for e := k + 1; e < tk.next; e = t.toks[e].next {
				if key > e && key < t.toks[e].next {
					parts = append(parts, strconv.Itoa(i))
					k = e
					break
				}
				i++
			}
		default:
			return pointer(parts)
		}
	}
	return pointer(parts)
}

// any builds the value of token k as encoding/json with UseNumber would
// (maps, slices, strings, json.Number, booleans, nil; the last of repeated
// keys wins), without scanning the bytes again. It reports false for a
// string it cannot unescape exactly, and the caller parses the bytes anew.
func (t *tape) any(k int32) (any, bool) {
	tk := t.toks[k]
	switch tk.kind {
	case tObject:
		m := make(map[string]any, t.count(k))
		for key := k + 1; key < tk.next; key = t.toks[key+1].next {
			name, ok := t.text(key)
			if !ok {
				return nil, false
			}
			v, ok := t.any(key + 1)
			if !ok {
				return nil, false
			}
			m[strings.Clone(name)] = v
		}
		return m, true
	case tArray:
		a := make([]any, 0, t.count(k))
		for e := k + 1; e < tk.next; e = t.toks[e].next {
			v, ok := t.any(e)
			if !ok {
				return nil, false
			}
			a = append(a, v)
		}
		return a, true
	case tString:
		s, ok := t.text(k)
		return strings.Clone(s), ok
	case tNumber:
		if raw := t.raw(k); len(raw) == 1 {
			return digits[raw[0]-'0'], true
		}
		return json.Number(t.raw(k)), true
	case tTrue:
		return true, true
	case tFalse:
		return false, true
	}
	return nil, true
}

// digits are the one-digit numbers, boxed once: an array of them ("1,1,1")
// is the largest tree a document can make for its size, and each element
// would otherwise take an allocation of its own.
var digits = func() (d [10]any) {
	for i := range d {
		d[i] = json.Number(strconv.Itoa(i))
	}
	return d
}()

// topMember is member for the top-level object, through its index.
func (t *tape) topMember(key string) int32 {
	if !t.topBuilt {
		t.buildTop()
	}
	mask := uint32(len(t.top) - 1)
	for h := keyHash(key) & mask; ; h = (h + 1) & mask {
		k := t.top[h]
		if k < 0 {
			return -1
		}
		if t.keyIs(k, key) {
			return k + 1
		}
	}
}

// buildTop indexes the top-level object's keys in an open-addressed table
// at most half full. Keys with escapes are indexed by their unescaped text.
func (t *tape) buildTop() {
	size := 16
	for size < 2*int(t.rootN) {
		size *= 2
	}
	if cap(t.top) >= size {
		t.top = t.top[:size]
	} else {
		t.top = make([]int32, size)
	}
	for i := range t.top {
		t.top[i] = -1
	}
	mask := uint32(size - 1)
	for k := int32(1); k < t.toks[0].next; k = t.toks[k+1].next {
		name, _ := t.text(k)
		h := keyHash(name) & mask
		for t.top[h] >= 0 {
			h = (h + 1) & mask
		}
		t.top[h] = k
	}
	t.topBuilt = true
}

// keyHash is FNV-1a, enough for a dozen short keys.
func keyHash(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}
