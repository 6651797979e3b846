package validate_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/ccconform/ccconform/validate"
)

func TestStreamFormats(t *testing.T) {
	v := newValidator(t, validate.Options{})
	pretty := "{\n  \"uid\": \"a\",\n  \"name\": \"A\",\n  \"status\": \"online\"\n}\n"
	cases := []struct {
		format      validate.Format
		input, want string
	}{
		{validate.FormatNDJSON, okUser + "\n" + badUser + "\n", "in:1 ok\nin:2 enum"},
		// As NDJSON, a pretty-printed value is one broken document a line.
		{validate.FormatNDJSON, "{\n\"uid\":\"a\"}\n", "in:1 json\nin:2 json"},
		{validate.FormatJSON, pretty, "in:1 ok"},
		{validate.FormatJSON, "[" + okUser + "," + badUser + "]", "in:1[0] ok\nin:1[1] enum"},
		{validate.FormatJSON, okUser + "\n" + badUser, "in:1 ok\nin:2 json\nin:2 enum"},
		{validate.FormatArray, "[" + okUser + "]", "in:1[0] ok"},
		{validate.FormatArray, okUser, "in:1 json\nin:1 ok"},
		{validate.FormatArray, "[" + okUser + "]\n[" + badUser + "]", "in:1[0] ok\nin:2 json\nin:2[0] enum"},
		{validate.FormatConcat, pretty + pretty, "in:1 ok\nin:6 ok"},
		{validate.FormatConcat, okUser + badUser + okUser, "in:1 ok\nin:1 enum\nin:1 ok"},
		// Auto: a lone { starts a pretty-printed value.
		{validate.FormatAuto, pretty + pretty, "in:1 ok\nin:6 ok"},
	}
	for _, c := range cases {
		t.Run(c.format.String(), func(t *testing.T) {
			got := summary(stream(t, v, validate.Input{Name: "in", R: strings.NewReader(c.input), Format: c.format}))
			if got != c.want {
				t.Errorf("input %q as %s: got\n%s\nwant\n%s", c.input, c.format, got, c.want)
			}
		})
	}
	for _, name := range validate.Formats() {
		f, err := validate.ParseFormat(name)
		if err != nil || f.String() != name {
			t.Errorf("ParseFormat(%q) = %v, %v", name, f, err)
		}
	}
	if _, err := validate.ParseFormat("xml"); err == nil || !strings.Contains(err.Error(), "auto, ndjson, json, array, concat") {
		t.Errorf("ParseFormat(xml): %v", err)
	}
}

// TestStreamNoDocumentLost checks that a broken document never ends the
// documents after it, whatever the layout was taken for.
func TestStreamNoDocumentLost(t *testing.T) {
	v := newValidator(t, validate.Options{})
	var ok strings.Builder
	for i := 0; i < 1000; i++ {
		ok.WriteString(okUser + "\n")
	}
	bigUser := `{"uid":"a","name":"A","status":"online","metadata":{"blob":"` + strings.Repeat("x", 100<<10) + `"}}`
	cases := []struct{ name, input string }{
		// The first document is larger than the 64 KiB a reader buffers.
		{"a large first document", bigUser + "\n" + "{\"uid\": broken\n" + ok.String()},
		// Two broken lines first: no whole line among the first two.
		{"two broken first lines", "{\"uid\": \"a\",\n{\"uid\"\n" + ok.String()},
		// Four broken lines: read as values one after another, the input
		// ends inside the first, and reading starts again at the next
		// line that begins a value.
		{"four broken first lines", strings.Repeat("{\"uid\": \"a\",\n", 4) + ok.String()},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			vds := stream(t, v, validate.Input{Name: "-", R: strings.NewReader(c.input)})
			valid := 0
			for _, vd := range vds {
				if vd.OK() {
					valid++
				}
			}
			if valid < 1000 {
				t.Errorf("%d valid verdicts, want the 1000 documents after the broken ones; got\n%s", valid, summary(vds[:min(len(vds), 8)]))
			}
		})
	}
}

