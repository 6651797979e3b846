package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/ccconform/ccconform/validate"
)

// wholeLog writes the log of vds as one JSON value built in memory: what
// the spooled writer must write, byte for byte.
func wholeLog(t *testing.T, vds []validate.Verdict, sum *Summary) []byte {
	t.Helper()
	s := &sarifWriter{rules: map[string]bool{}}
	results := []sarifResult{}
	for _, v := range vds {
		for _, r := range sarifResults(v) {
			s.rules[r.RuleID] = true
			results = append(results, r)
		}
	}
	var raw bytes.Buffer
	enc := json.NewEncoder(&raw)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(results); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	enc = json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s.log(sum, bytes.TrimSpace(raw.Bytes()))); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func TestSARIFSpoolWritesTheWholeLog(t *testing.T) {
	v, err := validate.New(validate.Options{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	in := `{"uid":"a","name":"A","status":"online"}
{"uid":"<b>&","name":"B","status":"away, 100%"}
{"uid": oops}
{"uid":"c","name":"C","status":"online","x\u001b]0;title\u0007\nforged":1}
{"guid":"g","name":"G","type":"public","createdAt":1,"password":"p"}
`
	for name, vds := range map[string][]validate.Verdict{
		"mixed":     v.Bytes([]byte(in)),
		"all valid": v.Bytes([]byte(`{"uid":"a","name":"A","status":"online"}`)),
		"none":      nil,
	} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			w, err := New("sarif", &buf, Options{})
			if err != nil {
				t.Fatal(err)
			}
			sum := NewSummary()
			for _, vd := range vds {
				sum.Add(vd)
				if err := w.Verdict(vd); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Close(sum); err != nil {
				t.Fatal(err)
			}
			if want := wholeLog(t, vds, sum); !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("the spooled log differs from the whole one:\n%s\nwant\n%s", buf.Bytes(), want)
			}
			if name == "mixed" && !strings.Contains(buf.String(), `"ruleId": "unknown-field"`) {
				t.Errorf("no unknown-field result:\n%s", buf.Bytes())
			}
		})
	}
}
