package validate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unsafe"

	"github.com/ccconform/ccconform/generate"
	"github.com/ccconform/ccconform/types"
)

// pair is a validator with the fast path and one without.
type pair struct{ fast, ref *Validator }

func newPair(t testing.TB, opts Options) pair {
	t.Helper()
	fast, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	opts.ReferenceOnly = true
	ref, _ := New(opts)
	return pair{fast, ref}
}

// agree checks doc on both paths and fails t when the verdicts differ.
// It reports whether the fast path alone decided.
func (p pair) agree(t testing.TB, name string, doc []byte) (fastDecided, valid bool) {
	t.Helper()
	a, b := p.fast.Check(doc), p.ref.Check(doc)
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("%s: the fast path and the reference disagree\nfast: %+v\nref:  %+v\n%s", name, a, b, doc)
	}
	tp := new(tape)
	decided := false
	if tp.parse(bytes.TrimSpace(bytes.TrimPrefix(doc, bom))) {
		_, decided = p.fast.fastCheckTape(tp)
	}
	if decided && !b.OK() {
		t.Fatalf("%s: the fast path calls valid what the reference rejects: %v\n%s", name, b.Violations, doc)
	}
	return decided, b.OK()
}

// corpus returns generated documents, valid and broken, of every kind and
// profile, and the committed fixtures.
func corpus(t testing.TB, n int) map[string][]byte {
	docs := map[string][]byte{}
	for _, p := range types.Profiles() {
		for o := generate.OptionalRandom; o <= generate.OptionalNone; o++ {
			g, _ := generate.New(generate.Options{Seed: 99, Profile: p, Optional: o})
			for _, k := range types.Kinds() {
				for i := 0; i < n; i++ {
					b, _ := json.Marshal(g.Document(k, i))
					docs[fmt.Sprintf("%s/%d/%s/%d", p, o, k, i)] = b
					docs[fmt.Sprintf("%s/%d/%s/%d/mutant", p, o, k, i)] = g.Mutant(k, i).JSON
				}
			}
		}
	}
	paths, _ := filepath.Glob("../fixtures/*/*.json")
	for _, path := range paths {
		b, _ := os.ReadFile(path)
		docs[path] = b
	}
	for name, doc := range disagreed(t) {
		docs[name] = doc
	}
	return docs
}