func TestStreamDocumentLimit(t *testing.T) {
	v := newValidator(t, validate.Options{MaxDocumentBytes: 1000})
	big := `{"uid":"b","name":"B","status":"online","metadata":{"n":[` + strings.Repeat("1,", 2000) + `1]}}`
	cases := []struct{ name, input, want string }{
		{"ndjson", okUser + "\n" + big + "\n" + badUser + "\n", "in:1 ok\nin:2 size\nin:3 enum"},
		{"ndjson past the buffer", okUser + "\n" + strings.Repeat(" ", 200<<10) + big + "\n" + badUser + "\n", "in:1 ok\nin:2 size\nin:3 enum"},
		{"array", "[" + okUser + ",\n" + big + ",\n" + badUser + "]", "in:1[0] ok\nin:2[1] size\nin:3[2] enum"},
		{"envelope", `{"data":[` + okUser + ",\n" + big + ",\n" + badUser + `],"meta":{}}`, "in:1[0] ok\nin:2[1] size\nin:3[2] enum"},
		{"values", "{\n\"uid\":\"a\",\"name\":\"A\",\"status\":\"online\"}\n" + big + "\n" + badUser, "in:1 ok\nin:3 size\nin:4 enum"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			vds := stream(t, v, validate.Input{Name: "in", R: strings.NewReader(c.input)})
			if got := summary(vds); got != c.want {
				t.Fatalf("got\n%s\nwant\n%s", got, c.want)
			}
			for _, vd := range vds {
				if !vd.OK() && vd.Violations[0].Rule == validate.RuleSize && !strings.Contains(vd.Violations[0].Message, "--max-document-bytes") {
					t.Errorf("message %q does not say how to check it", vd.Violations[0].Message)
				}
			}
		})
	}
	if _, err := validate.New(validate.Options{MaxDocumentBytes: validate.MaxDocumentBytesLimit + 1}); err == nil {
		t.Error("New took a document limit past MaxDocumentBytesLimit")
	}
}

func TestStreamEnvelope(t *testing.T) {
	v := newValidator(t, validate.Options{})
	meta := `"meta":{"pagination":{"total":2,"count":2,"per_page":100,"current_page":1,"total_pages":1}}`
	cases := []struct{ name, input, want string }{
		{"meta after", `{"data":[` + okUser + ",\n" + badUser + "]," + meta + "}", "in:1[0] ok\nin:2[1] enum"},
		{"meta before", "{" + meta + `,"data":[` + okUser + ",\n" + badUser + "]}", "in:1[0] ok\nin:2[1] enum"},
		{"pretty", "{\n  \"data\": [\n    " + okUser + ",\n    " + badUser + "\n  ],\n  " + meta + "\n}\n", "in:3[0] ok\nin:4[1] enum"},
		{"empty", "{\n\"data\": [], " + meta + "}", "in:2 json"},
		{"a key with escapes", `{"d\"ata":[1],"data":[` + okUser + `]}`, "in:1[0] ok"},
		// A document that has a data member is not an envelope.
		{"a user with data", `{"uid":"a","data":[1],"name":"A","status":"online"}`, "in:1 ok"},
		{"cut after data", "{\"data\":[" + okUser + "],\n\"meta\":{", "in:1[0] ok\nin:1 json"},
		{"envelope of one", `{"meta":{},"data":` + badUser + `}`, "in:1 enum"},
		{"two envelopes", `{"data":[` + okUser + `]}` + "\n\n" + `{"data":[` + badUser + `]}`, "in:1[0] ok\nin:3[0] enum"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, f := range []validate.Format{validate.FormatAuto, validate.FormatConcat} {
				if got := summary(stream(t, v, validate.Input{Name: "in", R: strings.NewReader(c.input), Format: f})); got != c.want {
					t.Errorf("%s: got\n%s\nwant\n%s", f, got, c.want)
				}
			}
		})
	}
}

