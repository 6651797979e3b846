package report

import (
	"bufio"
	"fmt"
	"io"

	"github.com/ccconform/ccconform/validate"
)

const (
	red   = "\x1b[31m"
	green = "\x1b[32m"
	dim   = "\x1b[2m"
	bold  = "\x1b[1m"
	reset = "\x1b[0m"
)

// textWriter writes each invalid document's violations, then a summary.
type textWriter struct {
	w    io.Writer
	bw   *bufio.Writer
	opts Options
}

func (t *textWriter) c(code, s string) string {
	if !t.opts.Color {
		return s
	}
	return code + s + reset
}

func (t *textWriter) Verdict(v validate.Verdict) error {
	if t.bw == nil {
		t.bw = bufio.NewWriter(t.w)
	}
	if v.OK() {
		return nil
	}
	what := string(v.Kind)
	if what == "" {
		what = "document"
	}
	if v.Profile != "" {
		what += " (" + string(v.Profile) + ")"
	}
	fmt.Fprintf(t.bw, "%s: %s\n", t.c(bold, v.Location.String()), t.c(red, what))
	for _, x := range v.Violations {
		fmt.Fprintf(t.bw, "  %s\n", x.String())
	}
	return nil
}

func (t *textWriter) Close(s *Summary) error {
	if t.bw == nil {
		t.bw = bufio.NewWriter(t.w)
	}
	line := s.Line()
	if s.Invalid == 0 && s.Documents > 0 {
		line = t.c(green, line)
	} else if s.Invalid > 0 {
		line = t.c(red, line)
	}
	fmt.Fprintln(t.bw, line)
	if len(s.ByRule) > 0 {
		fmt.Fprintf(t.bw, "violations by rule: %s\n", counts(s.ByRule))
	}
	if len(s.ByKind) > 0 {
		fmt.Fprintf(t.bw, "documents by kind: %s\n", counts(s.ByKind))
	}
	if len(s.InvalidKind) > 0 {
		fmt.Fprintf(t.bw, "invalid by kind: %s\n", counts(s.InvalidKind))
	}
	if len(s.ByProfile) > 0 {
		fmt.Fprintf(t.bw, "checked as profile: %s\n", counts(s.ByProfile))
	}
	if s.Undocumented > 0 && !t.opts.Strict {
		fmt.Fprintf(t.bw, "%s\n", t.c(dim, fmt.Sprintf("%d undocumented fields allowed (run with --strict to report them)", s.Undocumented)))
	}
	return t.bw.Flush()
}