// disagreed returns documents on which the two paths once disagreed, built
// by hand from the fixtures.
func disagreed(t testing.TB) map[string][]byte {
	t.Helper()
	read := func(name string) string {
		b, err := os.ReadFile("../fixtures/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	replace := func(s, old, new string) []byte {
		if !strings.Contains(s, old) {
			t.Fatalf("the fixture changed: no %s in it", old)
		}
		return []byte(strings.Replace(s, old, new, 1))
	}
	media, group := read("rest/mediaMessage.json"), read("rest/group.json")
	return map[string][]byte{
		// A repeated type: the tape's lookup found the first (a media
		// message), encoding/json keeps the last (not a kind at all, or a
		// text message).
		"hand/type-twice-sticker": replace(media, `"type": "image"`, `"type": "image", "type": "sticker"`),
		"hand/type-twice-text":    replace(media, `"type": "image"`, `"type": "image", "type": "text"`),
		"hand/category-twice":     replace(media, `"category": "message"`, `"category": "message", "category": "call"`),
		"hand/sender-twice":       replace(media, `"sender": "`, `"sender": {"uid": "x"}, "sender": "`),
		// A count past 2^64 (and past 2^63) on a REST group: the tape could
		// not read it as an integer, and the fast path took its doubt for a
		// failure of the rest profile and settled on sdk.
		"hand/members-count-2^64": replace(group, `"membersCount": 4`, `"membersCount": 18446744073709551616`),
		"hand/members-count-2^63": replace(group, `"membersCount": 4`, `"membersCount": 9223372036854775808`),
		"hand/members-count-huge": replace(group, `"membersCount": 4`, `"membersCount": 1`+strings.Repeat("0", 400)),
	}
}

// TestFastPathAgrees is the differential test: on generated documents,
// valid and broken, and on hostile variants of them, the fast path gives the
// reference's verdict, and never calls valid what the reference rejects. It
// logs how often valid documents take the slow path needlessly.
func TestFastPathAgrees(t *testing.T) {
	n := 20 // 3,240 documents, each with 17 hostile rewrites, both paths, lax and strict
	if testing.Short() || raceOn {
		n = 5 // the race detector makes the full corpus take minutes; .ci/run runs it without
	}
	for _, strict := range []bool{false, true} {
		p := newPair(t, Options{Strict: strict})
		valid, slow := 0, 0
		for name, doc := range corpus(t, n) {
			decided, ok := p.agree(t, name, doc)
			if ok {
				valid++
				if !decided {
					slow++
				}
			}
			for i, v := range variants(doc) {
				p.agree(t, fmt.Sprintf("%s variant %d", name, i), v)
			}
		}
		t.Logf("strict %v: %d valid documents, %d of them (%.2f%%) took the slow path", strict, valid, slow, 100*float64(slow)/float64(max(valid, 1)))
		if valid == 0 {
			t.Fatal("no valid documents in the corpus")
		}
	}
}

// variants rewrites doc in ways that change its bytes but not always its
// meaning, where a hand-written parser is most likely to differ from
// encoding/json.
func variants(doc []byte) [][]byte {
	s := string(doc)
	out := [][]byte{
		[]byte(strings.Replace(s, `"uid":"`, `"uid":"\u0041`, 1)),         // escaped text
		[]byte(strings.Replace(s, `"uid":"`, `"u\u0069d":"`, 1)),          // escaped key
		[]byte(strings.Replace(s, `"name":"`, `"name":"\ud83d\ude00`, 1)), // surrogate pair
		[]byte(strings.Replace(s, `"name":"`, `"name":"\/`, 1)),           // escaped slash
		[]byte(strings.Replace(s, `"sentAt":1`, `"sentAt":1.0e0+`, 1)),    // malformed number
		[]byte(strings.Replace(s, `"sentAt":`, `"sentAt":1`, 1)),          // milliseconds or more
		[]byte(strings.Replace(s, `"createdAt":`, `"createdAt":-`, 1)),    // negative
		[]byte(strings.Replace(s, `"credits":`, `"credits":0.`, 1)),       // fraction
		[]byte(strings.Replace(s, `"status":"`, `"status":"\u006f`, 1)),   // escaped enum
		[]byte(strings.Replace(s, `{`, `{"id":"1",`, 1)),                  // duplicate key
		[]byte(strings.Replace(s, `"`, `"\u0000`, 1)),                     // control escape
		[]byte(strings.Replace(s, `}`, `}}`, 1)),                          // broken nesting
		[]byte(s + " \n"),                                                 // trailing space
		[]byte(strings.Replace(s, `true`, `tru`, 1)),                      // broken literal
		[]byte(strings.Replace(s, `"isBanned":"0"`, `"isBanned":0.0`, 1)), // flag as float
	}
	if i := strings.LastIndexByte(s, '}'); i > 0 {
		// A repeated key whose last value breaks a rule: the any tree
		// reads the last value, the tape the first.
		out = append(out, []byte(s[:i]+`,"text":"zzz"`+s[i:]), []byte(s[:i]+`,"sentAt":99999999999999`+s[i:]))
	}
	if len(s) > 10 {
		out = append(out, []byte(s[:len(s)/2]), append([]byte(s[:len(s)-1]), 0xff, '}'))
	}
	return out
}

// TestRepeatedKeysWithKindGiven: with the kind given, the profile is
// still detected, and from the value the reference checks.
func TestRepeatedKeysWithKindGiven(t *testing.T) {
	docs := disagreed(t)
	for _, k := range []types.Kind{types.KindMediaMessage, types.KindGroup} {
		p := newPair(t, Options{Kind: k})
		for name, doc := range docs {
			p.agree(t, fmt.Sprintf("%s as %s", name, k), doc)
		}
	}
}

// FuzzFastPath looks for a document on which the fast path and the
// reference disagree: go test -fuzz FuzzFastPath ./validate
func FuzzFastPath(f *testing.F) {
	for _, doc := range corpus(f, 3) {
		f.Add(doc)
	}
	p := newPair(f, Options{})
	f.Fuzz(func(t *testing.T, doc []byte) {
		p.agree(t, "fuzz", doc)
	})
}

// TestPathStats checks the counts of which path decided each document.
func TestPathStats(t *testing.T) {
	good, err := os.ReadFile("../fixtures/docs/textMessage-user-offline.json")
	if err != nil {
		t.Fatal(err)
	}
	bad := []byte(strings.Replace(string(good), `"category": "message"`, `"category": "messages"`, 1))
	if bytes.Equal(good, bad) {
		t.Fatal("the fixture changed: no category to break")
	}
	p := newPair(t, Options{})
	for _, doc := range [][]byte{good, good, bad} {
		p.fast.Check(doc)
		p.ref.Check(doc)
	}
	if got, want := p.fast.PathStats(), (PathStats{Fast: 2, Reference: 1}); got != want {
		t.Errorf("fast path: %+v, want %+v", got, want)
	}
	if got, want := p.ref.PathStats(), (PathStats{Reference: 3, ReferenceValid: 2}); got != want {
		t.Errorf("reference only: %+v, want %+v", got, want)
	}
}

// TestTokenSize: a document of small values ("1,1,1") makes a token for
// every two bytes, so that the token's size, not the document's, sets the
// memory a large document takes.
func TestTokenSize(t *testing.T) {
	if n := unsafe.Sizeof(tok{}); n > 12 {
		t.Errorf("a token takes %d bytes, want at most 12", n)
	}
}

// TestTapeLongValues: values of 64 KiB and more, whose size does not fit
// in their token, keep their bytes, and both paths agree on them.
func TestTapeLongValues(t *testing.T) {
	long := strings.Repeat("x", 70000)
	numbers := strings.Repeat("1,", 40000) + "12345"
	docs := []string{
		`{"uid":"a","name":"` + long + `","status":"online","metadata":{"a":[` + numbers + `],"b":"` + long + `\n","c":` + strings.Repeat("7", 70000) + `}}`,
		`{"uid":"a","name":"A","status":"` + long + `"}`,
		`{"uid":"a","name":"A","status":"online","metadata":[` + numbers + `]}`,
		`{"uid":"a","name":"A","status":"online","link":"https://example.com/` + long + `"}`,
	}
	p := newPair(t, Options{})
	for i, doc := range docs {
		tp := new(tape)
		if !tp.parse([]byte(doc)) {
			t.Fatalf("doc %d: the tape cannot read it", i)
		}
		if got := string(tp.raw(0)); got != doc {
			t.Errorf("doc %d: the top-level object's bytes are %d long, want %d", i, len(got), len(doc))
		}
		got, ok := tp.any(0)
		want, err := jsonschemaUnmarshal(doc)
		if !ok || err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("doc %d: the tape's tree differs from encoding/json's (%v, %v)", i, ok, err)
		}
		if n := maxTokens([]byte(doc)); len(tp.toks) > n {
			t.Errorf("doc %d: %d tokens, more than the bound %d", i, len(tp.toks), n)
		}
		p.agree(t, fmt.Sprintf("long doc %d", i), []byte(doc))
	}
}

