package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccconform/ccconform/validate"
	"github.com/ccconform/ccconform/validate/report"
)

// TestReportFileHoldsNoTornLine reads the report file between verdicts, as
// tail -f does while a run goes on: the report's buffer writes blocks that
// end mid-line, and verdicts longer than the buffer, yet the file only
// ever ends at the end of a line.
func TestReportFileHoldsNoTornLine(t *testing.T) {
	for _, format := range []string{"text", "json", "github"} {
		name := filepath.Join(t.TempDir(), "report")
		f, err := createReport(name)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := report.New(format, f, report.Options{})
		if err != nil {
			t.Fatal(err)
		}
		sum := report.NewSummary()
		for i, size := range []int{100, 1500, 1500, 700, 6000, 1500, 9000, 300, 2500, 2500} {
			vd := validate.Verdict{Location: validate.Location{Source: "GET /v3/users", Index: i},
				Violations: []validate.Violation{{Pointer: "/status", Rule: "enum", Message: strings.Repeat("x", size) + " end"}}}
			sum.Add(vd)
			if err := rep.Verdict(vd); err != nil { // no Flush: the buffer writes when it is full
				t.Fatal(err)
			}
			b, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			if len(b) > 0 && b[len(b)-1] != '\n' {
				t.Fatalf("%s: after verdict %d the file ends in the middle of a line: ...%q", format, i, b[max(0, len(b)-40):])
			}
		}
		if err := rep.Close(sum); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(name)
		if n := strings.Count(string(b), " end"); n != 10 {
			t.Errorf("%s: %d of 10 verdicts in the closed report", format, n)
		}
	}
}

// TestLineWriterBoundsWhatItHolds: a line longer than maxHeldLine passes
// on in pieces, and Flush passes on the line begun.
func TestLineWriterBoundsWhatItHolds(t *testing.T) {
	var out bytes.Buffer
	l := &lineWriter{w: &out}
	piece := bytes.Repeat([]byte("y"), 4096)
	written := 0
	for written <= maxHeldLine+len(piece) {
		l.Write(piece)
		written += len(piece)
		if len(l.line) > maxHeldLine {
			t.Fatalf("holds %d bytes of a line, more than %d", len(l.line), maxHeldLine)
		}
	}
	if out.Len() == 0 {
		t.Fatal("nothing passed on of a line longer than the most held")
	}
	l.Write([]byte("end\nnext"))
	if !bytes.HasSuffix(out.Bytes(), []byte("end\n")) || out.Len() != written+4 {
		t.Errorf("%d bytes passed on, ending %q; want %d, to the newline", out.Len(), out.Bytes()[max(0, out.Len()-8):], written+4)
	}
	if err := l.Flush(); err != nil || out.Len() != written+8 || !bytes.HasSuffix(out.Bytes(), []byte("next")) {
		t.Errorf("Flush: %v, %d bytes; want the line begun passed on", err, out.Len())
	}
}
