package validate_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/ccconform/ccconform/validate"
)

func TestLocationJSON(t *testing.T) {
	for _, c := range []struct {
		loc  validate.Location
		want string
	}{
		{validate.Location{Source: "a&b.ndjson", Line: 2, Index: -1}, `{"source":"a&b.ndjson","line":2}`},
		{validate.Location{Source: "users.json", Line: 1, Index: 0}, `{"source":"users.json","line":1,"index":0}`},
		{validate.Location{Source: "http://127.0.0.1:8686/v3/users?page=2&perPage=6", Line: 1, Index: 3, Page: 2},
			`{"source":"http://127.0.0.1:8686/v3/users?page=2&perPage=6","line":1,"index":3,"page":2}`},
		{validate.Location{Source: "-", Index: -1, Page: 1}, `{"source":"-","page":1}`},
	} {
		// As the JSON report writes it: HTML characters as they are.
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(validate.Verdict{Location: c.loc}); err != nil {
			t.Fatal(err)
		}
		b := buf.Bytes()
		var got struct {
			Location json.RawMessage `json:"location"`
		}
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatal(err)
		}
		if string(got.Location) != c.want {
			t.Errorf("%#v\n got %s\nwant %s", c.loc, got.Location, c.want)
		}
		var back validate.Verdict
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if back.Location != c.loc {
			t.Errorf("%s reads back as %#v, want %#v", b, back.Location, c.loc)
		}
	}
}

// TestLocationJSONEscapes checks sources that need escaping against what
// encoding/json writes for the same fields.
func TestLocationJSONEscapes(t *testing.T) {
	type mirror struct {
		Source string `json:"source"`
		Line   int    `json:"line,omitempty"`
		Index  *int   `json:"index,omitempty"`
		Page   int    `json:"page,omitempty"`
	}
	two := 2
	for _, src := range []string{`dir/"quoted"\evil.json`, "a\nforged\x1b[31m.ndjson", "payloads/ünïcode ✓.json", "bad\xffutf8", "line\u2028sep", "<b>&amp;</b>"} {
		for _, escapeHTML := range []bool{false, true} {
			encode := func(v any) string {
				var buf bytes.Buffer
				enc := json.NewEncoder(&buf)
				enc.SetEscapeHTML(escapeHTML)
				if err := enc.Encode(v); err != nil {
					t.Fatal(err)
				}
				return buf.String()
			}
			got := encode(validate.Location{Source: src, Line: 3, Index: 2})
			if want := encode(mirror{Source: src, Line: 3, Index: &two}); got != want {
				t.Errorf("escapeHTML %v:\n got %s\nwant %s", escapeHTML, got, want)
			}
		}
	}
}
