package validate

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxShown is how many characters of a document's value a violation
// message quotes. A longer value is cut, and its full size said, so that a
// report grows with the number of faults, never with what they hold: a
// megabyte string or a number written 1e999999 makes a line like any other.
const maxShown = 64

// Shorten cuts s, text taken from a document (a key, a value, a list of
// them), to its first 64 characters followed by an ellipsis and its full
// length, as the validator's own messages do; shorter text comes back as it
// is. Reports use it for what they print beside the messages, such as the
// values a coverage report counts.
func Shorten(s string) string { return capped(s, "") }

// ShortenPointer cuts each reference token of the JSON Pointer p as Shorten
// cuts text, so that a pointer through a key of a megabyte still names the
// path to it in a line.
func ShortenPointer(p string) string {
	if len(p) <= maxShown {
		return p
	}
	toks := strings.Split(p, "/")
	for i, t := range toks {
		toks[i] = capped(t, "a key")
	}
	return strings.Join(toks, "/")
}

// capped returns text when it has at most maxShown characters; otherwise
// its first maxShown characters, an ellipsis, and "(what of n characters)",
// or "(n characters)" without what.
func capped(text, what string) string {
	if len(text) <= maxShown {
		return text // no more bytes than characters allowed: short enough
	}
	n := utf8.RuneCountInString(text)
	if n <= maxShown {
		return text
	}
	return cut(text) + "…" + size(what, n, "character")
}

// cut returns the first maxShown characters of s.
func cut(s string) string {
	i, n := 0, 0
	for i < len(s) && n < maxShown {
		_, w := utf8.DecodeRuneInString(s[i:])
		i += w
		n++
	}
	return s[:i]
}

// prefix returns at most n bytes of s, cut between characters.
func prefix(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// size says how big a cut value was: " (a string of 1048576 characters)";
// unit is singular.
func size(what string, n int, unit string) string {
	if n != 1 {
		unit += "s"
	}
	if what == "" {
		return fmt.Sprintf(" (%d %s)", n, unit)
	}
	return fmt.Sprintf(" (%s of %d %s)", what, n, unit)
}

// quote writes a string from a document as a JSON string, cut to maxShown
// characters: "abc"… (a string of 100000 characters).
func quote(s string) string {
	if len(s) <= maxShown || utf8.RuneCountInString(s) <= maxShown {
		return jsonString(s)
	}
	return jsonString(cut(s)) + "…" + size("a string", utf8.RuneCountInString(s), "character")
}

// jsonString quotes s as JSON does, with every control character escaped
// (C0, DEL, C1, and the line and paragraph separators) and no HTML escapes:
// a quoted value reads on one line, as the document wrote it.
func jsonString(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		i += w
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == utf8.RuneError && w == 1:
			b.WriteString(`\ufffd`)
		case r < 0x20 || r >= 0x7f && r <= 0x9f || r == 0x2028 || r == 0x2029:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// show writes a JSON value from a document briefly: a string quoted, a
// number as the document wrote it, an object or array as JSON; each cut to
// maxShown characters with its full size said. Objects and arrays are
// written only as far as the cut needs.
func show(v any) string {
	switch x := v.(type) {
	case string:
		return quote(x)
	case json.Number:
		return capped(string(x), "a number")
	case map[string]any, []any:
		var b strings.Builder
		whole := writeJSON(&b, v, 4*maxShown)
		if s := b.String(); whole && utf8.RuneCountInString(s) <= maxShown {
			return s
		}
		s := cut(b.String()) + "…"
		if m, ok := x.(map[string]any); ok {
			return s + size("an object", len(m), "member")
		}
		return s + size("an array", len(x.([]any)), "item")
	}
	var b strings.Builder
	writeJSON(&b, v, 4*maxShown)
	return capped(b.String(), "a value")
}

// writeJSON writes v as compact JSON, its keys sorted, and reports whether
// it wrote all of it: it stops once b holds more than limit bytes.
func writeJSON(b *strings.Builder, v any, limit int) bool {
	if b.Len() > limit {
		return false
	}
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case string:
		if len(x) > limit {
			// The cut comes sooner than the string's end.
			b.WriteString(jsonString(prefix(x, limit)))
			return false
		}
		b.WriteString(jsonString(x))
	case json.Number:
		if len(x) > limit {
			b.WriteString(string(x[:limit]))
			return false
		}
		b.WriteString(string(x))
	case float64:
		b.WriteString(strconv.FormatFloat(x, 'g', -1, 64))
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			if !writeJSON(b, k, limit) {
				return false
			}
			b.WriteByte(':')
			if !writeJSON(b, x[k], limit) {
				return false
			}
		}
		b.WriteByte('}')
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			if !writeJSON(b, e, limit) {
				return false
			}
		}
		b.WriteByte(']')
	default:
		q := jsonString(prefix(fmt.Sprint(v), limit))
		b.WriteString(q[1 : len(q)-1])
	}
	return b.Len() <= limit
}

