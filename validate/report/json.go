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
	if v.Violations == nil {
		v.Violations = []validate.Violation{}
	}
	return j.enc.Encode(jsonVerdict{v, v.OK()})
}

func (j *jsonWriter) Close(s *Summary) error {
	if err := j.enc.Encode(struct {
		Summary *Summary `json:"summary"`
	}{s}); err != nil {
		return err
	}
	return j.bw.Flush()
}
