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
	n := 20 // 1,920 documents, each with 17 hostile rewrites, both paths, lax and strict
	if testing.Short() {
		n = 5
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
