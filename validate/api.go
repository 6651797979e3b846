package validate

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// Bytes checks every document in data, in any layout Stream reads, and
// returns the verdicts in order. Locations name the source "bytes".
func (v *Validator) Bytes(data []byte) []Verdict {
	var out []Verdict
	_ = v.Stream(context.Background(), Input{Name: "bytes", R: bytes.NewReader(data)}, func(vd Verdict) error {
		out = append(out, vd)
		return nil
	})
	return out
}

// Response checks the documents of an HTTP response's body, REST
// envelopes unwrapped, and closes the body. Locations name the request's
// URL. A body that cannot be read is an error; malformed JSON is a verdict.
func (v *Validator) Response(resp *http.Response) ([]Verdict, error) {
	defer resp.Body.Close()
	name := "response"
	if resp.Request != nil && resp.Request.URL != nil {
		u := *resp.Request.URL
		u.User = nil
		name = u.String()
	}
	var out []Verdict
	err := v.Stream(context.Background(), Input{Name: name, R: resp.Body}, func(vd Verdict) error {
		out = append(out, vd)
		return nil
	})
	return out, err
}

// Conforms reports whether every document in data conforms, and otherwise
// fails tb with one line per violation. It is for the tests of services that
// emit CometChat payloads:
//
//	validate.Conforms(t, body)
func (v *Validator) Conforms(tb testing.TB, data []byte) bool {
	tb.Helper()
	ok := true
	for _, vd := range v.Bytes(data) {
		if vd.OK() {
			continue
		}
		ok = false
		var b strings.Builder
		fmt.Fprintf(&b, "document %s (%s, %s profile) does not conform:", where(vd.Location), vd.Kind, vd.Profile)
		for _, x := range vd.Violations {
			b.WriteString("\n\t" + x.String())
		}
		tb.Error(b.String())
	}
	return ok
}

func where(l Location) string {
	if l.Index >= 0 {
		return fmt.Sprintf("[%d]", l.Index)
	}
	return fmt.Sprintf("at line %d", l.Line)
}

var defaultValidator = sync.OnceValues(func() (*Validator, error) { return New(Options{}) })

// Conforms checks data with the default options (kind and profile detected,
// undocumented fields allowed), as Validator.Conforms does.
func Conforms(tb testing.TB, data []byte) bool {
	tb.Helper()
	v, err := defaultValidator()
	if err != nil {
		tb.Fatal(err)
	}
	return v.Conforms(tb, data)
}