// rat writes a number the schema validator read (as a big.Rat, whatever
// the document wrote), briefly: exactly while it has at most about 60
// digits; else in scientific notation to nine significant digits, prefixed
// with "about" unless that is its exact value. A value written 1e999999 is
// then "1e999999", not a million digits.
func rat(r *big.Rat) string {
	const bits = 200 // 2^200 has 61 digits
	if r.Num().BitLen() <= bits && r.Denom().BitLen() <= bits {
		if r.IsInt() {
			return r.Num().String()
		}
		return r.FloatString(6)
	}
	s := scientific(r)
	if exact, ok := new(big.Rat).SetString(s); ok && exact.Cmp(r) == 0 {
		return s
	}
	return "about " + s
}

// scientific writes r, which is not 0, as d.ddddddddeN, trailing zeros
// dropped, from the logarithms of its numerator and denominator: the work
// grows with r's size in bits, never with the number of its digits.
func scientific(r *big.Rat) string {
	l := log10(new(big.Int).Abs(r.Num())) - log10(r.Denom())
	e := math.Floor(l)
	m := strconv.FormatFloat(math.Pow(10, l-e), 'f', 8, 64)
	if strings.HasPrefix(m, "10") { // rounded up to the next power of ten
		m, e = "1", e+1
	}
	if strings.Contains(m, ".") {
		m = strings.TrimRight(strings.TrimRight(m, "0"), ".")
	}
	sign := ""
	if r.Sign() < 0 {
		sign = "-"
	}
	return sign + m + "e" + strconv.FormatInt(int64(e), 10)
}

// log10 approximates the decimal logarithm of x > 0 from its top 64 bits.
func log10(x *big.Int) float64 {
	n := x.BitLen()
	if n <= 64 {
		return math.Log10(float64(x.Uint64()))
	}
	top := new(big.Int).Rsh(x, uint(n-64))
	return math.Log10(float64(top.Uint64())) + float64(n-64)*math.Log10(2)
}

// shortenQuoted cuts the Go-quoted strings (as %q writes them) that a
// message built by another package holds, such as a category named in a
// detection error, as quote would.
func shortenQuoted(msg string) string {
	if len(msg) <= 2*maxShown {
		return msg
	}
	var b strings.Builder
	for i := 0; i < len(msg); {
		j := strings.IndexByte(msg[i:], '"')
		if j < 0 {
			b.WriteString(msg[i:])
			break
		}
		b.WriteString(msg[i : i+j])
		i += j
		q, err := strconv.QuotedPrefix(msg[i:])
		if err != nil {
			b.WriteByte('"')
			i++
			continue
		}
		if s, err := strconv.Unquote(q); err == nil && utf8.RuneCountInString(s) > maxShown {
			b.WriteString(quote(s))
		} else {
			b.WriteString(q)
		}
		i += len(q)
	}
	return b.String()
}
