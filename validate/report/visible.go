package report

import "github.com/ccconform/ccconform/internal/escape"

// visible escapes what a terminal, a log viewer or a browser would act on in
// text that may come from a payload; see escape.Visible.
func visible(s string) string { return escape.Visible(s) }
