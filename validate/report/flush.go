package report

// The formats read line by line (text, json, github) write each verdict
// through a buffer; Flush empties it, so that a live stream's verdicts are
// seen as they come. JUnit, SARIF and HTML are one document each, written
// whole by Close: for them Flush does nothing.

// Flush writes the verdicts held in the text format's buffer.
func (t *textWriter) Flush() error {
	if t.bw == nil {
		return nil
	}
	return t.bw.Flush()
}

// Flush writes the annotations held in the buffer.
func (g *githubWriter) Flush() error {
	if g.bw == nil {
		return nil
	}
	return g.bw.Flush()
}

// Flush writes the lines held in the buffer.
func (j *jsonWriter) Flush() error { return j.bw.Flush() }

// Flush does nothing: the XML is written by Close.
func (j *junitWriter) Flush() error { return nil }

// Flush does nothing: the log is written by Close.
func (s *sarifWriter) Flush() error { return nil }

// Flush does nothing: the page is written by Close.
func (h *htmlWriter) Flush() error { return nil }
