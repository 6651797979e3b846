package report

import (
	"bufio"
	"encoding/json"
	"io"

	"github.com/ccconform/ccconform/validate"
)

// jsonWriter writes one JSON object per document (per failing one, with
// Options.FailuresOnly) on its own line, then a line {"summary": ...}.
type jsonWriter struct {
	bw           *bufio.Writer
	enc          *json.Encoder
	failuresOnly bool
	line         []byte // the line of a conforming document, reused
}

func newJSONWriter(w io.Writer, opts Options) *jsonWriter {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	return &jsonWriter{bw: bw, enc: enc, failuresOnly: opts.FailuresOnly}
}

// jsonVerdict is a verdict with its conformance spelled out, and violations
// written as [] rather than null.
type jsonVerdict struct {
	validate.Verdict
	Valid bool `json:"valid"`
}

func (j *jsonWriter) Verdict(v validate.Verdict) error {
	if j.failuresOnly && v.OK() {
		return nil
	}
	if v.OK() && len(v.Undocumented) == 0 && len(v.Suppressed) == 0 && v.Trigger == "" && v.Note == "" && plainName(string(v.Kind)) && plainName(string(v.Profile)) {
		// Most documents conform: their line is written directly, the
		// same bytes the encoder writes, without its reflection.
		loc, err := v.Location.MarshalJSON()
		if err != nil {
			return err
		}
		b := append(j.line[:0], `{"location":`...)
		b = append(b, loc...)
		if v.Kind != "" {
			b = append(append(append(b, `,"kind":"`...), v.Kind...), '"')
		}
		if v.Profile != "" {
			b = append(append(append(b, `,"profile":"`...), v.Profile...), '"')
		}
		b = append(b, `,"violations":[],"valid":true}`+"\n"...)
		j.line = b
		_, err = j.bw.Write(b)
		return err
	}
	if v.Violations == nil {
		v.Violations = []validate.Violation{}
	}
	return j.enc.Encode(jsonVerdict{v, v.OK()})
}

// plainName reports whether s needs no escaping in a JSON string: kinds
// and profiles are identifiers.
func plainName(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

func (j *jsonWriter) Close(s *Summary) error {
	if err := j.enc.Encode(struct {
		Summary *Summary `json:"summary"`
	}{s}); err != nil {
		return err
	}
	return j.bw.Flush()
}
