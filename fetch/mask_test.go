package fetch

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// forms writes s as each output format would carry it.
var forms = map[string]func(s string) string{
	"raw": func(s string) string { return s },
	"json": func(s string) string {
		b, _ := json.Marshal(s)
		return string(b)
	},
	"json-no-html": func(s string) string {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		enc.Encode(s)
		return b.String()
	},
	"json-twice": func(s string) string { // a JSON report of a message that quotes JSON
		b, _ := json.Marshal(s)
		b, _ = json.Marshal(string(b))
		return string(b)
	},
	"go-quote":      strconv.Quote,
	"all-u-escaped": uEscape,
	"all-u-escaped-upper": func(s string) string {
		return strings.ReplaceAll(strings.ToUpper(uEscape(s)), `\U`, `\u`)
	},
	"u-escaped-quoted": func(s string) string { return strconv.Quote(uEscape(s)) },                   // a preview of a body with \u escapes
	"u-escaped-json":   func(s string) string { b, _ := json.Marshal(uEscape(s)); return string(b) }, // as a JSON report writes it
	"html":             html.EscapeString,
	"html-template": func(s string) string {
		var b bytes.Buffer
		template.Must(template.New("").Parse(`<td>{{.}}</td>`)).Execute(&b, s)
		return b.String()
	},
	"html-attr": func(s string) string {
		var b bytes.Buffer
		template.Must(template.New("").Parse(`<td title="{{.}}">`)).Execute(&b, s)
		return b.String()
	},
	"xml": func(s string) string {
		var b bytes.Buffer
		xml.EscapeText(&b, []byte(s))
		return b.String()
	},
	"xml-attr": func(s string) string {
		b, _ := xml.Marshal(struct {
			XMLName xml.Name `xml:"failure"`
			M       string   `xml:"message,attr"`
		}{M: s})
		return string(b)
	},
	"entities": func(s string) string {
		var b strings.Builder
		for _, r := range s {
			fmt.Fprintf(&b, "&#%d;", r)
		}
		return b.String()
	},
	"hex-entities": func(s string) string {
		var b strings.Builder
		for _, r := range s {
			fmt.Fprintf(&b, "&#x%04X;", r)
		}
		return b.String()
	},
	"entities-in-html": func(s string) string { // a page showing a value a server HTML-escaped
		return html.EscapeString(html.EscapeString(s))
	},
	"entities-in-xml": func(s string) string {
		var b bytes.Buffer
		xml.EscapeText(&b, []byte(html.EscapeString(s)))
		return b.String()
	},
	"query": url.QueryEscape,
	"path":  url.PathEscape,
	"url": func(s string) string {
		return (&url.URL{Scheme: "http", Host: "h", RawQuery: url.Values{"id": {s}}.Encode()}).String()
	},
	"github":  strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace,
	"pointer": strings.NewReplacer("~", "~0", "/", "~1").Replace,
	"mixed": func(s string) string { // every other character escaped, each its own way
		var b strings.Builder
		for i, r := range s {
			switch i % 4 {
			case 1:
				fmt.Fprintf(&b, `\u%04x`, r)
			case 3:
				fmt.Fprintf(&b, "&#%d;", r)
			default:
				b.WriteRune(r)
			}
		}
		return b.String()
	},
}

func uEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r > 0xFFFF {
			hi, lo := (r-0x10000)>>10+0xD800, (r-0x10000)&0x3FF+0xDC00
			fmt.Fprintf(&b, `\u%04x\u%04x`, hi, lo)
			continue
		}
		fmt.Fprintf(&b, `\u%04x`, r)
	}
	return b.String()
}

// secrets are keys with the characters each format escapes.
var secrets = []string{
	"sk-live-0123456789abcdef",
	`sk"q'uo<t>e&d\back/slash~tilde`,
	"key with spaces+plus%percent:colon,comma",
	"émoji-😀-key",
}

