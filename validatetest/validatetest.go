// Package validatetest checks CometChat payloads in Go tests: Conforms fails
// a test with one line per violation, for services that emit the model and
// want it checked where they are tested.
//
// It is apart from package validate, as net/http/httptest is apart from
// net/http, so that programs that check payloads in production do not link
// package testing.
package validatetest

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/ccconform/ccconform/validate"
)

var defaultValidator = sync.OnceValues(func() (*validate.Validator, error) { return validate.New(validate.Options{}) })

// Conforms reports whether every document in data conforms to the model, and
// otherwise fails tb with an error for each document that does not, one line
// per violation. data holds documents in any layout validate.Validator.Stream
// reads: one object, an array, NDJSON or a REST envelope. The options are the
// defaults: kind and profile detected for each document, undocumented fields
// allowed.
//
//	validatetest.Conforms(t, body)
func Conforms(tb testing.TB, data []byte) bool {
	tb.Helper()
	v, err := defaultValidator()
	if err != nil {
		tb.Fatal(err)
		return false
	}
	return ConformsTo(tb, v, data)
}

// ConformsTo is Conforms with a Validator of the caller's options, such as
// one that is strict about undocumented fields or checks a team's own
// custom message schemas.
func ConformsTo(tb testing.TB, v *validate.Validator, data []byte) bool {
	tb.Helper()
	ok := true
	for _, vd := range v.Bytes(data) {
		if vd.OK() {
			continue
		}
		ok = false
		var b strings.Builder
		what := "its kind not told"
		if vd.Kind != "" {
			what = string(vd.Kind)
			if vd.Profile != "" {
				what += ", " + string(vd.Profile) + " profile"
			}
		}
		fmt.Fprintf(&b, "document %s (%s) does not conform:", where(vd.Location), what)
		for _, x := range vd.Violations {
			b.WriteString("\n\t" + x.String())
		}
		tb.Error(b.String())
	}
	return ok
}

// where names a document within data: its index in an array or envelope,
// else its line.
func where(l validate.Location) string {
	if l.Index >= 0 {
		return fmt.Sprintf("[%d]", l.Index)
	}
	if l.Line > 0 {
		return fmt.Sprintf("at line %d", l.Line)
	}
	return "in the input"
}
