package validate

import (
	"bytes"
	"context"
	"net/http"
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
