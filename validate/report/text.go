package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

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
	if v.Trigger != "" {
		what += " " + v.Trigger
	}
	if v.Profile != "" {
		what += " (" + string(v.Profile) + ")"
	}
	fmt.Fprintf(t.bw, "%s: %s\n", t.c(bold, visible(v.Location.String())), t.c(red, visible(what)))
	for _, x := range v.Violations {
		fmt.Fprintf(t.bw, "  %s\n", visible(x.String()))
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
	if len(s.Suppressed) > 0 {
		fmt.Fprintf(t.bw, "suppressed by rule (--disable, ignore): %s\n", counts(s.Suppressed))
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
	if s.Coverage != nil {
		t.coverage(*s.Coverage)
	}
	if s.Interrupted {
		fmt.Fprintln(t.bw, t.c(red, "interrupted: the report is partial"))
	}
	return t.bw.Flush()
}

// coverage writes what the documents held: per kind, the share of
// optional fields and enum values seen, the undocumented fields; per part
// of a webhook trigger, the fields it never had that its kind had in other
// deliveries (PartGaps); then everything never seen.
func (t *textWriter) coverage(r validate.CoverageReport) {
	fmt.Fprintln(t.bw, "\ncoverage:")
	for _, k := range r.Kinds {
		fields, seen := 0, 0
		for _, f := range k.Fields {
			fields++
			if f.Count > 0 {
				seen++
			}
		}
		values, valuesSeen := 0, 0
		for _, e := range k.Enums {
			for _, v := range e.Values {
				if v.Documented {
					values++
					if v.Count > 0 {
						valuesSeen++
					}
				}
			}
		}
		what := "documents"
		if k.In == validate.InWebhook {
			what = "entities"
		}
		fmt.Fprintf(t.bw, "  %s: %d %s; %d of %d documented fields seen, %d of %d enum values\n",
			k.Title(), k.Documents, what, seen, fields, valuesSeen, values)
		for _, d := range k.Undocumented {
			fmt.Fprintf(t.bw, "    undocumented %s: %d times, first at %s\n", visible(validate.ShortenPointer(d.Pointer)), d.Count, visible(d.Sample))
		}
		if k.UndocumentedOther > 0 {
			fmt.Fprintf(t.bw, "    undocumented at other paths: %d times (not listed: the list stops at %d paths)\n", k.UndocumentedOther, validate.MaxUndocumentedPaths)
		}
	}
	var pairs []string
	for _, p := range r.Pairs {
		pairs = append(pairs, fmt.Sprintf("%s %d", visible(validate.Shorten(p.Name)), p.Count))
	}
	if len(pairs) > 0 {
		fmt.Fprintf(t.bw, "  category/type: %s\n", strings.Join(pairs, ", "))
	}
	var triggers []string
	for _, tr := range r.Triggers {
		triggers = append(triggers, fmt.Sprintf("%s %d", visible(validate.Shorten(tr.Name)), tr.Count))
	}
	if len(triggers) > 0 {
		fmt.Fprintf(t.bw, "  webhook triggers: %s\n", strings.Join(triggers, ", "))
	}
	if len(r.Parts) > 0 {
		gaps := r.PartGaps()
		fmt.Fprintf(t.bw, "  webhook parts: %d seen (trigger, part and kind), %d without fields that other triggers' entities at the same place had at times\n", len(r.Parts), len(gaps))
		for _, g := range gaps {
			fmt.Fprintf(t.bw, "    %s: %d entities; never seen %s, which other triggers' %s entities at %s had at times\n",
				visible(g.Title()), g.Entities, strings.Join(g.Missing, " "), g.Kind, visible(g.Part))
		}
	}
	if never := r.NeverSeen(); len(never) > 0 {
		fmt.Fprintf(t.bw, "never seen (%d):\n", len(never))
		for _, n := range never {
			fmt.Fprintf(t.bw, "  %s\n", visible(n))
		}
	}
}