// masked writes s through a MaskWriter for secrets, in writes cut at the
// given places.
func masked(t *testing.T, s string, secrets []string, cuts ...int) string {
	t.Helper()
	var out bytes.Buffer
	mw := NewMaskWriter(&out, secrets)
	from := 0
	for _, c := range append(cuts, len(s)) {
		if _, err := mw.Write([]byte(s[from:c])); err != nil {
			t.Fatal(err)
		}
		from = c
	}
	if err := mw.Flush(); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// TestMaskWriterMasksEveryForm: each secret, in each form, between other
// text, is masked, and the text around it is kept.
func TestMaskWriterMasksEveryForm(t *testing.T) {
	for _, sec := range secrets {
		for name, form := range forms {
			enc := form(sec)
			in := "before " + enc + " after\n"
			got := masked(t, in, secrets)
			if !strings.HasPrefix(got, "before ") || !strings.HasSuffix(got, " after\n") || !strings.Contains(got, redacted) {
				t.Errorf("%s of %q: %q became %q", name, sec, in, got)
			}
			if leak(got, sec) {
				t.Errorf("%s of %q: %q still shows the secret", name, sec, got)
			}
		}
	}
}

// leak reports whether out shows sec, or its first half, as it is or
// decoded once by each of the formats.
func leak(out, sec string) bool {
	half := sec[:len(sec)/2]
	var decoded []string
	decoded = append(decoded, out, html.UnescapeString(out), html.UnescapeString(html.UnescapeString(out)))
	if u, err := url.QueryUnescape(out); err == nil {
		decoded = append(decoded, u)
	}
	if u, err := strconv.Unquote(`"` + strings.ReplaceAll(out, `"`, `\"`) + `"`); err == nil {
		decoded = append(decoded, u)
	}
	for _, d := range decoded {
		if strings.Contains(d, half) {
			return true
		}
	}
	return false
}

// TestMaskWriterAcrossWrites: a secret cut between two writes, or written
// a byte at a time, is masked as if it came in one.
func TestMaskWriterAcrossWrites(t *testing.T) {
	for _, sec := range secrets {
		for _, name := range []string{"raw", "json", "all-u-escaped", "entities-in-html", "query"} {
			in := `{"message":"is ` + forms[name](sec) + `, not a status"}` + "\n"
			want := masked(t, in, secrets)
			for c := 0; c <= len(in); c++ {
				if got := masked(t, in, secrets, c); got != want {
					t.Fatalf("%s of %q cut at %d: %q, want %q", name, sec, c, got, want)
				}
			}
			every := make([]int, len(in))
			for i := range every {
				every[i] = i
			}
			if got := masked(t, in, secrets, every...); got != want {
				t.Fatalf("%s of %q a byte at a time: %q, want %q", name, sec, got, want)
			}
		}
	}
}

// TestShortSecrets: a key under 4 bytes is masked where it stands as a
// whole token, in any form, and nowhere else.
func TestShortSecrets(t *testing.T) {
	keys := []string{"k3y", "7"}
	for _, tc := range []struct{ in, want string }{
		{`status: is "k3y", not one of`, `status: is "[redacted]", not one of`},
		{`{"actual":"\"k3y\""}`, `{"actual":"\"[redacted]\""}`},
		{`<td>is &#34;k3y&#34;</td>`, `<td>is &#34;[redacted]&#34;</td>`},
		{`"pointer":"/k3y/x"`, `"pointer":"/[redacted]/x"`},
		{`http://h/v3/users?id=k3y&limit=5`, `http://h/v3/users?id=[redacted]&limit=5`},
		{`"\u006b\u0033\u0079"`, `"[redacted]"`},
		{`"bad key\nk3y"`, `"bad key\n[redacted]"`},
		{`a%20k3y`, `a%20[redacted]`},
		{`k3y`, `[redacted]`},
		{`k3y k3y`, `[redacted] [redacted]`},
		{`page 7 of 17: 7 documents, 77 valid`, `page [redacted] of 17: [redacted] documents, 77 valid`},
		// Not a token: kept.
		{`k3yboard mk3y k3y_ k3yk3y`, `k3yboard mk3y k3y_ k3yk3y`},
		{`ok 17 70 7a`, `ok 17 70 7a`},
	} {
		if got := masked(t, tc.in, keys); got != tc.want {
			t.Errorf("%q: got %q, want %q", tc.in, got, tc.want)
		}
		for c := 0; c <= len(tc.in); c++ {
			if got := masked(t, tc.in, keys, c); got != tc.want {
				t.Errorf("%q cut at %d: got %q, want %q", tc.in, c, got, tc.want)
			}
		}
	}
}

// TestCutSecrets: a secret a report cut short, its first bytes followed
// by an ellipsis, is masked from its fourth byte on.
func TestCutSecrets(t *testing.T) {
	keys := []string{"sk-live-0123456789abcdef"}
	for _, tc := range []struct{ in, want string }{
		{`status: "xxxx sk-live-0123"… (a string of 90 characters)`, `status: "xxxx [redacted]"… (a string of 90 characters)`},
		{`{"message":"\"sk-live-01\"… (a string of 90 characters)"}`, `{"message":"\"[redacted]\"… (a string of 90 characters)"}`},
		{`<td>&#34;sk&#45;live&#34;&hellip; (a string</td>`, `<td>&#34;[redacted]&#34;&hellip; (a string</td>`},
		{`"&#115;&#107;&#45;&#108;&#105;&#11"… (`, `"[redacted]&#11"… (`},
		{`&#34;&amp;#115;&amp;#107;&amp;#45;&amp;#108;&amp;&#34;… (`, `&#34;[redacted]&amp;&#34;… (`},
		{`"\u0073\u006b\u002d\u006c\u00"\u2026 (`, `"[redacted]\u00"\u2026 (`},
		{`undocumented /sk-live-01…: 2 times`, `undocumented /[redacted]…: 2 times`},
		{`sk-live-01... (`, `[redacted]... (`},
		// No ellipsis, or too little of the key: kept.
		{`sk-live-01 and more`, `sk-live-01 and more`},
		{`"sk-"… (`, `"sk-"… (`},
	} {
		for c := 0; c <= len(tc.in); c++ {
			if got := masked(t, tc.in, keys, c); got != tc.want {
				t.Errorf("%q cut at %d: got %q, want %q", tc.in, c, got, tc.want)
				break
			}
		}
	}
}

// TestMaskWriterKeepsOtherText: text without a secret passes unchanged,
// escapes and all, however it is cut.
func TestMaskWriterKeepsOtherText(t *testing.T) {
	in := `{"a":"\u003c\\ \" &amp; &#39; %2D ~0~1 + \ud83d\ude00 &bogus; \x","b":"sk-live-0123456789abcde"} ` + "\n&"
	for c := 0; c <= len(in); c++ {
		if got := masked(t, in, secrets, c); got != in {
			t.Fatalf("cut at %d: %q, want it unchanged", c, got)
		}
	}
	var out bytes.Buffer
	mw := NewMaskWriter(&out, nil)
	mw.Write([]byte(in))
	if out.String() != in {
		t.Errorf("with no secrets, %q was held or changed: %q", in, out.String())
	}
}

// TestMaskWriterHoldsLittle: a line that cannot begin a secret is written
// at once, so that diagnostics are not delayed; what a long output keeps
// is bounded by the longest secret, not by the output.
func TestMaskWriterHoldsLittle(t *testing.T) {
	var out bytes.Buffer
	mw := NewMaskWriter(&out, secrets)
	line := "ccconform: http://127.0.0.1/v3/users: HTTP 500; trying again in 500ms (1 of 3)\n"
	mw.Write([]byte(line))
	if out.String() != line {
		t.Errorf("wrote %q of %q before Flush", out.String(), line)
	}
	before := cap(mw.buf)
	text := strings.Repeat(`{"message":"is \"sk-live-01234\" &amp; sk-liv","pointer":"/s"}`+"\n", 1000)
	for range 200 {
		mw.Write([]byte(text))
	}
	if cap(mw.buf) != before || len(mw.buf) > lookbehind+mw.m.span {
		t.Errorf("the buffer grew from %d to %d, holding %d", before, cap(mw.buf), len(mw.buf))
	}
	mw.Flush()
	if want := len(line) + 200*len(text); out.Len() != want {
		t.Errorf("%d bytes written, want %d", out.Len(), want)
	}
}

// TestSecrets: every value of every header, and the credential after an
// authentication scheme.
func TestSecrets(t *testing.T) {
	got := Secrets(http.Header{"Apikey": {"k1", "k2"}, "Authorization": {"Bearer tok3n"}})
	want := map[string]bool{"k1": true, "k2": true, "Bearer tok3n": true, "tok3n": true}
	if len(got) != len(want) {
		t.Errorf("Secrets = %q, want %v", got, want)
	}
	for _, s := range got {
		if !want[s] {
			t.Errorf("Secrets = %q, want %v", got, want)
		}
	}
}

func BenchmarkMaskWriter(b *testing.B) {
	var line []byte
	for i := range 100 {
		line = fmt.Appendf(line, `{"location":{"source":"http://127.0.0.1:8686/v3/users?page=%d&perPage=6","index":%d},"violations":[{"pointer":"/status","rule":"enum","message":"is \"gone\", not one of \"online\", \"offline\" &amp; more","actual":"\"gone\""}]}`+"\n", i, i)
	}
	var out bytes.Buffer
	mw := NewMaskWriter(&out, []string{"sk-live-0123456789abcdef", "k3y"})
	b.SetBytes(int64(len(line)))
	for b.Loop() {
		out.Reset()
		mw.Write(line)
	}
}

// FuzzMaskWriter: however an output is cut into writes, it is masked the
// same, and a secret put in it in any form is masked.
func FuzzMaskWriter(f *testing.F) {
	f.Add(`{"a":"\u0073k-live"}`, "sk-live", 3, uint8(0))
	f.Add(`&amp;#115;k&#x2D;&`, "k3y", 1, uint8(5))
	f.Add(`\\ud83d\ude00 %2`, "😀x", 7, uint8(9))
	f.Fuzz(func(t *testing.T, text, secret string, cut int, form uint8) {
		if secret == "" || !utf8.ValidString(secret) {
			return
		}
		names := make([]string, 0, len(forms))
		for name := range forms {
			names = append(names, name)
		}
		sort.Strings(names)
		in := text + " " + forms[names[int(form)%len(names)]](secret) + " " + text
		cut = max(cut, 0) % (len(in) + 1)
		want := masked(t, in, []string{secret})
		if got := masked(t, in, []string{secret}, cut); got != want {
			t.Fatalf("cut at %d: %q, in one write %q", cut, got, want)
		}
		if len(secret) >= shortSecret && strings.Contains(want, secret) {
			t.Fatalf("%q still shows %q: %q", in, secret, want)
		}
	})
}

// A secret given with its quotes (a short user name, masked only where it
// stands quoted) is replaced by a quoted "[redacted]", so that a JSON value
// stays one; escaped inside a string it is replaced as any secret is.
func TestMaskKeepsQuotedValuesJSON(t *testing.T) {
	var b strings.Builder
	mw := NewMaskWriter(&b, []string{`"a"`})
	mw.Write([]byte(`{"trigger":"a","message":"is \"a\", not a trigger","n":"ab"}`))
	mw.Flush()
	want := `{"trigger":"[redacted]","message":"is [redacted], not a trigger","n":"ab"}`
	if b.String() != want {
		t.Errorf("got  %s\nwant %s", b.String(), want)
	}
	if !json.Valid([]byte(b.String())) {
		t.Error("the masked JSON is no longer JSON")
	}
}