// gate is a reader that gives its input up to a mark, then waits for the
// test to open it: a test can see what was emitted before the input ended.
type gate struct {
	r    io.Reader
	mark int64
	read int64
	open chan struct{}
}

func (g *gate) Read(p []byte) (int, error) {
	if g.read >= g.mark {
		<-g.open
	} else if left := g.mark - g.read; int64(len(p)) > left {
		p = p[:left]
	}
	n, err := g.r.Read(p)
	g.read += int64(n)
	return n, err
}

// TestStreamEnvelopeIsStreamed checks that an envelope's documents are
// checked as they come, not once the envelope has been read whole.
func TestStreamEnvelopeIsStreamed(t *testing.T) {
	v := newValidator(t, validate.Options{})
	var head strings.Builder
	head.WriteString(`{"meta":{"next":{}},"data":[`)
	for i := 0; i < 3000; i++ {
		head.WriteString(okUser + ",\n")
	}
	in := &gate{r: strings.NewReader(head.String() + okUser + `]}`), mark: int64(head.Len()), open: make(chan struct{})}
	seen := 0
	err := v.Stream(context.Background(), validate.Input{Name: "in", R: in}, func(vd validate.Verdict) error {
		if seen++; seen == 1000 {
			close(in.open) // a thousand verdicts before the envelope ended
		}
		return nil
	})
	if err != nil || seen != 3001 {
		t.Fatalf("%d verdicts, error %v", seen, err)
	}
}

// TestStreamAnswersAtOnce checks that each document of a live stream gets
// its verdict while the input waits for the next: the writer sends a
// document only once the one before it was answered.
func TestStreamAnswersAtOnce(t *testing.T) {
	v := newValidator(t, validate.Options{})
	pretty := "{\n  \"uid\": \"a\",\n  \"name\": \"A\",\n  \"status\": \"online\"\n}\n"
	layouts := []struct {
		name            string
		head, doc, tail string
		sep             string
		format          validate.Format
	}{
		{"ndjson", "", okUser + "\n", "", "", validate.FormatAuto},
		{"ndjson named", "", okUser + "\n", "", "", validate.FormatNDJSON},
		{"pretty values", "", pretty, "", "", validate.FormatAuto},
		{"array", "[\n", okUser, "]\n", ",\n", validate.FormatAuto},
	}
	for _, l := range layouts {
		t.Run(l.name, func(t *testing.T) {
			pr, pw := io.Pipe()
			got := make(chan validate.Verdict)
			errc := make(chan error, 1)
			go func() {
				errc <- v.Stream(context.Background(), validate.Input{Name: "-", R: pr, Format: l.format}, func(vd validate.Verdict) error {
					got <- vd
					return nil
				})
				close(got)
			}()
			io.WriteString(pw, l.head)
			for i := 0; i < 5; i++ {
				if i > 0 {
					io.WriteString(pw, l.sep)
				}
				io.WriteString(pw, l.doc)
				select {
				case vd := <-got:
					if !vd.OK() {
						t.Fatalf("document %d: %v", i, vd.Violations)
					}
				case <-time.After(20 * time.Second):
					t.Fatalf("no verdict for document %d while the input waits", i)
				}
			}
			io.WriteString(pw, l.tail)
			pw.Close()
			for range got {
			}
			if err := <-errc; err != nil {
				t.Fatal(err)
			}
		})
	}
}

// blocked is a reader that never answers.
type blocked struct{ ch chan struct{} }

func (b blocked) Read([]byte) (int, error) { <-b.ch; return 0, io.EOF }

