package validate_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ccconform/ccconform/validate"
)

const (
	okUser  = `{"uid":"a","name":"A","status":"online"}`
	badUser = `{"uid":"a","name":"A","status":"away"}`
)

func stream(t *testing.T, v *validate.Validator, in validate.Input) []validate.Verdict {
	t.Helper()
	var out []validate.Verdict
	if err := v.Stream(context.Background(), in, func(vd validate.Verdict) error {
		out = append(out, vd)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// summary writes verdicts as "location ok|rule,rule" lines.
func summary(vds []validate.Verdict) string {
	var lines []string
	for _, vd := range vds {
		s := "ok"
		if !vd.OK() {
			var rules []string
			for _, x := range vd.Violations {
				rules = append(rules, x.Rule)
			}
			s = strings.Join(rules, ",")
		}
		lines = append(lines, vd.Location.String()+" "+s)
	}
	return strings.Join(lines, "\n")
}

func TestStreamLayouts(t *testing.T) {
	v := newValidator(t, validate.Options{})
	cases := []struct {
		name, input, want string
		ndjson            bool
	}{
		{"single object", okUser, "in:1 ok", false},
		{"pretty object", "{\n  \"uid\": \"a\",\n  \"name\": \"A\",\n  \"status\": \"away\"\n}\n", "in:1 enum", false},
		{"array", "[\n" + okUser + ",\n" + badUser + "\n]", "in:2[0] ok\nin:3[1] enum", false},
		{"ndjson", okUser + "\n\n" + badUser + "\n" + okUser, "in:1 ok\nin:3 enum\nin:4 ok", false},
		{"ndjson with malformed line in the middle", okUser + "\n{\"uid\": oops}\n" + badUser + "\n", "in:1 ok\nin:2 json\nin:3 enum", false},
		{"ndjson by name, first line broken", "{\"uid\":\n" + okUser + "\n", "in:1 json\nin:2 ok", true},
		{"crlf ndjson", okUser + "\r\n" + badUser + "\r\n", "in:1 ok\nin:2 enum", false},
		{"envelope of a list", `{"data":[` + okUser + `,` + badUser + `],"meta":{"pagination":{"total":2}}}`, "in:1[0] ok\nin:1[1] enum", false},
		{"envelope of one", `{"data":` + badUser + `}`, "in:1 enum", false},
		{"ndjson of envelopes", `{"data":[` + okUser + `]}` + "\n" + `{"data":[` + badUser + `]}`, "in:1[0] ok\nin:2[0] enum", false},
		{"concatenated pretty values", "{\n\"uid\":\"a\",\"name\":\"A\",\"status\":\"online\"}\n{\n\"uid\":\"b\"}", "in:1 ok\nin:3 required,required", false},
		{"bom", "\xEF\xBB\xBF" + okUser, "in:1 ok", false},
		{"empty input", "", "in json", false},
		{"blank input", "\n \n", "in json", false},
		{"empty array", "[]", "in:1 json", false},
		{"truncated array", "[\n" + okUser + ",\n" + `{"uid":"a"`, "in:2[0] ok\nin:3 json", false},
		{"truncated object", "{\n\"uid\": \"a\",\n", "in:1 json", false},
		{"garbage after a value", okUser + "\n]", "in:1 ok\nin:2 json", false},
		{"array then a value", "[" + okUser + "]\n" + badUser, "in:1[0] ok\nin:2 enum", false},
		{"array of scalars and strings", "[1, \"x,]\", null]", "in:1[0] type\nin:1[1] type\nin:1[2] type", false},
		{"array with a bracket in a string", "[\n{\"uid\":\"a]\",\"name\":\"}\",\"status\":\"online\"}\n]", "in:2[0] ok", false},
		{"array without its ]", "[" + okUser + ",\n" + okUser, "in:1[0] ok\nin:2[1] ok\nin:2 json", false},
		{"array with a trailing comma", "[" + okUser + ",]", "in:1[0] ok\nin:1 json", false},
		{"array with a stray brace", "[" + okUser + ",}]", "in:1[0] ok\nin:1 json", false},
		{"array that is only a brace", "[}]", "in:1 json", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := summary(stream(t, v, validate.Input{Name: "in", R: strings.NewReader(c.input), Format: ndjsonIf(c.ndjson)}))
			if got != c.want {
				t.Errorf("got\n%s\nwant\n%s", got, c.want)
			}
		})
	}
}

func TestStreamPointer(t *testing.T) {
	v := newValidator(t, validate.Options{Pointer: "/rawMessage"})
	in := `{"rawMessage":` + okUser + `}` + "\n" + `{"other":1}` + "\n" + `{"rawMessage":[` + badUser + `]}`
	vds := stream(t, v, validate.Input{Name: "in", R: strings.NewReader(in)})
	if got, want := summary(vds), "in:1 ok\nin:2 pointer\nin:3[0] enum"; got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	if !strings.Contains(vds[1].Violations[0].Message, `no member "rawMessage"`) {
		t.Errorf("pointer message: %q", vds[1].Violations[0].Message)
	}
}

// TestStreamKeepsOrder checks many documents on several workers come back in
// input order.
func TestStreamKeepsOrder(t *testing.T) {
	v := newValidator(t, validate.Options{Workers: 4})
	var b strings.Builder
	for i := 0; i < 2000; i++ {
		if i%7 == 0 {
			b.WriteString(badUser + "\n")
		} else {
			b.WriteString(okUser + "\n")
		}
	}
	vds := stream(t, v, validate.Input{Name: "in", R: strings.NewReader(b.String())})
	if len(vds) != 2000 {
		t.Fatalf("got %d verdicts, want 2000", len(vds))
	}
	for i, vd := range vds {
		if vd.Location.Line != i+1 || vd.OK() == (i%7 == 0) {
			t.Fatalf("verdict %d: line %d ok %v", i, vd.Location.Line, vd.OK())
		}
	}
}

// endless yields NDJSON users forever and counts what was read.
type endless struct {
	read atomic.Int64
	buf  []byte
}

func (e *endless) Read(p []byte) (int, error) {
	if len(e.buf) == 0 {
		e.buf = []byte(okUser + "\n")
	}
	n := copy(p, e.buf)
	e.buf = e.buf[n:]
	e.read.Add(int64(n))
	return n, nil
}

// TestStreamIsBounded checks that verdicts come while the input is still
// being read, and that reading never runs far ahead of them: memory is
// bounded by a window of documents, not by the input.
func TestStreamIsBounded(t *testing.T) {
	v := newValidator(t, validate.Options{Workers: 2})
	src := &endless{}
	stop := errors.New("enough")
	line := int64(len(okUser) + 1)
	emitted := int64(0)
	err := v.Stream(context.Background(), validate.Input{Name: "endless", R: src, Format: validate.FormatNDJSON}, func(vd validate.Verdict) error {
		emitted++
		// 64 KiB of read buffer, and a window of queued documents.
		if ahead := src.read.Load() - emitted*line; ahead > 64<<10+200*line {
			return fmt.Errorf("read %d bytes ahead of the verdicts", ahead)
		}
		if emitted == 20000 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) {
		t.Fatalf("Stream: %v", err)
	}
}

type failingReader struct{ n int }

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n == 0 {
		f.n++
		return copy(p, okUser+"\n"), nil
	}
	return 0, errors.New("disk on fire")
}

func TestStreamReadError(t *testing.T) {
	v := newValidator(t, validate.Options{})
	for _, ndjson := range []bool{true, false} {
		var got []validate.Verdict
		err := v.Stream(context.Background(), validate.Input{Name: "in", R: &failingReader{}, Format: ndjsonIf(ndjson)}, func(vd validate.Verdict) error {
			got = append(got, vd)
			return nil
		})
		if err == nil || !strings.Contains(err.Error(), "disk on fire") || !strings.Contains(err.Error(), "reading in") {
			t.Errorf("ndjson %v: error %v, want the read error with the input's name", ndjson, err)
		}
	}
}

func TestStreamLargeDocument(t *testing.T) {
	v := newValidator(t, validate.Options{MaxDocumentBytes: 64 << 20})
	big := `{"uid":"a","name":"A","status":"online","metadata":{"blob":"` + strings.Repeat("x", 50<<20) + `"}}`
	for _, in := range []string{big, okUser + "\n" + big + "\n" + badUser + "\n"} {
		vds := stream(t, v, validate.Input{Name: "in", R: io.MultiReader(strings.NewReader(in))})
		ok := 0
		for _, vd := range vds {
			if vd.OK() {
				ok++
			}
		}
		if ok < 1 || len(vds) != strings.Count(in, "\n")+boolInt(!strings.HasSuffix(in, "\n")) {
			t.Errorf("got %d verdicts (%d ok) for %d documents", len(vds), ok, strings.Count(in, "\n"))
		}
	}
}

// ndjsonIf is FormatNDJSON when ndjson is set, else FormatAuto.
func ndjsonIf(ndjson bool) validate.Format {
	if ndjson {
		return validate.FormatNDJSON
	}
	return validate.FormatAuto
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestStreamSyntaxErrorLine(t *testing.T) {
	v := newValidator(t, validate.Options{})
	// A malformed element is a verdict of its own; the elements after it
	// are still checked.
	in := "[\n" + okUser + ",\n{\n  \"uid\": \"b\",\n  \"name\" \"B\"\n},\n" + okUser + "\n]"
	vds := stream(t, v, validate.Input{Name: "in", R: strings.NewReader(in)})
	if got := summary(vds); got != "in:2[0] ok\nin:3[1] json\nin:7[2] ok" {
		t.Fatalf("got\n%s", got)
	}
	if msg := vds[1].Violations[0].Message; !strings.Contains(msg, "line 3 of the document") {
		t.Errorf("message %q", msg)
	}
	// Where the array's own commas break, the verdict says where, and the
	// element after it is still checked.
	in = "[\n" + okUser + "\n" + okUser + "\n]"
	vds = stream(t, v, validate.Input{Name: "in", R: strings.NewReader(in)})
	if got := summary(vds); got != "in:2[0] ok\nin:3 json\nin:3[1] ok" {
		t.Fatalf("got\n%s", got)
	}
	if msg := vds[1].Violations[0].Message; !strings.Contains(msg, "line 3") || !strings.Contains(msg, "after array element") || !strings.Contains(msg, "missing comma") {
		t.Errorf("message %q", msg)
	}
}
