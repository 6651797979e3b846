// Package escape makes text from outside (a payload's keys and values, a
// file's name) safe to show on a terminal, in a log or in a CI system's
// annotations: what those would act on is written as an escape a person
// reads.
package escape

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Visible escapes, in text that may come from a payload (a message, a
// pointer, a key, a source), every character a terminal, a log viewer or a
// browser would act on rather than show: C0 controls (an escape sequence
// begins with ESC, a forged line with a line feed), DEL, C1 controls (NEL
// ends a line too), the Unicode line and paragraph separators, the marks
// that reorder text (bidi controls), and bytes that are not UTF-8. Each
// becomes an escape a person reads: \n, \r, \t, \u001b, \xff. One verdict
// then stays one line, and a key prints as the text it is.
func Visible(s string) string {
	i := 0
	for i < len(s) {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			i++
			continue
		}
		r, w := utf8.DecodeRuneInString(s[i:])
		if hidden(r, w) {
			break
		}
		i += w
	}
	if i == len(s) {
		return s // nothing to escape: the common case, with no copy
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	b.WriteString(s[:i])
	for i < len(s) {
		r, w := utf8.DecodeRuneInString(s[i:])
		switch {
		case !hidden(r, w):
			b.WriteString(s[i : i+w])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == utf8.RuneError && w == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
		i += w
	}
	return b.String()
}

// hidden reports whether the rune r, w bytes long, is one Visible escapes.
func hidden(r rune, w int) bool {
	switch {
	case r == utf8.RuneError && w == 1:
		return true
	case r < 0x20, r >= 0x7f && r <= 0x9f:
		return true
	case r == 0x2028, r == 0x2029:
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}