func TestStreamCancelWhileReading(t *testing.T) {
	v := newValidator(t, validate.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	b := blocked{make(chan struct{})}
	defer close(b.ch)
	go func() {
		done <- v.Stream(ctx, validate.Input{Name: "-", R: b}, func(validate.Verdict) error { return nil })
	}()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("error %v, want context.Canceled", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Stream did not return when cancelled while its reader was blocked")
	}
}

// TestStreamWhiteSpace checks that white space between and around values
// costs neither memory nor a second reading: 64 MiB of blank lines through
// a pipe, in every layout.
func TestStreamWhiteSpace(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	v := newValidator(t, validate.Options{})
	blank := []byte(strings.Repeat("\n", 1<<20))
	for _, f := range []validate.Format{validate.FormatAuto, validate.FormatConcat, validate.FormatNDJSON} {
		pr, pw := io.Pipe()
		go func() {
			io.WriteString(pw, okUser)
			for i := 0; i < 64; i++ {
				pw.Write(blank)
			}
			io.WriteString(pw, badUser)
			pw.Close()
		}()
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		got := summary(stream(t, v, validate.Input{Name: "-", R: pr, Format: f}))
		runtime.ReadMemStats(&after)
		if want := fmt.Sprintf("-:1 ok\n-:%d enum", 64<<20+1); got != want {
			t.Errorf("%s: got\n%s\nwant\n%s", f, got, want)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 16<<20 {
			t.Errorf("%s: %d MiB allocated for 64 MiB of blank lines", f, alloc>>20)
		}
	}
}

// TestStreamUnclosedValues checks that values the input leaves open cost
// one pass, and that the documents after them are read: in memory, and
// past the document limit.
func TestStreamUnclosedValues(t *testing.T) {
	// 200,000 lines that each open an object and never close it: reading
	// again from each would take hours.
	v := newValidator(t, validate.Options{})
	vds := stream(t, v, validate.Input{Name: "in", R: strings.NewReader(strings.Repeat("{\n", 200000)), Format: validate.FormatConcat})
	if len(vds) != 200000 || vds[0].Violations[0].Rule != validate.RuleJSON {
		t.Fatalf("%d verdicts for 200,000 open values", len(vds))
	}

	// A truncated pretty-printed value larger than the limit, then NDJSON.
	small := newValidator(t, validate.Options{MaxDocumentBytes: 1024})
	var in strings.Builder
	in.WriteString("{\n  \"uid\": \"a\",\n  \"metadata\": {\"pad\": \"" + strings.Repeat("x", 4096) + "\",\n")
	for i := 0; i < 100; i++ {
		in.WriteString(okUser + "\n")
	}
	vds = stream(t, small, validate.Input{Name: "in", R: strings.NewReader(in.String()), Format: validate.FormatConcat})
	valid := 0
	for _, vd := range vds {
		if vd.OK() {
			valid++
		}
	}
	if valid != 100 || !strings.Contains(vds[0].Violations[0].Message, "over the limit of 1024 bytes, is not closed before line 4") {
		t.Fatalf("%d valid of 100 after an open value past the limit; first verdict %v", valid, vds[0].Violations)
	}
}

// TestStreamPointerEnvelope checks that --pointer sees an envelope whole,
// however it is laid out.
func TestStreamPointerEnvelope(t *testing.T) {
	v := newValidator(t, validate.Options{Pointer: "/data/0"})
	for _, in := range []string{
		`{"data":[` + okUser + `],"meta":{}}`,
		"{\n  \"data\": [\n    " + okUser + "\n  ],\n  \"meta\": {}\n}\n",
	} {
		if got := summary(stream(t, v, validate.Input{Name: "in", R: strings.NewReader(in)})); got != "in:1 ok" {
			t.Errorf("%q: got %s", in, got)
		}
	}
}

// TestStreamLineSize checks that an NDJSON document's size leaves out its
// line ending and the white space around it, as in every other layout.
func TestStreamLineSize(t *testing.T) {
	v := newValidator(t, validate.Options{MaxDocumentBytes: len(okUser)})
	in := "  " + okUser + " \r\n" + strings.Repeat(" ", 100<<10) + "\n" + badUser + "\n"
	if got := summary(stream(t, v, validate.Input{Name: "in", R: strings.NewReader(in), Format: validate.FormatNDJSON})); got != "in:1 ok\nin:3 enum" {
		t.Fatalf("got\n%s", got)
	}
}
