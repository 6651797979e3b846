package fuzz

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/ccconform/ccconform/validate"
)

// FuzzValidate feeds arbitrary bytes to the validator, as one document and
// as a stream (in every input format). It must not panic or
// stop early: every document gets a verdict, every violation a rule and a
// JSON Pointer, and every location lies within the input.
func FuzzValidate(f *testing.F) {
	docs := append(fixtures(f), generated(f, 2)...)
	for _, doc := range docs {
		f.Add(doc)
	}
	for i := 0; i+3 <= len(docs); i += 3 {
		f.Add(lines(docs[i : i+3]...))
	}
	f.Add([]byte("{\"uid\":\"a\"}\n{broken\n\n[]\n{\"data\":[{\"uid\":\"b\"},1]}\n"))
	f.Add([]byte("{\"meta\":{},\"data\":[{\"uid\":\"b\"}\n{\"uid\":\"c\"},]]}}\n{\"name\": \"x\n{\"uid\":\"d\"}"))
	v, err := validate.New(validate.Options{Workers: 2})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkVerdict(t, v.Check(data), "", 0)

		nlines := bytes.Count(data, []byte{'\n'}) + 1
		nonblank := 0
		for _, l := range bytes.Split(data, []byte{'\n'}) {
			if len(bytes.TrimSpace(l)) > 0 {
				nonblank++
			}
		}
		for _, format := range []validate.Format{validate.FormatNDJSON, validate.FormatAuto, validate.FormatJSON, validate.FormatArray, validate.FormatConcat} {
			ndjson := format == validate.FormatNDJSON
			var got []validate.Verdict
			err := v.Stream(context.Background(), validate.Input{Name: "in", R: bytes.NewReader(data), Format: format},
				func(vd validate.Verdict) error { got = append(got, vd); return nil })
			if err != nil {
				t.Fatalf("%s: Stream failed on bytes in memory: %v", format, err)
			}
			if len(got) == 0 {
				t.Fatalf("%s: no verdict at all", format)
			}
			if ndjson && len(got) < nonblank {
				// Each non-blank line is a document, an array or an
				// envelope of them: at least one verdict each.
				t.Fatalf("%d non-blank lines, %d verdicts", nonblank, len(got))
			}
			for _, vd := range got {
				if vd.Location.Source != "in" {
					t.Fatalf("verdict located in %q", vd.Location.Source)
				}
				checkVerdict(t, vd, "in", nlines)
			}
		}
	})
}

// checkVerdict checks one verdict's shape: its line within the input's
// lines (when there are lines), and every violation with a rule, a message
// and a JSON Pointer.
func checkVerdict(t *testing.T, vd validate.Verdict, source string, nlines int) {
	t.Helper()
	if nlines > 0 && (vd.Location.Line < 0 || vd.Location.Line > nlines) {
		t.Fatalf("line %d of an input of %d lines", vd.Location.Line, nlines)
	}
	if vd.Location.Index < -1 {
		t.Fatalf("index %d", vd.Location.Index)
	}
	for _, v := range vd.Violations {
		if v.Rule == "" || v.Message == "" {
			t.Fatalf("a violation without a rule or a message: %+v", v)
		}
		if v.Pointer != "" && !strings.HasPrefix(v.Pointer, "/") {
			t.Fatalf("pointer %q is not a JSON Pointer", v.Pointer)
		}
	}
	if vd.OK() != (len(vd.Violations) == 0) {
		t.Fatalf("OK() is %v with %d violations", vd.OK(), len(vd.Violations))
	}
}