func jsonschemaUnmarshal(s string) (any, error) {
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var v any
	return v, d.Decode(&v)
}

// TestMaxTokens: the bound a large document's tokens are reserved by is
// never below the count, on the corpus and its hostile variants.
func TestMaxTokens(t *testing.T) {
	tp := new(tape)
	for name, doc := range corpus(t, 2) {
		for i, v := range append(variants(doc), doc) {
			v = bytes.TrimSpace(v)
			if tp.parse(v) && len(tp.toks) > maxTokens(v) {
				t.Errorf("%s variant %d: %d tokens, more than the bound %d", name, i, len(tp.toks), maxTokens(v))
			}
		}
	}
	if got := maxTokens([]byte(`[1,1,1]`)); got != 4 {
		t.Errorf("maxTokens([1,1,1]) = %d, want 4", got)
	}
	if got := maxTokens([]byte(`["[,:{","\",{"]`)); got != 3 {
		t.Errorf("maxTokens counts inside strings: %d, want 3", got)
	}
}

// TestHugeTapesAreNotPooled: a tape that held a huge document is not kept
// for the next one.
func TestHugeTapesAreNotPooled(t *testing.T) {
	tp := new(tape)
	if !tp.parse([]byte(`{"uid":"a","name":"A","status":"online"}`)) || !tp.reusable() {
		t.Fatal("a small document's tape is not kept")
	}
	huge := []byte(`{"uid":"a","name":"A","status":"online","metadata":{"a":[` + strings.Repeat("1,", maxPooledTokens) + `1]}}`)
	if !tp.parse(huge) || tp.reusable() {
		t.Errorf("a tape of %d tokens is kept for reuse", len(tp.toks))
	}
}

// TestManyKeys: an object of many keys is checked for a repeated one
// through a set, on both paths.
func TestManyKeys(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"uid":"a","name":"A","status":"online","metadata":{`)
	for i := range 5000 {
		fmt.Fprintf(&b, `"k%d":%d,`, i, i)
	}
	doc := b.String()
	p := newPair(t, Options{})
	for _, c := range []struct {
		doc  string
		dup  bool
		name string
	}{
		{doc + `"last":1}}`, false, "distinct"},
		{doc + `"k17":1}}`, true, "k17 twice"},
	} {
		tp := new(tape)
		if !tp.parse([]byte(c.doc)) {
			t.Fatalf("%s: the tape cannot read it", c.name)
		}
		if got := tp.hasDuplicateKeys(); got != c.dup {
			t.Errorf("%s: hasDuplicateKeys %v, want %v", c.name, got, c.dup)
		}
		dups := duplicateKeys([]byte(c.doc), nil)
		if c.dup != (len(dups) == 1 && dups[0] == "/metadata/k17") {
			t.Errorf("%s: duplicateKeys %v", c.name, dups)
		}
		p.agree(t, c.name, []byte(c.doc))
	}
}
